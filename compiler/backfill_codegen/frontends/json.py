"""The strict JSON front end (RFC 8259): text -> located value tree, or located diagnostics.

Approach: one iterative, single-pass parser written here, with the standard library's
C-accelerated `json.decoder.scanstring` decoding each string. Why not the alternatives:

- `json.loads` accepts `NaN`/`Infinity`, keeps the last duplicate key silently, raises
  `RecursionError` on deep nesting, reports positions but no spans for the
  values it builds, and its messages ("Expecting ',' delimiter") don't say what the user did
  wrong. A second position pass would still have to tokenize the whole text in Python.
- tree-sitter-json is fast C, but lenient (comments, missing commas are error-recovered), so
  strictness and messages would still need a pass of our own over its tree; walking a tree-sitter
  tree from Python costs about as much per node as parsing here, and it adds a dependency.
- `JSONDecoder`'s scanner hooks (`parse_object`/`parse_array`) run only in the recursive pure
  Python scanner and give no position for scalars.

One pass that knows exactly what it expects at each point gives the precise messages ("expected
',' or '}' after an object member", "trailing commas are not allowed in JSON"), spans for every key
and value, duplicate keys (BF003, the later value wins), a depth limit checked at each bracket
(BF006, an explicit stack: no recursion at all) and `NaN`/`Infinity` as BF008. Measured on a
10 MB manifest: see tests/frontends/test_frontend_json.py (about 1.8 s on the development machine).

Numbers: an integer literal stays `int` (any size the interpreter converts; a literal longer than
its 4,300-digit conversion limit is BF006), anything with `.` or an exponent is `float`; a float
that overflows to infinity is BF008. Strings that decode to a lone UTF-16 surrogate (`"\\ud800"`)
are BF008 (no UTF-8 file can hold them; the document gets U+FFFD in their place). After
BF003/BF008 parsing goes on and the document is returned (a number JSON cannot hold is kept as
`None`); after BF001/BF006/BF007 there is no document.
"""

from __future__ import annotations

import re
from json import JSONDecodeError
from json.decoder import scanstring
from typing import Any

from backfill_codegen.diagnostics.model import Diagnostic, JsonPath, Label, Rule
from backfill_codegen.diagnostics.registry import make_diagnostic
from backfill_codegen.frontends.base import FrontendResult, LocatedDocument
from backfill_codegen.frontends.tree import duplicate_key, prune_spans, too_deep, too_many
from backfill_codegen.limits import MAX_DEPTH, MAX_PARSED_VALUES
from backfill_codegen.rules.source import (
    EMPTY_MANIFEST,
    SYNTAX_ERROR,
    TOO_COMPLEX,
    UNSUPPORTED_VALUE,
)
from backfill_codegen.source import SourceFile, Span

_WS = re.compile(r"[ \t\n\r]*")
_WS_CHARS = " \t\n\r"
# Everything that could be meant as a bare word or a number, for one precise message about it.
_WORD = re.compile(r"[-+.\w]+")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}
_NON_FINITE = {"NaN", "Infinity", "+Infinity", "-Infinity", "-NaN", "+NaN"}
_WRONG_CASE = {"True": "true", "False": "false", "None": "null", "Null": "null", "NULL": "null"}

# What the parser expects next.
_VALUE, _KEY, _AFTER = 0, 1, 2


