"""Secrets never leave the form (issue 10, classes 6 and 7).

Class 6: no secret reaches any representation of a ValidationError of the generated models
(`str`, `repr`, `errors()` with its `input` and `ctx`, `json()`): generated settings schemas with
secrets (nested, in arrays of objects, through `$ref`, with pattern/length constraints, of other
types than string) are validated against invalid inputs that hold a unique marker.

Class 7: a secret's value written in the schema (on the secret, through `$ref`/`$defs`, or in a
parent's default/examples/const/enum) is BF409, located at the value; and no emitter writes it.
"""

from __future__ import annotations

import itertools
import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backfill_codegen.domain.settings_schema import (
    CHILD_KEYWORDS,
    VALUE_CHILD_KEYWORDS,
    is_secret_schema,
    secret_values,
)
from backfill_codegen.emit.python_settings import generate_settings_module
from backfill_codegen.generate import outputs
from backfill_codegen.lower import lower
from backfill_codegen.pipeline import check_manifest

MARKER = "zQ7SECRETx9"
_modules = itertools.count()


def _load(code: str) -> types.ModuleType:
    name = f"_generated_settings_{next(_modules)}"
    module = types.ModuleType(name)
    sys.modules[name] = module  # pydantic resolves the annotations in the module's namespace
    exec(compile(code, f"<{name}>", "exec"), module.__dict__)
    return module


# --- Schemas with secrets. -------------------------------------------------------------------

SECRET_STRINGS = st.sampled_from(
    [
        {"type": "string", "writeOnly": True},
        {"type": "string", "format": "password"},
        {"type": "string", "writeOnly": True, "pattern": "^sk_[a-z]+$"},
        {"type": "string", "writeOnly": True, "minLength": 40},
        {"type": "string", "format": "password", "maxLength": 4},
        {"type": "string", "writeOnly": True, "minLength": 2, "pattern": "^[0-9]+$"},
        {"type": ["string", "null"], "writeOnly": True},
        # BF409 keeps an enum on a secret from `generate`; its errors are masked all the same.
        {"type": "string", "writeOnly": True, "enum": ["alpha", "beta"]},
    ]
)


@st.composite
def secret_schemas(draw: st.DrawFn) -> dict[str, Any]:
    """A settings schema with secrets at random depths; `$defs` used for some of them."""
    defs: dict[str, Any] = {}

    def secret() -> dict[str, Any]:
        schema = dict(draw(SECRET_STRINGS))
        how = draw(st.sampled_from(["direct", "ref", "ref-marked", "ref-extension"]))
        if how == "direct":
            return schema
        name = f"s{len(defs)}"
        if how in ("ref", "ref-extension"):
            defs[name] = schema
            where = "$defs" if how == "ref" else "x-shared"  # x-...: a place walk never visits
            return {"$ref": f"#/{where}/{name}"}
        marks = {key: schema.pop(key) for key in ("writeOnly", "format") if key in schema}
        defs[name] = schema
        return {"$ref": f"#/$defs/{name}", **marks}

    def node(depth: int) -> dict[str, Any]:
        kind = draw(
            st.sampled_from(["secret", "string", "object", "array"] if depth else ["secret"])
        )
        if kind == "secret":
            return secret()
        if kind == "string":
            return {"type": "string", "maxLength": 3}
        if kind == "object":
            children = {f"p{i}": node(depth - 1) for i in range(draw(st.integers(1, 3)))}
            return {"type": "object", "properties": children, "required": sorted(children)[:1]}
        return {"type": "array", "items": node(depth - 1)}

    properties = {f"f{i}": node(draw(st.integers(0, 3))) for i in range(draw(st.integers(1, 4)))}
    properties["token"] = secret()  # at least one secret: the guard is for schemas with secrets
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    schema["required"] = sorted(properties)
    if defs:
        schema["$defs"] = defs
        schema["x-shared"] = defs
    return schema


def _bad_values() -> st.SearchStrategy[Any]:
    """Values holding the marker that the fields reject, or accept (then the field stays quiet)."""
    return st.sampled_from(
        [MARKER, [MARKER], {"k": MARKER}, MARKER * 5, f"sk_{MARKER}", {"p0": MARKER}, [{"p0": 1}]]
    )


