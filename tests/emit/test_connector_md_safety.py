"""CONNECTOR.md is safe to publish, whatever the manifest says (issue 10, class 16).

Hypothesis writes hostile setup instructions from the pieces that used to get through or that a
Markdown renderer treats specially: fences of ``` and ~~~ of every length, closed, unclosed and
mismatched; indented code; HTML blocks of all seven CommonMark kinds; inline HTML; autolinks;
reference links and definitions; links with javascript:/vbscript:/data: in any case, through
entities, percent-encoding and control characters; nested block quotes; tables. And hostile
plain strings for every field that is not Markdown (title, description, scopes, settings).

The whole CONNECTOR.md is rendered to HTML by markdown-it-py with raw HTML *enabled* (as
GitHub does before sanitizing), in two presets (CommonMark, and CommonMark with GFM tables and
strikethrough). The HTML must hold only the tags Markdown itself produces, with only their
own attributes, no link or image with an unsafe scheme, no comment but our notice; and every
plain manifest string must be there as text.
"""

from __future__ import annotations

import dataclasses
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from backfill_codegen import ir
from backfill_codegen.emit import docs
from tests.support.emit_connectors import SHOPIFY, build

#: Every tag CommonMark and GFM tables / strikethrough produce, with the attributes they set.
ALLOWED = {
    **dict.fromkeys(
        ("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "li", "blockquote", "pre", "em"), ()
    ),
    **dict.fromkeys(("strong", "s", "hr", "br", "table", "thead", "tbody", "tr"), ()),
    "ol": ("start",),
    "code": ("class",),
    "a": ("href", "title"),
    "img": ("src", "alt", "title"),
    "th": ("style",),
    "td": ("style",),
}
SAFE_SCHEMES = ("http", "https", "mailto")

SCHEMES = st.sampled_from(
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "jav&#x61;script:alert(1)",
        "jav&#97;script:alert(1)",
        "javascript&colon;alert(1)",
        "java%73cript:alert(1)",
        "javascript%3Aalert(1)",
        "java\\tscript:alert(1)",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "DATA:image/png;base64,AAAA",
        "file:///etc/passwd",
        "https://ok.example/a_b",
        "mailto:a@b.example",
        "./relative/path",
        "#anchor",
        "//protocol-relative.example",
        "&#x6A;avascript:alert(1)",
        "javascript\u0000:alert(1)",
    ]
)
HTML_BLOCKS = st.sampled_from(
    [
        "<script>alert(1)</script>",  # kind 1
        "<pre onclick=alert(1)>x</pre>",
        "<style>*{color:red}</style>",
        "<!-- a comment -->",  # kind 2
        "<!-- unclosed comment",
        "<?php echo 1; ?>",  # kind 3
        "<!DOCTYPE html>",  # kind 4
        "<![CDATA[ <b>x</b> ]]>",  # kind 5
        '<div onmouseover="alert(1)">',  # kind 6
        "<table><tr><td>x</td></tr></table>",
        "<details open ontoggle=alert(1)>",
        "<img src=x onerror=alert(1)>",  # kind 7
        '<a href="javascript:alert(1)">x</a>',
        "<custom-tag onerror=alert(1)>",
        "</div>",
    ]
)
WORDS = st.text(
    alphabet=st.sampled_from([*"ab <>&;`~*_[]()!#|\\-=:/\"'\t.01é", "\u2028"]),
    max_size=12,
)


@st.composite
def fences(draw: st.DrawFn) -> str:
    mark = draw(st.sampled_from("`~"))
    opening = mark * draw(st.integers(3, 6))
    info = draw(st.sampled_from(["", "js", "<b>", "x`y", " html"]))
    body = draw(st.lists(st.one_of(HTML_BLOCKS, WORDS), max_size=3))
    closing = draw(
        st.sampled_from(["", opening, mark * 3, mark * 8, "`" * 4 + " ", "~~~"])
    )  # "" leaves it unclosed
    indent = " " * draw(st.integers(0, 3))
    return "\n".join([indent + opening + info, *body, closing])