class _Fail(Exception):
    """Ends the parse with one BF001/BF006 diagnostic (internal; never escapes `parse`)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class _Frame:
    """An open object or array."""

    __slots__ = ("container", "index", "is_object", "key", "member", "path", "start")

    def __init__(self, is_object: bool, container: Any, path: JsonPath, start: int) -> None:
        self.is_object = is_object
        self.container = container
        self.path = path
        self.start = start
        self.index = 0  # next array index
        self.key: str = ""  # the member whose value comes next
        self.member: JsonPath = path  # and its path


def parse(source: SourceFile) -> FrontendResult:
    parser = _Parser(source)
    try:
        return parser.run()
    except _Fail as failure:
        # What was found before the fatal error (duplicate keys, NaN) is reported too.
        diagnostics = [*parser.diagnostics, failure.diagnostic]
        return FrontendResult(None, sorted(diagnostics, key=Diagnostic.sort_key))
    except RecursionError:  # pragma: no cover - the parser never recurses; a last resort
        diagnostic = make_diagnostic(
            TOO_COMPLEX, "the JSON is nested too deeply", Label(source, Span(0, 0))
        )
        return FrontendResult(None, [diagnostic])


class _Parser:
    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.text = source.text
        self.diagnostics: list[Diagnostic] = []
        self.value_spans: dict[JsonPath, Span] = {}
        self.key_spans: dict[JsonPath, Span] = {}
        self.replaced_container = False  # a duplicate key replaced an object/array

    # -- the main loop ---------------------------------------------------------------------

    def run(self) -> FrontendResult:
        text = self.text
        length = len(text)
        ws = _WS.match
        value_spans = self.value_spans
        key_spans = self.key_spans
        stack: list[_Frame] = []
        root: Any = None
        state = _VALUE
        i = ws(text, 0).end()
        if i == length:
            return FrontendResult(
                None,
                [
                    make_diagnostic(
                        EMPTY_MANIFEST,
                        "the manifest is empty",
                        Label(self.source, Span(0, 0), "no JSON value in this file"),
                        help='write at least { "name": "..." }',
                    )
                ],
            )

        count = 0
        while True:
            if state == _VALUE:
                count += 1
                if count > MAX_PARSED_VALUES:  # bounds memory, and every later stage
                    span = Span(i, min(i + 1, length))
                    raise _Fail(too_many(self.source, span, MAX_PARSED_VALUES))
                if stack:
                    top = stack[-1]
                    if top.is_object:
                        path: JsonPath = top.member
                    else:
                        path = (*top.path, top.index)
                else:
                    top = None
                    path = ()
                char = text[i] if i < length else ""
                if char == '"':
                    try:
                        value, end = scanstring(text, i + 1, True)
                    except JSONDecodeError:
                        value, end = self.string(i)
                    if end - i - 2 != len(value) and _SURROGATE.search(value):
                        value, end = self.string(i)
                elif char == "{" or char == "[":
                    if len(stack) >= MAX_DEPTH:
                        raise _Fail(too_deep(self.source, Span(i, i + 1), MAX_DEPTH))
                    value = {} if char == "{" else []
                    if top is None:
                        root = value
                    elif top.is_object:
                        top.container[top.key] = value
                    else:
                        top.container.append(value)
                    stack.append(_Frame(char == "{", value, path, i))
                    i += 1
                    if i < length and text[i] in _WS_CHARS:
                        i = ws(text, i).end()
                    close = "}" if char == "{" else "]"
                    if i < length and text[i] == close:
                        state = self.close(stack, i)
                        i += 1
                    else:
                        state = _KEY if char == "{" else _VALUE
                    if i < length and text[i] in _WS_CHARS:
                        i = ws(text, i).end()
                    continue
                else:
                    value, end = self.word(i, stack)
                if top is None:
                    root = value
                elif top.is_object:
                    top.container[top.key] = value
                else:
                    top.container.append(value)
                value_spans[path] = Span(i, end)
                i = end
                state = _AFTER
            elif state == _KEY:
                top = stack[-1]
                if i >= length or text[i] != '"':
                    self.bad_key(i, stack)
                try:
                    key, end = scanstring(text, i + 1, True)
                except JSONDecodeError:
                    key, end = self.string(i)
                if end - i - 2 != len(key) and _SURROGATE.search(key):
                    key, end = self.string(i)
                key_span = Span(i, end)
                i = ws(text, end).end()
                if i >= length or text[i] != ":":
                    self.fail(
                        i,
                        "expected ':' after an object key",
                        stack,
                        help='write each member as "key": value',
                    )
                i += 1
                member = (*top.path, key)
                if key in top.container:
                    first = key_spans[member]
                    self.diagnostics.append(duplicate_key(self.source, key, key_span, first))
                    if isinstance(top.container[key], (dict, list)):
                        self.replaced_container = True
                top.key = key
                top.member = member
                key_spans[member] = key_span
                state = _VALUE
            else:  # _AFTER a value
                if not stack:
                    if i < length:
                        self.fail(i, "unexpected text after the JSON value", stack)
                    break
                top = stack[-1]
                char = text[i] if i < length else ""
                if char == ",":
                    i += 1
                    if top.is_object:
                        state = _KEY
                    else:
                        top.index += 1
                        state = _VALUE
                elif char == ("}" if top.is_object else "]"):
                    state = self.close(stack, i)
                    i += 1
                elif top.is_object:
                    self.fail(i, "expected ',' or '}' after an object member", stack)
                else:
                    self.fail(i, "expected ',' or ']' after an array element", stack)
            if i < length and text[i] in _WS_CHARS:
                i = ws(text, i).end()

        if self.replaced_container:
            self.value_spans, self.key_spans = prune_spans(root, value_spans, key_spans)
        document = LocatedDocument(self.source, root, self.value_spans, self.key_spans)
        return FrontendResult(document, sorted(self.diagnostics, key=Diagnostic.sort_key))

    def close(self, stack: list[_Frame], i: int) -> int:
        frame = stack.pop()
        self.value_spans[frame.path] = Span(frame.start, i + 1)
        return _AFTER

    # -- tokens ------------------------------------------------------------------------------

    def string(self, i: int) -> tuple[str, int]:
        """The string starting at the quote at `i`, and the offset after its closing quote."""
        try:
            value, end = scanstring(self.text, i + 1, True)
        except JSONDecodeError as error:
            self.string_error(i, error)
        if end - i - 2 != len(value) and _SURROGATE.search(value):
            self.diagnostics.append(
                make_diagnostic(
                    UNSUPPORTED_VALUE,
                    "this string holds a lone UTF-16 surrogate escape, which is no character",
                    Label(self.source, Span(i, end)),
                    help="write a complete surrogate pair (\\ud83d\\ude00) or the character itself",
                )
            )
            value = _SURROGATE.sub("\ufffd", value)
        return value, end

    def string_error(self, start: int, error: JSONDecodeError) -> None:
        text = self.text
        pos = error.pos
        message = error.msg
        if message.startswith("Unterminated string"):
            self.fail_at(Span(start, start + 1), "unterminated string", help="close it with '\"'")
        if message.startswith("Invalid control character"):
            char = text[pos] if pos < len(text) else ""
            if char in "\n\r":
                self.fail_at(
                    Span(pos, pos + 1),
                    "a JSON string cannot span lines",
                    help="write a line break inside a string as \\n",
                )
            self.fail_at(
                Span(pos, pos + 1),
                f"control character U+{ord(char):04X} is not allowed in a JSON string",
                help="escape it, e.g. \\t for a tab or \\u0001",
            )
        if message.startswith("Invalid \\uXXXX"):
            begin = pos - 1 if text[pos - 1 : pos] == "\\" else pos
            self.fail_at(
                Span(begin, min(begin + 6, len(text))),
                "invalid \\u escape: it needs exactly four hexadecimal digits",
            )
        # Invalid \escape
        escape = text[pos : pos + 2]
        self.fail_at(
            Span(pos, pos + len(escape)),
            f"invalid escape {escape!s}" if escape[1:].isprintable() else "invalid escape",
            help='JSON knows only \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX',
        )

    def word(self, i: int, stack: list[_Frame]) -> tuple[Any, int]:
        """A number or literal at `i` (anything else is a precise BF001)."""
        text = self.text
        match = _WORD.match(text, i)
        if match is None:
            self.bad_value(i, stack)
        word = match.group()
        end = match.end()
        if word in _LITERALS:
            return _LITERALS[word], end
        number = _NUMBER.fullmatch(word)
        if number is not None:
            if number.group(1) is None and number.group(2) is None:
                try:
                    return int(word), end
                except ValueError:  # longer than the interpreter's int conversion limit
                    self.fail_at(Span(i, end), "this integer has too many digits", rule=TOO_COMPLEX)
            result = float(word)
            if result in (float("inf"), float("-inf")):
                self.unsupported(Span(i, end), "this number is too large for a 64-bit float")
                return None, end
            return result, end
        if word in _NON_FINITE:
            self.unsupported(
                Span(i, end),
                f"{word.lstrip('+')} is not a JSON number",
                help="JSON has no NaN or Infinity; use null or a string",
            )
            return None, end
        if word in _WRONG_CASE:
            self.fail_at(
                Span(i, end),
                f"'{word}' is not a JSON value",
                help=f"JSON literals are lowercase: {_WRONG_CASE[word]}",
            )
        if word[0] in "+-.0123456789":
            self.fail_at(Span(i, end), f"invalid number '{_clip(word)}'", help=_number_help(word))
        self.fail_at(
            Span(i, end),
            f"unexpected '{_clip(word)}'",
            help="strings must be in double quotes; the literals are true, false and null",
        )
        raise AssertionError  # unreachable: fail_at raised

    # -- errors ------------------------------------------------------------------------------

    def unsupported(self, span: Span, message: str, help: str | None = None) -> None:
        self.diagnostics.append(
            make_diagnostic(UNSUPPORTED_VALUE, message, Label(self.source, span), help=help)
        )

    def bad_value(self, i: int, stack: list[_Frame]) -> None:
        text = self.text
        char = text[i] if i < len(text) else ""
        self.common_errors(i, stack)
        if char in ("]", "}") and stack:
            self.trailing_comma(i)
        if char == "'":
            self.fail(i, "JSON strings use double quotes", stack, help="write \"...\" not '...'")
        if char == ",":
            self.fail(i, "expected a value before ','", stack)
        if not char:
            self.fail(i, "expected a value", stack)
        self.fail(i, f"expected a value, found {_char_name(char)}", stack)

    def bad_key(self, i: int, stack: list[_Frame]) -> None:
        text = self.text
        char = text[i] if i < len(text) else ""
        self.common_errors(i, stack)
        if char == "}":
            self.trailing_comma(i)
        if char == "'":
            self.fail(i, "JSON keys use double quotes", stack, help="write \"key\" not 'key'")
        match = _WORD.match(text, i)
        if match is not None:
            self.fail_at(
                Span(i, match.end()),
                "object keys must be strings in double quotes",
                help=f'write "{_clip(match.group())}"',
            )
        if not char:
            self.fail(i, "expected a string key", stack)
        self.fail(i, f"expected a string key, found {_char_name(char)}", stack)

    def common_errors(self, i: int, stack: list[_Frame]) -> None:
        text = self.text
        if text.startswith("//", i) or text.startswith("/*", i):
            if text.startswith("//", i):
                end = len(text)
                for stop in ("\n", "\r"):
                    found = text.find(stop, i)
                    if found >= 0:
                        end = min(end, found)
            else:
                found = text.find("*/", i + 2)
                end = found + 2 if found >= 0 else len(text)
            self.fail_at(
                Span(i, end),
                "comments are not allowed in JSON",
                help="remove the comment, or write the manifest as YAML or TypeScript",
            )

    def trailing_comma(self, i: int) -> None:
        """BF001 at the comma before the closing bracket at `i`, if there is one."""
        text = self.text
        comma = i - 1
        while comma >= 0 and text[comma] in _WS_CHARS:
            comma -= 1
        if comma < 0 or text[comma] != ",":
            return
        self.fail_at(
            Span(comma, comma + 1),
            "trailing commas are not allowed in JSON",
            help="remove the last ','",
        )

    def fail(self, i: int, message: str, stack: list[_Frame], help: str | None = None) -> None:
        """BF001 at offset `i`; at the end of the file, name the bracket left open."""
        text = self.text
        self.common_errors(i, stack)
        if i >= len(text):
            secondary: tuple[Label, ...] = ()
            if stack:
                frame = stack[-1]
                what = "object" if frame.is_object else "array"
                secondary = (
                    Label(
                        self.source,
                        Span(frame.start, frame.start + 1),
                        f"this {what} is not closed",
                    ),
                )
            message = f"unexpected end of file: {message}"
            raise _Fail(
                make_diagnostic(
                    SYNTAX_ERROR,
                    message,
                    Label(self.source, Span(len(text), len(text))),
                    secondary=secondary,
                    help=help,
                )
            )
        if stack and text[i] in "]}" and message.startswith("expected ','"):
            frame = stack[-1]
            what = "object" if frame.is_object else "array"
            raise _Fail(
                make_diagnostic(
                    SYNTAX_ERROR,
                    f"{message}, found '{text[i]}'",
                    Label(self.source, Span(i, i + 1)),
                    secondary=(
                        Label(
                            self.source,
                            Span(frame.start, frame.start + 1),
                            f"the {what} starts here",
                        ),
                    ),
                    help=help,
                )
            )
        self.fail_at(Span(i, i + 1), message, help=help)

    def fail_at(
        self, span: Span, message: str, help: str | None = None, rule: Rule = SYNTAX_ERROR
    ) -> None:
        raise _Fail(make_diagnostic(rule, message, Label(self.source, span), help=help))


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _char_name(char: str) -> str:
    if not char:
        return "the end of the file"
    if char.isprintable() and not char.isspace():
        return f"'{char}'"
    return f"U+{ord(char):04X}"


def _number_help(word: str) -> str:
    body = word.lstrip("+-")
    if word.startswith("+"):
        return "a JSON number has no leading '+'"
    if body.startswith(("0x", "0X", "0o", "0b")):
        return "JSON numbers are decimal"
    if len(body) > 1 and body[0] == "0" and body[1].isdigit():
        return "a JSON number has no leading zeros"
    if body.startswith(".") or ".e" in body.lower() or body.endswith("."):
        return "a JSON number needs digits on both sides of '.'"
    if "_" in body:
        return "JSON numbers have no '_' separators"
    return "write a decimal number like 42, -1.5 or 1e3"
