"""The route-file rules for one connector, and the route files `generate` documents.

Runs only when a `src/api/` folder sits beside the manifest. Every file is read and parsed on
its own, so one broken file (BF708, BF709) hides nothing in the others; a file that could not
be read or parsed still exists as a route, and nothing inside it is judged.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backfill_codegen.diagnostics.model import Diagnostic, JsonPath, Label
from backfill_codegen.diagnostics.registry import make_diagnostic
from backfill_codegen.diagnostics.text import quoted
from backfill_codegen.domain.routes import METHODS
from backfill_codegen.frontends.base import LocatedDocument
from backfill_codegen.frontends.ts_static import StaticModule
from backfill_codegen.route_files import calls
from backfill_codegen.route_files.calls import ParsedRoute
from backfill_codegen.route_files.declared import DeclaredRoute, paths_around, read_declared
from backfill_codegen.route_files.discovery import Found, RouteFile, api_dir, discover
from backfill_codegen.route_files.parse import Export, read_facts
from backfill_codegen.rules.route_files import (
    MISSING_ROUTE_FILE,
    MISSING_ROUTE_METHOD,
    ROUTE_CONFIG_AUTH,
    ROUTE_CONFIG_NOT_STATIC,
    ROUTE_FILE_NAME,
    ROUTE_FILE_SYNTAX_ERROR,
)
from backfill_codegen.rules.source import NOT_STATIC, SYNTAX_ERROR
from backfill_codegen.source import Span
from backfill_codegen.workspace import display_path

#: The manifest evaluator's codes, renamed for a route file: the rule text then fits.
_RENAMED = {SYNTAX_ERROR.code: ROUTE_FILE_SYNTAX_ERROR, NOT_STATIC.code: ROUTE_CONFIG_NOT_STATIC}


@dataclass
class Analysis:
    diagnostics: list[Diagnostic]
    files: tuple[RouteFile, ...]


def analyze(
    manifest_path: Path,
    document: LocatedDocument,
    bad: Sequence[JsonPath],
    read_errors: Sequence[Diagnostic] = (),
) -> Analysis:
    """Diagnostics in the route files (and at the manifest values they contradict), and the
    route files found; nothing when the manifest has no `src/api/` beside it.

    `bad` are the manifest paths with an error; `read_errors` the front end's diagnostics (a
    value left out as not static): the paths around them count as bad too."""
    connector_dir = manifest_path.parent
    manifest = document.value
    if api_dir(connector_dir) is None or not isinstance(manifest, Mapping):
        return Analysis([], ())
    found = discover(connector_dir, display_path(connector_dir))
    diagnostics = list(found.diagnostics)
    parsed: dict[str, ParsedRoute] = {}
    complete = not found.incomplete
    for item in found.files:
        if not item.readable:
            continue
        if item.route is None:
            diagnostics.append(_not_a_route(item))
        module = StaticModule(item.source)
        if module.syntax_error is not None:
            diagnostics.append(_renamed(module.syntax_error))
            complete = False
            continue
        route = ParsedRoute(module, read_facts(module, item.relative))
        parsed[item.relative] = route
        diagnostics.extend(_config(route))
        diagnostics.extend(_renamed(d) for d in module.declaration_errors)
    declared = read_declared(manifest, [*bad, *paths_around(document, read_errors)])
    diagnostics.extend(_routes(document, declared.routes, found.files, parsed))
    survey = calls.survey_calls(list(parsed.values()), declared.allowlist)
    diagnostics.extend(survey.diagnostics)
    if declared.has_oauth is False:
        diagnostics.extend(calls.oauth_uses(list(parsed.values())))
    if declared.allowlist is not None and complete and survey.all_known:
        diagnostics.extend(calls.unused_entries(document, declared.allowlist, survey.urls))
    return Analysis(diagnostics, _route_files(found.files, parsed))


def _renamed(diagnostic: Diagnostic) -> Diagnostic:
    renamed = _RENAMED.get(diagnostic.code)
    if renamed is None:
        return diagnostic
    return make_diagnostic(
        renamed,
        diagnostic.message,
        diagnostic.primary,
        secondary=diagnostic.secondary,
        help=diagnostic.help,
    )


def _not_a_route(item: Found) -> Diagnostic:
    return make_diagnostic(
        ROUTE_FILE_NAME,
        f"{quoted(item.relative)} is not at a route path, so no route can name it",
        Label(item.source, Span(0, 0)),
        help="route paths are lowercase segments of `[a-z0-9_-]`: rename the file",
    )


def _route_files(
    found: Sequence[Found], parsed: Mapping[str, ParsedRoute]
) -> tuple[RouteFile, ...]:
    files = []
    for item in found:
        route = parsed.get(item.relative)
        if item.route is None or route is None:
            continue
        methods = sorted({e.name for e in route.facts.exports if e.name in METHODS})
        if methods:
            files.append(RouteFile(item.route, item.relative, tuple(methods)))
    return tuple(files)


# -- declared routes: the file exists (BF701) and exports the method (BF702) --------------------


def _routes(
    document: LocatedDocument,
    declared: Sequence[DeclaredRoute],
    found: Sequence[Found],
    parsed: Mapping[str, ParsedRoute],
) -> Iterator[Diagnostic]:
    by_route = {item.route: item for item in found if item.route is not None}
    missing_methods: dict[tuple[str, str], list[DeclaredRoute]] = {}
    for ref in declared:
        item = by_route.get(ref.route)
        if item is None:
            yield _missing_file(document, ref, sorted(by_route))
        elif item.relative in parsed:
            missing_methods.setdefault((ref.route, ref.method), []).append(ref)
    for (route, method), refs in sorted(missing_methods.items()):
        parsed_route = parsed[by_route[route].relative]
        if method not in {export.name for export in parsed_route.facts.exports}:
            yield _missing_method(document, parsed_route, method, refs)


def _missing_file(
    document: LocatedDocument, ref: DeclaredRoute, routes: Sequence[str]
) -> Diagnostic:
    file = f"src/api{ref.route}.ts"
    close = difflib.get_close_matches(ref.route, routes, n=1, cutoff=0.8)
    help = f"create `{file}` exporting `{ref.method}` (`backfill-codegen generate` scaffolds it)"
    if close:
        help = f"did you mean `{close[0]}` (`src/api{close[0]}.ts`)? else {help}"
    return make_diagnostic(
        MISSING_ROUTE_FILE,
        f"{ref.what} {quoted(ref.route)} has no route file: `{file}` does not exist",
        Label(document.source, document.span(ref.at), "no file for this route"),
        help=help,
    )


def _missing_method(
    document: LocatedDocument, route: ParsedRoute, method: str, refs: Sequence[DeclaredRoute]
) -> Diagnostic:
    module, exports = route.module, route.facts.exports
    secondary = tuple(
        Label(document.source, document.span(ref.method_at), ref.method_at.message)
        for ref in refs
        if ref.method_at is not None
    )
    close = _misspelt(method, exports)
    template = f"export const {method} = api(async (request) => {{ ... }});"
    if close is not None:
        return make_diagnostic(
            MISSING_ROUTE_METHOD,
            f"{quoted(module.source.path)} does not export `{method}`",
            Label(module.source, module.span(close.node), f"did you mean `{method}`?"),
            secondary=secondary,
            help=f"rename `{close.name}` to `{method}`: the platform calls the export named "
            "after the method, in capitals",
        )
    others = [export for export in exports if export.name in METHODS]
    if others:
        names = ", ".join(f"`{export.name}`" for export in others)
        return make_diagnostic(
            MISSING_ROUTE_METHOD,
            f"{quoted(module.source.path)} exports {names} but not `{method}`",
            Label(module.source, module.span(others[0].node), f"not `{method}`"),
            secondary=secondary,
            help=f"add `{template}`, or change the method in the manifest",
        )
    return make_diagnostic(
        MISSING_ROUTE_METHOD,
        f"{quoted(module.source.path)} does not export `{method}`",
        Label(module.source, Span(0, 0), f"no `{method}` export in this file"),
        secondary=secondary,
        help=f"add `{template}`",
    )


def _misspelt(method: str, exports: Sequence[Export]) -> Export | None:
    candidates = [export for export in exports if export.name not in METHODS]
    for export in candidates:
        if export.name.upper() == method:
            return export
    upper = [export.name.upper() for export in candidates]
    close = difflib.get_close_matches(method, upper, n=1, cutoff=0.6)
    return candidates[upper.index(close[0])] if close else None


# -- `export const config = {...}`: static (BF703), `auth` a string (BF704) --------------------


def _config(route: ParsedRoute) -> Iterator[Diagnostic]:
    module = route.module
    for export in route.facts.exports:
        if export.name != "config":
            continue
        label = Label(module.source, module.span(export.node), "not static")
        if export.kind in ("let", "var"):
            yield make_diagnostic(
                ROUTE_CONFIG_NOT_STATIC,
                f"`config` is declared with `{export.kind}`; the platform reads it without "
                "running the file",
                label,
                help="declare it with `export const config = { ... }`",
            )
        elif export.kind == "reexport":
            yield make_diagnostic(
                ROUTE_CONFIG_NOT_STATIC,
                "`config` is re-exported from another file; it must be written in the route file",
                label,
                help="write `export const config = { ... }` here",
            )
        elif export.value is None:
            yield make_diagnostic(
                ROUTE_CONFIG_NOT_STATIC,
                f"`config` is a {export.kind}, not a value",
                label,
                help='write `export const config = { auth: "api_key" }`',
            )
        else:
            yield from _config_value(module, export.value)


def _config_value(module: StaticModule, node: Any) -> Iterator[Diagnostic]:
    value, problems = module.evaluate(node)
    renamed = [_renamed(problem) for problem in problems]
    yield from renamed
    if value is None:
        return
    whole = Label(module.source, module.span(node))
    if not isinstance(value.value, dict):
        yield make_diagnostic(
            ROUTE_CONFIG_AUTH,
            "`config` must be an object with an `auth` string",
            whole,
            help='write `export const config = { auth: "api_key" }`',
        )
        return
    if "auth" not in value.value:
        if not any(
            problem.code == ROUTE_CONFIG_NOT_STATIC.code for problem in renamed
        ):  # maybe it was not static
            start = module.span(node).start
            yield make_diagnostic(
                ROUTE_CONFIG_AUTH,
                "`config` has no `auth`",
                Label(module.source, Span(start, start + 1), "`auth` is missing"),
                help='add `auth: "api_key"` (or the scheme this route uses)',
            )
        return
    auth = value.value["auth"]
    if not isinstance(auth, str):
        span = value.value_spans.get(("auth",), module.span(node))
        yield make_diagnostic(
            ROUTE_CONFIG_AUTH,
            f"`config.auth` must be a string, not {_kind(auth)}",
            Label(module.source, span),
            help='write the scheme\'s name, like `auth: "api_key"`',
        )


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "an array"
    return "an object"
