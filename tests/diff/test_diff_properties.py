"""THE property of `diff`'s settings rules: for a random schema S and a random mutation S'
(tighten, loosen or refactor), `diff` reports a settings error iff stored settings valid under S
are rejected by S'. Checked with Python `jsonschema` on both sides: every error's
counter-example is valid under S and rejected by S'; with no error, a config drawn from S (as
the settings form stores it: declared properties only) is valid under S'."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import assume, event, given
from hypothesis import strategies as st
from jsonschema import Draft7Validator, Draft202012Validator

from backfill_codegen.diagnostics.model import Severity
from backfill_codegen.diff.change import NO_EXAMPLE
from backfill_codegen.diff.settings import compare

NAMES = ("a", "b", "c", "d")
PATTERNS = ("^a", "^[a-z]*$", "b$")
SIMPLE = ("string", "integer", "number", "boolean", "enum", "union", "const")
KINDS = (*SIMPLE, "choice", "array", "object", "map")


@st.composite
def leaf(draw: st.DrawFn, kinds: tuple[str, ...] = KINDS) -> dict[str, Any]:
    kind = draw(st.sampled_from(kinds))
    if kind == "enum":
        return {"enum": draw(st.lists(st.sampled_from("xyz"), min_size=1, max_size=3, unique=True))}
    if kind == "union":
        return {"type": ["integer", "string"]}
    if kind == "const":
        return {"const": draw(st.sampled_from(("x", 1, True)))}
    if kind == "choice":
        return {"oneOf": [{"type": "integer"}, {"type": "string", "maxLength": 3}, {"const": None}]}
    if kind == "array":
        return {"type": "array", "items": draw(leaf(SIMPLE))}
    if kind == "object":
        inner = {name: draw(leaf(SIMPLE)) for name in ("p", "q")}
        return {
            "type": "object",
            "properties": inner,
            "required": draw(st.sampled_from(([], ["p"]))),
        }
    if kind == "map":
        return {"type": "object", "additionalProperties": {"type": "integer"}}
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
    how = draw(
        st.sampled_from(
            (
                "required",
                "type",
                "enum",
                "bound",
                "pattern",
                "closed",
                "const",
                "choice",
                "inner",
                "not",
                "multipleOf",
                "unique",
                "map",
            )
        )
    )
    if how == "required" and name not in schema["required"]:
        schema["required"].append(name)
    elif how == "type":
        schema["properties"][name] = {"type": draw(st.sampled_from(("integer", "string")))}
    elif how == "enum" and "enum" in prop and len(prop["enum"]) > 1:
        prop["enum"].pop(draw(st.integers(0, len(prop["enum"]) - 1)))
    elif how == "bound":
        key = draw(st.sampled_from(("minimum", "maximum", "minLength", "maxLength", "maxItems")))
        prop[key] = draw(st.integers(-2, 6)) if "imum" in key else draw(st.integers(0, 6))
    elif how == "pattern":
        prop["pattern"] = draw(st.sampled_from(PATTERNS))
    elif how == "closed":
        schema["additionalProperties"] = False
        del schema["properties"][name]
        schema["required"] = [n for n in schema["required"] if n != name]
    elif how == "const":
        prop["const"] = draw(st.sampled_from(("x", "y", 1)))
    elif how == "choice" and "oneOf" in prop:
        prop["oneOf"].pop(draw(st.integers(0, len(prop["oneOf"]) - 1)))
    elif how == "inner" and "properties" in prop:
        _tighten(draw, prop, draw(st.sampled_from(sorted(prop["properties"]))))
    elif how == "not":
        schema["not"] = {"required": [name]}
    elif how == "multipleOf":
        prop["multipleOf"] = 2
    elif how == "unique" and "items" in prop:
        prop["uniqueItems"] = True
    elif how == "map" and "additionalProperties" in prop:
        prop["additionalProperties"] = draw(
            st.sampled_from((False, {"type": "integer", "minimum": 0}))
        )


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
        schema.setdefault("$defs", {})[f"Moved_{name}"] = schema["properties"][name]
        schema["properties"][name] = {"$ref": f"#/$defs/Moved_{name}"}
    elif how == "reorder":
        schema["properties"] = dict(reversed(list(schema["properties"].items())))
        schema["required"].reverse()
    elif how == "title":
        schema["properties"][name]["title"] = "A title"
        schema["description"] = "changed text"
    else:
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        schema.setdefault("definitions", {})[f"Moved_{name}"] = schema["properties"][name]
        schema["properties"][name] = {"$ref": f"#/definitions/Moved_{name}"}


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


def _value(draw: st.DrawFn, prop: Any) -> Any:
    """A value (often, not always, valid) of the subschema `prop`, as a form would store it."""
    if not isinstance(prop, dict):
        return draw(st.integers(0, 3))
    if "const" in prop:
        return prop["const"]
    if "enum" in prop:
        return draw(st.sampled_from(prop["enum"]))
    if "oneOf" in prop:
        return _value(draw, draw(st.sampled_from(prop["oneOf"])))
    if "$ref" in prop:
        return draw(st.integers(-5, 10) | st.text("ab", max_size=4) | st.booleans())
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
    if kind == "array":
        return [_value(draw, prop.get("items")) for _ in range(draw(st.integers(0, 3)))]
    if kind == "object":
        if "properties" not in prop:  # a map setting: free keys
            return {
                k: _value(draw, prop.get("additionalProperties"))
                for k in draw(st.lists(st.sampled_from(("k", "K1", "_")), max_size=2, unique=True))
            }
        inner = prop["properties"]
        return {
            name: _value(draw, inner[name])
            for name in inner
            if name in prop.get("required", ()) or draw(st.booleans())
        }
    return draw(st.booleans())


def _validator(schema: dict[str, Any]) -> Any:
    draft07 = schema.get("$schema", "").startswith("http://json-schema.org/draft-07")
    return (Draft7Validator if draft07 else Draft202012Validator)(schema)


@given(st.data())
def test_diff_reports_a_settings_error_iff_stored_settings_break(data: st.DataObject) -> None:
    old = data.draw(schemas())
    new = data.draw(mutations(old))
    config = _value(data.draw, old)
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
    breaks = not _validator(new).is_valid(config)
    event(f"diff error: {bool(errors)}, drawn config rejected by S': {breaks}")
    if not errors:
        assert not breaks, (old, new, config)


@given(st.data())
def test_refactors_report_nothing(data: st.DataObject) -> None:
    """Moving subschemas into `$defs`/`definitions`, reordering, retitling and the draft-07
    spelling change no stored value: `diff` reports nothing at all, warnings included."""
    old = data.draw(schemas())
    new = copy.deepcopy(old)
    for name in data.draw(st.lists(st.sampled_from(sorted(old["properties"])), max_size=3)):
        if "$ref" not in new["properties"][name]:
            _refactor(data.draw, new, name)
    assert compare(copy.deepcopy(old), new) == []
