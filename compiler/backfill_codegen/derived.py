"""One mistake, one diagnostic: a diagnostic that explains a value suppresses those derived from it.

An *explanation* names a path whose value is missing or unusable for a reason already reported:
a key whose value is not static (BF004), a value of the wrong type or schema (BF103, BF401), a
misspelt key (BF102 with a suggestion, BF411) that names the key it meant, a misspelt webhook
`<token>` (BF302) with the template it meant. A diagnostic is *derived* from it when its rule
is declared derivable from the explanation's rule (DERIVED below) and either
- it is gone from the repaired document's diagnostics: the misspelling corrected, the unusable
  value removed, the unknown value present (as `null`); or
- the value is not static (any value could be meant), outside `settingsSchema`, and the check
  that reports the diagnostic's rule reads that path (`Check.emits`/`Check.reads`); or
- the value is a settings keyword not static or unusable (BF103, BF401) that the rule's
  verdict reads (KEYWORD_READERS), in the schema the diagnostic points into (or at the root).
Everything else stays: a call the misspelt `permisions` would not have allowed is still reported.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from backfill_codegen.checks import ALL_CHECKS
from backfill_codegen.diagnostics.model import Diagnostic, Finding, JsonPath
from backfill_codegen.domain.settings_schema import SETTINGS_PATH
from backfill_codegen.frontends.base import LocatedDocument
from backfill_codegen.rules import route_files
from backfill_codegen.rules.generable import SETTINGS_SCHEMA_NOT_GENERATABLE
from backfill_codegen.rules.manifest import MISSING_KEY, UNKNOWN_KEY, WRONG_TYPE
from backfill_codegen.rules.oauth import (
    NO_SCOPES,
    OAUTH_SETTING_NOT_REQUIRED_STRING,
    UNCONSTRAINED_DYNAMIC_HOST,
    UNKNOWN_OAUTH_SETTING,
)
from backfill_codegen.rules.route_files import BLOCKED_HTTP_CALL, OAUTH_NOT_DECLARED
from backfill_codegen.rules.settings import (
    INVALID_DEFAULT,
    INVALID_SETTINGS_SCHEMA,
    MISSPELT_SETTINGS_KEYWORD,
    SETTINGS_NOT_OBJECT,
    UNKNOWN_REQUIRED,
    UNRESOLVED_REF,
)
from backfill_codegen.rules.setup import (
    UNKNOWN_WEBHOOK_TOKEN,
    WEBHOOK_MISSING_CONNECTION_ID,
    WEBHOOK_WRONG_PREFIX,
)
from backfill_codegen.rules.source import NOT_STATIC

#: Rules that report a value as absent: what a missing value makes them say.
_ABSENCE = frozenset(
    rule.code
    for rule in (
        MISSING_KEY,
        BLOCKED_HTTP_CALL,
        OAUTH_NOT_DECLARED,
        UNKNOWN_REQUIRED,
        SETTINGS_NOT_OBJECT,
        SETTINGS_SCHEMA_NOT_GENERATABLE,
        UNRESOLVED_REF,
        UNKNOWN_OAUTH_SETTING,
        UNCONSTRAINED_DYNAMIC_HOST,
        OAUTH_SETTING_NOT_REQUIRED_STRING,
        NO_SCOPES,
    )
)
#: rule -> the settings-schema keywords its verdict on a setting reads. A keyword whose value is
#: unusable (BF103, BF401) explains the verdicts that read it, on its own schema (or all, at
#: the root): `"required": "x"` explains "`shop` is not required" (BF504), and a bad `format`
#: explains nothing about `pattern` (BF505 stays).
KEYWORD_READERS: Mapping[str, frozenset[str]] = {
    UNKNOWN_REQUIRED.code: frozenset({"properties", "required"}),
    UNKNOWN_OAUTH_SETTING.code: frozenset({"properties"}),
    OAUTH_SETTING_NOT_REQUIRED_STRING.code: frozenset({"properties", "required", "type"}),
    UNCONSTRAINED_DYNAMIC_HOST.code: frozenset({"properties", "pattern", "enum"}),
    SETTINGS_SCHEMA_NOT_GENERATABLE.code: frozenset(
        {"type", "format", "writeOnly", "enum", "const", "items", "properties", "required"}
        | {"oneOf", "anyOf", "allOf", "$ref", "additionalProperties"}
    ),
    INVALID_DEFAULT.code: frozenset(
        {
            "type",
            "enum",
            "const",
            "pattern",
            "format",
            "minLength",
            "maxLength",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "items",
            "minItems",
            "maxItems",
            "uniqueItems",
            "properties",
            "required",
            "additionalProperties",
        }
    ),
}
#: Rules that say a value is unusable as written (its type, its schema): what is said only
#: because of it is derived; its repair is the value's absence.
_UNUSABLE = frozenset({WRONG_TYPE.code, INVALID_SETTINGS_SCHEMA.code})
#: Rules that judge the webhook template's tokens: what a misspelt token makes them say.
_TOKENS = frozenset({WEBHOOK_WRONG_PREFIX.code, WEBHOOK_MISSING_CONNECTION_ID.code})
#: explaining rule -> the rules whose diagnostics may be derived from what it explains.
DERIVED: Mapping[str, frozenset[str]] = {
    NOT_STATIC.code: _ABSENCE | frozenset(KEYWORD_READERS),
    WRONG_TYPE.code: _ABSENCE | frozenset(KEYWORD_READERS),
    INVALID_SETTINGS_SCHEMA.code: _ABSENCE | frozenset(KEYWORD_READERS),
    UNKNOWN_KEY.code: _ABSENCE,
    MISSPELT_SETTINGS_KEYWORD.code: _ABSENCE,
    UNKNOWN_WEBHOOK_TOKEN.code: _TOKENS,
}
#: Repairs tried per manifest: each costs a second run of the checks.
MAX_EXPLANATIONS = 8

DiagnosticKey = tuple[str, str, int, int, str]


@dataclass(frozen=True)
class Explanation:
    code: str  # the explaining diagnostic's rule
    path: JsonPath  # the value it explains
    repaired: LocatedDocument | None  # the document as the author meant it, when known
    unknown: bool = False  # the value is not static: every reader of `path` is derived


def explanations(document: LocatedDocument, findings: Iterable[Finding]) -> Iterator[Explanation]:
    """What the front end's BF004s and the misspelt-key findings explain, with their repairs."""
    for path in sorted(document.unknown, key=repr):
        yield Explanation(NOT_STATIC.code, path, _set(document, path, None), unknown=True)
    for finding in findings:
        if finding.code in _UNUSABLE and finding.at.part == "value" and finding.at.path:
            # the value as the author meant it is unknown, but its absence is not: a reader
            # that said the same without it had read nothing of it
            yield Explanation(finding.code, finding.at.path, _delete(document, finding.at.path))
        elif finding.explains is not None and finding.code in DERIVED:
            repaired = (
                _rename(document, finding.at.path, finding.explains)
                if finding.meant is None
                else _set(document, finding.explains, finding.meant)
            )
            if repaired is not None:
                yield Explanation(finding.code, finding.explains, repaired)


