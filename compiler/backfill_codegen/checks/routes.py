"""Route references: `connection.testConnection` and `connection.oauth.postConnect`."""

from __future__ import annotations

from collections.abc import Iterator

from backfill_codegen.checks.base import Check, Manifest, get_path
from backfill_codegen.diagnostics.model import Finding, JsonPath, Pointer
from backfill_codegen.diagnostics.text import quoted
from backfill_codegen.domain.routes import CALLED_WITH, METHODS, route_problem, suggest_route
from backfill_codegen.rules.routes import INVALID_METHOD, INVALID_ROUTE, ROUTE_NOT_POST

_CALLER = {
    "testConnection": "the dashboard calls `testConnection`",
    "postConnect": "the platform calls `postConnect` after the OAuth exchange",
}


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
            INVALID_ROUTE,
            f"{quoted(route)} is not a route path: {message}",
            Pointer((*path, "route"), within=within),
            help=f"did you mean `{suggestion}`?" if suggestion else None,
        )
    method = ref["method"]
    if method in METHODS and method != CALLED_WITH:
        # The platform calls these routes itself, always with POST (the spec's setup flows):
        # a handler exported under another method is never reached.
        yield Finding(
            ROUTE_NOT_POST,
            f"{_CALLER[path[-1]]} with `{CALLED_WITH}`; this route is declared `{method}`",
            Pointer((*path, "method")),
            help=f"use `{CALLED_WITH}` (and export `{CALLED_WITH}` from the route file)",
        )
    if method not in METHODS:
        upper = method.strip().upper()
        yield Finding(
            INVALID_METHOD,
            f"{quoted(method)} is not a route method",
            Pointer((*path, "method")),
            help=f"write `{upper}`" if upper in METHODS else "use one of " + ", ".join(METHODS),
        )


def _test_connection(manifest: Manifest) -> Iterator[Finding]:
    yield from _check_route_ref(manifest, ("connection", "testConnection"))


def _post_connect(manifest: Manifest) -> Iterator[Finding]:
    yield from _check_route_ref(manifest, ("connection", "oauth", "postConnect"))


_EMITS = (INVALID_ROUTE, INVALID_METHOD, ROUTE_NOT_POST)

CHECKS = (
    Check(
        "test-connection-route",
        (("connection", "testConnection"),),
        _test_connection,
        emits=_EMITS,
    ),
    Check(
        "post-connect-route",
        (("connection", "oauth", "postConnect"),),
        _post_connect,
        emits=_EMITS,
    ),
)
