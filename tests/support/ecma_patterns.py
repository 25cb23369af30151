"""ECMA-262 patterns built from a grammar of regex pieces, and strings that probe their corners.

Shared by the dynamic-host tests (tests/checks/test_checks_oauth.py) and the pattern-semantics tests
(tests/domain/test_ecma_semantics.py): Hypothesis strategies, plus a seeded generator for the corpus
that Node evaluates in one batch.
"""

from __future__ import annotations

import random

from hypothesis import strategies as st

#: Single characters and escapes, URL delimiters included.
LITERALS = (
    "a", "z", "Z", "0", "9", "-", "_", "\\.", "/", "#", "\\?", "@", ":", "%", "\\\\", " ",
    "\\t", "\\n", "\\r", "\\u2028", "é", "😀", "\\u{1F600}", "\\x41", "\\/", "&", "~", "'",
    '"', "=", "\\-", "\\u0000", "!", "\\1", "\\k<g>",
)  # fmt: skip
#: Character sets: classes, negated classes, class escapes, `.`.
SETS = (
    ".", "\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "[a-z]", "[a-z0-9.-]", "[A-Za-z0-9-]",
    "[^/]", "[^a-z]", "[\\w.-]", "[\\d]", "[^]", "[]", "[\\s]", "[^\\s]", "[/#?@:]",
    "[\\u{1F600}-\\u{1F64F}]", "[_]", "[-a]", "[a-]", "[\\b]", "[\\^]", "[\\]]", "[\\\\]",
    "[%]", "[^.]", "[.-9]", "[\\x00-\\x2f]",
)  # fmt: skip
ASSERTIONS = ("^", "$", "\\b", "\\B")
QUANTIFIERS = ("*", "+", "?", "{2}", "{1,3}", "{0,}", "*?", "+?", "??", "{0,2}?")

#: Strings where engines differ: line terminators, Unicode digits and letters, astral
#: characters, `_`, the empty string, URL delimiters.
TRICKY_STRINGS = (
    "", "a", "abc", "a\n", "\n", "a\r\n", "\u2028", "a\u2029b", "٣", "١٢٣", "\uff41", "é", "ß",
    "😀", "a😀b", "_", "a_b", "evil.example/x", "evil.example#", "a@b", "x:1", "a b", "\t",
    "sk_live_abc\n", "sk_live_abc", "A-Z", "0", "09", "\x00", "\u00a0", "\ufeff", "\u200b",
    "aa", "aaa", "-", ".", "%2F", "\\", "ǅ", "K",
)  # fmt: skip


def _wrap_anchor(body: str, which: int) -> str:
    return ["", "^", ""][which % 3] + body + ["", "$", "$"][which % 3]


@st.composite
def _atom(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(st.sampled_from(LITERALS))
    if kind == 1:
        return draw(st.sampled_from(SETS))
    if kind == 2:
        opener = draw(st.sampled_from(("(", "(?:", "(?<g>", "(?=", "(?!", "(?<=", "(?<!")))
        return opener + draw(inner) + ")"
    if kind == 3:
        return draw(st.sampled_from(ASSERTIONS))
    if kind == 4:
        return draw(inner) + "|" + draw(inner)
    return draw(inner)


@st.composite
def _term(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    atom = draw(_atom(inner))
    if draw(st.booleans()) and atom not in ASSERTIONS and not atom.startswith("(?<"):
        if atom.startswith(("(?=", "(?!")) or "|" in atom:
            atom = f"(?:{atom})"
        return atom + draw(st.sampled_from(QUANTIFIERS))
    return atom


def patterns() -> st.SearchStrategy[str]:
    """ECMA-262 patterns (not all valid: filter with `ecma.compile_error`)."""
    body = st.recursive(
        st.sampled_from(LITERALS + SETS),
        lambda inner: st.lists(_term(inner), min_size=1, max_size=4).map("".join),
        max_leaves=8,
    )
    return st.builds(_wrap_anchor, body, st.integers(0, 2))


def host_patterns() -> st.SearchStrategy[str]:
    """Patterns shaped like dynamic-host constraints: mostly anchored, host characters with
    an occasional delimiter, optional suffixes."""
    host_sets = ("[a-z0-9-]", "[a-z0-9.-]", "[a-zA-Z0-9]", "[\\w-]", "\\w", "[a-z]", "\\d")
    risky = ("/", "#", "\\?", "@", ":", "\\\\", "%", " ", "\\s", ".", "[^.]", "\\W", "[^-]")
    piece = st.one_of(
        st.sampled_from(host_sets).map(lambda s: s + "+"),
        st.sampled_from((*host_sets, "\\.", "-")),
        st.tuples(st.sampled_from(risky), st.sampled_from(host_sets)).map(
            lambda t: f"({t[0]}{t[1]}+)?"
        ),
        st.sampled_from(risky),
    )
    body = st.lists(piece, min_size=1, max_size=4).map("".join)
    alternatives = st.lists(body, min_size=1, max_size=2).map("|".join)
    return st.one_of(
        st.builds(lambda b: f"^{b}$", body),
        st.builds(lambda a: f"^(?:{a})$", alternatives),
        st.builds(_wrap_anchor, body, st.integers(0, 2)),
        patterns(),
    )


def seeded_patterns(count: int, seed: int = 10) -> list[str]:
    """`count` patterns from the same grammar, deterministically (for a fixed corpus)."""
    rng = random.Random(seed)

    def atom(depth: int) -> str:
        kind = rng.randrange(6 if depth < 2 else 2)
        if kind == 0:
            return rng.choice(LITERALS)
        if kind == 1:
            return rng.choice(SETS)
        if kind == 2:
            opener = rng.choice(("(", "(?:", "(?<g>", "(?=", "(?!", "(?<=", "(?<!"))
            return opener + seq(depth + 1) + ")"
        if kind == 3:
            return rng.choice(ASSERTIONS)
        if kind == 4:
            return seq(depth + 1) + "|" + seq(depth + 1)
        return seq(depth + 1)

    def term(depth: int) -> str:
        text = atom(depth)
        if rng.random() < 0.4 and text not in ASSERTIONS and not text.startswith("(?<"):
            if text.startswith(("(?=", "(?!")) or "|" in text:
                text = f"(?:{text})"
            text += rng.choice(QUANTIFIERS)
        return text

    def seq(depth: int) -> str:
        return "".join(term(depth) for _ in range(rng.randint(1, 3)))

    return [_wrap_anchor(seq(0), rng.randrange(3)) for _ in range(count)]
