"""Route references: `connection.testConnection` and `connection.oauth.postConnect`."""

from __future__ import annotations

from collections.abc import Iterator

from backfill_codegen.checks.base import Check, Manifest, get_path
from backfill_codegen.diagnostics.model import Finding, JsonPath, Pointer
from backfill_codegen.diagnostics.text import quoted
from backfill_codegen.limits import MAX_ROUTE_CHARS, MAX_SEGMENT_CHARS

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: The method the dashboard and the platform call testConnection and postConnect with.
CALLED_WITH = "POST"
_CALLER = {
    "testConnection": "the dashboard calls `testConnection`",
    "postConnect": "the platform calls `postConnect` after the OAuth exchange",
}
_SEGMENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")


def route_problem(route: str) -> tuple[str, tuple[int, int] | None] | None:
    """Why `route` is not a route path (and which characters), or None when it is one."""
    if not route.startswith("/"):
        return "a route starts with `/`", (0, min(1, len(route)))
    for mark in "?#":
        if mark in route:
            index = route.index(mark)
            return "a route has no query or fragment", (index, len(route))
    if route == "/":
        return "`/` names no route file; add a segment such as `/setup/test_connection`", None
    if len(route) > MAX_ROUTE_CHARS:
        return (
            f"a route is at most {MAX_ROUTE_CHARS:,} characters (it names a file)",
            (MAX_ROUTE_CHARS, len(route)),
        )
    offset = 1
    segments = route[1:].split("/")
    for position, segment in enumerate(segments):
        span = (offset, offset + len(segment))
        if segment == "":
            if position == len(segments) - 1:
                return "a route has no trailing `/`", (offset - 1, offset)
            return "a route has no empty segment (`//`)", (offset - 1, offset + 1)
        if segment in (".", ".."):
            return f"a route has no `{segment}` segment", span
        if len(segment) > MAX_SEGMENT_CHARS:
            return f"a route segment is at most {MAX_SEGMENT_CHARS} characters (it names a file)", (
                offset + MAX_SEGMENT_CHARS,
                offset + len(segment),
            )
        bad = next((c for c in segment if c not in _SEGMENT_CHARS), None)
        if bad is not None:
            if bad.lower() in _SEGMENT_CHARS:
                return f"route segments are lowercase: `{segment}`", span
            return f"`{bad}` is not allowed in a route segment (`[a-z0-9_-]`)", span
        offset += len(segment) + 1
    return None


def _check_route_ref(manifest: Manifest, path: JsonPath) -> Iterator[Finding]:
    ref = get_path(manifest, path)
    if not isinstance(ref, dict):
        return
    route = ref["route"]
    problem = route_problem(route)
    if problem is not None:
        message, within = problem
        suggestion = suggest_route(route)
        yield Finding(
            "BF201",
            f"{quoted(route)} is not a route path: {message}",
            Pointer((*path, "route"), within=within),
            help=f"did you mean `{suggestion}`?"
            if suggestion
            else "write `/` and lowercase segments of `[a-z0-9_-]`: `/setup/test_connection`",
        )
    method = ref["method"]
    if method in METHODS and method != CALLED_WITH:
        # The platform calls these routes itself, always with POST (the spec's setup flows):
        # a handler exported under another method is never reached.
        yield Finding(
            "BF203",
            f"{_CALLER[path[-1]]} with `{CALLED_WITH}`; this route is declared `{method}`",
            Pointer((*path, "method")),
            help=f"use `{CALLED_WITH}` (and export `{CALLED_WITH}` from the route file)",
        )
    if method not in METHODS:
        upper = method.strip().upper()
        yield Finding(
            "BF202",
            f"{quoted(method)} is not a route method",
            Pointer((*path, "method")),
            help=f"write `{upper}`" if upper in METHODS else "use one of " + ", ".join(METHODS),
        )


def suggest_route(route: str) -> str | None:
    """A route path close to what the author wrote, when a mechanical fix exists."""
    base = route.split("?", 1)[0].split("#", 1)[0]
    if any(segment in (".", "..") for segment in base.split("/")):
        return None  # which folder was meant is not ours to guess
    segments = [s.lower() for s in base.split("/") if s]
    if not segments or not all(set(s) <= _SEGMENT_CHARS for s in segments):
        return None
    fixed = "/" + "/".join(segments)
    return fixed if fixed != route and route_problem(fixed) is None else None


def _test_connection(manifest: Manifest) -> Iterator[Finding]:
    yield from _check_route_ref(manifest, ("connection", "testConnection"))


def _post_connect(manifest: Manifest) -> Iterator[Finding]:
    yield from _check_route_ref(manifest, ("connection", "oauth", "postConnect"))


CHECKS = (
    Check("test-connection-route", (("connection", "testConnection"),), _test_connection),
    Check("post-connect-route", (("connection", "oauth", "postConnect"),), _post_connect),
)
