"""Semantic rules, one module per area; each exports CHECKS."""

from backfill_codegen.checks import (
    budgets,
    generable,
    oauth,
    patterns,
    permissions,
    project,
    routes,
    settings,
    setup,
)
from backfill_codegen.checks.base import Check

ALL_CHECKS: tuple[Check, ...] = (
    *project.CHECKS,
    *routes.CHECKS,
    *setup.CHECKS,
    *settings.CHECKS,
    *generable.CHECKS,
    *patterns.CHECKS,
    *budgets.CHECKS,
    *oauth.CHECKS,
    *permissions.CHECKS,
)
