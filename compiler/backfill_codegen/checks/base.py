"""What a semantic check is: the paths it reads, and a function from the manifest to findings.

The pipeline runs a check only when no structural error (missing key, wrong type, unknown key)
lies on or under any path it reads, so a check may trust the *shape* the model promises there:
`connection.oauth`, when present, is an object with the model's keys and types. The inside of
`settingsSchema` is arbitrary JSON and must be read defensively.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from backfill_codegen.diagnostics.model import Finding, JsonPath, Rule, Severity

Manifest = Mapping[str, Any]


@dataclass(frozen=True)
class Check:
    """A semantic check: `run` reads only under `reads` and reports only the rules it `emits`
    (tests/rules/test_check_emits.py holds it to that), so `--select`/`--ignore` can skip a
    check whose rules are all deselected without running it."""

    name: str
    reads: tuple[JsonPath, ...]
    run: Callable[[Manifest], Iterable[Finding]]
    emits: tuple[Rule, ...] = field(kw_only=True)

    @property
    def may_fail(self) -> bool:
        """Whether it can report an error (an error's path keeps route files from being compared
        with that part of the manifest, so such a check runs whenever route files are read)."""
        return any(rule.severity == Severity.ERROR for rule in self.emits)


def get_path(value: Any, path: JsonPath) -> Any:
    """The value at `path`, or None when any step is missing."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list) or not 0 <= step < len(value):
                return None
        elif not isinstance(value, Mapping) or step not in value:
            return None
        value = value[step]
    return value
