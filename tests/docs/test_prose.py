"""Descriptions show their backtick spans as code, in CONNECTOR.md and on the site, split by
CommonMark's own code-span rule (markdown-it-py agrees on generated text)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from backfill_codegen.emit import docs, prose
from backfill_codegen.emit.site.form import prose_html

TEXT = st.text(alphabet=st.sampled_from([*"ab `  *<&\\_\n"]), max_size=16)


def test_the_stripe_description_shows_its_code() -> None:
    value = "The `whsec_...` secret Stripe shows."
    assert prose.pieces(value) == [
        (False, "The "),
        (True, "whsec_..."),
        (False, " secret Stripe shows."),
    ]
    assert "<code>whsec_...</code>" in MarkdownIt("commonmark").render(docs.description(value))
    assert prose_html(value) == "The <code>whsec_...</code> secret Stripe shows."


def test_unclosed_and_mismatched_runs_are_text() -> None:
    assert prose.pieces("a `b") == [(False, "a `b")]
    assert prose.pieces("``a` b``") == [(True, "a` b")]
    assert prose.pieces("` a `") == [(True, "a")]


@given(TEXT)
def test_code_pieces_agree_with_commonmark(value: str) -> None:
    """Rendering the source a description would be as CommonMark gives the same code spans."""
    source = "".join(char for char in value if char not in "\\*_<&")  # code spans only
    inline = MarkdownIt("commonmark").parseInline(source)[0].children or []
    expected = [child.content for child in inline if child.type == "code_inline"]
    found = [piece for is_code, piece in prose.pieces(source) if is_code]
    assert [" ".join(c.split()) for c in found] == [" ".join(c.split()) for c in expected]
