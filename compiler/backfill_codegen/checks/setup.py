"""`connection.setup`: the webhook URL template and the instructions."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from backfill_codegen.checks.base import Check, Manifest, get_path
from backfill_codegen.diagnostics.model import Finding, Pointer
from backfill_codegen.diagnostics.text import quoted
from backfill_codegen.domain import webhook
from backfill_codegen.domain.routes import route_problem, suggest_route
from backfill_codegen.rules.setup import (
    EMPTY_INSTRUCTIONS,
    INVALID_WEBHOOK_ROUTE,
    UNKNOWN_WEBHOOK_TOKEN,
    WEBHOOK_ABSOLUTE_URL,
    WEBHOOK_MISSING_CONNECTION_ID,
    WEBHOOK_WRONG_PREFIX,
)

_TEMPLATE = ("connection", "setup", "webhookUrlTemplate")


def _template(manifest: Manifest) -> str | None:
    value = get_path(manifest, _TEMPLATE)
    return value if isinstance(value, str) else None


def _is_absolute(template: str) -> bool:
    head = template.split("/", 1)[0]
    return "://" in template[:12] or head.endswith(":") or template.startswith("//")


def _check_tokens(manifest: Manifest) -> Iterator[Finding]:
    template = _template(manifest)
    if template is None:
        return
    if _is_absolute(template):
        yield Finding(
            WEBHOOK_ABSOLUTE_URL,
            "the webhook URL template is an absolute URL; it must be a path",
            Pointer(_TEMPLATE),
            help="drop the scheme and host: start the template with `/api/v1/extensions/`",
        )
    found, unclosed = webhook.tokens(template)
    for token in found:
        if token.name in webhook.TOKENS:
            continue
        close = difflib.get_close_matches(token.name, webhook.TOKENS, n=1, cutoff=0.4)
        # the template as meant: what follows from the misspelling is not reported (derived.py)
        meant = template[: token.start] + f"<{close[0]}>" + template[token.end :] if close else None
        yield Finding(
            UNKNOWN_WEBHOOK_TOKEN,
            f"{quoted('<' + token.name + '>')} is not a webhook token",
            Pointer(_TEMPLATE, within=(token.start, token.end)),
            help=f"did you mean `<{close[0]}>`?"
            if close
            else "the tokens are `<tenant_id>` and `<connection_id>`",
            explains=_TEMPLATE if close else None,
            meant=meant,
        )
    for mark in unclosed:
        yield Finding(
            UNKNOWN_WEBHOOK_TOKEN,
            f"`{template[mark.start]}` does not belong to a `<token>`",
            Pointer(_TEMPLATE, within=(mark.start, mark.end)),
            help="the tokens are `<tenant_id>` and `<connection_id>`",
        )
    if not any(t.name == "connection_id" for t in found):
        yield Finding(
            WEBHOOK_MISSING_CONNECTION_ID,
            "the webhook URL template has no `<connection_id>`; the webhook route cannot tell "
            "which connection an event is for",
            Pointer(_TEMPLATE),
            help="append `?connection_id=<connection_id>`",
        )


def _check_route(manifest: Manifest) -> Iterator[Finding]:
    template = _template(manifest)
    name = manifest["name"]
    if template is None or _is_absolute(template):
        return
    parts = webhook.split(template, name)
    if parts is None:
        expected = webhook.prefix(name) + "/"
        yield Finding(
            WEBHOOK_WRONG_PREFIX,
            f"the webhook URL template must start `{expected}`",
            Pointer(_TEMPLATE, within=_mismatch(template, expected)),
            help=f"`{name}` is the manifest's `name`; the rest of the path is the webhook route",
        )
        return
    if "#" in template:
        index = template.index("#")
        yield Finding(
            INVALID_WEBHOOK_ROUTE,
            "the webhook URL template has a fragment, which providers do not send",
            Pointer(_TEMPLATE, within=(index, len(template))),
        )
    route = parts.route.split("#", 1)[0]
    problem = route_problem(route)
    if problem is not None:
        message, within = problem
        if within is not None:
            within = (parts.route_start + within[0], parts.route_start + within[1])
        suggestion = suggest_route(route)
        yield Finding(
            INVALID_WEBHOOK_ROUTE,
            f"the webhook route {quoted(route)} is not a route path: {message}",
            Pointer(_TEMPLATE, within=within),
            help=f"did you mean `{suggestion}`?" if suggestion else None,
        )


def _mismatch(template: str, expected: str) -> tuple[int, int]:
    """The part of the template from where it leaves the expected prefix to the next `/`."""
    index = 0
    while index < min(len(template), len(expected)) and template[index] == expected[index]:
        index += 1
    start = template.rfind("/", 0, index) + 1 if index < len(expected) else index
    end = template.find("/", index)
    return start, end if end >= 0 else len(template)


def _check_instructions(manifest: Manifest) -> Iterator[Finding]:
    path = ("connection", "setup", "instructions")
    value = get_path(manifest, path)
    if isinstance(value, str) and not value.strip():
        yield Finding(
            EMPTY_INSTRUCTIONS,
            "the setup instructions are empty",
            Pointer(path),
            help="write what the admin must do on the provider side, or leave the key out",
        )


CHECKS = (
    Check(
        "webhook-tokens",
        (_TEMPLATE,),
        _check_tokens,
        emits=(WEBHOOK_ABSOLUTE_URL, UNKNOWN_WEBHOOK_TOKEN, WEBHOOK_MISSING_CONNECTION_ID),
    ),
    Check(
        "webhook-route",
        (_TEMPLATE, ("name",)),
        _check_route,
        emits=(WEBHOOK_WRONG_PREFIX, INVALID_WEBHOOK_ROUTE),
    ),
    Check(
        "instructions",
        (("connection", "setup", "instructions"),),
        _check_instructions,
        emits=(EMPTY_INSTRUCTIONS,),
    ),
)
