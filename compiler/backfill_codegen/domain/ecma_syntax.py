"""A parser for ECMA-262 regular expressions in `u` (unicode) mode, into a small tree.

One parse serves every static question the compiler asks of a pattern: which characters a
match can contain (`alphabet`, for dynamic hosts), whether every match spans the whole string
(`is_anchored`), and what the pattern is in Python's `re` (domain/ecma_translate.py).

Call `parse` only on patterns `regress` compiled (domain/ecma.py `compile_error`): the
parser trusts the syntax is valid and raises `Unsupported` for anything it does not model (a group
nested deeper than `MAX_NESTING`, modifiers such as `(?i:...)`), so that callers can treat it
conservatively. Flags are always just `u` (no `i`, `m`, `s`, `v`): case-sensitive, `^`/`$` at
the ends of the input only, `.` excluding line terminators.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from backfill_codegen import limits

MAX_CODE_POINT = 0x10FFFF
MAX_PATTERN_CHARS = limits.MAX_PATTERN_CHARS
#: Deepest nesting of groups, classes and quantifiers modelled: the tree is walked recursively.
MAX_NESTING = 100

Ranges = tuple[tuple[int, int], ...]  # sorted, disjoint, non-adjacent inclusive ranges


class Unsupported(ValueError):
    """A valid pattern this parser does not model (callers treat it conservatively)."""


class Invalid(Unsupported):
    """A pattern ECMA-262 (and V8) refuses that `regress` accepts: a quantified `\\b`."""


def normalise(ranges: Iterable[tuple[int, int]]) -> Ranges:
    out: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return tuple(out)


def complement(ranges: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    next_low = 0
    for low, high in ranges:
        if low > next_low:
            out.append((next_low, low - 1))
        next_low = high + 1
    if next_low <= MAX_CODE_POINT:
        out.append((next_low, MAX_CODE_POINT))
    return tuple(out)


def subtract(ranges: Ranges, other: Ranges) -> Ranges:
    """`ranges` without `other`."""
    kept = complement(other)
    out: list[tuple[int, int]] = []
    for low, high in ranges:
        for k_low, k_high in kept:
            start, end = max(low, k_low), min(high, k_high)
            if start <= end:
                out.append((start, end))
    return normalise(out)


def contains(ranges: Ranges, code: int) -> bool:
    return any(low <= code <= high for low, high in ranges)


def characters(text: str) -> Ranges:
    return normalise((ord(c), ord(c)) for c in text)


# ECMA-262 character class escapes (22.2.2.9), without the `i` flag.
DIGITS: Ranges = ((0x30, 0x39),)
WORD: Ranges = normalise([(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)])
#: WhiteSpace and LineTerminator: the Zs category (Unicode 15) plus TAB, VT, FF, BOM, LF, CR,
#: LS and PS.
SPACE: Ranges = normalise(
    [
        (0x09, 0x0D),
        (0x20, 0x20),
        (0xA0, 0xA0),
        (0x1680, 0x1680),
        (0x2000, 0x200A),
        (0x2028, 0x2029),
        (0x202F, 0x202F),
        (0x205F, 0x205F),
        (0x3000, 0x3000),
        (0xFEFF, 0xFEFF),
    ]
)
LINE_TERMINATORS: Ranges = normalise([(0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)])
#: `.` without the `s` flag.
DOT: Ranges = complement(LINE_TERMINATORS)
ANY: Ranges = ((0, MAX_CODE_POINT),)
_CLASS_ESCAPES: dict[str, Ranges] = {
    "d": DIGITS,
    "D": complement(DIGITS),
    "w": WORD,
    "W": complement(WORD),
    "s": SPACE,
    "S": complement(SPACE),
}
_CONTROL_ESCAPES = {"f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09, "v": 0x0B}
_SYNTAX_CHARACTERS = set("^$\\.*+?()[]{}|/")


# --- The tree. ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chars:
    """One character from `ranges`; `unknown` names a `\\p{...}` the set also holds, whose
    members are not modelled."""

    ranges: Ranges
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assertion:
    kind: str  # "^", "$", "\\b" or "\\B"


@dataclass(frozen=True)
class Look:
    behind: bool
    negative: bool
    body: Node


@dataclass(frozen=True)
class Group:
    body: Node
    capturing: bool
    number: int = 0  # a capturing group's number (1, 2, ... by its `(`); 0 otherwise
    name: str | None = None


@dataclass(frozen=True)
class Backref:
    ref: str  # as written after the backslash: `1`, `k<name>`


@dataclass(frozen=True)
class Repeat:
    body: Node
    min: int
    max: int | None
    lazy: bool


@dataclass(frozen=True)
class Seq:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Alt:
    items: tuple[Node, ...]


Node = Chars | Assertion | Look | Group | Backref | Repeat | Seq | Alt


# --- Parsing. ------------------------------------------------------------------------------------


@dataclass
class _Frame:
    """An open group: its alternatives so far and the terms of the current one."""

    kind: str  # "root", "group", "capture", "look"
    behind: bool = False
    negative: bool = False
    number: int = 0
    name: str | None = None
    alternatives: list[Node] = field(default_factory=list)
    terms: list[Node] = field(default_factory=list)

    def close_alternative(self) -> None:
        self.alternatives.append(_seq(self.terms))
        self.terms = []

    def body(self) -> Node:
        self.close_alternative()
        return (
            self.alternatives[0] if len(self.alternatives) == 1 else Alt(tuple(self.alternatives))
        )


def _seq(terms: list[Node]) -> Node:
    return terms[0] if len(terms) == 1 else Seq(tuple(terms))


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.i = 0
        self.groups = 0  # capturing groups opened so far

    def peek(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.text[j] if j < len(self.text) else ""

    def parse(self) -> Node:
        stack = [_Frame("root")]
        while self.i < len(self.text):
            c = self.text[self.i]
            frame = stack[-1]
            if c == "|":
                self.i += 1
                frame.close_alternative()
            elif c == "(":
                if len(stack) > MAX_NESTING:
                    raise Unsupported("groups nested too deeply")
                stack.append(self._open_group())
            elif c == ")":
                self.i += 1
                if len(stack) == 1:
                    raise Unsupported("unbalanced `)`")
                done = stack.pop()
                body = done.body()
                node: Node
                if done.kind == "look":
                    node = Look(done.behind, done.negative, body)
                else:
                    node = Group(body, done.kind == "capture", done.number, done.name)
                stack[-1].terms.append(node)
            elif c in "*+?{":
                self._quantify(frame)
            elif c == "^" or c == "$":
                self.i += 1
                frame.terms.append(Assertion(c))
            elif c == ".":
                self.i += 1
                frame.terms.append(Chars(DOT))
            elif c == "[":
                frame.terms.append(self._class())
            elif c == "\\":
                frame.terms.append(self._atom_escape())
            else:
                self.i += 1
                frame.terms.append(Chars(((ord(c), ord(c)),)))
        if len(stack) != 1:
            raise Unsupported("unclosed group")
        return stack[0].body()

    def _open_group(self) -> _Frame:
        text, i = self.text, self.i
        if text.startswith("(?=", i) or text.startswith("(?!", i):
            self.i += 3
            return _Frame("look", behind=False, negative=text[i + 2] == "!")
        if text.startswith("(?<=", i) or text.startswith("(?<!", i):
            self.i += 4
            return _Frame("look", behind=True, negative=text[i + 3] == "!")
        if text.startswith("(?:", i):
            self.i += 3
            return _Frame("group")
        if text.startswith("(?<", i):
            end = text.find(">", i)
            if end < 0:
                raise Unsupported("unclosed group name")
            self.i = end + 1
            self.groups += 1
            return _Frame("capture", number=self.groups, name=text[i + 3 : end])
        if text.startswith("(?", i):
            raise Unsupported(f"group syntax `{text[i : i + 4]}`")
        self.i += 1
        self.groups += 1
        return _Frame("capture", number=self.groups)

    def _quantify(self, frame: _Frame) -> None:
        c = self.text[self.i]
        low: int
        high: int | None
        if c == "{":
            end = self.text.find("}", self.i)
            body = self.text[self.i + 1 : end] if end > 0 else ""
            parts = body.split(",")
            if end < 0 or len(parts) > 2 or not parts[0].isdigit():
                raise Unsupported("a `{` that is not a quantifier")
            low = int(parts[0])
            if len(parts) == 1:
                high = low
            elif parts[1] == "":
                high = None
            elif parts[1].isdigit():
                high = int(parts[1])
            else:
                raise Unsupported("a `{` that is not a quantifier")
            self.i = end + 1
        else:
            low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
            self.i += 1
        lazy = self.peek() == "?"
        if lazy:
            self.i += 1
        if not frame.terms or isinstance(frame.terms[-1], Assertion):
            raise Invalid("nothing to repeat: an assertion cannot take a quantifier")
        frame.terms[-1] = Repeat(frame.terms[-1], low, high, lazy)

    # Escapes and classes.

    def _hex(self, count: int) -> int:
        digits = self.text[self.i : self.i + count]
        if len(digits) != count or any(d not in "0123456789abcdefABCDEF" for d in digits):
            raise Unsupported("a malformed hex escape")
        self.i += count
        return int(digits, 16)

    def _unicode_escape(self) -> int:
        """After `\\u`: `{X...}`, or `XXXX` (a surrogate pair `\\uD83D\\uDE00` is one code
        point in `u` mode)."""
        if self.peek() == "{":
            end = self.text.find("}", self.i)
            if end < 0:
                raise Unsupported("a malformed `\\u{...}`")
            code = int(self.text[self.i + 1 : end], 16)
            self.i = end + 1
            return code
        code = self._hex(4)
        if 0xD800 <= code <= 0xDBFF and self.text.startswith("\\u", self.i):
            saved = self.i
            self.i += 2
            try:
                trail = self._hex(4)
            except Unsupported:
                trail = -1
            if 0xDC00 <= trail <= 0xDFFF:
                return 0x10000 + ((code - 0xD800) << 10) + (trail - 0xDC00)
            self.i = saved
        return code

    def _character_escape(self, c: str) -> int:
        """The character a CharacterEscape after `\\` stands for (`c` already consumed)."""
        if c in _CONTROL_ESCAPES:
            return _CONTROL_ESCAPES[c]
        if c == "c":
            letter = self.peek()
            self.i += 1
            return ord(letter) % 32
        if c == "0":
            return 0
        if c == "x":
            return self._hex(2)
        if c == "u":
            return self._unicode_escape()
        if c in _SYNTAX_CHARACTERS or c == "-":
            return ord(c)
        raise Unsupported(f"the escape `\\{c}`")

    def _property(self, c: str) -> Chars:
        end = self.text.find("}", self.i)
        if self.peek() != "{" or end < 0:
            raise Unsupported("a malformed property escape")
        name = self.text[self.i - 2 : end + 1]
        self.i = end + 1
        return Chars((), (name,))

    def _atom_escape(self) -> Node:
        self.i += 1  # the backslash
        c = self.peek()
        self.i += 1
        if c in _CLASS_ESCAPES:
            return Chars(_CLASS_ESCAPES[c])
        if c in "pP":
            return self._property(c)
        if c in "bB":
            return Assertion("\\" + c)
        if c == "k":
            end = self.text.find(">", self.i)
            if self.peek() != "<" or end < 0:
                raise Unsupported("a malformed `\\k<name>`")
            ref = self.text[self.i - 1 : end + 1]
            self.i = end + 1
            return Backref(ref)
        if c.isdigit() and c != "0":
            start = self.i - 1
            while self.peek().isdigit():
                self.i += 1
            return Backref(self.text[start : self.i])
        code = self._character_escape(c)
        return Chars(((code, code),))

    def _class_atom(self) -> Chars:
        c = self.peek()
        if c != "\\":
            # A code point of the pattern (Python strings hold code points, not UTF-16 units).
            self.i += 1
            return Chars(((ord(c), ord(c)),))
        self.i += 1
        c = self.peek()
        self.i += 1
        if c in _CLASS_ESCAPES:
            return Chars(_CLASS_ESCAPES[c])
        if c in "pP":
            return self._property(c)
        if c == "b":
            return Chars(((0x08, 0x08),))
        code = self._character_escape(c)
        return Chars(((code, code),))

    def _class(self) -> Chars:
        self.i += 1  # `[`
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        ranges: list[tuple[int, int]] = []
        unknown: list[str] = []
        while True:
            if self.i >= len(self.text):
                raise Unsupported("unclosed class")
            if self.peek() == "]":
                self.i += 1
                break
            first = self._class_atom()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.i += 1
                last = self._class_atom()
                if len(first.ranges) != 1 or len(last.ranges) != 1 or first.unknown:
                    raise Unsupported("a class range between class escapes")
                ranges.append((first.ranges[0][0], last.ranges[0][0]))
            else:
                ranges.extend(first.ranges)
                unknown.extend(first.unknown)
        merged = normalise(ranges)
        if negated:
            if unknown:
                # `[^\p{L}]`: the complement of an unmodelled set is unmodelled too.
                return Chars(complement(merged), tuple(f"[^{u}]" for u in unknown))
            return Chars(complement(merged))
        return Chars(merged, tuple(unknown))


@lru_cache(maxsize=1024)
def parse(pattern: str) -> Node:
    """The tree of a pattern `regress` accepts with the `u` flag; `Unsupported` otherwise
    (also past `limits.MAX_PATTERN_CHARS`: the manifest's size alone would allow megabytes)."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise Unsupported(f"it is longer than {MAX_PATTERN_CHARS:,} characters")
    return _Parser(pattern).parse()


# --- Questions about a tree. -------------------------------------------------------------------


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Seq | Alt):
        return node.items
    if isinstance(node, Group | Look | Repeat):
        return (node.body,)
    return ()