@st.composite
def links(draw: st.DrawFn) -> str:
    target = draw(SCHEMES)
    label = draw(st.sampled_from(["x", "**b**", "<img src=x onerror=1>", "`c`"]))
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return f"[{label}]({target})"
    if kind == 1:
        return f"![{label}]({target})"
    if kind == 2:
        return f"<{target}>"
    if kind == 3:
        return f"[{label}][r]\n\n[r]: {target}"
    if kind == 4:
        return f'[r]: <{target}> "title"\n\n[r]'
    return f"[{label}](<{target}> 'title')"


@st.composite
def tables(draw: st.DrawFn) -> str:
    cells = st.one_of(WORDS, HTML_BLOCKS, links().map(lambda s: s.split("\n")[0]))
    head = draw(st.lists(cells, min_size=1, max_size=3))
    rows = draw(st.lists(st.lists(cells, min_size=1, max_size=3), max_size=2))
    align = draw(st.sampled_from(["---", ":--", "--:", ":-:"]))
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join([align] * len(head)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


@st.composite
def quoted(draw: st.DrawFn) -> str:
    depth = draw(st.integers(1, 4))
    inner = draw(st.one_of(HTML_BLOCKS, links(), WORDS, fences()))
    return "\n".join("> " * depth + line for line in inner.split("\n"))


PIECES = st.one_of(
    fences(),
    HTML_BLOCKS,
    HTML_BLOCKS.map(lambda s: "    " + s),  # indented code
    HTML_BLOCKS.map(lambda s: "text " + s + " more"),  # inline HTML
    links(),
    tables(),
    quoted(),
    WORDS,
    st.sampled_from(["- item <b>x</b>", "1. one", "2) two", "# <h1>", "Title\n===", "***"]),
)
INSTRUCTIONS = st.lists(
    st.tuples(PIECES, st.sampled_from(["\n", "\n\n", " "])), min_size=1, max_size=6
).map(lambda parts: "".join(piece + sep for piece, sep in parts))
#: Plain strings: no NUL or lone surrogate (a manifest cannot hold them: BF002 / BF008).
PLAIN = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")
HOSTILE_PLAIN = st.one_of(PLAIN, HTML_BLOCKS, links(), SCHEMES, WORDS).filter(
    lambda s: s.strip() != "" and "\x00" not in s
)


def presets() -> dict[str, MarkdownIt]:
    """CommonMark and GFM-like renderers with raw HTML on; and one that, unlike markdown-it,
    makes a link of any destination, so that our own scheme filter is what is tested."""
    permissive = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    permissive.validateLink = lambda url: True  # type: ignore[method-assign]
    return {
        "commonmark": MarkdownIt("commonmark", {"html": True}),
        "gfm-like": MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]),
        "permissive": permissive,
    }


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []
        self.other: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self.text.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.text.append(" ")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_decl(self, decl: str) -> None:
        self.other.append(decl)

    def handle_pi(self, data: str) -> None:
        self.other.append(data)

    def unknown_decl(self, data: str) -> None:
        self.other.append(data)


def _url_is_safe(url: str) -> bool:
    """Independent of the compiler: what a browser would run, after it decodes the attribute
    and drops control characters and whitespace."""
    bare = re.sub(r"[\x00-\x20\x7f-\x9f]", "", html.unescape(url)).lower()
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", bare)
    if scheme is None:
        return ":" not in re.split(r"[/?#]", bare, maxsplit=1)[0]
    return scheme.group(1) in SAFE_SCHEMES


def assert_safe(markdown: str, plain: list[str]) -> None:
    for name, parser in presets().items():
        page = _Html()
        page.feed(parser.render(markdown))
        page.close()
        assert not page.other, (name, page.other)
        assert page.comments == [f" {docs_notice()} "], (name, page.comments)
        for tag, attrs in page.tags:
            assert tag in ALLOWED, (name, tag, attrs)
            for key, value in attrs:
                assert key in ALLOWED[tag], (name, tag, attrs)
                if key in ("href", "src"):
                    assert _url_is_safe(value or ""), (name, tag, value)
                if key == "style":
                    assert re.fullmatch(r"text-align:(left|center|right)", value or ""), value
                if key == "class":
                    assert (value or "").startswith("language-"), value
        shown = " ".join("".join(page.text).split())
        for value in plain:
            assert " ".join(value.split()) in shown, (name, value)


