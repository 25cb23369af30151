"""CONNECTOR.md of generated connectors (docs_manifests: nested objects, arrays, oneOf, enums,
every string hostile), rendered by markdown-it-py with raw HTML *on*: no HTML from the
manifest, no link at all (no manifest string may become one, on GitHub either), and every
manifest string shown as text."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from markdown_it import MarkdownIt

from backfill_codegen.emit import docs
from backfill_codegen.emit.header import NOTICE
from tests.support.docs_manifests import Page, connectors, manifests
from tests.support.emit_connectors import build

#: The tags a list/table/code page renders to; nothing else may appear.
ALLOWED = {"h1", "h2", "h3", "p", "ul", "li", "code", "strong", "table", "thead", "tbody"}
ALLOWED |= {"tr", "th", "td", "pre", "blockquote"}
#: What starts a GitHub (cmark-gfm) extended autolink in raw text.
AUTOLINK = re.compile(r"(?i)\b(?:https?|ftp)://|\bwww\.|[\w.+-]@[\w-]")
#: A code span or a backslash escape, whichever starts first (left to right, as CommonMark reads:
#: inside a code span a backslash is literal, outside it a backslash-escaped backtick opens none).
CODE_OR_ESCAPE = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)|\\.")


def squash(value: str) -> str:
    """Whitespace aside: the parser puts a space at each tag (a code span inside a word)."""
    return "".join(value.split())


def assert_published_safely(markdown: str, plain: list[str]) -> None:
    for preset in (MarkdownIt("commonmark", {"html": True}).enable("table"),):
        page = Page(preset.render(markdown))
        assert page.comments == [f" {NOTICE} "]
        tags = {tag for tag, _ in page.tags}
        assert tags <= ALLOWED, tags - ALLOWED
        shown = page.text()
        for value in plain:
            assert squash(value) in shown, value
    # GitHub links bare URLs, `www.` and emails in text: none may be in the raw source outside
    # code (where GitHub does not link), so none becomes a link, broken or not.
    for line in markdown.split("\n"):  # Markdown ends lines at LF (no CR is written)
        if line.startswith(("```", "<!--")):
            continue
        assert not AUTOLINK.search(CODE_OR_ESCAPE.sub("", line)), line


@settings(deadline=None)
@given(connectors())
def test_generated_connectors_publish_safely(case) -> None:
    connector, plain = case
    markdown = docs.emit(connector)["CONNECTOR.md"]
    assert_published_safely(markdown, plain)
    assert docs.emit(connector)["CONNECTOR.md"] == markdown  # deterministic


@settings(
    deadline=None, max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=manifests())
def test_generated_manifests_through_check_and_lowering(tmp_path_factory, case) -> None:
    """The same, from manifests through the real checks and lowering: a secret's default (which
    BF409 reports, and lowering removes) never reaches the page."""
    manifest, plain = case
    connector = build(tmp_path_factory.mktemp("m"), manifest)
    markdown = docs.emit(connector)["CONNECTOR.md"]
    assert_published_safely(markdown, plain)
    assert "s3cr3t-v4lue" not in markdown
