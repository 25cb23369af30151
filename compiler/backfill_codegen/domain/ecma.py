"""ECMA-262 regular expressions, as the dashboard's JSON Schema validator runs them.

JSON Schema's `pattern` is an ECMA-262 regex, and the dashboard (a JavaScript JSON Schema
validator, Ajv by default) compiles it with the `u` (unicode) flag. We do the same with `regress`
(a Rust implementation of ECMA-262 regexes), so a pattern is valid here exactly when it is valid
for `new RegExp(pattern, "u")`. Matching follows `RegExp.prototype.test`: an unanchored search.

`regress` is a backtracking engine without a step limit, and its Python binding holds the GIL, so
a catastrophic pattern (`^(?:(?:[^#]*)*)*$`) cannot be interrupted in-process. Two bounds keep
`search` finite: short texts (at most `MAX_PROBE_CHARS`) with patterns whose cost is bounded by
construction (`bounded_in_process`; a screen of known-bad shapes such as `backtracking_risk` can
never be complete) run in-process; everything else runs in a child process, with a
timeout per pattern and one `Budget` of seconds per manifest (`limits.MAX_REGEX_SECONDS`), so
that a manifest of many catastrophic patterns costs the budget, not the timeout times their
number. An answer that runs out of time is "unknown" (None), never a hang.

Static questions (anchoring, the characters a pattern can match, the Python translation) are
answered from a parse: domain/ecma_syntax.py and domain/ecma_translate.py.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from backfill_codegen import limits
from backfill_codegen.domain import ecma_syntax

if TYPE_CHECKING:
    import regress  # start-up: regress only for a manifest with a pattern

# Imported where used, as `check` loads this module for every manifest: `regress` only when a
# manifest holds a pattern, `subprocess` only for a pattern that must run in a child.

#: The flags every pattern is compiled with (see the module docstring).
FLAGS = "u"
#: Longest text `search_many` runs in-process; longer texts always go to the child process.
MAX_PROBE_CHARS = 32
#: Seconds the child process gets to run one pattern over its texts (within the manifest's
#: `limits.MAX_REGEX_SECONDS`).
CHILD_TIMEOUT_SECONDS = limits.MAX_REGEX_SECONDS_PER_PATTERN
#: More quantifiers than this in one pattern counts as a backtracking risk.
MAX_QUANTIFIERS = 8
MAX_PATTERN_CHARS = limits.MAX_PATTERN_CHARS


@lru_cache(maxsize=1024)
def compile_error(pattern: str) -> str | None:
    """Why `pattern` is not a valid ECMA-262 (`u` flag) regex, or None when it is."""
    import regress  # start-up: regress only for a manifest with a pattern

    try:
        regress.Regex(pattern, FLAGS)
    except Exception as error:  # regress raises RegressError; stay safe on anything else
        return str(error) or "invalid regular expression"
    if (why := _newer_than_node20(pattern)) is not None:
        return why
    try:
        ecma_syntax.parse(pattern)
    except ecma_syntax.Invalid as error:  # what regress lets through and V8 refuses
        return str(error)
    except ecma_syntax.Unsupported:
        pass  # valid, only not modelled
    return None


#: Patterns longer than this are underlined whole: each probe below is one compile.
MAX_LOCATED_CHARS = 256
#: The longest stretch `error_span` tries removing.
MAX_CULPRIT_CHARS = 3


def error_span(pattern: str) -> tuple[int, int] | None:
    """The part of an invalid pattern to underline: the shortest stretch whose removal makes the
    pattern valid, the last of them (where reading left to right stops making sense), as the
    place a person would edit (`(?P<id>...)`: the `P`).
    None when no stretch of up to MAX_CULPRIT_CHARS does, or the pattern is too long to probe.
    """
    if len(pattern) > MAX_LOCATED_CHARS or compile_error(pattern) is None:
        return None
    for length in range(1, MAX_CULPRIT_CHARS + 1):
        for start in reversed(range(len(pattern) - length + 1)):
            if _uncached_error(pattern[:start] + pattern[start + length :]) is None:
                return start, start + length
    return None


def _uncached_error(pattern: str) -> str | None:
    return compile_error.__wrapped__(pattern)


def _group_name(raw: str) -> str:
    """A group name as V8 compares it: `\\uXXXX` and `\\u{...}` escapes decoded."""
    import re

    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return re.sub(r"\\u\{([0-9A-Fa-f]+)\}|\\u([0-9A-Fa-f]{4})", decode, raw)


def _newer_than_node20(pattern: str) -> str | None:
    """ES2025 syntax `regress` accepts and Node 20 (V8 11.3), which runs the generated code and
    the dashboard, refuses: pattern modifiers `(?i:...)` / `(?-m:...)` ("Invalid group") and a
    group name used twice, even in different alternatives ("Duplicate capture group name").
    Only called on patterns `regress` accepts, so groups and classes are well formed; escapes
    and character classes are skipped."""
    names: set[str] = set()
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(" and pattern.startswith("?", i + 1):
            after = pattern[i + 2 : i + 3]
            if after and after in "ims-":
                return (
                    "pattern modifiers `(?i:...)` are ES2025: Node 20 refuses them "
                    "(Invalid group); use a character class such as `[Aa]`"
                )
            if after == "<" and pattern[i + 3 : i + 4] not in ("=", "!"):
                end = pattern.find(">", i + 3)
                name = _group_name(pattern[i + 3 : end])
                if name in names:
                    return (
                        f"the group name `{name}` is used twice: duplicate named groups are "
                        "ES2025, Node 20 refuses them (Duplicate capture group name)"
                    )
                names.add(name)
        i += 1
    return None


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> regress.Regex | None:
    import regress  # start-up: regress only for a manifest with a pattern

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


#: Most quantifiers with a choice (`*`, `+`, `?`, `{n,m}`) a pattern run in-process may hold.
MAX_INPROCESS_CHOICES = 2


@lru_cache(maxsize=1024)
def bounded_in_process(pattern: str) -> bool:
    """True only for patterns whose matching is cheap on any text of at most `MAX_PROBE_CHARS`
    by construction, not by a screen of known-bad shapes: no alternation, no backreference,
    every quantifier on a single character (never on a group), and at most
    `MAX_INPROCESS_CHOICES` quantifiers with a choice. A backtracking match then tries at most
    (L+1) start positions times (L+1)**2 ways to share the text between the quantifiers, each
    path consuming at most L characters (L = `MAX_PROBE_CHARS`): under 40 million steps. Every
    other pattern (`^(?:a?){30}a{30}$`, `(a|a)(a|a)...` alike) runs in the budgeted child."""
    try:
        tree = ecma_syntax.parse(pattern)
    except ecma_syntax.Unsupported:
        return False
    choices = 0
    for node in ecma_syntax.walk(tree):
        if isinstance(node, ecma_syntax.Alt | ecma_syntax.Backref):
            return False
        if isinstance(node, ecma_syntax.Repeat):
            if not isinstance(node.body, ecma_syntax.Chars):
                return False
            if node.max != node.min:
                choices += 1
    return choices <= MAX_INPROCESS_CHOICES


def is_anchored(pattern: str) -> bool:
    """True when every match must span the whole string: each top-level alternative starts
    with `^` and ends with `$` (a group wrapping a whole alternative is looked into)."""
    return ecma_syntax.is_anchored(pattern)


# --- Searching, within one budget per manifest. ------------------------------------------------

#: The child process: one JSON job per line (a pattern and its texts), one JSON answer per line
#: (a list of booleans, or null when the job fails). It serves every risky pattern of a budget.
_CHILD = (
    "import json, sys, regress\n"
    "for line in sys.stdin:\n"
    "    try:\n"
    "        job = json.loads(line)\n"
    "        r = regress.Regex(job['pattern'], job['flags'])\n"
    "        answer = [r.find(t) is not None for t in job['texts']]\n"
    "    except Exception:\n"
    "        answer = None\n"
    "    sys.stdout.write(json.dumps(answer) + '\\n')\n"
    "    sys.stdout.flush()\n"
)
#: Answers a child gave (decided ones only: they are the truth whatever the budget).
_DECIDED: dict[tuple[str, str], bool] = {}
_MAX_DECIDED = 4096


class _Child:
    """A child process running `regress`, read by a thread so that waiting has a timeout on
    every platform (no `select` on pipes on Windows)."""

    def __init__(self) -> None:
        import queue  # start-up: only a risky pattern's child process needs it
        import subprocess  # start-up: only a risky pattern's child process needs it
        import threading  # start-up: only a risky pattern's child process needs it

        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="ascii",  # the jobs and answers are JSON with ASCII escapes
        )
        self.answers: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, name="regex-child-reader", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        try:
            for line in self.process.stdout:
                self.answers.put(line)
        except (OSError, ValueError):  # the pipe closed under us: the child is being stopped
            pass
        self.answers.put("")  # end of output: the child is gone

    def ask(self, job: str, timeout: float) -> str | None:
        import queue  # start-up: only a risky pattern's child process needs it

        assert self.process.stdin is not None
        try:
            self.process.stdin.write(job + "\n")
            self.process.stdin.flush()
            return self.answers.get(timeout=max(timeout, 0.0)) or None
        except (OSError, ValueError, queue.Empty):
            return None

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.reader.join(timeout=1.0)  # it sees the end of the output, then the pipe is closed
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


class Budget:
    """The regex work one manifest may cost: `seconds` of waiting for risky patterns in all
    (each pattern at most `CHILD_TIMEOUT_SECONDS` of it), in one child process that is replaced
    only when a pattern runs out of time. Once spent, every risky pattern left is undecided
    (None) at once, so N patterns cost at most `seconds`, not N times the timeout."""

    def __init__(self, seconds: float = limits.MAX_REGEX_SECONDS) -> None:
        self.seconds_left = seconds
        self.children_started = 0
        #: Why each undecided pattern is undecided: "timeout" or "budget".
        self.undecided: dict[str, str] = {}
        self._child: _Child | None = None

    def run(self, pattern: str, texts: Sequence[str]) -> list[bool] | None:
        known = [_DECIDED.get((pattern, text)) for text in texts]
        pending = [text for text, answer in zip(texts, known, strict=True) if answer is None]
        if pending:
            if pattern in self.undecided:
                return None
            if self.seconds_left <= 0:
                self.undecided[pattern] = "budget"
                return None
            if self._child is None:
                self._child = _Child()
                self.children_started += 1
            job = json.dumps({"pattern": pattern, "flags": FLAGS, "texts": pending})
            started = time.monotonic()
            line = self._child.ask(job, min(CHILD_TIMEOUT_SECONDS, self.seconds_left))
            self.seconds_left -= time.monotonic() - started
            answer = _answer(line, len(pending))
            if answer is None:
                self._child.stop()  # it may still be backtracking: never reuse it
                self._child = None
                self.undecided[pattern] = "timeout" if self.seconds_left > 0 else "budget"
                return None
            if len(_DECIDED) + len(pending) > _MAX_DECIDED:
                _DECIDED.clear()
            _DECIDED.update(((pattern, t), a) for t, a in zip(pending, answer, strict=True))
            found = iter(answer)
            known = [next(found) if k is None else k for k in known]
        return [bool(k) for k in known]

    def close(self) -> None:
        if self._child is not None:
            self._child.stop()
            self._child = None


def _answer(line: str | None, count: int) -> list[bool] | None:
    try:
        result = json.loads(line) if line else None
    except ValueError:
        return None
    if not isinstance(result, list) or len(result) != count:
        return None
    return [bool(item) for item in result]


#: The budget of the manifest being checked (one at a time per process; see `budget`).
_current: Budget | None = None


@contextmanager
def budget(seconds: float = limits.MAX_REGEX_SECONDS) -> Iterator[Budget]:
    """Run the regex work of one manifest within one `Budget` (a module-level slot rather
    than a context variable: the schema checks validate on a thread of their own)."""
    global _current
    previous, _current = _current, Budget(seconds)
    try:
        yield _current
    finally:
        _current.close()
        _current = previous


def undecided_reason(pattern: str) -> str:
    """Why `search` could not decide `pattern` in the current budget, for a message."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"the pattern is longer than {MAX_PATTERN_CHARS:,} characters"
    if _current is not None and _current.undecided.get(pattern) == "budget":
        return (
            f"the manifest's regular expressions already used their {limits.MAX_REGEX_SECONDS:g} s"
        )
    return "the pattern backtracks catastrophically (the dashboard would hang too)"


def search_many(pattern: str, texts: Sequence[str]) -> list[bool] | None:
    """`RegExp(pattern, "u").test(text)` for each text, or None when that cannot be decided
    in bounded time (the pattern is invalid, too long, backtracks past the child's timeout, or
    the manifest's budget is spent)."""
    if not texts:
        return []
    if compile_error(pattern) is not None or len(pattern) > MAX_PATTERN_CHARS:
        return None
    regex = _compiled(pattern)
    if regex is None:
        return None
    if all(len(text) <= MAX_PROBE_CHARS for text in texts) and bounded_in_process(pattern):
        return [regex.find(text) is not None for text in texts]
    if _current is not None:
        return _current.run(pattern, texts)
    with budget() as own:  # a caller outside any manifest: a budget of its own
        return own.run(pattern, texts)


def search(pattern: str, text: str) -> bool | None:
    """`RegExp(pattern, "u").test(text)`, or None when undecidable in bounded time."""
    result = search_many(pattern, [text])
    return None if result is None else result[0]
