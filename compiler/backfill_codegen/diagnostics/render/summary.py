"""The closing line of the human formats: `Found 2 errors and 1 warning.`"""

from __future__ import annotations

from collections.abc import Sequence

from backfill_codegen.diagnostics.model import Diagnostic, Severity


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def summary_line(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity == Severity.ERROR)
    warnings = len(diagnostics) - errors
    if not diagnostics:
        return "All checks passed."
    parts = []
    if errors:
        parts.append(_count(errors, "error"))
    if warnings:
        parts.append(_count(warnings, "warning"))
    return f"Found {' and '.join(parts)}."