def explaining_checks() -> frozenset[str]:
    """The checks that report an explaining rule: they run even when `--select`/`--ignore`
    leaves none of their rules, since what they explain is not reported twice either way."""
    return frozenset(
        check.name for check in ALL_CHECKS if any(rule.code in DERIVED for rule in check.emits)
    )


def suppress(
    diagnostics: list[Diagnostic],
    found: Iterable[Explanation],
    rerun: Callable[[LocatedDocument], list[Diagnostic]],
    places: Mapping[DiagnosticKey, tuple[JsonPath, ...]],
) -> list[Diagnostic]:
    """`diagnostics` without those derived from an explanation. `places`: the manifest paths
    each diagnostic points at (its finding's primary and related pointers)."""
    derived: set[DiagnosticKey] = set()
    for count, explanation in enumerate(found):
        if count >= MAX_EXPLANATIONS:
            break
        derivable = [d for d in diagnostics if d.code in DERIVED[explanation.code]]
        path = explanation.path
        in_settings = path[: len(SETTINGS_PATH)] == SETTINGS_PATH
        if explanation.unknown and not in_settings:
            derived |= {key(d) for d in derivable if _reads(d.code, path)}
        if explanation.unknown or explanation.code in _UNUSABLE:
            derived |= {
                key(d) for d in derivable if _reads_keyword(d.code, path, places.get(key(d), ()))
            }
        candidates = {key(d) for d in derivable} - derived
        if not candidates:
            continue
        if explanation.repaired is None:
            continue
        # Gone from the repaired document: compared by rule, file and message, not by span (a
        # value's text changes with its repair, and so may where a finding inside it points).
        still = {_identity(d) for d in rerun(explanation.repaired)}
        derived |= {k for k in candidates if (k[0], k[1], k[4]) not in still}
    return [d for d in diagnostics if key(d) not in derived]


