"""Diagnostics as values: what a stage found, where, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from backfill_codegen.source import SourceFile, Span

#: A path into the manifest's value tree: object keys and array indices, like a JSON pointer.
JsonPath = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    """One entry of the rule catalogue (rules/<area>.py; diagnostics/registry.py joins them)."""

    code: str  # stable, e.g. "BF102"
    name: str  # kebab-case, e.g. "unknown-key"
    severity: Severity
    summary: str  # one line
    explanation: str  # why the rule exists and how to fix it (Markdown)
    bad: str  # a manifest fragment that triggers it
    good: str  # the same fragment, fixed
    #: What `check --fix` does about it (backfill_codegen/fixes/); empty: no safe fix.
    fix: str = ""


@dataclass(frozen=True)
class Label:
    """A span in a source file, with an optional note ("first defined here")."""

    source: SourceFile
    span: Span
    message: str = ""


@dataclass(frozen=True)
class Diagnostic:
    """One problem, located. `code` and `severity` are its rule's (registry.make_diagnostic); the
    code stays a string so JSON and SARIF output, and pickling between workers, stay plain."""

    code: str
    severity: Severity
    message: str
    primary: Label | None
    secondary: tuple[Label, ...] = ()
    help: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        if self.primary is None:
            return ("", 0, 0, self.code, self.message)
        return (
            self.primary.source.path,
            self.primary.span.start,
            self.primary.span.end,
            self.code,
            self.message,
        )


@dataclass(frozen=True)
class Pointer:
    """A place in the manifest named by path: the key itself, or the value under it."""

    path: JsonPath
    #: "start" is the value's first character: an object that lacks a key, without its body.
    part: Literal["key", "value", "start"] = "value"
    message: str = ""
    #: Character range inside a string value, to point at one token of it; None for the whole value.
    within: tuple[int, int] | None = None


@dataclass(frozen=True)
class Finding:
    """What a semantic rule reports: located by path; the pipeline turns it into a Diagnostic."""

    rule: Rule
    message: str
    at: Pointer
    related: tuple[Pointer, ...] = field(default=())
    help: str | None = None
    #: The path whose value this finding explains (a misspelt key: the key it meant), so the
    #: diagnostics derived from that value's absence are not reported too (derived.py).
    explains: JsonPath | None = None
    #: The string at `explains` as meant (a misspelt `<token>` corrected); None for a key.
    meant: str | None = None

    @property
    def code(self) -> str:
        return self.rule.code
