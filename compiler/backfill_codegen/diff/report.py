"""One pair of manifests compared, as diagnostics: changes, acknowledged ones, stale entries."""

from __future__ import annotations

from typing import Any

from backfill_codegen.diagnostics.model import Diagnostic, Severity
from backfill_codegen.diff import acknowledge, settings, surface
from backfill_codegen.diff.change import Change, to_diagnostic
from backfill_codegen.diff.load import Pair
from backfill_codegen.domain.settings_schema import SETTINGS_PATH
from backfill_codegen.rules import diff as rules


def changes(pair: Pair) -> list[Change]:
    """Every change of `pair` a rule names (both sides checked without errors)."""
    old, new = pair.old.manifest, pair.new.manifest
    found = list(surface.compare(old, new))
    before, after = surface.get(old, SETTINGS_PATH), surface.get(new, SETTINGS_PATH)
    if isinstance(before, dict) and isinstance(after, dict):
        found.extend(settings.compare(before, after))
    elif isinstance(before, dict):
        found.extend(settings.compare(before, {"type": "object", "properties": {}}))
    return found


def diagnostics(pair: Pair, found: list[Change]) -> list[Diagnostic]:
    """The changes as diagnostics; those acknowledged beside the new manifest as BF830."""
    assert pair.old.document is not None and pair.new.document is not None
    acks = acknowledge.read(pair.new.path)
    out, used = list(acks.diagnostics), set()
    for change in found:
        entry = acks.find(change) if change.rule.severity == Severity.ERROR else None
        if entry is None:
            out.append(to_diagnostic(change, pair.old.document, pair.new.document))
            continue
        used.add(entry.index)
        acknowledged = _acknowledged(change, entry.reason)
        out.append(
            to_diagnostic(
                acknowledged,
                pair.old.document,
                pair.new.document,
                rules.ACKNOWLEDGED_BREAKING_CHANGE,
            )
        )
    out.extend(acks.stale(used))
    return sorted(out, key=Diagnostic.sort_key)


def _acknowledged(change: Change, reason: Any) -> Change:
    return Change(
        change.rule,
        f"acknowledged {change.rule.code} ({change.rule.name}): {change.message} "
        f"(reason: {reason})",
        change.side,
        change.path,
        change.help,
        change.counter_example,
    )
