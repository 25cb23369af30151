"""Rules on what the code calls: blocked `Http` calls (BF705), OAuth without `connection.oauth`
(BF706) and allowlist entries no call reaches (BF707)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from backfill_codegen.diagnostics.model import Diagnostic, Label, Pointer
from backfill_codegen.diagnostics.registry import make_diagnostic
from backfill_codegen.diagnostics.text import quoted
from backfill_codegen.domain import urls
from backfill_codegen.frontends.base import LocatedDocument
from backfill_codegen.frontends.ts_static import StaticModule
from backfill_codegen.route_files.declared import Allowlist
from backfill_codegen.route_files.outbound import judge, static_url
from backfill_codegen.route_files.parse import RouteFacts
from backfill_codegen.rules.route_files import (
    BLOCKED_HTTP_CALL,
    OAUTH_NOT_DECLARED,
    UNUSED_PERMISSION,
)


@dataclass
class ParsedRoute:
    """A readable route file that parsed without syntax errors, and what it says."""

    module: StaticModule
    facts: RouteFacts


@dataclass
class CallSurvey:
    """Every call judged, and the complete URLs seen (for the unused-entry rule)."""

    diagnostics: list[Diagnostic]
    urls: list[str]
    all_known: bool


def survey_calls(parsed: Sequence[ParsedRoute], allowlist: Allowlist | None) -> CallSurvey:
    survey = CallSurvey([], [], True)
    for route in parsed:
        facts, module = route.facts, route.module
        if facts.other_http_uses or facts.imports_outside:
            survey.all_known = False
        for call in facts.calls:
            url = static_url(module, call.url) if call.url is not None else None
            if url is None or not url.complete:
                survey.all_known = False
            else:
                survey.urls.append(url.text)
            if url is None or allowlist is None:
                continue
            verdict = judge(url, allowlist.all())
            if verdict is None or verdict.allowed:
                continue
            shown = quoted(verdict.shown, 100)
            if verdict.undecided is not None:
                entry, condition = verdict.undecided
                message = (
                    f"may be blocked at run time: {quoted(entry, 100)} allows a URL that starts "
                    f"with {shown} only when the part not known statically {condition}"
                )
                label = "cannot tell if this call is allowed"
                help = (
                    "end the literal start of the URL at a `/` that an entry covers "
                    '(`"https://api.example.com/v2/" + path` with `https://api.example.com/v2/*`)'
                    f", or add {quoted(verdict.suggestion or '', 100)} to `permissions.http`"
                )
            else:
                message = f"blocked at run time: no entry in `permissions.http` allows {shown}"
                label = "this call is blocked"
                help = (
                    f"add {quoted(verdict.suggestion, 100)} to `permissions.http`"
                    if verdict.suggestion is not None
                    else "the platform's `Http` calls only `https://` URLs with a host"
                )
            survey.diagnostics.append(
                make_diagnostic(
                    BLOCKED_HTTP_CALL,
                    message,
                    Label(module.source, module.span(call.call), label),
                    help=help,
                )
            )
    return survey


def oauth_uses(parsed: Sequence[ParsedRoute]) -> Iterator[Diagnostic]:
    """BF706 at each OAuth use, for a connector whose manifest has no `connection.oauth`."""
    for route in parsed:
        for node, what in route.facts.oauth_uses:
            yield make_diagnostic(
                OAUTH_NOT_DECLARED,
                f"`{what}` needs `connection.oauth` in the manifest, and this connector has none",
                Label(route.module.source, route.module.span(node), "no OAuth token to use"),
                help="declare `connection.oauth`, or authenticate with `bearer` or `basic`",
            )


def unused_entries(
    document: LocatedDocument, allowlist: Allowlist, seen: Sequence[str]
) -> Iterator[Diagnostic]:
    """BF707 at each entry that no call's URL matches; only when every URL was known."""
    for index, entry in allowlist.entries:
        if any(urls.matches(entry, text) for text in seen):
            continue
        pointer = Pointer(("permissions", "http", index))
        yield make_diagnostic(
            UNUSED_PERMISSION,
            f"no call in `src/api/` reaches {quoted(entry.original, 100)}",
            Label(document.source, document.span(pointer), "unused"),
            help="remove the entry, or keep it if code outside `src/api/` needs it",
        )
