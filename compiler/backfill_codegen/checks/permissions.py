"""`permissions.http`: each entry on its own (BF601-BF605, BF607, BF608, BF610-BF612), then the
list as a whole (duplicates BF606, covered entries BF609). The semantics are
backfill_codegen/domain/urls.py's."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from backfill_codegen.checks.base import Check, Manifest, get_path
from backfill_codegen.diagnostics.model import Finding, JsonPath, Pointer, Rule
from backfill_codegen.diagnostics.text import quoted
from backfill_codegen.domain import urls
from backfill_codegen.rules.permissions import (
    DUPLICATE_PERMISSION,
    PERMISSION_AMBIGUOUS_IDN_HOST,
    PERMISSION_COVERED,
    PERMISSION_HOST_WILDCARD,
    PERMISSION_INVALID_HOST,
    PERMISSION_INVALID_PATH,
    PERMISSION_LOCAL_ADDRESS,
    PERMISSION_NO_PATH,
    PERMISSION_NON_ASCII_HOST,
    PERMISSION_NOT_HTTPS,
    PERMISSION_QUERY_OR_FRAGMENT,
    PERMISSION_USERINFO,
)

_HTTP = ("permissions", "http")

#: Above this many entries for one host and port, covered-entry detection is skipped: it
#: compares pairs, and a pre-commit hook must stay fast on any input.
MAX_COVERAGE_GROUP = 500

RULE_OF_KIND: dict[urls.Kind, Rule] = {
    urls.Kind.NOT_HTTPS: PERMISSION_NOT_HTTPS,
    urls.Kind.HOST_WILDCARD: PERMISSION_HOST_WILDCARD,
    urls.Kind.USERINFO: PERMISSION_USERINFO,
    urls.Kind.QUERY_OR_FRAGMENT: PERMISSION_QUERY_OR_FRAGMENT,
    urls.Kind.INVALID_HOST: PERMISSION_INVALID_HOST,
    urls.Kind.NO_PATH: PERMISSION_NO_PATH,
    urls.Kind.LOCAL_ADDRESS: PERMISSION_LOCAL_ADDRESS,
    urls.Kind.INVALID_PATH: PERMISSION_INVALID_PATH,
    urls.Kind.NON_ASCII_HOST: PERMISSION_NON_ASCII_HOST,
    urls.Kind.AMBIGUOUS_IDN: PERMISSION_AMBIGUOUS_IDN_HOST,
}


def _entries(manifest: Manifest) -> list[tuple[int, str]]:
    value = get_path(manifest, _HTTP)
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, str)]


def _help(problem: urls.Problem, text: str, parsed: urls.ParsedEntry) -> str | None:
    kind = problem.kind
    if kind is urls.Kind.NOT_HTTPS:
        # The problem spans the scheme's name when there is one, else the whole entry.
        rest = text[problem.end + 1 :] if problem.end < len(text) else text
        rest = rest.lstrip("/\\")
        return f"write {quoted('https://' + rest)}"
    if kind is urls.Kind.HOST_WILDCARD:
        return "list each host the connector calls as an entry of its own"
    if kind is urls.Kind.USERINFO:
        return "send credentials with the request's `auth` option, not in the allowlist"
    if kind is urls.Kind.QUERY_OR_FRAGMENT:
        return f"write {quoted(text[: problem.start])}"
    if kind is urls.Kind.NO_PATH and parsed.entry is not None:
        base = text.rstrip("/")
        return f"write {quoted(base + '/*')} to allow every path on this host"
    if kind is urls.Kind.LOCAL_ADDRESS:
        return "allow the provider's public host name instead"
    if kind is urls.Kind.NON_ASCII_HOST and parsed.entry is not None:
        ascii_entry = text[: problem.start] + parsed.entry.host + text[problem.end :]
        return f"write {quoted(ascii_entry)}, and call the host by that name"
    if kind is urls.Kind.AMBIGUOUS_IDN:
        return "write the host you mean in ASCII (its A-labels, `xn--…`, or the plain name)"
    return None


def _pointer(path: JsonPath, problem: urls.Problem, text: str, message: str = "") -> Pointer:
    whole = problem.start <= 0 and problem.end >= len(text)
    within = None if whole or problem.end <= problem.start else (problem.start, problem.end)
    return Pointer(path, message=message, within=within)


def _entry_findings(index: int, text: str, parsed: urls.ParsedEntry) -> Iterator[Finding]:
    path: JsonPath = (*_HTTP, index)
    for problem in parsed.problems:
        yield Finding(
            RULE_OF_KIND[problem.kind],
            problem.message,
            _pointer(path, problem, text),
            help=_help(problem, text, parsed),
        )


def _duplicates(
    usable: Sequence[tuple[int, str, urls.AllowEntry]],
) -> tuple[list[Finding], list[tuple[int, str, urls.AllowEntry]]]:
    """BF606 at every repeat of an entry, and the first occurrence of each distinct entry."""
    first: dict[urls.AllowEntry, tuple[int, str]] = {}
    findings: list[Finding] = []
    distinct: list[tuple[int, str, urls.AllowEntry]] = []
    for index, text, entry in usable:
        if entry in first:
            first_index, first_text = first[entry]
            message = f"duplicate entry: {quoted(text)} is already listed"
            if text != first_text:
                message = (
                    f"duplicate entry: {quoted(text)} is {quoted(first_text)} written another way"
                )
            findings.append(
                Finding(
                    DUPLICATE_PERMISSION,
                    message,
                    Pointer((*_HTTP, index)),
                    related=(Pointer((*_HTTP, first_index), message="first listed here"),),
                    help="remove this entry",
                )
            )
        else:
            first[entry] = (index, text)
            distinct.append((index, text, entry))
    return findings, distinct


def _covered(distinct: Sequence[tuple[int, str, urls.AllowEntry]]) -> Iterator[Finding]:
    """BF609 at each entry that another one covers; of two equivalent entries, the later one."""
    groups: dict[tuple[str, int], list[tuple[int, str, urls.AllowEntry]]] = {}
    for item in distinct:
        groups.setdefault((item[2].host, item[2].port), []).append(item)
    for group in groups.values():
        if len(group) > MAX_COVERAGE_GROUP:
            continue
        # Only a pattern with a star can cover a different pattern.
        broad = [item for item in group if "*" in item[2].path_pattern]
        for index, _text, entry in group:
            for other_index, other_text, other in broad:
                if other_index == index or not urls.covers(other, entry):
                    continue
                if other_index > index and urls.covers(entry, other):
                    continue  # equivalent patterns: report the later one only
                yield Finding(
                    PERMISSION_COVERED,
                    f"{quoted(entry.original)} is already allowed by {quoted(other_text)}",
                    Pointer((*_HTTP, index)),
                    related=(
                        Pointer((*_HTTP, other_index), message="this entry already allows it"),
                    ),
                    help="remove the narrower entry",
                )
                break


def run(manifest: Manifest) -> Iterator[Finding]:
    findings: list[Finding] = []
    usable: list[tuple[int, str, urls.AllowEntry]] = []
    for index, text in _entries(manifest):
        parsed = urls.parse_entry(text)
        findings.extend(_entry_findings(index, text, parsed))
        if parsed.entry is not None:
            usable.append((index, text, parsed.entry))
    duplicates, distinct = _duplicates(usable)
    findings.extend(duplicates)
    findings.extend(_covered(distinct))
    findings.sort(key=_order)
    yield from findings


def _order(finding: Finding) -> tuple[JsonPath, int, str, str]:
    start = finding.at.within[0] if finding.at.within else -1
    return (finding.at.path, start, finding.code, finding.message)


CHECKS = (
    Check(
        "permissions",
        (("permissions",),),
        run,
        emits=(*RULE_OF_KIND.values(), DUPLICATE_PERMISSION, PERMISSION_COVERED),
    ),
)
