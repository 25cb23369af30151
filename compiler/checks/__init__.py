"""Semantic rules, one module per area; each exports CHECKS."""

from compiler.checks import oauth, permissions, project, routes, settings, setup
from compiler.checks.base import Check

ALL_CHECKS: tuple[Check, ...] = (
    *project.CHECKS,
    *routes.CHECKS,
    *setup.CHECKS,
    *settings.CHECKS,
    *oauth.CHECKS,
    *permissions.CHECKS,
)
