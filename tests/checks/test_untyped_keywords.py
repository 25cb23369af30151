"""What the type-confusion fuzzing found (tests/properties/test_type_confusion.py), one case each
per dialect: wrongly typed values the metaschema never saw are BF401, and keys no validator
reads never reach the model generator.

Each case ran `check` clean (or with warnings only) before, and then `generate` failed in
datamodel-code-generator (BF413, "a bug in backfill-codegen's checks"), or, for the
generator's own directives, wrote what the schema said into settings.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from backfill_codegen import generate as generate_module
from backfill_codegen.domain import schema_values
from backfill_codegen.lower import lower
from backfill_codegen.pipeline import check_manifest

DRAFT7 = "http://json-schema.org/draft-07/schema#"
DRAFT4 = "http://json-schema.org/draft-04/schema#"
DRAFT2020 = "https://json-schema.org/draft/2020-12/schema"


def _run(tmp_path: Path, schema: dict[str, Any]) -> tuple[list[str], dict[str, str] | None]:
    """The rule codes `check` reports, and every output when it passes."""
    manifest = {"name": "acme", "connection": {"settingsSchema": schema}}
    path = tmp_path / "backfill.config.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    result = check_manifest(path)
    codes = sorted({d.code for d in result.diagnostics})
    if result.has_errors:
        return codes, None
    return codes, generate_module.outputs(lower(result.manifest))


def _referenced(dialect: str, container: str, definition: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": dialect,
        "type": "object",
        "properties": {"a": {"$ref": f"#/{container}/x"}},
        container: {"x": {"type": "string", **definition}},
    }


@pytest.mark.parametrize("dialect", [DRAFT7, DRAFT4])
@pytest.mark.parametrize(
    "bad", [{"type": 5}, {"required": "a"}, {"enum": 3}, {"minLength": "x"}, {"properties": [1]}]
)
def test_a_definition_the_metaschema_does_not_reach_is_validated(
    tmp_path: Path, dialect: str, bad: dict[str, Any]
) -> None:
    """Draft-07 has no `$defs`: its metaschema never looks inside, but `#/$defs/x` resolves
    and every emitter reads it."""
    codes, _ = _run(tmp_path, _referenced(dialect, "$defs", bad))
    assert "BF401" in codes


def test_a_ref_target_under_an_extension_key_is_validated(tmp_path: Path) -> None:
    schema = {
        "$schema": DRAFT7,
        "type": "object",
        "properties": {"a": {"$ref": "#/x-defs/x"}},
        "x-defs": {"x": {"type": 5}},
    }
    codes, _ = _run(tmp_path, schema)
    assert "BF401" in codes


@pytest.mark.parametrize(
    ("dialect", "keyword", "value"),
    [
        (DRAFT7, "writeOnly", -1),  # the bundled draft-07 metaschema has no `writeOnly`
        (DRAFT4, "writeOnly", "yes"),
        (DRAFT2020, "nullable", "x"),
        (DRAFT7, "$defs", {"x": 5}),
    ],
)
def test_a_keyword_accepted_in_every_dialect_has_its_type(
    tmp_path: Path, dialect: str, keyword: str, value: Any
) -> None:
    schema = {"$schema": dialect, "type": "object", "properties": {"a": {"type": "string"}}}
    schema["properties"]["a"][keyword] = value
    codes, _ = _run(tmp_path, schema)
    assert "BF401" in codes
    assert schema_values.accepted_type_problem(keyword, value) is not None


@pytest.mark.parametrize(
    ("keyword", "value"),
    [
        ("customTypePath", "os.system"),  # the generator would import it into settings.py
        ("customBasePath", 5),
        ("x-python-import", {"module": "os", "name": "system"}),
        ("x-enum-varnames", 5),
        ("x-enumNames", [5]),
        ("x-datamodel-code-generator-read-as-const", "x"),
        ("$recursiveAnchor", "x"),  # a string in 2020-12's metaschema, a boolean to the generator
    ],
)
def test_keys_no_validator_reads_never_reach_the_generator(
    tmp_path: Path, keyword: str, value: Any
) -> None:
    schema = {
        "$schema": DRAFT2020,
        "type": "object",
        "properties": {"a": {"type": "string", keyword: value}, "b": {"enum": ["x", "y"]}},
        keyword: value,
    }
    codes, outputs = _run(tmp_path, schema)
    assert "BF401" not in codes
    assert outputs is not None
    assert "from os import" not in outputs["settings.py"]
    assert "system" not in outputs["settings.py"]


def test_a_directive_inside_a_ref_target_under_an_extension_key_is_dropped(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"$ref": "#/x-defs/x"}},
        "x-defs": {"x": {"type": "string", "customTypePath": "os.system"}},
    }
    codes, outputs = _run(tmp_path, schema)
    assert outputs is not None, codes
    assert "system" not in outputs["settings.py"]


@pytest.mark.parametrize("kind", [["string", {}], ["string", ["x"]], ["string", "null", {}]])
def test_a_secret_whose_type_list_holds_a_non_string_is_reported(
    tmp_path: Path, kind: list[Any]
) -> None:
    """`set(kind)` on the members of `type` raised TypeError (exit 2) in BF413's predicate."""
    schema = {"type": "object", "properties": {"k": {"type": kind, "writeOnly": True}}}
    codes, _ = _run(tmp_path, schema)
    assert "BF401" in codes


@pytest.mark.parametrize("choice", ["oneOf", "anyOf"])
def test_a_choice_of_schemas_that_all_accept_nothing_accepts_nothing(
    tmp_path: Path, choice: str
) -> None:
    """Found by the long campaign on a real schema whose `$defs` entry became `false`: the
    generator refused `oneOf: [false]`. Optional: typed `null`; required: BF413."""
    optional = {"type": "object", "properties": {"c": {choice: [False, {"not": {}}]}}}
    codes, outputs = _run(tmp_path, optional)
    assert outputs is not None, codes
    required = {**optional, "required": ["c"]}
    codes, _ = _run(tmp_path, required)
    assert "BF413" in codes


@pytest.mark.parametrize("value", [1e20, 1e308, 2.0])
def test_an_integral_float_count_is_an_integer_to_the_generator(
    tmp_path: Path, value: float
) -> None:
    """`minLength: 1e20` is a valid count (JSON has one number type); the generator parsed it
    as a 64-bit integer and failed."""
    schema = {"type": "object", "properties": {"a": {"type": "string", "maxLength": value}}}
    codes, outputs = _run(tmp_path, schema)
    assert outputs is not None, codes
    namespace: dict[str, Any] = {}
    exec(compile(outputs["settings.py"], "settings.py", "exec"), namespace)  # the model builds


def test_the_typed_readers_skip_what_has_another_type() -> None:
    assert schema_values.declared_types({"type": [{}, "string", ["x"]]}) == ("string",)
    assert schema_values.declared_types({"type": 5}) is None
    assert schema_values.declared_types({"type": "object"}) == ("object",)
    assert schema_values.required_names({"required": ["a", 1, {}, "a", "b"]}) == ("a", "b")
    assert schema_values.required_names({"required": "a"}) == ()
    assert schema_values.schema_map({"properties": [[]]}, "properties") == {}
    assert schema_values.enum_values({"enum": {"a": 1}}) is None
    assert schema_values.text({"$ref": ["#"]}, "$ref") is None
    assert schema_values.flag({"writeOnly": 1}, "writeOnly") is False
