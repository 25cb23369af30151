"""ECMA-262 patterns (`u` flag) rewritten for Python's `re` and pydantic's Rust `regex`.

The dashboard validates with `new RegExp(pattern, "u").test(value)`. Python's `re` reads the
same text differently: `$` also matches before a final newline, `\\d`, `\\w`, `\\s` and `\\b`
are Unicode-aware, `.` matches U+2028, `[^]` is an error. Rust's `regex` (pydantic's default
engine) has its own differences. `to_python` rewrites a parsed pattern
(backfill_codegen/domain/ecma_syntax.py)
so that it means, in `re.search`, exactly what it means in `RegExp.test`:

- every character set (`.`, `\\d`, `\\W`, `[^a-z]`, `[^]`, `[]`) becomes an explicit class of
  code-point ranges, escaped so that both engines read the same ranges;
- `$` becomes `\\Z` (the end of the input, with no newline exception), `^` stays (the start of
  the input without the `m` flag), `\\b`/`\\B` become look-arounds over ECMA's `[0-9A-Za-z_]`;
- groups become non-capturing (a match's captures do not change whether it matches), except
  those a backreference reads: `\\1` after its group is `(?(g1)(?P=g1))` (an unset group matches
  the empty string in ECMA-262), before or inside it the empty string;
- a look-behind of variable but bounded width becomes look-behinds of fixed widths.

Within those rewrites both engines agree, so the output is right for whichever pydantic picks:
`\\Z`, look-arounds and backreferences make datamodel-code-generator pick `python-re` for the
model, and a pattern without them reads the same in Rust. `Untranslatable` is raised for what
cannot be rewritten faithfully: a backreference to a group in a repetition or a look-around
(ECMA-262 resets such a group on each pass; Python does not), Unicode property escapes
(`\\p{...}`: no support in `re`, and Unicode versions differ), a look-behind of unbounded
width, a repetition count `re` refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from backfill_codegen.domain import ecma_syntax as syntax
from backfill_codegen.domain.ecma_syntax import Ranges

_WORD = "[0-9A-Z_a-z]"
_BOUNDARY = f"(?:(?<={_WORD})(?!{_WORD})|(?<!{_WORD})(?={_WORD}))"
_NOT_BOUNDARY = f"(?:(?<={_WORD})(?={_WORD})|(?<!{_WORD})(?!{_WORD}))"
#: Written as themselves outside a class; every other character is escaped.
_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
#: Escaped with a backslash outside a class (both engines read these escapes alike).
_META = frozenset("\\.^$*+?{}[]|()")
#: Escaped with a backslash inside a class: what ends or negates it, ranges, nested classes,
#: and the doubled set operators Rust reads (`&&`, `--`, `~~`) and Python warns about (`||`).
_CLASS_META = frozenset("\\[]^-&~|")


class Untranslatable(ValueError):
    """A valid ECMA-262 pattern with no faithful Python `re` equivalent here."""


def _code(code: int) -> str:
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _literal(code: int) -> str:
    char = chr(code)
    if char in _PLAIN:
        return char
    if char in _META:
        return "\\" + char
    if 0x20 <= code < 0x7F:
        return char  # printable ASCII punctuation and space: literal in both engines
    return _code(code)


def _class_member(code: int) -> str:
    char = chr(code)
    if char in _CLASS_META:
        return "\\" + char
    if char in _PLAIN or 0x20 <= code < 0x7F:
        return char  # printable ASCII: literal in a class in both engines
    return _code(code)


def _chars(ranges: Ranges) -> str:
    if not ranges:
        return "[^\\x00-\\U0010ffff]"  # matches nothing, as ECMA's `[]`
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _literal(ranges[0][0])
    parts = []
    for low, high in ranges:
        if low == high:
            parts.append(_class_member(low))
        elif high == low + 1:
            parts.append(_class_member(low) + _class_member(high))
        else:
            parts.append(f"{_class_member(low)}-{_class_member(high)}")
    return "[" + "".join(parts) + "]"


def _atomic(text: str, node: syntax.Node) -> str:
    """`text` as one quantifiable unit."""
    if isinstance(node, syntax.Chars | syntax.Group | syntax.Look):
        return text
    return f"(?:{text})"


def _quantifier(node: syntax.Repeat) -> str:
    low, high = node.min, node.max
    if (low, high) == (0, None):
        text = "*"
    elif (low, high) == (1, None):
        text = "+"
    elif (low, high) == (0, 1):
        text = "?"
    elif high is None:
        text = f"{{{low},}}"
    elif low == high:
        text = f"{{{low}}}"
    else:
        text = f"{{{low},{high}}}"
    return text + ("?" if node.lazy else "")


def _width(node: syntax.Node) -> int | None:
    """The fixed number of characters `node` consumes, or None when it varies."""
    if isinstance(node, syntax.Chars):
        return 1
    if isinstance(node, syntax.Assertion | syntax.Look):
        return 0
    if isinstance(node, syntax.Group):
        return _width(node.body)
    if isinstance(node, syntax.Seq):
        total = 0
        for item in node.items:
            width = _width(item)
            if width is None:
                return None
            total += width
        return total
    if isinstance(node, syntax.Alt):
        widths = {_width(item) for item in node.items}
        return widths.pop() if len(widths) == 1 else None
    if isinstance(node, syntax.Repeat):
        width = _width(node.body)
        if width == 0:
            return 0
        if width is None or node.max != node.min:
            return None
        return width * node.min
    return None


@dataclass
class _Context:
    #: The Python text of each backreference node (by identity).
    backrefs: dict[int, str] = field(default_factory=dict)
    #: The capturing groups a backreference reads: written `(?P<gN>...)`, all others `(?:...)`.
    referenced: set[int] = field(default_factory=set)


def _plan_backreferences(tree: syntax.Node) -> _Context:
    """How each backreference is written. ECMA-262 and Python agree on a backreference to a
    group that is set once at most, before it: then `(?(gN)(?P=gN))` (an unset group matches
    the empty string in ECMA-262). Before its group or inside it, the group is never set yet:
    the empty string. A group in a repetition (ECMA-262 resets it on each pass) or in a
    look-around, and a backreference in a look-behind (matched backwards), are refused."""
    ctx = _Context()
    closes: dict[int, tuple[int, bool]] = {}  # group number -> (position after it, unstable)
    names: dict[str, int] = {}
    refs: list[tuple[syntax.Backref, int, bool]] = []
    position = 0

    def visit(node: syntax.Node, repeated: bool, looked: bool, behind: bool) -> None:
        nonlocal position
        position += 1
        if isinstance(node, syntax.Backref):
            refs.append((node, position, behind))
        elif isinstance(node, syntax.Repeat):
            repeated = repeated or node.max is None or node.max > 1
        elif isinstance(node, syntax.Look):
            looked, behind = True, behind or node.behind
        for child in syntax.children(node):
            visit(child, repeated, looked, behind)
        if isinstance(node, syntax.Group) and node.capturing:
            closes[node.number] = (position, repeated or looked)
            if node.name is not None:
                # ES2025 lets one name stand for groups in different alternatives.
                names[node.name] = 0 if node.name in names else node.number

    visit(tree, False, False, False)
    for ref, at, behind in refs:
        number = int(ref.ref) if ref.ref.isdigit() else names.get(ref.ref[2:-1], 0)
        if number not in closes:
            raise Untranslatable(
                f"a backreference (`\\{ref.ref}`) to a name several groups share"
                if number == 0
                else f"a backreference (`\\{ref.ref}`) the compiler cannot resolve"
            )
        close, unstable = closes[number]
        if behind or unstable:
            raise Untranslatable(
                f"a backreference (`\\{ref.ref}`) to a group in a repetition or a look-around, "
                "or in a look-behind: ECMA-262 and Python `re` match those differently"
            )
        if at <= close:
            ctx.backrefs[id(ref)] = ""  # the group is not set yet: it matches the empty string
        else:
            ctx.referenced.add(number)
            ctx.backrefs[id(ref)] = f"(?(g{number})(?P=g{number}))"
    return ctx


#: Most fixed-width alternatives a variable-width look-behind is expanded into.
MAX_LOOKBEHIND_CHOICES = 32


def _fixed_widths(node: syntax.Node) -> list[syntax.Node] | None:
    """`node` as alternatives of fixed width each (None when there would be too many, or an
    unbounded repetition makes them infinite)."""
    if _width(node) is not None:
        return [node]
    options: list[syntax.Node] | None
    if isinstance(node, syntax.Alt):
        options = []
        for item in node.items:
            more = _fixed_widths(item)
            if more is None:
                return None
            options.extend(more)
    elif isinstance(node, syntax.Group):
        options = _fixed_widths(node.body)
    elif isinstance(node, syntax.Seq):
        options = [syntax.Seq(())]
        for item in node.items:
            tails = _fixed_widths(item)
            if tails is None or len(options) * len(tails) > MAX_LOOKBEHIND_CHOICES:
                return None
            options = [syntax.Seq((*head.items, tail)) for head in options for tail in tails]  # type: ignore[union-attr]
    elif isinstance(node, syntax.Repeat) and node.max is not None:
        body = _fixed_widths(node.body)
        if body is None or node.max - node.min + 1 > MAX_LOOKBEHIND_CHOICES:
            return None
        options = []
        for count in range(node.min, node.max + 1):
            expanded = _fixed_widths(syntax.Seq((node.body,) * count))
            if expanded is None:
                return None
            options.extend(expanded)
    else:
        return None
    if options is None or len(options) > MAX_LOOKBEHIND_CHOICES:
        return None
    return options


def _emit(node: syntax.Node, ctx: _Context) -> str:
    if isinstance(node, syntax.Chars):
        if node.unknown:
            raise Untranslatable(
                f"Unicode property escapes ({', '.join(node.unknown)}) have no Python `re` "
                "equivalent"
            )
        return _chars(node.ranges)
    if isinstance(node, syntax.Assertion):
        return {"^": "^", "$": "\\Z", "\\b": _BOUNDARY, "\\B": _NOT_BOUNDARY}[node.kind]
    if isinstance(node, syntax.Backref):
        return ctx.backrefs[id(node)]
    if isinstance(node, syntax.Look):
        head = ("(?<" if node.behind else "(?") + ("!" if node.negative else "=")
        if not node.behind or _width(node.body) is not None:
            return head + _emit(node.body, ctx) + ")"
        # `(?<=a|bc)` is `(?<=a)|(?<=bc)`, and `(?<!a|bc)` is `(?<!a)(?<!bc)`: each of fixed
        # width, as Python's `re` needs.
        choices = _fixed_widths(node.body)
        if choices is None:
            raise Untranslatable("a look-behind of unbounded width: Python `re` has none")
        looks = [head + _emit(choice, ctx) + ")" for choice in choices]
        return "".join(looks) if node.negative else "(?:" + "|".join(looks) + ")"
    if isinstance(node, syntax.Group):
        head = f"(?P<g{node.number}>" if node.number in ctx.referenced else "(?:"
        return head + _emit(node.body, ctx) + ")"
    if isinstance(node, syntax.Repeat):
        return _atomic(_emit(node.body, ctx), node.body) + _quantifier(node)
    if isinstance(node, syntax.Seq):
        return "".join(
            f"(?:{_emit(item, ctx)})" if isinstance(item, syntax.Alt) else _emit(item, ctx)
            for item in node.items
        )
    assert isinstance(node, syntax.Alt)
    return "|".join(_emit(item, ctx) for item in node.items)


@lru_cache(maxsize=1024)
def to_python(pattern: str) -> str:
    """`pattern` (valid ECMA-262, `u` flag) for `re.search`, with the same matches as
    `new RegExp(pattern, "u").test`; `Untranslatable` when that cannot be done."""
    try:
        tree = syntax.parse(pattern)
    except syntax.Unsupported as error:
        raise Untranslatable(f"the compiler cannot read it ({error})") from error
    translated = _emit(tree, _plan_backreferences(tree))
    try:
        re.compile(translated)
    except (re.error, OverflowError, RecursionError, ValueError) as error:
        raise Untranslatable(f"Python's `re` cannot compile its translation ({error})") from error
    return translated


def untranslatable(pattern: str) -> str | None:
    """Why `pattern` has no faithful Python `re` translation, or None when it has one."""
    try:
        to_python(pattern)
    except Untranslatable as error:
        return str(error)
    return None
