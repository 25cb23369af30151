"""The `connection.settingsSchema` checks (BF401-BF408) and the schema-reading helpers."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backfill_codegen.checks import settings
from backfill_codegen.diagnostics.model import Finding
from backfill_codegen.diagnostics.registry import rule
from backfill_codegen.domain.settings_schema import (
    dialect_of,
    is_secret,
    resolve_local,
    root_properties,
    root_required,
)

S = ("connection", "settingsSchema")


def run(schema: Any) -> list[Finding]:
    manifest = {"name": "acme", "connection": {"settingsSchema": schema}}
    return [finding for check in settings.CHECKS for finding in check.run(manifest)]


def found(schema: Any) -> list[tuple[str, tuple[str | int, ...]]]:
    return sorted((f.code, f.at.path[2:]) for f in run(schema))


def obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


STR = {"type": "string"}


def test_every_check_reads_only_the_settings_schema() -> None:
    assert {check.reads for check in settings.CHECKS} == {(S,)}
    assert len({check.name for check in settings.CHECKS}) == len(settings.CHECKS)


@pytest.mark.parametrize("code", [f"BF4{n:02d}" for n in range(1, 12)])
def test_every_rule_is_registered_with_examples(code: str) -> None:
    registered = rule(code)
    assert registered.bad and registered.good and registered.explanation


def test_a_good_schema_is_clean() -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "required": ["api_key"],
        "definitions": {"region": {"type": "string", "enum": ["us", "eu"], "default": "us"}},
        "properties": {
            "api_key": {"type": "string", "writeOnly": True},
            "region": {"$ref": "#/definitions/region"},
            "page_size": {"type": "integer", "default": 50, "minimum": 1},
            "shop": {"type": "string", "pattern": "^(?<name>[a-z]+)$", "default": "acme"},
        },
    }
    assert run(schema) == []


# --- BF401 / BF408: metaschema and dialect. ----------------------------------------------------


def test_bf401_is_located_inside_the_schema() -> None:
    findings = run(obj(region={"type": "text"}))
    assert [(f.code, f.at.path) for f in findings] == [
        ("BF401", (*S, "properties", "region", "type"))
    ]
    assert "2020-12" in findings[0].message and "'text' is not one of" in findings[0].message


@pytest.mark.parametrize(
    ("dialect", "schema", "bad"),
    [
        # draft-07: `examples` must be an array.
        ("http://json-schema.org/draft-07/schema#", {"examples": 5}, True),
        ("http://json-schema.org/draft-07/schema", {"examples": [5]}, False),
        # draft-04: `exclusiveMinimum` is a boolean there, a number in draft-06 and later.
        ("http://json-schema.org/draft-04/schema#", {"exclusiveMinimum": 5, "minimum": 0}, True),
        ("http://json-schema.org/draft-06/schema#", {"exclusiveMinimum": 5}, False),
        ("https://json-schema.org/draft/2019-09/schema", {"minLength": -1}, True),
        ("https://json-schema.org/draft/2020-12/schema", {"prefixItems": {}}, True),
        ("https://json-schema.org/draft/2020-12/schema", {"prefixItems": [STR]}, False),
    ],
)
def test_each_dialect_is_validated_by_its_own_metaschema(
    dialect: str, schema: dict[str, Any], bad: bool
) -> None:
    whole = {"$schema": dialect, **obj(x=schema)}
    assert [f.code for f in run(whole)] == (["BF401"] if bad else [])


def test_without_schema_the_dialect_is_2020_12() -> None:
    assert dialect_of({}).uri == "https://json-schema.org/draft/2020-12/schema"
    # `items` as an array is draft-07 only.
    assert [f.code for f in run(obj(x={"items": [STR]}))] == ["BF401"]


def test_bf401_does_not_judge_patterns_with_python_re() -> None:
    # `\p{L}` is ECMA (u flag) but not Python `re`: the metaschema's `format: regex` is not
    # asserted; BF407 judges patterns instead.
    assert run(obj(x={"type": "string", "pattern": "^\\p{L}+$"})) == []


def test_bf408_unknown_dialect_suggests_the_closest() -> None:
    schema = {"$schema": "https://json-schema.org/draft-07/schema#", "type": "object"}
    (finding,) = run(schema)
    assert finding.code == "BF408" and finding.at.path == (*S, "$schema")
    assert finding.help and "http://json-schema.org/draft-07/schema#" in finding.help


def test_bf408_unknown_dialect_far_from_any() -> None:
    (finding,) = run({"$schema": "urn:acme:schema", "type": "object"})
    assert finding.code == "BF408" and "2020-12" in (finding.help or "")


def test_a_non_string_schema_keyword_is_a_metaschema_error() -> None:
    assert found({"$schema": 7, "type": "object"}) == [("BF401", ("$schema",))]


# --- BF402: object root. -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string"}, [("BF402", ("type",))]),
        ({"properties": {"a": STR}}, [("BF402", ())]),
        ({"type": ["object", "null"]}, [("BF402", ("type",))]),
        ({"type": "object"}, []),
        ({"$ref": "#/$defs/root", "$defs": {"root": {"type": "object"}}}, []),
        (
            {"$ref": "#/$defs/root", "$defs": {"root": {"type": "array"}}},
            [("BF402", ("$defs", "root", "type"))],
        ),
    ],
)
def test_bf402_root_object(schema: dict[str, Any], expected: list[Any]) -> None:
    assert found(schema) == expected


def test_bf402_is_not_reported_when_the_root_ref_is_broken() -> None:
    assert [f.code for f in run({"$ref": "#/$defs/nope"})] == ["BF406"]
    assert [f.code for f in run({"$ref": "https://example.com/s.json"})] == ["BF405"]


# --- BF403: required names. -------------------------------------------------------------------


def test_bf403_root_with_suggestion() -> None:
    (finding,) = run({**obj(api_key=STR), "required": ["api_key", "api_kye"]})
    assert finding.code == "BF403" and finding.at.path == (*S, "required", 1)
    assert finding.help == "did you mean `api_key`?"


def test_bf403_nested_objects_items_definitions_and_branches() -> None:
    schema = obj(
        conn={**obj(host=STR), "required": ["hots"]},
        rows={"type": "array", "items": {**obj(id=STR), "required": ["idd"]}},
        auth={"oneOf": [{**obj(token=STR), "required": ["token", "secret"]}]},
    )
    schema["$defs"] = {"d": {**obj(a=STR), "required": ["b"]}}
    assert found(schema) == [
        ("BF403", ("$defs", "d", "required", 0)),
        ("BF403", ("properties", "auth", "oneOf", 0, "required", 1)),
        ("BF403", ("properties", "conn", "required", 0)),
        ("BF403", ("properties", "rows", "items", "required", 0)),
    ]


def test_bf403_a_branch_may_require_what_its_parent_defines() -> None:
    schema = {
        **obj(a=STR, b=STR),
        "anyOf": [{"required": ["a"]}, {"required": ["b"]}],
        "if": {"properties": {"a": {"const": "x"}}},
        "then": {"required": ["b"]},
    }
    assert run(schema) == []


def test_bf403_through_a_ref_and_allof() -> None:
    schema = {
        "type": "object",
        "$defs": {"base": obj(a=STR)},
        "allOf": [{"$ref": "#/$defs/base"}],
        "required": ["a"],
    }
    assert run(schema) == []


# --- BF404: defaults. -------------------------------------------------------------------------


_DEFAULT = ("properties", "x", "default")


@pytest.mark.parametrize(
    ("sub", "path"),
    [
        ({"type": "integer", "default": "30"}, _DEFAULT),
        ({"type": "string", "enum": ["a", "b"], "default": "c"}, _DEFAULT),
        ({**obj(n={"type": "integer"}), "default": {"n": "1"}}, (*_DEFAULT, "n")),
        ({"$ref": "#/$defs/s", "default": 5}, _DEFAULT),
        ({"type": "string", "pattern": "^[a-z]+$", "default": "ABC"}, _DEFAULT),
    ],
)
def test_bf404_invalid_default_located_at_the_value(sub: dict[str, Any], path: Any) -> None:
    schema = {**obj(x=sub), "$defs": {"s": STR}}
    assert found(schema) == [("BF404", path)]


def test_bf404_patterns_use_ecma_semantics() -> None:
    # `\p{Lu}` is ECMA (u flag); Python `re` would raise on it.
    assert run(obj(x={"type": "string", "pattern": "^\\p{Lu}+$", "default": "ABC"})) == []
    assert found(obj(x={"type": "string", "pattern": "^\\p{Lu}+$", "default": "abc"})) == [
        ("BF404", ("properties", "x", "default"))
    ]


def test_bf404_in_draft_07_ignores_ref_siblings_as_draft_07_does() -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        **obj(x={"$ref": "#/definitions/i", "default": 3}),
        "definitions": {"i": {"type": "integer"}},
    }
    assert run(schema) == []


def test_bf404_default_with_a_huge_enum() -> None:
    values = [f"v{i}" for i in range(10_000)]
    assert found(obj(x={"enum": values, "default": "v9999"})) == []
    assert found(obj(x={"enum": values, "default": "nope"})) == [
        ("BF404", ("properties", "x", "default"))
    ]


# --- BF405 / BF406: references. ---------------------------------------------------------------


def test_bf405_remote_refs_are_reported_never_fetched() -> None:
    schema = obj(
        a={"$ref": "https://example.com/a.json"},
        b={"$ref": "other.json#/x"},
        c={"$dynamicRef": "https://example.com/meta#node"},
    )
    assert found(schema) == [
        ("BF405", ("properties", "a", "$ref")),
        ("BF405", ("properties", "b", "$ref")),
        ("BF405", ("properties", "c", "$dynamicRef")),
    ]


def test_bf406_unresolved_pointer_with_suggestion() -> None:
    schema = {**obj(r={"$ref": "#/$defs/regoin"}), "$defs": {"region": STR}}
    (finding,) = run(schema)
    assert finding.code == "BF406" and finding.at.path == (*S, "properties", "r", "$ref")
    assert finding.help == "did you mean `#/$defs/region`?"


def test_bf406_self_reference_and_cycles() -> None:
    schema = {
        **obj(x={"$ref": "#/properties/x"}),
        "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a", "default": 1}},
    }
    assert found(schema) == [
        ("BF406", ("$defs", "a", "$ref")),
        ("BF406", ("$defs", "b", "$ref")),
        ("BF406", ("properties", "x", "$ref")),
    ]


def test_recursion_through_structure_is_not_a_cycle() -> None:
    schema = {"$ref": "#/$defs/node", "$defs": {"node": obj(child={"$ref": "#/$defs/node"})}}
    assert run(schema) == []


def test_bf406_a_root_ref_to_itself() -> None:
    assert found({"$ref": "#", "type": "object", "default": {}}) == [("BF406", ("$ref",))]


def test_refs_with_escapes_and_anchors_resolve() -> None:
    schema = {
        **obj(a={"$ref": "#/$defs/a~1b"}, b={"$ref": "#/$defs/with%20space"}, c={"$ref": "#cee"}),
        "$defs": {"a/b": STR, "with space": STR, "c": {"$anchor": "cee", "type": "string"}},
    }
    assert run(schema) == []
    assert resolve_local(schema, "#/$defs/a~1b").path == ("$defs", "a/b")
    assert resolve_local(schema, "#/$defs/zzz").path is None


def test_bf406_a_ref_to_something_that_is_not_a_schema() -> None:
    schema = {**obj(a={"$ref": "#/required/0"}), "required": ["a"]}
    assert found(schema) == [("BF406", ("properties", "a", "$ref"))]


# --- BF407: patterns. -------------------------------------------------------------------------


def test_bf407_pattern_and_pattern_properties_key() -> None:
    schema = obj(
        a={"type": "string", "pattern": "(?P<x>a)"},
        b={"type": "object", "patternProperties": {"^[a-z": STR, "^ok$": STR}},
    )
    findings = sorted(run(schema), key=lambda f: f.at.path)
    assert [(f.code, f.at.path[2:], f.at.part) for f in findings] == [
        ("BF407", ("properties", "a", "pattern"), "value"),
        ("BF407", ("properties", "b", "patternProperties", "^[a-z"), "key"),
    ]


def test_bf407_a_property_named_pattern_is_not_a_pattern() -> None:
    assert run(obj(pattern={"type": "string", "default": "(?P<x>"})) == []


# --- Helpers. ---------------------------------------------------------------------------------


def test_root_properties_and_required_through_a_root_ref() -> None:
    schema = {
        "$ref": "#/definitions/root",
        "definitions": {"root": {**obj(shop=STR, key=STR), "required": ["shop"]}},
    }
    assert sorted(root_properties(schema)) == ["key", "shop"]
    assert root_properties(schema)["shop"].path == ("definitions", "root", "properties", "shop")
    assert root_required(schema) == {"shop"}


@pytest.mark.parametrize(
    ("sub", "secret"),
    [
        ({"type": "string", "writeOnly": True}, True),
        ({"type": "string", "format": "password"}, True),
        ({"type": "string", "writeOnly": False}, False),
        ({"type": "string"}, False),
        (True, False),
    ],
)
def test_is_secret(sub: Any, secret: bool) -> None:
    assert is_secret(sub) is secret


# --- Robustness. ------------------------------------------------------------------------------


def test_no_network_is_touched(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the settings checks tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://example.com/settings.json",
        **obj(
            remote={"$ref": "https://example.com/remote.json", "default": 1},
            relative={"$ref": "common.json#/definitions/x", "default": "x"},
            site={"type": "string", "format": "uri", "default": "not a uri"},
            host={"type": "string", "format": "hostname", "default": "-bad-"},
        ),
    }
    codes = sorted(f.code for f in run(schema))
    # settings.py types `uri` (AnyUrl) and `hostname` (a pattern): judged offline, BF404.
    assert codes == ["BF404", "BF404", "BF405", "BF405"]


def test_deeply_nested_schema_is_checked() -> None:
    schema: dict[str, Any] = {"type": "object"}
    current = schema
    for _ in range(126):  # 252 levels of JSON nesting, within MAX_DEPTH
        current["properties"] = {"x": {"type": "object", "default": {}}}
        current = current["properties"]["x"]
    current["properties"] = {"leaf": {"type": "integer", "default": "1"}}
    assert [f.code for f in run(schema)] == ["BF404"]


def test_a_wide_schema_is_fast() -> None:
    schema = obj(**{f"p{i}": {"type": "string", "default": "x"} for i in range(2_000)})
    started = time.monotonic()
    assert run(schema) == []
    assert time.monotonic() - started < 20


_KEYS = [
    "type",
    "properties",
    "required",
    "$ref",
    "default",
    "pattern",
    "items",
    "oneOf",
    "allOf",
    "$defs",
    "definitions",
    "enum",
    "$schema",
    "patternProperties",
    "a",
    "#",
    "if",
    "then",
    "not",
]
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(_KEYS), children, max_size=5)
    ),
    max_leaves=25,
)


@given(_json)
def test_nothing_raises_on_arbitrary_schemas(value: Any) -> None:
    schema = value if isinstance(value, dict) else {"properties": {"x": value}}
    for finding in run(schema):
        assert finding.code.startswith("BF40") or finding.code in ("BF409", "BF410", "BF411")
