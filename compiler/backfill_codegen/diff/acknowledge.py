"""`breaking-changes.yaml` beside the new manifest: intended breaks, acknowledged one by one.

Each entry names a rule code, a JSON pointer into the manifest and a reason:

    - rule: BF820
      path: /name
      reason: renamed for the v2 launch; tenants reinstall

A breaking change whose code is the entry's and whose pointer is the entry's path (or lies
under it) is reported as acknowledged (BF830, a warning, with the reason) instead of failing;
an entry that matches no change is stale (BF831). The file is read with the YAML front end, so
its diagnostics point at the entry's line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from backfill_codegen.diagnostics.model import Diagnostic, Label, Pointer
from backfill_codegen.diagnostics.registry import make_diagnostic
from backfill_codegen.diff.change import Change
from backfill_codegen.frontends.base import LocatedDocument
from backfill_codegen.pipeline import parse, read_source
from backfill_codegen.rules import diff as rules
from backfill_codegen.source import Span
from backfill_codegen.workspace import display_path

FILE_NAME = "breaking-changes.yaml"
_EXAMPLE = rules.CONNECTOR_RENAMED.code


@dataclass(frozen=True)
class Entry:
    rule: str
    path: str
    reason: str
    index: int


@dataclass
class Acknowledgements:
    entries: list[Entry]
    document: LocatedDocument | None
    diagnostics: list[Diagnostic]

    def find(self, change: Change) -> Entry | None:
        for entry in self.entries:
            inside = change.pointer == entry.path or change.pointer.startswith(entry.path + "/")
            if entry.rule == change.rule.code and inside:
                return entry
        return None

    def stale(self, used: set[int]) -> list[Diagnostic]:
        assert self.document is not None or not self.entries
        return [
            make_diagnostic(
                rules.STALE_ACKNOWLEDGEMENT,
                f"`{entry.rule}` at `{entry.path}` matches no breaking change",
                Label(self.document.source, self.document.span(Pointer((entry.index,)))),
                help="remove the entry: the change it acknowledged is gone",
            )
            for entry in self.entries
            if entry.index not in used and self.document is not None
        ]


def read(manifest: Path) -> Acknowledgements:
    """The acknowledgements beside `manifest` (none when there is no file)."""
    path = manifest.parent / FILE_NAME
    if not path.is_file():
        return Acknowledgements([], None, [])
    source, problems = read_source(path, display_path(path))
    if problems:
        return Acknowledgements([], None, problems)
    parsed = parse(source, ".yaml")
    document = parsed.document
    if document is None:
        return Acknowledgements([], None, list(parsed.diagnostics))
    entries, bad = _entries(document)
    return Acknowledgements(entries, document, bad)


def _entries(document: LocatedDocument) -> tuple[list[Entry], list[Diagnostic]]:
    value = document.value
    if value is None:
        return [], []
    items: Sequence[object] = value if isinstance(value, list) else [value]
    entries, bad = [], []
    for index, item in enumerate(items):
        fields = item if isinstance(item, dict) else {}
        rule, path, reason = (fields.get(k) for k in ("rule", "path", "reason"))
        if (
            not isinstance(value, list)
            or not all(isinstance(v, str) for v in (rule, path, reason))
            or not str(reason).strip()
            or not str(path).startswith("/")
        ):
            where = Pointer((index,)) if isinstance(value, list) else Pointer(())
            span = document.span(where) if document.source.text else Span(0, 0)
            bad.append(
                make_diagnostic(
                    rules.INVALID_ACKNOWLEDGEMENTS,
                    "an entry needs `rule` (a code), `path` (a JSON pointer starting `/`) and "
                    "a non-empty `reason`",
                    Label(document.source, span),
                    help=f"write `- {{ rule: {_EXAMPLE}, path: /name, reason: why it is wanted }}`",
                )
            )
            continue
        entries.append(Entry(str(rule).upper(), str(path).rstrip("/") or "/", str(reason), index))
    return entries, bad
