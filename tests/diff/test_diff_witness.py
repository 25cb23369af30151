"""Counter-examples the edge values cannot find are generated (hypothesis-jsonschema, seeded)
and made smaller; the same schemas always give the same counter-example."""

from __future__ import annotations

import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from backfill_codegen.diff.normalise import normalise
from backfill_codegen.diff.settings import compare
from backfill_codegen.diff.witness import generated, shortest_match, smaller

TAGS = {"type": "array", "items": {"type": "string", "enum": ["abc", "def"]}}
CASES = [
    # uniqueItems: no edge value has two equal items that match the pattern
    ({"tags": TAGS}, {"tags": {**TAGS, "uniqueItems": True}}),
    # propertyNames on a map setting
    (
        {"m": {"type": "object", "additionalProperties": {"type": "integer"}}},
        {
            "m": {
                "type": "object",
                "additionalProperties": {"type": "integer"},
                "propertyNames": {"pattern": "^[a-z]+$"},
            }
        },
    ),
]


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


@pytest.mark.parametrize(("old", "new"), CASES)
def test_a_search_finds_a_confirmed_and_repeatable_counter_example(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    first = compare(_object(old), _object(new))
    again = compare(_object(old), _object(new))
    assert [c.text for c in first] == [c.text for c in again]
    (change,) = first
    assert change.rule.code == "BF812"
    assert Draft202012Validator(_object(old)).is_valid(change.counter_example)
    assert not Draft202012Validator(_object(new)).is_valid(change.counter_example)


def test_generated_values_are_made_smaller() -> None:
    node = normalise(_object({"tags": TAGS, "n": {"type": "integer"}}))
    wanted = lambda v: len(v.get("tags", [])) > 1 and len(set(v["tags"])) < len(v["tags"])  # noqa: E731
    value = generated(node, wanted)
    assert wanted(value)
    small = smaller(value, wanted)
    assert set(small) == {"tags"} and len(small["tags"]) == 2 and wanted(small)


@pytest.mark.parametrize(
    "pattern",
    ["b$", "^(sk|rk)_(live|test)_[A-Za-z0-9]+$", "^whsec_[A-Za-z0-9]+$", r"\d{3}", "^a|b$"],
)
def test_a_pattern_is_spelt_as_a_string_it_matches(pattern: str) -> None:
    spelt = shortest_match(pattern)
    assert spelt is not None and re.search(pattern, spelt)
