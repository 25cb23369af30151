"""What the manifest says that the route files must agree with, read only where it is sound.

Each part is read only when no error lies on or under the paths it comes from (the pipeline's
rule for semantic checks): a malformed route or allowlist is reported by the manifest's own
rules, and judging the code against it would only add noise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from backfill_codegen.checks.base import get_path
from backfill_codegen.diagnostics.model import Diagnostic, JsonPath, Pointer, Severity
from backfill_codegen.domain import urls, webhook
from backfill_codegen.frontends.base import LocatedDocument

_TEST = ("connection", "testConnection")
_POST_CONNECT = ("connection", "oauth", "postConnect")
_TEMPLATE = ("connection", "setup", "webhookUrlTemplate")
_HTTP = ("permissions", "http")
#: Every manifest path read here. An error on or under one of them keeps that part from being
#: compared (`_sound`), so the pipeline runs every check that can report one there.
READS: tuple[JsonPath, ...] = (
    _TEST,
    _POST_CONNECT,
    _TEMPLATE,
    ("name",),
    ("connection", "oauth"),
    ("permissions",),
)


@dataclass(frozen=True)
class DeclaredRoute:
    route: str
    method: str
    what: str  # "connection.testConnection.route", for messages
    at: Pointer  # the route as written in the manifest
    method_at: Pointer | None  # the method as written; None for the webhook (POST by rule)


@dataclass(frozen=True)
class Allowlist:
    """The usable `permissions.http` entries and their indices in the manifest's list."""

    entries: tuple[tuple[int, urls.AllowEntry], ...]

    def all(self) -> list[urls.AllowEntry]:
        return [entry for _, entry in self.entries]


@dataclass(frozen=True)
class Declared:
    routes: tuple[DeclaredRoute, ...]
    allowlist: Allowlist | None  # None: the allowlist has an error; call checks are off
    has_oauth: bool | None  # None: unknown (`connection` is broken); the OAuth rule is off


def _sound(paths: Sequence[JsonPath], bad: Sequence[JsonPath]) -> bool:
    def overlaps(read: JsonPath, broken: JsonPath) -> bool:
        length = min(len(read), len(broken))
        return read[:length] == broken[:length]

    return not any(overlaps(read, broken) for read in paths for broken in bad)


def _reference(
    manifest: Mapping[str, Any], path: JsonPath, bad: Sequence[JsonPath]
) -> list[DeclaredRoute]:
    ref = get_path(manifest, path)
    if not isinstance(ref, Mapping) or not _sound([path], bad):
        return []
    what = ".".join(str(step) for step in path)
    return [
        DeclaredRoute(
            ref["route"],
            ref["method"],
            f"{what}.route",
            Pointer((*path, "route")),
            Pointer((*path, "method"), message="the method is declared here"),
        )
    ]


def _webhook(manifest: Mapping[str, Any], bad: Sequence[JsonPath]) -> list[DeclaredRoute]:
    template = get_path(manifest, _TEMPLATE)
    name = manifest.get("name")
    if not isinstance(template, str) or not isinstance(name, str):
        return []
    if not _sound([_TEMPLATE, ("name",)], bad):
        return []
    parts = webhook.split(template, name)
    if parts is None:
        return []
    within = (parts.route_start, parts.route_start + len(parts.route))
    at = Pointer(_TEMPLATE, within=within)
    return [DeclaredRoute(parts.route, "POST", "the webhook route", at, None)]


def _allowlist(manifest: Mapping[str, Any], bad: Sequence[JsonPath]) -> Allowlist | None:
    if not _sound([("permissions",)], bad):
        return None
    value = get_path(manifest, _HTTP)
    if not isinstance(value, list):
        return Allowlist(())
    found = []
    for index, text in enumerate(value):
        parsed = urls.parse_entry(text) if isinstance(text, str) else None
        if parsed is None or parsed.entry is None:
            return None
        found.append((index, parsed.entry))
    return Allowlist(tuple(found))


def paths_around(document: LocatedDocument, errors: Sequence[Diagnostic]) -> list[JsonPath]:
    """For each front-end error in the manifest, the deepest path whose value holds it: a value
    dropped as not static leaves its container incomplete. `()` when none holds it (it sits in
    a `const` written elsewhere): then nothing in the manifest is trusted."""
    found: list[JsonPath] = []
    for error in errors:
        label = error.primary
        if error.severity != Severity.ERROR or label is None:
            continue
        if label.source is not document.source:
            continue
        holders = [
            path
            for path, span in document.value_spans.items()
            if span.start <= label.span.start and label.span.end <= span.end
        ]
        found.append(max(holders, key=len) if holders else ())
    return found


def read_declared(manifest: Mapping[str, Any], bad: Sequence[JsonPath]) -> Declared:
    routes = [
        *_reference(manifest, _TEST, bad),
        *_reference(manifest, _POST_CONNECT, bad),
        *_webhook(manifest, bad),
    ]
    connection = manifest.get("connection")
    has_oauth: bool | None = None
    if connection is None:
        has_oauth = False
    elif isinstance(connection, Mapping) and _sound([("connection", "oauth")], bad):
        has_oauth = "oauth" in connection
    return Declared(tuple(routes), _allowlist(manifest, bad), has_oauth)
