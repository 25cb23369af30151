"""THE property of `diff`'s settings rules: for a random schema S and a random mutation S'
(tighten, loosen or refactor), `diff` reports a settings error iff stored settings valid under S
are rejected by S'. Checked with Python `jsonschema` on both sides: every error's
counter-example is valid under S and rejected by S'; with no error, a config drawn from S (as
the settings form stores it: declared properties only) is valid under S'."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st
from jsonschema import Draft7Validator, Draft202012Validator

from backfill_codegen.diagnostics.model import Severity
from backfill_codegen.diff.change import NO_EXAMPLE
from backfill_codegen.diff.settings import compare

NAMES = ("a", "b", "c", "d")
PATTERNS = ("^a", "^[a-z]*$", "b$")


@st.composite
def leaf(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(("string", "integer", "number", "boolean", "enum", "union")))
    if kind == "enum":
        return {"enum": draw(st.lists(st.sampled_from("xyz"), min_size=1, max_size=3, unique=True))}
    if kind == "union":
        return {"type": ["integer", "string"]}
    schema: dict[str, Any] = {"type": kind}
    if kind == "string":
        for key, values in (("minLength", (0, 1, 2)), ("maxLength", (3, 5)), ("pattern", PATTERNS)):
            if draw(st.booleans()):
                schema[key] = draw(st.sampled_from(values))
    if kind in ("integer", "number"):
        for key, values in (("minimum", (-3, 0, 2)), ("maximum", (3, 5, 9))):
            if draw(st.booleans()):
                schema[key] = draw(st.sampled_from(values))
    return schema


@st.composite
def schemas(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    properties = {name: draw(leaf()) for name in names}
    required = draw(st.lists(st.sampled_from(names), unique=True))
    return {"type": "object", "properties": properties, "required": required}


def _tighten(draw: st.DrawFn, schema: dict[str, Any], name: str) -> None:
    prop = schema["properties"][name]
    how = draw(st.sampled_from(("required", "type", "enum", "bound", "pattern", "closed")))
    if how == "required" and name not in schema["required"]:
        schema["required"].append(name)
    elif how == "type":
        schema["properties"][name] = {**prop, "type": draw(st.sampled_from(("integer", "string")))}
        schema["properties"][name].pop("enum", None)
    elif how == "enum" and "enum" in prop and len(prop["enum"]) > 1:
        prop["enum"].pop(draw(st.integers(0, len(prop["enum"]) - 1)))
    elif how == "bound":
        key = draw(st.sampled_from(("minimum", "maximum", "minLength", "maxLength")))
        prop[key] = draw(st.integers(-2, 6)) if "Length" not in key else draw(st.integers(0, 6))
    elif how == "pattern":
        prop["pattern"] = draw(st.sampled_from(PATTERNS))
    elif how == "closed":
        schema["additionalProperties"] = False
        del schema["properties"][name]
        schema["required"] = [n for n in schema["required"] if n != name]


def _loosen(draw: st.DrawFn, schema: dict[str, Any], name: str) -> None:
    prop = schema["properties"][name]
    how = draw(st.sampled_from(("required", "type", "enum", "bound")))
    if how == "required":
        schema["required"] = [n for n in schema["required"] if n != name]
    elif how == "type" and "type" in prop:
        prop["type"] = ["boolean", "integer", "number", "string"]
    elif how == "enum" and "enum" in prop:
        prop["enum"].append("w")
    else:
        for key in ("minimum", "maximum", "minLength", "maxLength"):
            prop.pop(key, None)


def _refactor(draw: st.DrawFn, schema: dict[str, Any], name: str) -> None:
    how = draw(st.sampled_from(("defs", "reorder", "title", "draft07")))
    if how == "defs":
        schema["$defs"] = {"Moved": schema["properties"][name]}
        schema["properties"][name] = {"$ref": "#/$defs/Moved"}
    elif how == "reorder":
        schema["properties"] = dict(reversed(list(schema["properties"].items())))
        schema["required"].reverse()
    elif how == "title":
        schema["properties"][name]["title"] = "A title"
        schema["description"] = "changed text"
    else:
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        schema["definitions"] = {"Moved": schema["properties"][name]}
        schema["properties"][name] = {"$ref": "#/definitions/Moved"}


@st.composite
def mutations(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    mutated = copy.deepcopy(schema)
    for _ in range(draw(st.integers(1, 2))):
        if not mutated["properties"]:
            break
        name = draw(st.sampled_from(sorted(mutated["properties"])))
        kind = draw(st.sampled_from((_tighten, _loosen, _refactor)))
        if "$ref" not in mutated["properties"][name]:
            kind(draw, mutated, name)
    return mutated


def _value(draw: st.DrawFn, prop: dict[str, Any]) -> Any:
    if "enum" in prop:
        return draw(st.sampled_from(prop["enum"]))
    kinds = prop.get("type", "string")
    kind = draw(st.sampled_from(kinds if isinstance(kinds, list) else [kinds]))
    if kind == "string":
        if "pattern" in prop:
            return draw(st.from_regex(prop["pattern"]) | st.text("abAB0", max_size=6))
        return draw(st.text("ab0", max_size=7))
    if kind == "integer":
        return draw(st.integers(-5, 10))
    if kind == "number":
        return draw(st.integers(-5, 10) | st.floats(-5, 10, allow_nan=False))
    return draw(st.booleans())


def _validator(schema: dict[str, Any]) -> Any:
    draft07 = schema.get("$schema", "").startswith("http://json-schema.org/draft-07")
    return (Draft7Validator if draft07 else Draft202012Validator)(schema)


@given(st.data())
def test_diff_reports_a_settings_error_iff_stored_settings_break(data: st.DataObject) -> None:
    old = data.draw(schemas())
    new = data.draw(mutations(old))
    present = [n for n in old["properties"] if n in old["required"] or data.draw(st.booleans())]
    config = {name: _value(data.draw, old["properties"][name]) for name in present}
    errors = [
        c
        for c in compare(copy.deepcopy(old), copy.deepcopy(new))
        if c.rule.severity == Severity.ERROR
    ]
    for error in errors:
        assert error.counter_example is not NO_EXAMPLE
        assert _validator(old).is_valid(error.counter_example), error
        assert not _validator(new).is_valid(error.counter_example), error
    assume(_validator(old).is_valid(config))
    if not errors:
        assert _validator(new).is_valid(config), (old, new, config)
