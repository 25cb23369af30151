"""Route paths and methods: what a route reference may be (the checks and route_files/ share it)."""

from __future__ import annotations

from backfill_codegen.limits import MAX_ROUTE_CHARS, MAX_SEGMENT_CHARS

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: The method the dashboard and the platform call testConnection and postConnect with.
CALLED_WITH = "POST"
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
