"""THE rule registry: every diagnostic code the compiler can emit, in one table.

Each area keeps its rules in `backfill_codegen/rules/<area>.py`; this module joins them and refuses
duplicates. Asking for an unknown code raises KeyError: that is a bug in the compiler, and the
test suite makes it fail loudly.
"""

from __future__ import annotations

from functools import cache

from backfill_codegen.diagnostics.model import Diagnostic, Label, Rule

__all__ = ["Rule", "all_rules", "find_rule", "make_diagnostic", "rule"]


@cache
def all_rules() -> dict[str, Rule]:
    # start-up: the catalogue loads when a diagnostic is made, never for a clean manifest
    from backfill_codegen.rules import AREAS

    table: dict[str, Rule] = {}
    for area in AREAS:
        for item in area:
            if item.code in table:
                raise ValueError(f"duplicate rule code {item.code}")
            table[item.code] = item
    return dict(sorted(table.items()))


def rule(code: str) -> Rule:
    return all_rules()[code]


def find_rule(code_or_name: str) -> Rule | None:
    wanted = code_or_name.strip()
    for item in all_rules().values():
        if wanted.upper() == item.code or wanted.lower() == item.name:
            return item
    return None


def make_diagnostic(
    rule: Rule,
    message: str,
    primary: Label | None,
    *,
    secondary: tuple[Label, ...] = (),
    help: str | None = None,
) -> Diagnostic:
    """A Diagnostic with its rule's code and severity."""
    return Diagnostic(rule.code, rule.severity, message, primary, secondary, help)
