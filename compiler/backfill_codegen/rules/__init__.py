"""The rule catalogue, one module per area; backfill_codegen.diagnostics.registry joins them."""

from backfill_codegen.rules import (
    diff,
    generable,
    manifest,
    oauth,
    patterns,
    permissions,
    route_files,
    routes,
    settings,
    setup,
    source,
)

AREAS = (
    source.RULES,
    manifest.RULES,
    routes.RULES,
    setup.RULES,
    settings.RULES,
    generable.RULES,
    oauth.RULES,
    patterns.RULES,
    permissions.RULES,
    route_files.RULES,
    diff.RULES,
)