@st.composite
def invalid_inputs(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in schema["properties"]:
        if draw(st.booleans()) or not data:
            data[name] = draw(_bad_values())
    if draw(st.booleans()):
        data["unknown_" + MARKER] = MARKER
    return data


def _representations(error: Exception) -> list[str]:
    from pydantic import ValidationError

    assert isinstance(error, ValidationError)
    return [
        str(error),
        repr(error),
        repr(error.errors()),
        repr(error.errors(include_input=False)),
        repr(error.errors(include_url=False, include_context=True)),
        error.json(),
        error.json(include_input=False),
        repr(error.args),
        repr(error.title),
    ]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), schema=secret_schemas())
def test_no_secret_in_any_error_representation(data: st.DataObject, schema: dict[str, Any]) -> None:
    from pydantic import ValidationError

    module = _load(generate_settings_module(schema))
    model = module.Settings
    for _ in range(4):
        value = data.draw(invalid_inputs(schema))
        for validate in (
            model.model_validate,
            lambda v: model(**v),
            lambda v: model.model_validate_json(json.dumps(v)),
            lambda v: model.model_validate_json(json.dumps(v)[:-1]),  # invalid JSON
            lambda v: model.model_validate_strings(v),
        ):
            try:
                validate(value)
            except ValidationError as error:
                for text in _representations(error):
                    assert MARKER not in text, (text, schema, value)


def test_a_missing_field_does_not_echo_the_object_holding_a_secret() -> None:
    """The review's example: `missing` carries the whole input object as its `input`."""
    from pydantic import ValidationError

    schema = {
        "type": "object",
        "required": ["api_key", "region"],
        "properties": {
            "api_key": {"type": "string", "writeOnly": True, "pattern": "^sk_"},
            "region": {"type": "string"},
        },
    }
    model = _load(generate_settings_module(schema)).Settings
    with pytest.raises(ValidationError) as raised:
        model.model_validate({"api_key": f"sk_{MARKER}"})
    assert [e["type"] for e in raised.value.errors()] == ["missing"]
    assert all(MARKER not in text for text in _representations(raised.value))
    assert model.model_validate({"api_key": "sk_1", "region": "eu"}).region == "eu"


def test_a_secret_through_ref_is_a_secret_str() -> None:
    schema = {
        "type": "object",
        "$defs": {"plain": {"type": "string"}, "token": {"type": "string", "writeOnly": True}},
        "properties": {
            "a": {"$ref": "#/$defs/token"},
            "b": {"$ref": "#/$defs/plain", "writeOnly": True},
            "c": {"allOf": [{"$ref": "#/$defs/plain"}], "format": "password"},
            "d": {"$ref": "#/x-shared/token"},
        },
        "x-shared": {"token": {"type": "string", "writeOnly": True}},
    }
    model = _load(generate_settings_module(schema)).Settings
    settings_value = model.model_validate({"a": MARKER, "b": MARKER, "c": MARKER, "d": MARKER})
    assert MARKER not in repr(settings_value)
    assert MARKER not in str(settings_value.model_dump())
    for name in "abcd":
        assert is_secret_schema(schema, schema["properties"][name])


# --- Class 7: secret values in the schema. ---------------------------------------------------