def _reads_keyword(code: str, path: JsonPath, places: tuple[JsonPath, ...]) -> bool:
    """Whether the unusable settings keyword at `path` is one `code`'s verdict reads, for the
    schema the diagnostic is about: that schema is the keyword's own, or it is the root's."""
    n = len(SETTINGS_PATH)
    if path[:n] != SETTINGS_PATH or path[-1] not in KEYWORD_READERS.get(code, ()):
        return False
    holder = path[:-1]
    return holder == SETTINGS_PATH or any(place[: len(holder)] == holder for place in places)


def _reads(code: str, path: JsonPath) -> bool:
    """Whether a check that reports `code` reads the value at `path`, or under it."""
    return any(read[: len(path)] == path[: len(read)] for read in _readers().get(code, ()))


@functools.cache
def _readers() -> dict[str, tuple[JsonPath, ...]]:
    # start-up: route_files/ loads tree-sitter; needed only when a value is not static
    from backfill_codegen.route_files.declared import READS

    readers: dict[str, tuple[JsonPath, ...]] = {}
    for check in ALL_CHECKS:
        for rule in check.emits:
            readers[rule.code] = (*readers.get(rule.code, ()), *check.reads)
    for rule in route_files.RULES:
        readers[rule.code] = (*readers.get(rule.code, ()), *READS)
    return readers


def _identity(diagnostic: Diagnostic) -> tuple[str, str, str]:
    label = diagnostic.primary
    return (diagnostic.code, label.source.path if label else "", diagnostic.message)


def key(diagnostic: Diagnostic) -> DiagnosticKey:
    label = diagnostic.primary
    if label is None:
        return (diagnostic.code, "", 0, 0, diagnostic.message)
    span = label.span
    return (diagnostic.code, label.source.path, span.start, span.end, diagnostic.message)


def _parent(value: Any, path: JsonPath) -> Any:
    for step in path[:-1]:
        value = value[step]
    return value


def _set(document: LocatedDocument, path: JsonPath, new: Any) -> LocatedDocument:
    value = copy.deepcopy(document.value)
    parent = _parent(value, path)
    if isinstance(parent, dict):
        parent[path[-1]] = new
    return LocatedDocument(document.source, value, document.value_spans, document.key_spans)


def _delete(document: LocatedDocument, path: JsonPath) -> LocatedDocument | None:
    value = copy.deepcopy(document.value)
    try:
        parent = _parent(value, path)
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(parent, dict):
        return None
    parent.pop(path[-1], None)
    return LocatedDocument(document.source, value, document.value_spans, document.key_spans)


def _rename(document: LocatedDocument, old: JsonPath, new: JsonPath) -> LocatedDocument | None:
    """The document with the key at `old` spelt as at `new`; its spans follow it there."""
    value = copy.deepcopy(document.value)
    try:
        parent = _parent(value, old)
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(parent, dict) or old[-1] not in parent or new[-1] in parent:
        return None
    parent[new[-1]] = parent.pop(old[-1])
    n = len(old)
    value_spans = {**document.value_spans}
    key_spans = {**document.key_spans}
    for spans in (value_spans, key_spans):
        for path, span in list(spans.items()):
            if path[:n] == old:
                spans[(*new, *path[n:])] = span
    return LocatedDocument(document.source, value, value_spans, key_spans)