def walk(node: Node) -> Iterator[Node]:
    yield node
    for child in children(node):
        yield from walk(child)


def has_backreference(node: Node) -> bool:
    return any(isinstance(n, Backref) for n in walk(node))


def _consumed(node: Node) -> tuple[Ranges, bool]:
    """The characters `node` can consume, and whether an unmodelled set adds unknown ones.
    Look-arounds consume nothing: without backreferences, what they match is never part of
    the match."""
    if isinstance(node, Chars):
        return node.ranges, bool(node.unknown)
    if isinstance(node, Assertion | Look | Backref):
        return (), False
    if isinstance(node, Repeat) and node.max == 0:
        return (), False
    found: list[tuple[int, int]] = []
    unknown = False
    for child in children(node):
        ranges, more = _consumed(child)
        found.extend(ranges)
        unknown = unknown or more
    return normalise(found), unknown


def unreadable(pattern: str) -> str | None:
    """Why `parse` refuses a valid `pattern` (too long, too deeply nested), or None."""
    try:
        parse(pattern)
    except Unsupported as error:
        return f"the compiler cannot analyse it ({error})"
    return None


def unanalysed(pattern: str) -> str | None:
    """Why `alphabet` cannot see into an anchored `pattern` (and answers `ANY`), or None."""
    try:
        tree = parse(pattern)
    except Unsupported as error:
        return f"the compiler cannot analyse it ({error})"
    if has_backreference(tree):
        return "a backreference is not analysed (it may replay what a look-around captured)"
    if _consumed(tree)[1]:
        return "a Unicode property escape (`\\p{...}`) is not analysed"
    return None


