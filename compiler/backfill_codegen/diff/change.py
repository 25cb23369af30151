"""What `diff` found, located by path in one of the two manifests, and its diagnostic."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from backfill_codegen.diagnostics.model import Diagnostic, JsonPath, Label, Pointer, Rule
from backfill_codegen.diagnostics.registry import make_diagnostic
from backfill_codegen.frontends.base import LocatedDocument

#: Which manifest a change points into: NEW for what the new version does, OLD for a removal.
Side = Literal["old", "new"]
NO_EXAMPLE = object()


@dataclass(frozen=True)
class Change:
    rule: Rule
    message: str
    side: Side
    path: JsonPath  # in that side's manifest
    help: str
    #: A stored settings object the old schema accepts and the new one rejects (secrets masked).
    counter_example: Any = NO_EXAMPLE

    @property
    def pointer(self) -> str:
        """The change's JSON pointer in its manifest: what `breaking-changes.yaml` names."""
        return "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in self.path)

    @property
    def text(self) -> str:
        if self.counter_example is NO_EXAMPLE:
            return self.message
        shown = json.dumps(self.counter_example, sort_keys=True, ensure_ascii=False)
        return f"{self.message}; stored settings valid before and rejected now: {shown}"


def locate(document: LocatedDocument, path: JsonPath) -> Label:
    """The deepest existing node of `path` (a removed key points at its parent)."""
    value: Any = document.value
    kept: list[str | int] = []
    for step in path:
        if (isinstance(value, dict) and step in value) or (
            isinstance(value, list) and isinstance(step, int) and step < len(value)
        ):
            value = value[step]
        else:
            break
        kept.append(step)
    part = "key" if kept and isinstance(kept[-1], str) else "value"
    return Label(document.source, document.span(Pointer(tuple(kept), part)))


def to_diagnostic(
    change: Change, old: LocatedDocument, new: LocatedDocument, rule: Rule | None = None
) -> Diagnostic:
    """The change's diagnostic, at its line in its manifest. `rule` overrides the change's own
    (an acknowledged change is reported under BF830, with its own code in the message)."""
    label = locate(old if change.side == "old" else new, change.path)
    if rule is None:
        return make_diagnostic(change.rule, change.text, label, help=change.help)
    return make_diagnostic(rule, change.text, label, help=change.help)