@st.composite
def schemas_with_secret_values(draw: st.DrawFn) -> tuple[dict[str, Any], int]:
    """A schema with the marker as a secret's value, somewhere; and how many places hold it."""
    defs: dict[str, Any] = {}
    extension: dict[str, Any] = {}
    places = 0
    token: dict[str, Any] = {"type": "string", draw(st.sampled_from(["writeOnly", "format"])): 0}
    token["writeOnly" if "writeOnly" in token else "format"] = (
        True if "writeOnly" in token else "password"
    )
    how = draw(st.sampled_from(["direct", "ref", "defs-default", "extension", "parent", "oneOf"]))
    keyword = draw(st.sampled_from(["default", "const", "enum", "examples", "example"]))
    literal: Any = [MARKER] if keyword in ("enum", "examples") else MARKER
    if how == "direct":
        secret: dict[str, Any] = {**token, keyword: literal}
        places += 1
    elif how == "ref":
        defs["token"] = token
        secret = {"$ref": "#/$defs/token", keyword: literal}
        places += 1
    elif how == "defs-default":
        defs["token"] = {**token, keyword: literal}
        secret = {"$ref": "#/$defs/token"}
        places += 1
    elif how == "extension":  # under an `x-...` key, which no walk visits
        extension["token"] = {**token, keyword: literal}
        secret = {"$ref": "#/x-shared/token"}
        places += 1
    elif how == "oneOf":  # a secret in one branch: a value for the setting may be the secret
        secret = {"oneOf": [dict(token), {"type": "integer"}]}
    else:
        secret = dict(token)
    # The secret at a random depth, under objects and arrays.
    node: dict[str, Any] = secret
    value: Any = MARKER
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            node = {"type": "object", "properties": {"inner": node}}
            value = {"inner": value}
        else:
            node = {"type": "array", "items": node}
            value = [value]
    if how == "parent" or draw(st.booleans()):
        parent_keyword = draw(st.sampled_from(["default", "examples", "const", "enum"]))
        node = {**node} if node is not secret else {"type": "object", "properties": {"s": node}}
        if node is not secret and "properties" in node and "s" in node["properties"]:
            value = {"s": value}
        node[parent_keyword] = [value] if parent_keyword in ("examples", "enum") else value
        places += 1
    schema: dict[str, Any] = {"type": "object", "properties": {"setting": node}}
    if draw(st.booleans()):
        schema["default"] = {"setting": value}
        places += 1
    if defs:
        schema["$defs"] = defs
    if extension:
        schema["x-shared"] = extension
    return schema, places


def _write(tmp_path: Path, schema: dict[str, Any]) -> Path:
    manifest = {"name": "secrets", "connection": {"settingsSchema": schema}}
    path = tmp_path / "backfill.config.json"
    path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=schemas_with_secret_values())
def test_a_secret_value_is_bf409_and_in_no_output(
    case: tuple[dict[str, Any], int], tmp_path_factory: pytest.TempPathFactory
) -> None:
    schema, places = case
    path = _write(tmp_path_factory.mktemp("secrets"), schema)
    result = check_manifest(path)
    text = path.read_text(encoding="utf-8")
    found = [d for d in result.diagnostics if d.code == "BF409"]
    assert len(found) >= places, (schema, [d.message for d in result.diagnostics])
    for diagnostic in found:
        assert diagnostic.primary is not None
        located = text[diagnostic.primary.span.start : diagnostic.primary.span.end]
        assert located.startswith('"') or MARKER in located, located
        # The span is the keyword or key that holds the marker, or the marker itself.
        assert MARKER in text[diagnostic.primary.span.start :].split("\n", 3)[0] or located.strip(
            '"'
        ) in {"default", "const", "enum", "examples", "example", "inner", "s", "setting"}
    assert [v.path for v in secret_values(schema)] == [
        d.path for d in secret_values(schema)
    ]  # deterministic
    # Every emitter, on the same manifest (the front half without the error gate).
    assert result.manifest is not None
    for name, output in outputs(lower(result.manifest)).items():
        assert MARKER not in output, name


def test_the_review_example(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "default": {"auth": {"api_key": MARKER}},
        "properties": {
            "auth": {
                "type": "object",
                "properties": {"api_key": {"type": "string", "writeOnly": True, "default": MARKER}},
            }
        },
    }
    result = check_manifest(_write(tmp_path, schema))
    assert [(d.code, d.message) for d in result.diagnostics] == [
        (
            "BF409",
            "this `default` holds a secret's value at `auth/api_key`: a credential committed "
            "in the manifest",
        ),
        (
            "BF409",
            "the secret `properties/auth/properties/api_key` has a literal `default`: a "
            "credential committed in the manifest",
        ),
    ]
    assert result.manifest is not None
    for output in outputs(lower(result.manifest)).values():
        assert MARKER not in output


def test_a_union_root_model_is_guarded_too() -> None:
    from pydantic import ValidationError

    secret = {"type": "string", "writeOnly": True, "minLength": 50}
    schema = {
        "oneOf": [
            {"type": "object", "properties": {"k": secret}, "required": ["k", "z"]},
            {"type": "object", "properties": {"t": {"type": "integer"}}, "required": ["t"]},
        ]
    }
    model = _load(generate_settings_module(schema)).Settings
    for value in ({"k": MARKER}, MARKER, [MARKER], {"t": MARKER}):
        with pytest.raises(ValidationError) as raised:
            model.model_validate(value)
        assert all(MARKER not in text for text in _representations(raised.value))


# --- every applicator: a value on any schema of a secret's instance, or inside a value through
# --- any child applicator, is BF409 and in no output (issue 10, red team E1/E2) -------------

