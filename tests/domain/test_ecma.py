"""ECMA-262 regex helpers: validity in `u` mode, anchoring, bounded searching."""

from __future__ import annotations

import time

import pytest

from backfill_codegen.domain import ecma


@pytest.mark.parametrize(
    "pattern",
    ["^[a-z0-9-]+$", "(?<name>x)\\k<name>", "(?<=a)b", "\\p{L}+", "^[a-zA-Z0-9-_]+$", "a{2,3}"],
)
def test_valid_ecma_patterns_compile(pattern: str) -> None:
    assert ecma.compile_error(pattern) is None


@pytest.mark.parametrize(
    "pattern",
    ["(?P<name>x)", "[a-z", "a{2,1}", "\\-", "(?i)abc", "*a", "\\p{NotAProperty}"],
)
def test_python_only_or_broken_patterns_do_not_compile(pattern: str) -> None:
    # `\-` and `\p{...}` are only errors in unicode mode: we compile as the dashboard does.
    assert ecma.compile_error(pattern)


def test_unicode_mode_is_used() -> None:
    assert ecma.FLAGS == "u"
    # Without `u` an identity escape like `\-` is allowed; with `u` it is not.
    assert ecma.compile_error("\\-") is not None


@pytest.mark.parametrize(
    ("pattern", "anchored"),
    [
        ("^[a-z]+$", True),
        ("^a$|^b$", True),
        ("^(a|b)$", True),
        ("(^a$)", True),
        ("(?:^a$|^b$)", True),
        ("[a-z]+", False),
        ("^[a-z]+", False),
        ("[a-z]+$", False),
        ("^a|b$", False),
        ("^a\\$", False),
        ("^[$]", False),
        ("", False),
    ],
)
def test_is_anchored(pattern: str, anchored: bool) -> None:
    assert ecma.is_anchored(pattern) is anchored


def test_search_is_unanchored_like_regexp_test() -> None:
    assert ecma.search("[a-z]+", "good-value#evil") is True
    assert ecma.search("^[a-z]+$", "good#evil") is False
    # No `m` flag: `$` does not match before a newline.
    assert ecma.search("^[a-z]+$", "a\nb") is False


def test_search_on_an_invalid_pattern_is_undecided() -> None:
    assert ecma.search("(?P<x>a)", "a") is None


@pytest.mark.parametrize(
    ("pattern", "risky"),
    [
        ("^[a-z0-9-]+$", False),
        ("^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$", False),
        ("^(a+)+$", True),
        ("^(a|aa)*$", True),
        ("^" + "[^#]*" * 12 + "$", True),
    ],
)
def test_backtracking_risk_screen(pattern: str, risky: bool) -> None:
    assert ecma.backtracking_risk(pattern) is risky


def test_a_catastrophic_pattern_is_bounded_in_time() -> None:
    # regress has no step limit: this pattern runs for minutes on a 13-character text.
    started = time.monotonic()
    assert ecma.search_many("^(?:(?:[^#]*)*)*$", ["evil.example#"]) is None
    assert time.monotonic() - started < ecma.CHILD_TIMEOUT_SECONDS + 5


def test_a_risky_but_fast_pattern_still_gets_an_answer() -> None:
    assert ecma.search_many("^(a+)+$", ["aaaa", "aaaa!"]) == [True, False]
