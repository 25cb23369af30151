"""The rule catalogue, one module per area; backfill_codegen.diagnostics.registry joins them.

Each rule is a module constant named for it (`UNKNOWN_KEY = Rule("BF102", "unknown-key", ...)`)
that its producer passes by value (`Finding(UNKNOWN_KEY, ...)`, `make_diagnostic(RULE, ...)`);
each area module's docstring names its producer.
"""

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
