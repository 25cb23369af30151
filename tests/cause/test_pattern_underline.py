"""BF407 underlines the part of the pattern to edit (domain/ecma.py `error_span`)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import assume, given
from hypothesis import strategies as st

from backfill_codegen.domain import ecma
from backfill_codegen.pipeline import check_manifest
from tests.support.ecma_patterns import patterns

BREAKERS = ("(", ")", "[", "{", "?", "*", "+", "\\", "P")


@given(pattern=patterns(), breaker=st.sampled_from(BREAKERS), at=st.integers(0, 10_000))
def test_a_pattern_broken_in_one_place_is_underlined_there(
    pattern: str, breaker: str, at: int
) -> None:
    assume(ecma.compile_error(pattern) is None)
    i = at % (len(pattern) + 1)
    broken = pattern[:i] + breaker + pattern[i:]
    assume(ecma.compile_error(broken) is not None)
    span = ecma.error_span(broken)
    assert span is not None, broken
    start, end = span
    assert end - start <= len(breaker)
    assert ecma.compile_error(broken[:start] + broken[end:]) is None


def test_bf407_points_inside_the_string(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {"id": {"type": "string", "pattern": "^(?P<id>[0-9]+)$"}},
    }
    manifest = tmp_path / "backfill.config.json"
    manifest.write_text(json.dumps({"name": "acme", "connection": {"settingsSchema": schema}}))
    [diagnostic] = check_manifest(manifest).diagnostics
    assert diagnostic.code == "BF407"
    span = diagnostic.primary.span
    assert diagnostic.primary.source.text[span.start : span.end] == "P"
