"""The rule catalogue, one module per area; compiler.diagnostics.registry joins them."""

from compiler.rules import (
    manifest,
    oauth,
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
    oauth.RULES,
    permissions.RULES,
    route_files.RULES,
)
