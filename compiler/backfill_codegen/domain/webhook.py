"""`setup.webhookUrlTemplate`: its tokens, its platform prefix and the webhook route inside it.

One parser shared by the checks and by lowering, so both agree on what the route is.
"""

from __future__ import annotations

from dataclasses import dataclass

TOKENS = ("tenant_id", "connection_id")
PREFIX_HEAD = "/api/v1/extensions/<tenant_id>/"


@dataclass(frozen=True)
class Token:
    name: str
    start: int  # offset of `<` in the template
    end: int  # offset after `>`


@dataclass(frozen=True)
class UnclosedToken:
    start: int
    end: int


def tokens(template: str) -> tuple[list[Token], list[UnclosedToken]]:
    """Every `<...>` in the template, and every `<` or `>` that pairs with nothing."""
    found: list[Token] = []
    unclosed: list[UnclosedToken] = []
    index = 0
    while index < len(template):
        char = template[index]
        if char == "<":
            close = template.find(">", index + 1)
            reopen = template.find("<", index + 1)
            if close < 0 or (0 <= reopen < close):
                unclosed.append(UnclosedToken(index, index + 1))
                index += 1
                continue
            found.append(Token(template[index + 1 : close], index, close + 1))
            index = close + 1
            continue
        if char == ">":
            unclosed.append(UnclosedToken(index, index + 1))
        index += 1
    return found, unclosed


def prefix(name: str) -> str:
    return f"{PREFIX_HEAD}{name}/routes"


@dataclass(frozen=True)
class WebhookParts:
    route: str  # "/webhooks/stripe"
    route_start: int  # offset of the route in the template
    query: str  # without "?", "" when absent


def split(template: str, name: str) -> WebhookParts | None:
    """The webhook route and query, when the template starts with this connector's prefix."""
    head = prefix(name)
    if not template.startswith(head + "/"):
        return None
    rest = template[len(head) :]
    route, _, query = rest.partition("?")
    return WebhookParts(route, len(head), query)
