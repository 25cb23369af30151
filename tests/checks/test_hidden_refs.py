"""BF405 sees a remote `$ref` / `$dynamicRef` / `$recursiveRef` wherever it sits in the settings
schema: under a known subschema keyword, `contentSchema`, an unknown or `x-` keyword, nested
lists and objects; only an instance value of a subschema (`default`, `enum`, ...) holds data
(red-team finding D). Placements are generated outside-in, tracking whether the current object
is a subschema, so the oracle does not reuse the check's walk."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from backfill_codegen.checks import settings

S = ("connection", "settingsSchema")
REMOTE = "http://127.0.0.1:18080/cs.json"
#: Steps that keep a subschema a subschema: the keys they add to the path.
SCHEMA_STEPS: list[tuple[Any, ...]] = [
    ("properties", "p"),
    ("properties", "default"),  # a property named like an instance keyword is a schema
    ("items",),
    ("allOf", 0),
    ("anyOf", 0),
    ("not",),
    ("if",),
    ("additionalProperties",),
    ("$defs", "d"),
    ("definitions", "d"),
    ("dependentSchemas", "d"),
    ("patternProperties", "^a"),
    ("prefixItems", 0),
]
#: Steps from a subschema into something the walk does not list as one.
OPAQUE_STEPS: list[tuple[Any, ...]] = [
    ("contentSchema",),
    ("x-schema",),
    ("x-ext", 0),
    ("foo",),
    ("components", "schemas", "s"),
]
#: Steps inside opaque content: any key at all, lists too.
DATA_STEPS: list[tuple[Any, ...]] = [
    ("a",),
    ("default",),
    ("enum", 0),
    ("properties", "p"),
    (0,),
    ("x-y",),
]
INSTANCE = ["default", "examples", "const", "enum", "example"]
KEYS = ["$ref", "$dynamicRef", "$recursiveRef"]


def run(schema: Any) -> list[tuple[str, tuple[Any, ...]]]:
    manifest = {"name": "acme", "connection": {"settingsSchema": schema}}
    return [
        (f.code, f.at.path[2:])
        for check in settings.CHECKS
        for f in check.run(manifest)
        if f.code == "BF405"
    ]


def place(path: tuple[Any, ...], leaf: Any) -> dict[str, Any]:
    """A document with `leaf` at `path` (an int step makes a one-item list)."""
    value = leaf
    for step in reversed(path):
        value = [value] if isinstance(step, int) else {step: value}
    assert isinstance(value, dict)
    return {"type": "object", **value}


@st.composite
def placements(draw: st.DrawFn) -> tuple[tuple[Any, ...], bool]:
    """A path from the root and whether a `$ref` at its end is a reference (not data)."""
    path: tuple[Any, ...] = ()
    for _ in range(draw(st.integers(0, 3))):
        path += draw(st.sampled_from(SCHEMA_STEPS))
    kind = draw(st.sampled_from(["schema", "opaque", "instance"]))
    if kind == "schema":
        return path, True
    if kind == "opaque":
        path += draw(st.sampled_from(OPAQUE_STEPS))
    else:
        path += (draw(st.sampled_from(INSTANCE)),)
        if path[-1] in ("examples", "enum"):
            path += (0,)
    for _ in range(draw(st.integers(0, 3))):
        path += draw(st.sampled_from(DATA_STEPS))
    return path, kind == "opaque"


@hypothesis_settings(max_examples=300, deadline=None)
@given(placements(), st.sampled_from(KEYS))
def test_a_remote_ref_anywhere_but_in_data_is_bf405(
    placement: tuple[tuple[Any, ...], bool], key: str
) -> None:
    path, is_reference = placement
    findings = run(place(path, {key: REMOTE}))
    if is_reference:
        assert findings == [("BF405", (*path, key))]
    else:
        assert findings == []


def test_the_red_team_examples() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": {"$ref": REMOTE},
            },
            "b": {"type": "string", "x-schema": {"$ref": "http://127.0.0.1:18080/x.json"}},
        },
    }
    assert sorted(run(schema)) == [
        ("BF405", ("properties", "a", "contentSchema", "$ref")),
        ("BF405", ("properties", "b", "x-schema", "$ref")),
    ]


def test_a_local_ref_in_opaque_content_is_left_alone() -> None:
    schema = {"type": "object", "x-schema": {"$ref": "#/nowhere"}}
    manifest = {"name": "acme", "connection": {"settingsSchema": schema}}
    assert [f for check in settings.CHECKS for f in check.run(manifest)] == []
