"""JavaScript literal semantics the TypeScript front end needs: escapes, numbers, ToString.

Everything here works on the text of one tree-sitter token, never on a whole file, and follows
ECMA-262 for module (strict) code: legacy octal escapes and `017`-style numbers are errors.
"""

from __future__ import annotations

import math
from decimal import Decimal

#: Largest integer a JavaScript number holds exactly; larger literals round like a double.
_MAX_SAFE = 2**53
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}
_LINE_TERMINATORS = ("\n", "\r", "\u2028", "\u2029")
_HEX = "0123456789abcdefABCDEF"


def shown(raw: str, limit: int = 40) -> str:
    """A token as quoted in a message: long literals are cut, not printed whole."""
    return raw if len(raw) <= limit else raw[: limit - 3] + "..."


class LiteralError(ValueError):
    """A literal that a JavaScript module may not contain (a syntax error in strict code)."""


class NotANumber(ValueError):
    """A number literal with no JSON value (BigInt, Infinity); the message says why."""


def decode_escape(raw: str) -> str:
    """The characters one escape sequence stands for (`raw` starts with the backslash).

    Surrogate escapes come back as lone surrogates; `join_surrogates` pairs them up.
    """
    body = raw[1:]
    if not body:
        raise LiteralError("a backslash at the end of the text escapes nothing")
    head = body[0]
    if head in _LINE_TERMINATORS:
        return ""  # a line continuation adds nothing to the string
    if len(body) == 1 and head in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[head]
    if body == "0":
        return "\0"
    if head in "01234567":
        raise LiteralError(
            f"octal escape `{shown(raw)}` is not allowed in a module; write `\\x..` or `\\u....`"
        )
    if head in "89":
        raise LiteralError(
            f"`{shown(raw)}` is not allowed in a module; write `{head}` without `\\`"
        )
    if head == "x":
        return chr(_hex_value(raw, body[1:], 2))
    if head == "u":
        if body[1:2] == "{" and body.endswith("}"):
            digits = body[2:-1]
            value = _hex_value(raw, digits, None)
            if value > 0x10FFFF:
                raise LiteralError(f"`{shown(raw)}` is beyond the last Unicode code point U+10FFFF")
            return chr(value)
        return chr(_hex_value(raw, body[1:], 4))
    return body  # any other character stands for itself: \" \' \\ \` \$ \q


def _hex_value(raw: str, digits: str, width: int | None) -> int:
    if not digits or (width is not None and len(digits) != width):
        raise LiteralError(f"`{shown(raw)}` is not a complete escape sequence")
    if any(char not in _HEX for char in digits):
        raise LiteralError(f"`{shown(raw)}` has a character that is not a hexadecimal digit")
    return int(digits, 16)


def join_surrogates(text: str) -> str:
    """Pair UTF-16 surrogate escapes (`\\uD83D\\uDE00`) into one code point; lone ones stay."""
    if not any("\ud800" <= char <= "\udfff" for char in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def has_lone_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def normalize_template_newlines(raw: str) -> str:
    """Template literals read CRLF and lone CR as LF (ECMA-262, TV of LineTerminatorSequence)."""
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def parse_number(raw: str) -> int | float:
    """The value of a number token: `int` without `.`/exponent (and for hex/octal/binary)."""
    text = raw.replace("_", "")
    lower = text.lower()
    if lower.endswith("n"):
        raise NotANumber(f"BigInt `{shown(raw)}` has no JSON value; write a plain number")
    prefix = lower[:2]
    if prefix in ("0x", "0o", "0b"):
        base = {"0x": 16, "0o": 8, "0b": 2}[prefix]
        try:
            digits = int(text[2:], base)
        except ValueError as error:
            raise LiteralError(f"`{shown(raw)}` is not a valid number") from error
        return _as_js_integer(digits, raw)  # NotANumber (a ValueError) is not a syntax error
    if len(text) > 1 and text[0] == "0" and text[1].isdigit():
        raise LiteralError(
            f"`{shown(raw)}`: numbers with a leading zero are not allowed in a module "
            "(write `0o17` for octal)"
        )
    try:
        value = float(text)
    except ValueError as error:
        raise LiteralError(f"`{shown(raw)}` is not a valid number") from error
    if math.isinf(value):
        raise NotANumber(
            f"`{shown(raw)}` is beyond the largest JavaScript number (it is `Infinity`)"
        )
    if "." in text or "e" in lower:
        return value
    # Short literals convert exactly; long ones are what JavaScript holds: the nearest double.
    return int(text) if len(text) <= 15 else int(value)


def _as_js_integer(value: int, raw: str) -> int:
    if value <= _MAX_SAFE:
        return value
    try:
        return int(float(value))  # int -> float rounds to nearest, ties to even, as JS does
    except OverflowError as error:
        raise NotANumber(
            f"`{shown(raw)}` is beyond the largest JavaScript number (it is `Infinity`)"
        ) from error


def as_double(value: int | float) -> int | float:
    """`value` as the JavaScript number (an IEEE 754 double) it stands for: an integer keeps the
    type `int` (JSON writes it without `.0`) but takes the double's value. Raises NotANumber
    when the double is infinite."""
    try:
        double = float(value)
    except OverflowError:
        double = math.inf if value > 0 else -math.inf
    if math.isinf(double) or math.isnan(double):
        raise NotANumber("the result is beyond the largest JavaScript number (it is `Infinity`)")
    if isinstance(value, int) and not isinstance(value, bool):
        return int(double)
    return double


def add(left: int | float, right: int | float) -> int | float:
    """JavaScript's `left + right` on two numbers: the sum rounded to a double (so
    `9007199254740992 + 1` is `9007199254740992`), an `int` when both operands are. Raises
    NotANumber when it overflows to Infinity."""
    total = float(as_double(left)) + float(as_double(right))  # one IEEE 754 addition
    if math.isinf(total) or math.isnan(total):
        raise NotANumber("this sum is beyond the largest JavaScript number (it is `Infinity`)")
    both_int = isinstance(left, int) and isinstance(right, int)
    return int(total) if both_int else total


def number_to_string(value: int | float) -> str:
    """JavaScript's Number::toString: `1`, `1.5`, `10000`, `1e+21`, `1e-7`."""
    if isinstance(value, int):
        if abs(value) <= _MAX_SAFE:
            return str(value)
        # Beyond 2**53 JavaScript prints the shortest digits that round-trip, then zeros:
        # 2**63 is `9223372036854776000`, not `9223372036854775808`.
        value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    if value < 0:
        return "-" + number_to_string(-value)
    # repr gives the shortest round-trip digits, as JavaScript does; only the layout differs.
    _, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    digits = "".join(str(digit) for digit in digit_tuple).rstrip("0") or "0"
    # value = 0.<digits> * 10**point
    point = int(exponent) + len(digit_tuple)
    count = len(digits)
    if count <= point <= 21:
        return digits + "0" * (point - count)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * (-point) + digits
    power = point - 1
    mark = "+" if power >= 0 else "-"
    mantissa = digits if count == 1 else digits[0] + "." + digits[1:]
    return f"{mantissa}e{mark}{abs(power)}"
