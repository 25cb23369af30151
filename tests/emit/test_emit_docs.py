"""CONNECTOR.md, rendered by a real CommonMark (+ GFM tables) renderer: every manifest string
stays exactly what the author wrote, tables keep their shape, no HTML gets through, and the
setup instructions (author Markdown) cannot leave their section."""

from __future__ import annotations

import html
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
    assert kinds <= {"text", "code_inline"}, (inline.content, kinds)
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


ADMIN = [("h2", "For the admin"), ("h3", "Setup"), ("h3", "Webhook URL"), ("h3", "Settings")]
ADMIN += [("h3", "OAuth consent")]
DEVELOPER = [("h2", "For the developer"), ("h3", "Routes"), ("h3", "Allowlist")]
FILES = [("h3", "Generated files")]


def sections(oauth: bool = False) -> list[tuple[str, str]]:
    return [*ADMIN, *DEVELOPER, *([("h3", "OAuth client")] if oauth else []), *FILES]


def list_items(tokens: list[Token]) -> list[str]:
    """The text of each list item's first paragraph, code spans as their content."""
    items = []
    for index, token in enumerate(tokens):
        if token.type == "list_item_open":
            inline = next(t for t in tokens[index:] if t.type == "inline")
            items.append("".join(c.content for c in inline.children or [] if c.content))
    return items


def test_stripe_document() -> None:
    source, tokens = rendered(stripe())
    assert source.startswith(f"<!-- {NOTICE} -->\n")
    no_html(tokens[1:])  # the notice comment is the one HTML block
    assert tokens[0].type == "html_block" and tokens[0].content == f"<!-- {NOTICE} -->\n"
    assert top_level_headings(tokens) == [("h1", "Stripe"), *sections()]
    assert "Connector `stripe`, version `1.0.0`." in source  # never `1\\.0.0`
    items = list_items(tokens)
    assert any(i.startswith("Secret API key (api_key): string; required; secret") for i in items)
    assert any('Account country (account_country): one of "US", "GB"' in i for i in items)
    assert "<connection_id>: the ID of this connection, created when the admin saves it." in items
    assert any(i.startswith("https://api.stripe.com/* (normalized: ") for i in items)
    (routes,) = tables(tokens)
    assert routes[0] == ["Method", "Platform path", "File", "Called by"]
    fences = [t for t in tokens if t.type == "fence"]
    assert [f.content for f in fences] == [stripe().webhook.template + "\n"]  # type: ignore[union-attr]


def test_oauth_document(tmp_path: Path) -> None:
    _source, tokens = rendered(build(tmp_path, SHOPIFY))
    no_html(tokens[1:])
    assert top_level_headings(tokens)[-2:] == [("h3", "OAuth client"), ("h3", "Generated files")]
    items = list_items(tokens)
    assert "read_orders" in items and "read_products" in items
    assert "Client credential key: shopify_app" in items
    assert "Authorization URL: https://<shop>.myshopify.com/admin/oauth/authorize" in items


@pytest.mark.parametrize("manifest", [OAUTH_SPLIT, WEBHOOK_ONLY, DRAFT7, MODERN])
def test_every_connector_has_the_sections_and_square_tables(
    tmp_path: Path, manifest: dict[str, Any]
) -> None:
    connector = build(tmp_path, manifest)
    source, tokens = rendered(connector)
    no_html(tokens[1:])
    expected = [("h1", connector.display_name), *sections(connector.oauth is not None)]
    assert top_level_headings(tokens) == expected
    for table in tables(tokens):
        assert len({len(row) for row in table}) == 1
    assert docs.emit(connector)["CONNECTOR.md"] == source  # deterministic


def test_secret_defaults_are_never_echoed(tmp_path: Path) -> None:
    source, tokens = rendered(build(tmp_path, MODERN))
    assert "tok_dont_echo" not in source
    items = list_items(tokens)
    token = next(i for i in items if i.startswith("token:"))
    assert "secret" in token and "default" not in token
    limit = next(i for i in items if i.startswith("limit:"))
    assert "default 10" in limit


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


def test_hostile_strings_stay_exact_in_headings_and_text(tmp_path: Path) -> None:
    manifest = hostile_manifest()
    connector = build(tmp_path, manifest)
    source, tokens = rendered(connector)
    no_html(tokens[1:])
    assert top_level_headings(tokens) == [("h1", manifest["displayName"]), *sections()]
    title = next(i for i, t in enumerate(tokens) if t.type == "heading_close")
    assert tokens[title + 1].type == "paragraph_open"
    assert text(tokens[title + 2]) == manifest["description"]
    shown = markdown().render(source)
    for value in HOSTILE:  # titles and descriptions are text (strong: the title)
        assert html.escape(value.strip(), quote=False).split("\n")[0] in shown


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
    assert top_level_headings(tokens) == [("h1", "quoted"), *sections()]
    quote_open = next(i for i, t in enumerate(tokens) if t.type == "blockquote_open")
    quote_close = max(i for i, t in enumerate(tokens) if t.type == "blockquote_close")
    inside = tokens[quote_open:quote_close]
    assert any(t.type == "heading_open" and t.tag == "h5" for t in inside)  # below our h3
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
