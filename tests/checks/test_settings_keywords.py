"""Unknown and misspelt settings-schema keywords (BF410, BF411; issue 10, class 8).

Generated: a typo of every significant keyword (case changes, one and two edits) in every
position a subschema can take (the root, a property, an item, an `allOf` branch, a definition,
a `then`, an `additionalProperties`), in every dialect that has the keyword, is BF411 at the
key's line and column; the same typo as a property or definition name is nothing. The corpus of
150 real settings schemas gives BF411 only for its five real misspellings, and BF410 exactly for
the keywords its index lists as nonstandard (minus those accepted everywhere).
"""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backfill_codegen.checks.settings import check_keywords
from backfill_codegen.domain.settings_schema import KNOWN_DIALECTS
from backfill_codegen.domain.settings_vocabulary import (
    ACCEPTED,
    SIGNIFICANT,
    all_keywords,
    dialect_keywords,
    edit_distance,
    is_known,
)
from backfill_codegen.pipeline import check_manifest
from tests.support.paths import SHARED_CORPUS

CORPUS = SHARED_CORPUS / "settings-schemas"
MODERN = [uri for uri in KNOWN_DIALECTS if "draft-03" not in uri]
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"


def _findings(schema: dict[str, Any]) -> list[tuple[str, tuple[Any, ...], str | None]]:
    manifest = {"connection": {"settingsSchema": schema}}
    return [(f.code, f.at.path[2:], f.help) for f in check_keywords(manifest)]


@st.composite
def typos(draw: st.DrawFn, keyword: str) -> str:
    """`keyword` changed by case or by one or two edits (two only for long keywords)."""
    kind = draw(st.sampled_from(["case", "edit", "edit", "swap"]))
    if kind == "case":
        variant = draw(st.sampled_from([keyword.lower(), keyword.upper(), keyword.swapcase()]))
        return variant if variant != keyword else keyword.upper()
    text = keyword
    edits = 1 if len(keyword) <= 4 else draw(st.integers(1, 2))
    for _ in range(edits):
        if kind == "swap" and len(text) > 1:
            i = draw(st.integers(0, len(text) - 2))
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
            continue
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        i = draw(st.integers(0, len(text) - (op != "insert")))
        letter = draw(st.sampled_from(LETTERS))
        if op == "insert":
            text = text[:i] + letter + text[i:]
        elif op == "delete" and len(text) > 2:
            text = text[:i] + text[i + 1 :]
        else:
            text = text[:i] + letter + text[i + 1 :]
    return text


def _place(position: str, key: str, value: Any) -> tuple[dict[str, Any], tuple[Any, ...]]:
    """A schema holding `key: value` at `position`, and the key's path."""
    leaf = {"type": "string", key: value}
    if position == "root":
        return {"type": "object", key: value}, (key,)
    if position == "property":
        return {"type": "object", "properties": {"p": leaf}}, ("properties", "p", key)
    if position == "items":
        return {
            "type": "object",
            "properties": {"p": {"type": "array", "items": leaf}},
        }, ("properties", "p", "items", key)
    if position == "allOf":
        return {"type": "object", "allOf": [leaf]}, ("allOf", 0, key)
    if position == "definitions":
        return {"type": "object", "definitions": {"d": leaf}}, ("definitions", "d", key)
    if position == "then":
        return {"type": "object", "if": {}, "then": leaf}, ("then", key)
    if position in ("not", "contains", "propertyNames"):
        return {"type": "object", position: leaf}, (position, key)
    if position in ("anyOf", "oneOf"):
        return {"type": "object", position: [{}, leaf]}, (position, 1, key)
    if position in ("$defs", "patternProperties", "dependentSchemas"):
        return {"type": "object", position: {"^d": leaf}}, (position, "^d", key)
    return {"type": "object", "additionalProperties": leaf}, ("additionalProperties", key)


POSITIONS = [
    "root",
    "property",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "definitions",
    "$defs",
    "patternProperties",
    "dependentSchemas",
    "contains",
    "propertyNames",
    "then",
    "additionalProperties",
]
#: The keyword each position needs in the dialect (or everywhere).
_CARRIER = {"then": "if", "contains": "contains", "propertyNames": "propertyNames"}
_CARRIER |= {"dependentSchemas": "dependentSchemas", "anyOf": "anyOf", "oneOf": "oneOf"}
_CARRIER |= {"not": "not", "allOf": "allOf"}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_typo_of_a_significant_keyword_is_bf411_at_the_key(data: st.DataObject) -> None:
    dialect = data.draw(st.sampled_from(MODERN))
    keywords = sorted(k for k in SIGNIFICANT if k in dialect_keywords(dialect) or k in ACCEPTED)
    keyword = data.draw(st.sampled_from(keywords))
    typo = data.draw(typos(keyword))
    if typo in all_keywords() or is_known(typo, dialect):
        return  # the typo spells another keyword (minItems -> maxItems): nothing to report
    keywords_here = dialect_keywords(dialect) | ACCEPTED
    positions = [p for p in POSITIONS if _CARRIER.get(p, "type") in keywords_here]
    position = data.draw(st.sampled_from(positions))
    schema, path = _place(position, typo, 1)
    schema["$schema"] = dialect
    found = _findings(schema)
    assert len(found) == 1, (typo, found)
    code, where, help_text = found[0]
    assert (code, where) == ("BF411", path), (keyword, typo, found)
    assert help_text is not None
    meant = help_text.removeprefix("did you mean `").removesuffix("`?")
    limit = 1 if len(meant) <= 4 else 2
    if typo.casefold() != meant.casefold():
        assert edit_distance(typo.casefold(), meant.casefold(), limit) <= limit


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_property_or_definition_name_is_never_a_keyword(data: st.DataObject) -> None:
    keyword = data.draw(st.sampled_from(sorted(SIGNIFICANT)))
    name = data.draw(typos(keyword))
    container = data.draw(st.sampled_from(["properties", "$defs", "definitions"]))
    schema = {"type": "object", container: {name: {"type": "string"}, keyword: {}}}
    if container == "properties":
        schema["required"] = [name]
    assert _findings(schema) == []