_VALUE_KEYWORDS = ["default", "const", "example", "examples", "enum"]
_ALL_VALUE_KEYWORDS = [*_VALUE_KEYWORDS, *(f"x-{k}" for k in _VALUE_KEYWORDS)]
_MARKS = ["self", "password", "ref", "allOf-ref"]
_IN_PLACE = ["self", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas"]
_IN_PLACE += ["ref-target", "ref-target-allOf"]


def _value(keyword: str, value: Any) -> Any:
    return [value] if keyword.removeprefix("x-") in ("examples", "enum") else value


def _in_place_case(mark: str, place: str, keyword: str) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    prop: dict[str, Any] = {"type": "string"}
    if mark == "self":
        prop["writeOnly"] = True
    elif mark == "password":
        prop["format"] = "password"
    elif mark == "ref":
        defs["sec"] = {"type": "string", "writeOnly": True}
        prop = {"$ref": "#/$defs/sec"}
    else:
        defs["sec"] = {"type": "string", "writeOnly": True}
        prop = {"allOf": [{"$ref": "#/$defs/sec"}]}
    holder = {keyword: _value(keyword, MARKER)}
    if place == "self":
        prop.update(holder)
    elif place in ("allOf", "anyOf", "oneOf"):
        prop.setdefault(place, []).append(holder)
        if place != "allOf":
            prop[place].append({"type": "string"})
    elif place == "dependentSchemas":
        prop[place] = {"k": holder}
    elif place.startswith("ref-target"):
        defs["v"] = holder if place == "ref-target" else {"allOf": [holder]}
        prop.setdefault("allOf", []).append({"$ref": "#/$defs/v"})
    else:
        prop[place] = holder
    schema: dict[str, Any] = {"type": "object", "properties": {"s": prop}}
    if defs:
        schema["$defs"] = defs
    return schema


def _assert_reported_and_hidden(tmp_path: Path, schema: dict[str, Any], direct: bool) -> None:
    path = _write(tmp_path, schema)
    result = check_manifest(path)
    found = [d for d in result.diagnostics if d.code == "BF409"]
    assert found, (schema, [d.message for d in result.diagnostics])
    assert any(v.direct is direct for v in secret_values(schema)), secret_values(schema)
    assert result.manifest is not None
    lowered = lower(result.manifest)
    for name, output in outputs(lowered).items():
        assert MARKER not in output, (name, schema)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    mark=st.sampled_from(_MARKS),
    place=st.sampled_from(_IN_PLACE),
    keyword=st.sampled_from(_ALL_VALUE_KEYWORDS),
)
def test_a_value_on_any_schema_of_a_secrets_instance_is_a_secret_value(
    mark: str, place: str, keyword: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    schema = _in_place_case(mark, place, keyword)
    _assert_reported_and_hidden(tmp_path_factory.mktemp("inplace"), schema, True)


_SECRET = {"type": "string", "writeOnly": True}
#: A container holding the secret through each child applicator, and a value putting MARKER
#: where that applicator's secret is.
_CHILDREN: dict[str, tuple[dict[str, Any], Any]] = {
    "properties": ({"type": "object", "properties": {"k": _SECRET}}, {"k": MARKER}),
    "patternProperties": ({"type": "object", "patternProperties": {"^k": _SECRET}}, {"k": MARKER}),
    "additionalProperties": ({"type": "object", "additionalProperties": _SECRET}, {"u": MARKER}),
    "unevaluatedProperties": (
        {"type": "object", "unevaluatedProperties": _SECRET},
        {"u": MARKER},
    ),
    "items": ({"type": "array", "items": _SECRET}, [MARKER]),
    "prefixItems": ({"type": "array", "prefixItems": [_SECRET]}, [MARKER]),
    "additionalItems": ({"type": "array", "items": [{}], "additionalItems": _SECRET}, [1, MARKER]),
    "unevaluatedItems": ({"type": "array", "unevaluatedItems": _SECRET}, [MARKER]),
    "contains": ({"type": "array", "contains": _SECRET}, [MARKER]),
}


def test_every_child_applicator_walk_knows_is_followed_into_values() -> None:
    assert CHILD_KEYWORDS - {"propertyNames"} <= VALUE_CHILD_KEYWORDS
    assert set(_CHILDREN) == VALUE_CHILD_KEYWORDS


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    child=st.sampled_from(sorted(_CHILDREN)),
    keyword=st.sampled_from(_VALUE_KEYWORDS),
    in_member=st.booleans(),
)
def test_a_secrets_value_inside_any_child_applicator_is_found(
    child: str, keyword: str, in_member: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    container, value = _CHILDREN[child]
    holder = {keyword: _value(keyword, value)}
    prop = {**container, "allOf": [holder]} if in_member else {**container, **holder}
    schema = {"type": "object", "properties": {"c": prop}}
    _assert_reported_and_hidden(tmp_path_factory.mktemp("child"), schema, False)


@pytest.mark.parametrize(
    "schema",
    [
        {  # E1: unevaluatedProperties, default and examples
            "type": "object",
            "properties": {
                "upp": {
                    "type": "object",
                    "unevaluatedProperties": {"type": "string", "writeOnly": True},
                    "default": {"u": MARKER},
                    "examples": [{"u": MARKER}],
                }
            },
        },
        {  # E2: draft-07, the secret through a $ref in allOf, the value in a sibling member
            "$schema": "http://json-schema.org/draft-07/schema#",
            "definitions": {"sec": {"type": "string", "writeOnly": True}},
            "type": "object",
            "properties": {"b": {"allOf": [{"$ref": "#/definitions/sec"}, {"enum": [MARKER]}]}},
        },
        {  # E2: if/const, not/enum, x-default on the secret itself
            "type": "object",
            "properties": {
                "c": {
                    "type": "string",
                    "writeOnly": True,
                    "if": {"const": MARKER},
                    "not": {"enum": [MARKER]},
                    "x-default": MARKER,
                }
            },
        },
    ],
)
def test_the_red_team_examples(schema: dict[str, Any], tmp_path: Path) -> None:
    path = _write(tmp_path, schema)
    result = check_manifest(path)
    assert any(d.code == "BF409" for d in result.diagnostics)
    assert result.manifest is not None
    for name, output in outputs(lower(result.manifest)).items():
        assert MARKER not in output, name


# --- a secret is always a SecretStr: a secret of another type is BF413 (red team E3) ---------

_NON_STRING = st.sampled_from(
    [
        {"type": "integer"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "array", "items": {"type": "string"}},
        {"type": "object"},
        {"type": ["string", "integer"]},
        {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        {},
    ]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shape=_NON_STRING, mark=st.sampled_from(["writeOnly", "password"]), via=st.booleans())
def test_a_secret_that_is_not_a_string_is_bf413(
    shape: dict[str, Any], mark: str, via: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from backfill_codegen.emit.python_settings import SettingsModelError

    secret = {**shape, **({"writeOnly": True} if mark == "writeOnly" else {"format": "password"})}
    schema: dict[str, Any] = {"type": "object", "properties": {"s": secret}}
    where = ("properties", "s")
    if via:  # the secret is a definition, reached through $ref
        schema = {
            "type": "object",
            "properties": {"s": {"$ref": "#/$defs/d"}},
            "$defs": {"d": secret},
        }
        where = ("$defs", "d")
    result = check_manifest(_write(tmp_path_factory.mktemp("nonstring"), schema))
    found = [d for d in result.diagnostics if d.code == "BF413"]
    assert found and "a secret must be a string" in found[0].message, result.diagnostics
    from backfill_codegen.domain import settings_generable

    located = [p.path for p in settings_generable.problems(schema) if "secret" in p.message]
    assert located == [where]
    assert found[0].primary is not None
    with pytest.raises(SettingsModelError):
        generate_settings_module(schema)


@pytest.mark.parametrize(
    "secret",
    [
        {"type": "string", "writeOnly": True},
        {"type": ["string", "null"], "writeOnly": True},
        {"type": "string", "format": "password"},
        {"allOf": [{"$ref": "#/$defs/k"}], "writeOnly": True},
    ],
)
def test_a_string_secret_never_shows(secret: dict[str, Any]) -> None:
    schema = {"type": "object", "properties": {"s": secret}, "$defs": {"k": {"type": "string"}}}
    model = _load(generate_settings_module(schema)).Settings
    settings_ = model.model_validate({"s": MARKER})
    shown = [repr(settings_), str(settings_), str(settings_.model_dump())]
    shown.append(settings_.model_dump_json())
    assert all(MARKER not in text for text in shown), shown