def docs_notice() -> str:
    from backfill_codegen.emit.header import NOTICE

    return NOTICE


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> ir.Connector:
    return build(tmp_path_factory.mktemp("base"), SHOPIFY)


def _connector(base: ir.Connector, instructions: str, plain: list[str]) -> ir.Connector:
    title, description, scope, setting_title, setting_description, url, allowed = plain
    assert base.oauth is not None and base.settings is not None and base.permissions
    first = dataclasses.replace(
        base.settings.properties[0], title=setting_title, description=setting_description
    )
    return dataclasses.replace(
        base,
        display_name=title,
        description=description,
        instructions=instructions,
        oauth=dataclasses.replace(base.oauth, scopes=(scope,), authorization_url_template=url),
        permissions=(dataclasses.replace(base.permissions[0], original=allowed),),
        settings=dataclasses.replace(
            base.settings, properties=(first, *base.settings.properties[1:])
        ),
    )


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(instructions=INSTRUCTIONS, plain=st.lists(HOSTILE_PLAIN, min_size=7, max_size=7))
def test_connector_md_shows_manifest_strings_as_text_or_safe_links(
    base: ir.Connector, instructions: str, plain: list[str]
) -> None:
    connector = _connector(base, instructions, plain)
    markdown = docs.emit(connector)["CONNECTOR.md"]
    assert_safe(markdown, plain)


@pytest.mark.parametrize(
    "instructions",
    [
        # issue 10's examples: an HTML block after a closed fence, and a javascript: link.
        "```\ncode\n```\n<img src=x onerror=alert(1)>",
        " ```\n```\n<script>alert(1)</script>",  # found by the property test in the old escaper
        "[x](javascript:alert(1))",
        "~~~~\n```\n~~~~\n<script>alert(1)</script>",
        "    indented\n<!-- hidden -->",
        "[x][r]\n\n[r]: jav&#x61;script:alert(1)",
        "> > <img src=x onerror=alert(1)>",
        "| a |\n|---|\n| <b>x</b> [y](vbscript:1) |",
    ],
)
def test_known_escapes_are_closed(base: ir.Connector, instructions: str) -> None:
    plain = ["Title", "Description", "scope", "Setting", "About it", "https://a/<x>", "b"]
    markdown = docs.emit(_connector(base, instructions, plain))["CONNECTOR.md"]
    assert_safe(markdown, plain)


def test_safe_links_and_layout_survive(base: ir.Connector, tmp_path: Path) -> None:
    text = (
        "## Steps\n\n1. Open **Admin** and [the docs](https://help.example/a_b).\n"
        "2. Paste `<connection_id>`:\n\n   ```\n   curl https://x.example\n   ```\n\n"
        "| key | value |\n|:--|--:|\n| a | `b\\|c` |\n\n> note\n"
    )
    plain = ["Title", "Description", "scope", "Setting", "About it", "https://a/<x>", "b"]
    markdown = docs.emit(_connector(base, text, plain))["CONNECTOR.md"]
    rendered = presets()["gfm-like"].render(markdown)
    assert '<a href="https://help.example/a_b">the docs</a>' in rendered
    assert "<code>&lt;connection_id&gt;</code>" in rendered
    assert "<strong>Admin</strong>" in rendered
    assert "<h2>Steps</h2>" in rendered
    assert "<code>curl https://x.example\n</code>" in rendered
    assert '<td style="text-align:right"><code>b|c</code></td>' in rendered
    assert "<ol>" in rendered and "<table>" in rendered


def test_instructions_past_the_parse_limit_are_shown_verbatim(base: ir.Connector) -> None:
    from backfill_codegen.emit.markdown_safe import MAX_MARKDOWN_CHARS

    hostile = "<img src=x onerror=alert(1)>\n```\n[x](javascript:alert(1))\r\n~~~\n"
    text = hostile * (MAX_MARKDOWN_CHARS // len(hostile) + 1)
    plain = ["Title", "Description", "scope", "Setting", "About it", "https://a/<x>", "b"]
    markdown = docs.emit(_connector(base, text, plain))["CONNECTOR.md"]
    assert_safe(markdown, plain)
    tokens = presets()["gfm-like"].parse(markdown)
    (fence,) = [t for t in tokens if t.type == "fence"]
    assert fence.content == text.replace("\r\n", "\n")