def alphabet(pattern: str) -> Ranges:
    """Every character a string that `new RegExp(pattern, "u").test` accepts can contain, as
    an over-approximation: `ANY` unless every match spans the whole string (`is_anchored`),
    and `ANY` when a backreference (which may replay what a look-around captured), a Unicode
    property or anything unparsed is involved."""
    try:
        tree = parse(pattern)
    except Unsupported:
        return ANY
    if not _anchored(tree) or has_backreference(tree):
        return ANY
    ranges, unknown = _consumed(tree)
    return ANY if unknown else ranges


def _alternatives(node: Node) -> tuple[Node, ...]:
    return node.items if isinstance(node, Alt) else (node,)


def _anchored(node: Node) -> bool:
    """Each alternative starts with `^` and ends with `$` (a group wrapping a whole
    alternative is looked into)."""
    for alternative in _alternatives(node):
        if isinstance(alternative, Group):
            if not _anchored(alternative.body):
                return False
            continue
        items = alternative.items if isinstance(alternative, Seq) else (alternative,)
        if len(items) == 1 and isinstance(items[0], Group):
            if not _anchored(items[0].body):
                return False
            continue
        if not (len(items) >= 2 and items[0] == Assertion("^") and items[-1] == Assertion("$")):
            return False
    return True


def is_anchored(pattern: str) -> bool:
    """True when every match must span the whole string."""
    try:
        return _anchored(parse(pattern))
    except Unsupported:
        return False
