"""ECMA-262 regular expressions, as the dashboard's JSON Schema validator runs them.

JSON Schema's `pattern` is an ECMA-262 regex, and the dashboard (a JavaScript JSON Schema
validator, Ajv by default) compiles it with the `u` (unicode) flag. We do the same with `regress`
(a Rust implementation of ECMA-262 regexes), so a pattern is valid here exactly when it is valid
for `new RegExp(pattern, "u")`. Matching follows `RegExp.prototype.test`: an unanchored search.

`regress` is a backtracking engine without a step limit, and its Python binding holds the GIL, so
a catastrophic pattern (`^(?:(?:[^#]*)*)*$`) cannot be interrupted in-process. Two bounds keep
`search` finite: the strings we search are short (probes of at most `MAX_PROBE_CHARS`), and a
pattern the static screen `backtracking_risk` flags is run in a child process with a timeout;
when that times out the answer is "unknown" (None), never a hang.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from compiler import limits

if TYPE_CHECKING:
    import regress

# Imported where used, as `check` loads this module for every manifest: `regress` only when a
# manifest holds a pattern, `subprocess` only for a pattern that must run in a child.

#: The flags every pattern is compiled with (see the module docstring).
FLAGS = "u"
#: Longest text `search_many` runs in-process; longer texts always go to the child process.
MAX_PROBE_CHARS = 32
#: Seconds a child process gets to run one pattern over its texts.
CHILD_TIMEOUT_SECONDS = 2.0
#: More quantifiers than this in one pattern counts as a backtracking risk.
MAX_QUANTIFIERS = 8
MAX_PATTERN_CHARS = limits.MAX_PATTERN_CHARS


@lru_cache(maxsize=1024)
def compile_error(pattern: str) -> str | None:
    """Why `pattern` is not a valid ECMA-262 (`u` flag) regex, or None when it is."""
    import regress

    try:
        regress.Regex(pattern, FLAGS)
    except Exception as error:  # regress raises RegressError; stay safe on anything else
        return str(error) or "invalid regular expression"
    return None


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> regress.Regex | None:
    import regress

    try:
        return regress.Regex(pattern, FLAGS)
    except Exception:
        return None


# --- A small scanner over ECMA pattern syntax, enough for the static screens below. -------------


@dataclass
class _Token:
    kind: str  # "atom", "open", "close", "alt", "quant", "start", "end"
    text: str
    lookaround: bool = False


def _tokens(pattern: str) -> list[_Token]:
    """Top-level structure of a pattern: atoms, groups, `|`, quantifiers, `^` and `$`.

    Character classes and escapes are single atoms; this is a scanner, not a validator (call it
    only on patterns `compile_error` accepts).
    """
    out: list[_Token] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            j = i + 2
            if i + 1 < n and pattern[i + 1] in "pPuk" and j < n and pattern[j] in "{<":
                close = "}" if pattern[j] == "{" else ">"
                end = pattern.find(close, j)
                j = n if end < 0 else end + 1
            out.append(_Token("atom", pattern[i:j]))
            i = j
        elif c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            out.append(_Token("atom", pattern[i : j + 1]))
            i = j + 1
        elif c == "(":
            j = i + 1
            look = False
            if pattern.startswith("?", j):
                if pattern.startswith(("?=", "?!"), j):
                    look, j = True, j + 2
                elif pattern.startswith(("?<=", "?<!"), j):
                    look, j = True, j + 3
                elif pattern.startswith("?:", j):
                    j += 2
                elif pattern.startswith("?<", j):
                    end = pattern.find(">", j)
                    j = n if end < 0 else end + 1
            out.append(_Token("open", pattern[i:j], look))
            i = j
        elif c == ")":
            out.append(_Token("close", c))
            i += 1
        elif c == "|":
            out.append(_Token("alt", c))
            i += 1
        elif c in "*+?":
            j = i + 1
            if j < n and pattern[j] == "?":  # lazy
                j += 1
            out.append(_Token("quant", pattern[i:j]))
            i = j
        elif c == "{":
            end = pattern.find("}", i)
            body = pattern[i + 1 : end] if end > 0 else ""
            if end > 0 and body and all(ch.isdigit() or ch == "," for ch in body):
                j = end + 1
                if j < n and pattern[j] == "?":
                    j += 1
                out.append(_Token("quant", pattern[i:j]))
                i = j
            else:
                out.append(_Token("atom", c))
                i += 1
        elif c == "^":
            out.append(_Token("start", c))
            i += 1
        elif c == "$":
            out.append(_Token("end", c))
            i += 1
        else:
            out.append(_Token("atom", c))
            i += 1
    return out


def _unbounded(quant: str) -> bool:
    return quant[0] in "*+" or (quant[0] == "{" and quant.rstrip("?").endswith(",}"))


def backtracking_risk(pattern: str) -> bool:
    """True when a pattern might backtrack badly: a quantified group that itself holds a
    quantifier or an alternation, or many quantifiers in a row. Conservative: a False here means
    the pattern is cheap on short texts; a True only means "run it in a child process".
    """
    if len(pattern) > MAX_PATTERN_CHARS:
        return True
    tokens = _tokens(pattern)
    quantifiers = sum(1 for t in tokens if t.kind == "quant")
    if quantifiers > MAX_QUANTIFIERS:
        return True
    # Stack of (group has an inner quantifier or alternation).
    stack: list[bool] = [False]
    last_group_busy = False
    previous = ""
    for token in tokens:
        if token.kind == "open":
            stack.append(False)
        elif token.kind == "close":
            busy = stack.pop() if len(stack) > 1 else False
            last_group_busy = busy
            if busy:
                stack[-1] = True
        elif token.kind == "alt":
            stack[-1] = True
        elif token.kind == "quant":
            if previous == "close" and last_group_busy and _unbounded(token.text):
                return True
            stack[-1] = True
        previous = token.kind
    return False


def is_anchored(pattern: str) -> bool:
    """True when every match must span the whole string: each top-level alternative starts
    with `^` and ends with `$` (a group wrapping a whole alternative is looked into)."""
    return _anchored(_tokens(pattern))


def _split_alternatives(tokens: list[_Token]) -> list[list[_Token]]:
    parts: list[list[_Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.kind == "open":
            depth += 1
        elif token.kind == "close":
            depth -= 1
        if token.kind == "alt" and depth == 0:
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _anchored(tokens: list[_Token]) -> bool:
    for alternative in _split_alternatives(tokens):
        if not alternative:
            return False
        first, last = alternative[0], alternative[-1]
        if first.kind == "start" and last.kind == "end":
            continue
        # `(^a$)` or `(?:^a$|^b$)`: one group spanning the whole alternative.
        if (
            first.kind == "open"
            and not first.lookaround
            and last.kind == "close"
            and _matching_close(alternative) == len(alternative) - 1
            and _anchored(alternative[1:-1])
        ):
            continue
        return False
    return True


def _matching_close(tokens: list[_Token]) -> int:
    depth = 0
    for index, token in enumerate(tokens):
        if token.kind == "open":
            depth += 1
        elif token.kind == "close":
            depth -= 1
            if depth == 0:
                return index
    return -1


# --- Searching. ------------------------------------------------------------------------------

_CHILD = (
    "import json, sys, regress\n"
    "job = json.load(sys.stdin)\n"
    "r = regress.Regex(job['pattern'], job['flags'])\n"
    "json.dump([r.find(t) is not None for t in job['texts']], sys.stdout)\n"
)


def _search_in_child(pattern: str, texts: Sequence[str]) -> list[bool] | None:
    import json
    import subprocess

    job = json.dumps({"pattern": pattern, "flags": FLAGS, "texts": list(texts)})
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", _CHILD],
            input=job,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_SECONDS,
            check=False,
        )
        result = json.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if not isinstance(result, list) or len(result) != len(texts):
        return None
    return [bool(item) for item in result]


def search_many(pattern: str, texts: Sequence[str]) -> list[bool] | None:
    """`RegExp(pattern, "u").test(text)` for each text, or None when that cannot be decided
    in bounded time (the pattern is invalid, too long, or backtracks past the child's timeout).
    """
    if not texts:
        return []
    if compile_error(pattern) is not None or len(pattern) > MAX_PATTERN_CHARS:
        return None
    regex = _compiled(pattern)
    if regex is None:
        return None
    if backtracking_risk(pattern) or any(len(text) > MAX_PROBE_CHARS for text in texts):
        return _search_in_child(pattern, texts)
    return [regex.find(text) is not None for text in texts]


def search(pattern: str, text: str) -> bool | None:
    """`RegExp(pattern, "u").test(text)`, or None when undecidable in bounded time."""
    result = search_many(pattern, [text])
    return None if result is None else result[0]
