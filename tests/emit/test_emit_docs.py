"""CONNECTOR.md, rendered by a real CommonMark (+ GFM tables) renderer: every manifest string
stays exactly what the author wrote, tables keep their shape, no HTML gets through, and the
setup instructions (author Markdown) cannot leave their section."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from backfill_codegen import ir
from backfill_codegen.emit import docs
from backfill_codegen.emit.header import NOTICE
from tests.support.emit_connectors import (
    DRAFT7,
    MODERN,
    OAUTH_SPLIT,
    SHOPIFY,
    WEBHOOK_ONLY,
    build,
    stripe,
)

HOSTILE = [
    "a|b",
    "`x`",
    "<script>alert(1)</script>",
    "**bold**",
    "[link](http://x)",
    "\\|",
    "line\nbreak",
    "u\u2028x",
    "&amp;",
    "  padded\t",
    "trailing \\",
    "1. list",
    "# heading",
    "- item",
    "> quote",
    "```",
    "~~~ fence",
    "---",
    "<!-- comment",
    "&#10;",
    "_under_ ~strike~",
    "cr\r\nlf\rx",
    "\u202eright-to-left",
    "a\\\\|b",
    "![img](x)",
    "<http://auto.link>",
]


def markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")  # html on: any raw HTML would show up


def text(inline: Token) -> str:
    """The text content of an inline token; fails on anything but plain text."""
    assert inline.children is not None
    kinds = {child.type for child in inline.children}
    assert kinds <= {"text"}, (inline.content, kinds)
    return "".join(child.content for child in inline.children)


def tables(tokens: list[Token]) -> list[list[list[str]]]:
    """Each table as rows of cell texts (the header row first)."""
    found: list[list[list[str]]] = []
    row: list[str] | None = None
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            assert row is not None
            found[-1].append(row)
        elif token.type in ("th_open", "td_open"):
            assert row is not None
            row.append(text(tokens[index + 1]))
    return found


def no_html(tokens: list[Token]) -> None:
    for token in tokens:
        assert token.type not in ("html_block", "html_inline"), token.content
        for child in token.children or []:
            assert child.type not in ("html_block", "html_inline"), child.content


def top_level_headings(tokens: list[Token]) -> list[tuple[str, str]]:
    return [
        (token.tag, text(tokens[index + 1]))
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.level == 0
    ]


def rendered(connector: ir.Connector) -> tuple[str, list[Token]]:
    files = docs.emit(connector)
    assert list(files) == ["CONNECTOR.md"]
    source = files["CONNECTOR.md"]
    return source, markdown().parse(source)


SECTIONS = [
    ("h2", "Setup"),
    ("h3", "Webhook URL"),
    ("h2", "Settings"),
    ("h2", "OAuth"),
    ("h2", "Endpoints"),
    ("h2", "Permissions"),
]


def test_stripe_document() -> None:
    source, tokens = rendered(stripe())
    assert source.startswith(f"<!-- {NOTICE} -->\n")
    assert source.endswith("|\n")
    no_html(tokens[1:])  # the notice comment is the one HTML block
    assert tokens[0].type == "html_block" and tokens[0].content == f"<!-- {NOTICE} -->\n"
    assert top_level_headings(tokens) == [("h1", "Stripe"), *SECTIONS]
    found = tables(tokens)
    by_header = {tuple(table[0]): table[1:] for table in found}
    settings = by_header[
        ("Setting", "Title", "Type", "Required", "Secret", "Default", "Description")
    ]
    assert settings == [
        [
            "api_key",
            "Secret API key",
            "string",
            "yes",
            "yes",
            "—",
            "A restricted key with read access to balance, charges and payouts.",
        ],
        [
            "webhook_signing_secret",
            "Webhook signing secret",
            "string",
            "no",
            "yes",
            "—",
            "The `whsec_...` secret Stripe shows for the webhook endpoint.",
        ],
        [
            "account_country",
            "Account country",
            'one of: "US", "GB", "DE", "FR", "AU"',
            "no",
            "no",
            '"US"',
            "—",
        ],
    ]
    assert by_header[("Token", "Replaced with")][0][0] == "<connection_id>"
    endpoints = by_header[("Method", "Platform path", "Route", "Role", "Operation", "File")]
    assert endpoints[0] == [
        "POST",
        "/api/v1/extensions/{tenant_id}/stripe/routes/setup/test_connection",
        "/setup/test_connection",
        "testConnection",
        "postSetupTestConnection",
        "src/api/setup/test_connection.ts",
    ]
    permissions = by_header[("Allowed URL, as written", "Scheme", "Host", "Port", "Path pattern")]
    assert permissions == [["https://api.stripe.com/*", "https", "api.stripe.com", "443", "/*"]]
    fences = [t for t in tokens if t.type == "fence"]
    assert [f.content for f in fences] == [stripe().webhook.template + "\n"]  # type: ignore[union-attr]


def test_oauth_document(tmp_path: Path) -> None:
    _, tokens = rendered(build(tmp_path, SHOPIFY))
    no_html(tokens[1:])
    by_header = {tuple(table[0]): table[1:] for table in tables(tokens)}
    oauth = dict(by_header[("OAuth", "")])  # type: ignore[arg-type]
    assert oauth["Authorization URL"] == "https://<shop>.myshopify.com/admin/oauth/authorize"
    assert oauth["Token URL"] == "https://<shop>.myshopify.com/admin/oauth/access_token"
    assert oauth["Client credential key"] == "shopify_app"
    assert oauth["Settings in the URLs"] == "<shop>"
    assert oauth["Dynamic host"] == "yes"
    assert by_header[("Scope",)] == [["read_orders"], ["read_products"]]
    roles = by_header[("Method", "Platform path", "Route", "Role", "Operation", "File")][0][3]
    assert roles == "postConnect, testConnection"


@pytest.mark.parametrize("manifest", [OAUTH_SPLIT, WEBHOOK_ONLY, DRAFT7, MODERN])
def test_every_connector_has_the_sections_and_square_tables(
    tmp_path: Path, manifest: dict[str, Any]
) -> None:
    connector = build(tmp_path, manifest)
    source, tokens = rendered(connector)
    no_html(tokens[1:])
    assert top_level_headings(tokens) == [("h1", connector.display_name), *SECTIONS]
    for table in tables(tokens):
        assert len({len(row) for row in table}) == 1
    assert docs.emit(connector)["CONNECTOR.md"] == source  # deterministic


def test_secret_defaults_are_never_echoed(tmp_path: Path) -> None:
    source, tokens = rendered(build(tmp_path, MODERN))
    assert "tok_dont_echo" not in source
    settings = next(t for t in tables(tokens) if t[0][0] == "Setting")
    token_row = next(row for row in settings if row[0] == "token")
    assert token_row[4:6] == ["yes", "—"]  # a secret's default (BF409) never reaches the docs
    limit_row = next(row for row in settings if row[0] == "limit")
    assert limit_row[4:6] == ["no", "10"]


def hostile_manifest() -> dict[str, Any]:
    properties = {
        value: {"type": "string", "title": value, "description": value, "default": value}
        for value in HOSTILE
    }
    return {
        "name": "hostile",
        "displayName": "Hostile | <b>name</b>\n`x`",
        "description": "Desc **not bold** <img src=x onerror=alert(1)>\u2028 [a](b) | c",
        "connection": {
            "testConnection": {"route": "/setup/test_connection", "method": "POST"},
            "settingsSchema": {"type": "object", "properties": properties},
        },
    }


def test_hostile_strings_stay_exact_in_tables_headings_and_text(tmp_path: Path) -> None:
    manifest = hostile_manifest()
    connector = build(tmp_path, manifest)
    _, tokens = rendered(connector)
    no_html(tokens[1:])
    assert top_level_headings(tokens) == [("h1", manifest["displayName"]), *SECTIONS]
    title = next(i for i, t in enumerate(tokens) if t.type == "heading_close")
    assert tokens[title + 1].type == "paragraph_open"
    assert text(tokens[title + 2]) == manifest["description"]
    settings = next(t for t in tables(tokens) if t[0][0] == "Setting")
    header, rows = settings[0], settings[1:]
    assert len(rows) == len(HOSTILE)
    for value, row in zip(HOSTILE, rows, strict=True):
        assert len(row) == len(header), row
        assert row[0] == value  # name
        assert row[1] == value  # title
        assert row[5] == json.dumps(value, ensure_ascii=False, sort_keys=True)  # default
        assert row[6] == value  # description


@pytest.mark.parametrize("value", HOSTILE)
def test_cell_round_trips_alone(value: str) -> None:
    source = f"| h |\n| --- |\n| {docs.cell(value)} |\n"
    assert "\n" not in docs.cell(value)
    ((header, row),) = tables(markdown().parse(source))
    assert header == ["h"] and row == [value]


INSTRUCTIONS = "\n".join(
    [
        "1. Open **Settings** and paste `<connection_id>`.",
        "<script>alert(1)</script>",
        "",
        "## Settings",
        "",
        "| fake | table |",
        "| --- | --- |",
        "| <img src=x onerror=alert(1)> | b |",
        "",
        "<div>",
        "raw block",
        "</div>",
        "",
        "    <b>indented</b>",
        "- item\n  ```\n  code\nlazy <i>x</i>",
        "```html",
        "<b>kept in the fence</b>",
        "```",
        "\\<b>after a backslash</b>",
        "---",
        "~~~",
        "<em>in an unclosed fence</em>",
    ]
)


def test_instructions_are_author_markdown_kept_inside_their_quote(tmp_path: Path) -> None:
    manifest = {
        "name": "quoted",
        "connection": {
            "setup": {
                "webhookUrlTemplate": (
                    "/api/v1/extensions/<tenant_id>/quoted/routes/webhooks/x"
                    "?connection_id=<connection_id>"
                ),
                "instructions": INSTRUCTIONS,
            }
        },
    }
    source, tokens = rendered(build(tmp_path, manifest))
    no_html(tokens[1:])
    assert "<script>" not in markdown().render(source)
    # The author's `## Settings` and fake table stay inside the blockquote.
    assert top_level_headings(tokens) == [("h1", "quoted"), *SECTIONS]
    quote_open = next(i for i, t in enumerate(tokens) if t.type == "blockquote_open")
    quote_close = max(i for i, t in enumerate(tokens) if t.type == "blockquote_close")
    inside = tokens[quote_open:quote_close]
    assert any(t.type == "heading_open" and t.tag == "h2" for t in inside)
    assert any(t.type == "strong_open" for t in inside[0].children or []) or any(
        c.type == "strong_open" for t in inside for c in t.children or []
    )
    fences = [t for t in inside if t.type == "fence"]
    assert "<b>kept in the fence</b>\n" in [f.content for f in fences]
    assert fences[-1].content == "<em>in an unclosed fence</em>\n"
    # Everything after the quote is ours: the webhook section follows it.
    after = [t for t in tokens[quote_close:] if t.type == "heading_open"]
    assert after and tokens[tokens.index(after[0]) + 1].content == "Webhook URL"
    # Inline code shows exactly what the author wrote: it is re-rendered, not regex-escaped.
    codes = [c.content for t in inside for c in t.children or [] if c.type == "code_inline"]
    assert "<connection_id>" in codes


def test_fenced_outruns_backticks_inside() -> None:
    for value in ["a````b", "```", "plain", "x`y``z"]:
        tokens = markdown().parse(docs.fenced(value) + "\n\nafter\n")
        assert tokens[0].type == "fence" and tokens[0].content == value + "\n"
        assert tokens[1].type == "paragraph_open"
