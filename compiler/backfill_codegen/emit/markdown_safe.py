"""Author-written Markdown (`setup.instructions`), re-rendered so that it is safe to publish.

The text is parsed with markdown-it-py (CommonMark, plus GFM tables and strikethrough, raw
HTML *disabled*), and Markdown is written back from the syntax tree:

- every piece of text goes through `md_inline`, so nothing in it can become markup: raw HTML
  (`<img onerror>`, `<script>`, comments, every CommonMark HTML-block kind) was text to the
  parser and stays text, escaped;
- code (fenced, indented, inline) is written back as a fenced block or code span whose fence
  outruns every backtick run inside it, so its content cannot close it;
- a link or image is kept only when its destination is http, https, mailto or relative (no
  scheme); any other (`javascript:`, `vbscript:`, `data:`, `file:`, in any case, through
  entities or control characters) is dropped and its text kept as text. Reference links
  become inline links (no definition is left to hijack).

The layout is what the author wrote: headings, lists (tight or loose, their markers and start
numbers), block quotes, tables with their alignment, rules, emphasis, line breaks. Nesting is
bounded by markdown-it's own limit; text longer than MAX_MARKDOWN_CHARS is not parsed but
shown verbatim in a fenced block.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from backfill_codegen.emit.escape import md_inline

if TYPE_CHECKING:
    from markdown_it import MarkdownIt  # start-up: markdown-it only for setup instructions
    from markdown_it.tree import SyntaxTreeNode  # start-up: markdown-it only for setup instructions

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
#: Setup copy is a few kilobytes; markdown-it-py parses about 50 KB a second. Longer text is
#: shown verbatim in a code block rather than parsed: as safe, and `generate` stays fast.
MAX_MARKDOWN_CHARS = 65_536
#: Browsers drop these anywhere in a URL before reading its scheme (`java\tscript:`).
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\ufeff]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_INFO = re.compile(r"[A-Za-z0-9_+#.-]+")
#: What a link destination written between `<` and `>` may not hold as it is.
_DESTINATION_UNSAFE = re.compile(r"[<>\\\s|`\x00-\x1f\x7f]")
_ALIGN = {"text-align:left": ":---", "text-align:center": ":---:", "text-align:right": "---:"}


@cache
def parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # start-up: markdown-it only for setup instructions

    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def is_safe_url(url: str) -> bool:
    """http, https, mailto, or no scheme at all (relative); everything else is refused."""
    bare = _IGNORED_IN_URL.sub("", url)
    scheme = _SCHEME.match(bare)
    if scheme is None:
        # No scheme before the first `/`, `?` or `#`: a relative reference. A `:` before
        # them without a valid scheme is refused too (a browser may still read one).
        head = re.split(r"[/?#]", bare, maxsplit=1)[0]
        return ":" not in head
    return scheme.group(1).lower() in SAFE_SCHEMES


def _destination(url: str) -> str:
    return "<" + _DESTINATION_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", url) + ">"


def _fence(text: str, info: str = "") -> list[str]:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = text[:-1] if text.endswith("\n") else text
    return [fence + info, *(body.split("\n") if body else []), fence]


class _Writer:
    def __init__(self, heading_offset: int = 0) -> None:
        self.in_table = False
        self.heading_offset = heading_offset

    # --- Blocks: each renders to a list of lines. ---------------------------------------

    def blocks(self, nodes: list[SyntaxTreeNode], tight: bool = False) -> list[str]:
        lines: list[str] = []
        for node in nodes:
            rendered = self.block(node, tight)
            if not rendered:
                continue
            if lines and not tight:
                lines.append("")
            lines.extend(rendered)
        return lines

    def block(self, node: SyntaxTreeNode, tight: bool) -> list[str]:
        kind = node.type
        if kind == "paragraph":
            text = self.inline_of(node)
            return [text] if text else []
        if kind == "heading":
            level = int(node.tag[1:]) if node.tag[1:].isdigit() else 1
            level = min(6, level + self.heading_offset)  # below the page's own headings
            return ["#" * level + " " + self.inline_of(node)]
        if kind in ("fence", "code_block"):
            info = _INFO.match(node.info.strip()) if kind == "fence" else None
            # A block with no language is `text`: markdownlint (MD040) wants one on every fence.
            return _fence(node.content, info.group() if info else "text")
        if kind == "hr":
            return ["---"]
        if kind == "blockquote":
            inner = self.blocks(node.children)
            return [">" + (" " + line if line else "") for line in inner] or [">"]
        if kind in ("bullet_list", "ordered_list"):
            return self.list(node)
        if kind == "table":
            return self.table(node)
        # An unknown kind (a later markdown-it version): its text, never its raw source.
        text = self.inline_of(node)
        return [text] if text else []

    def list(self, node: SyntaxTreeNode) -> list[str]:
        ordered = node.type == "ordered_list"
        start = int(node.attrs.get("start", 1)) if ordered else 0
        tight = _is_tight(node)
        lines: list[str] = []
        for number, item in enumerate(node.children, start):
            marker = f"{number}{node.markup or '.'}" if ordered else (node.markup or "-")
            inner = self.blocks(item.children, tight)
            if lines and not tight:
                lines.append("")
            pad = " " * (len(marker) + 1)
            if not inner:
                lines.append(marker)
                continue
            lines.append(f"{marker} {inner[0]}" if inner[0] else marker)
            lines.extend(pad + line if line else "" for line in inner[1:])
        return lines

    def table(self, node: SyntaxTreeNode) -> list[str]:
        rows: list[list[str]] = []
        aligns: list[str] = []
        self.in_table = True
        try:
            for section in node.children:  # thead, tbody
                for row in section.children:
                    cells = []
                    for cell in row.children:
                        if section.type == "thead":
                            aligns.append(_ALIGN.get(str(cell.attrs.get("style", "")), "---"))
                        cells.append(self.inline_of(cell))
                    rows.append(cells)
        finally:
            self.in_table = False
        if not rows:
            return []
        width = len(rows[0])
        lines = ["| " + " | ".join(rows[0]) + " |", "| " + " | ".join(aligns[:width]) + " |"]
        for cells in rows[1:]:
            cells = (cells + [""] * width)[:width]
            lines.append("| " + " | ".join(cells) + " |")
        return lines

    # --- Inline. --------------------------------------------------------------------------

    def inline_of(self, node: SyntaxTreeNode) -> str:
        parts: list[str] = []
        for child in node.children:
            if child.type == "inline":
                parts.append(self.inline(child.children))
            else:
                parts.append(self.inline([child]))
        return "".join(parts).strip()

    def inline(self, nodes: list[SyntaxTreeNode]) -> str:
        return "".join(self.span(node) for node in nodes)

    def span(self, node: SyntaxTreeNode) -> str:
        kind = node.type
        if kind == "text":
            return _text(node.content)
        if kind == "softbreak":
            return " "
        if kind == "hardbreak":
            return "\\\n"
        if kind == "code_inline":
            return self.code(node.content)
        if kind in ("em", "strong", "s"):
            mark = node.markup or {"em": "*", "strong": "**", "s": "~~"}[kind]
            return mark + self.inline(node.children) + mark
        if kind == "link":
            label = self.inline(node.children)
            href = str(node.attrs.get("href", ""))
            if not is_safe_url(href):
                return label
            return f"[{label}]({_destination(href)})"
        if kind == "image":
            alt = self.inline(node.children)
            src = str(node.attrs.get("src", ""))
            if not is_safe_url(src):
                return alt
            return f"![{alt}]({_destination(src)})"
        if node.children:
            return self.inline(node.children)
        return _text(node.content)

    def code(self, content: str) -> str:
        content = content.replace("\n", " ")
        longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
        fence = "`" * (longest + 1)
        pad = " " if content.startswith("`") or content.endswith("`") or not content.strip() else ""
        if self.in_table:  # GFM splits a row at `|` even inside a code span
            content = content.replace("|", "\\|")
        return f"{fence}{pad}{content}{pad}{fence}"


def _text(content: str) -> str:
    """Plain text: md_inline escapes every inline marker, and a block marker at the start of
    the piece (where a hard break may have put it; mid-line the escape is harmless)."""
    return md_inline(content)


def _is_tight(node: SyntaxTreeNode) -> bool:
    """Whether the list is tight: markdown-it hides the paragraphs of a tight list's items."""
    for item in node.children:
        for child in item.children:
            opening = child.nester_tokens.opening if child.nester_tokens else None
            if child.type == "paragraph" and opening is not None and not opening.hidden:
                return False
    return True


def render(text: str, heading_offset: int = 0) -> str:
    """`text` (the author's Markdown) as safe Markdown with the same layout; past
    MAX_MARKDOWN_CHARS, the text verbatim in a fenced block."""
    from markdown_it.tree import SyntaxTreeNode  # start-up: markdown-it only for setup instructions

    if len(text) > MAX_MARKDOWN_CHARS:
        return "\n".join(_fence(re.sub(r"\r\n?", "\n", text), "text"))
    tree = SyntaxTreeNode(parser().parse(text))
    return "\n".join(_Writer(heading_offset).blocks(tree.children))