def test_the_review_examples_are_errors_at_their_keys(tmp_path: Path) -> None:
    manifest = {
        "name": "typos",
        "connection": {
            "settingsSchema": {
                "type": "object",
                "requried": ["api_key"],
                "properties": {"api_key": {"type": "string", "writeonly": True}},
            }
        },
    }
    path = tmp_path / "backfill.config.json"
    path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    result = check_manifest(path)
    text = path.read_text(encoding="utf-8")
    located = {
        d.code: text[d.primary.span.start : d.primary.span.end]
        for d in result.diagnostics
        if d.primary is not None and d.code in ("BF410", "BF411")
    }
    assert sorted(d.code for d in result.diagnostics) == ["BF411", "BF411"]
    assert located == {"BF411": '"writeonly"'} or set(located.values()) <= {
        '"requried"',
        '"writeonly"',
    }


@pytest.mark.parametrize("dialect", list(KNOWN_DIALECTS))
def test_every_dialect_has_a_vocabulary_from_its_metaschema(dialect: str) -> None:
    keywords = dialect_keywords(dialect)
    assert {"type", "properties", "required", "enum"} <= keywords
    assert ("writeOnly" in keywords) == ("2019-09" in dialect or "2020-12" in dialect)


def test_extensions_and_accepted_annotations_are_quiet() -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "object",
        "x-anything": {"writeonly": True},
        "properties": {
            "a": {"type": "string", "writeOnly": True, "order": 1, "nullable": True},
            "b": {"type": "string", "example": "x", "discriminator": {}, "deprecated": True},
        },
    }
    assert _findings(schema) == []


def test_a_vendor_secret_marker_is_a_warning_that_says_what_to_write() -> None:
    schema = {"type": "object", "properties": {"p": {"type": "string", "airbyte_secret": True}}}
    [(code, _, help_text)] = _findings(schema)
    assert code == "BF410" and help_text is not None and "writeOnly: true" in help_text


# --- The corpus of real settings schemas. ----------------------------------------------------

#: The corpus's BF411s, each checked by hand: all are misspellings that change validation.
REAL_MISSPELLINGS = {
    "additonalProperties": 1,
    "item": 1,
    "maxitems": 4,
    "mininum": 4,
    "requires": 4,
}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not here")
def test_the_corpus_gives_no_false_bf411_and_bf410_only_for_nonstandard_keywords() -> None:
    index = json.loads((CORPUS / "INDEX.json").read_text(encoding="utf-8"))
    expected: collections.Counter[str] = collections.Counter()
    found: dict[str, collections.Counter[str]] = {
        "BF410": collections.Counter(),
        "BF411": collections.Counter(),
    }
    for entry in index:
        schema = json.loads((CORPUS / entry["file"]).read_text(encoding="utf-8"))
        for code, path, _ in _findings(schema):
            found[code][path[-1]] += 1
        for keyword, count in (entry.get("nonstandard_keywords") or {}).items():
            if not keyword.startswith("x-") and keyword not in ACCEPTED:
                expected[keyword] += count
    assert dict(found["BF411"]) == REAL_MISSPELLINGS
    assert found["BF410"] + found["BF411"] == expected
    assert sum(found["BF410"].values()) == 486  # the README's figure


def _deterministic_typos(keyword: str) -> set[str]:
    """Lower case, upper case, each letter dropped, each neighbour pair swapped."""
    found = {keyword.lower(), keyword.upper()}
    found |= {keyword[:i] + keyword[i + 1 :] for i in range(len(keyword))}
    found |= {
        keyword[:i] + keyword[i + 1] + keyword[i] + keyword[i + 2 :]
        for i in range(len(keyword) - 1)
    }
    return {typo for typo in found if len(typo) > 1 and typo != keyword}


def test_every_significant_keyword_in_every_position_exhaustively() -> None:
    """Every significant keyword of 2020-12, each deterministic typo of it, in every position:
    BF411 at the key (the hypothesis test above adds random edits and the other dialects)."""
    dialect = "https://json-schema.org/draft/2020-12/schema"
    keywords = sorted(k for k in SIGNIFICANT if k in dialect_keywords(dialect) or k in ACCEPTED)
    checked = 0
    for keyword in keywords:
        for typo in sorted(_deterministic_typos(keyword)):
            if is_known(typo, dialect) or typo in all_keywords():
                continue
            for position in POSITIONS:
                schema, path = _place(position, typo, 1)
                found = [(code, where) for code, where, _ in _findings(schema)]
                assert found == [("BF411", path)], (keyword, typo, position, found)
                checked += 1
    assert checked > 5000
