"""`check` loads only what the manifest needs, and the shortcuts that make that possible change
no finding.

Start-up is most of what `check` costs on one connector, so the heavy modules load on demand:
Python's `jsonschema` only when a settings schema or a default may be invalid (jsonschema-rs
vouches for the valid ones: backfill_codegen/checks/settings_fast.py), the route-file rules and
tree-sitter only beside a `src/api/` folder, `regress` only for a pattern, the OAuth template
parser only for OAuth, the code-frame renderer only when there is something to show, and nothing
of `generate` (pydantic, datamodel-code-generator, jinja2) at all. These tests run `check` in a
fresh interpreter and look at `sys.modules` afterwards (behaviour, not time); the property test
runs the settings checks with and without the jsonschema-rs shortcut and compares the findings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backfill_codegen import pipeline
from backfill_codegen.checks import settings, settings_fast
from backfill_codegen.checks.base import get_path
from backfill_codegen.diagnostics.model import Finding
from backfill_codegen.domain import dialects
from backfill_codegen.domain.settings_schema import KNOWN_DIALECTS, dialect_of
from backfill_codegen.resources import example_dir
from tests.support.paths import ROOT

#: Run `check` with the given arguments, then write the exit code and the loaded modules.
PROBE = """
import json, sys
from backfill_codegen.cli import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""

#: Never needed by `check`: they belong to `generate`.
GENERATE_ONLY = ("pydantic", "datamodel_code_generator", "jinja2")


def loaded_by_check(tmp_path: Path, *arguments: str) -> tuple[int, set[str]]:
    report = tmp_path / "report.json"
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, str(report), "check", *arguments],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert report.exists(), completed.stderr
    result = json.loads(report.read_text(encoding="utf-8"))
    modules = set(result["modules"])
    # The checks ran in this process (one manifest: no worker), so the list says what they used.
    assert {"backfill_codegen.checks.settings", "jsonschema_rs"} <= modules
    return result["code"], modules


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def write_manifest(folder: Path, manifest: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "backfill.config.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return path


MINIMAL = {"name": "acme", "displayName": "Acme", "description": "Invoices.", "version": "1.0.0"}


def test_a_json_manifest_without_settings_loads_nothing_heavy(tmp_path: Path) -> None:
    write_manifest(tmp_path / "acme", MINIMAL)
    code, modules = loaded_by_check(tmp_path, "acme")
    assert code == 0
    heavy = {*GENERATE_ONLY, "jsonschema", "tree_sitter", "tree_sitter_typescript", "regress"}
    assert not heavy & top_level(modules)
    assert (
        not {
            "backfill_codegen.route_files",
            "backfill_codegen.frontends.typescript",
            "backfill_codegen.frontends.ts_static",
            "backfill_codegen.domain.oauth_template",
            "backfill_codegen.diagnostics.render.full",
            "backfill_codegen.lower",
            "backfill_codegen.generate",
        }
        & modules
    )


def test_the_example_needs_no_jsonschema(tmp_path: Path) -> None:
    """A TypeScript connector with route files, a valid settings schema, a pattern and a default:
    jsonschema-rs vouches for all of it, so Python's jsonschema is never imported."""
    code, modules = loaded_by_check(tmp_path, "--example")
    assert code == 0
    assert not {*GENERATE_ONLY, "jsonschema"} & top_level(modules)
    assert "backfill_codegen.domain.oauth_template" not in modules
    # What this connector does need is loaded, so the test above is not vacuous.
    assert {"tree_sitter", "regress"} <= top_level(modules)
    assert "backfill_codegen.route_files" in modules


def test_an_invalid_settings_schema_is_judged_by_jsonschema(tmp_path: Path) -> None:
    settings_schema = {"type": "object", "properties": {"region": {"type": "text"}}}
    write_manifest(
        tmp_path / "acme", {**MINIMAL, "connection": {"settingsSchema": settings_schema}}
    )
    code, modules = loaded_by_check(tmp_path, "acme", "--format", "json")
    assert code == 1
    assert "jsonschema" in modules


def test_an_invalid_default_is_judged_by_jsonschema(tmp_path: Path) -> None:
    region = {"type": "string", "enum": ["us", "eu"], "default": "mars"}
    settings_schema = {"type": "object", "properties": {"region": region}}
    write_manifest(
        tmp_path / "acme", {**MINIMAL, "connection": {"settingsSchema": settings_schema}}
    )
    code, modules = loaded_by_check(tmp_path, "acme", "--format", "json")
    assert code == 1
    assert "jsonschema" in modules


def test_the_route_file_folder_is_the_one_discovery_reads() -> None:
    """The pipeline decides whether to load the route-file rules by the folder discovery reads:
    one name, in workspace.py, which imports nothing of the project."""
    from backfill_codegen.route_files import discovery

    assert pipeline.API_DIR is discovery.API_DIR


# --- The jsonschema-rs shortcut changes no finding. -------------------------------------------


@pytest.mark.parametrize("uri", sorted(dialects.RS_DIALECTS))
def test_the_shortcut_reads_the_metaschemas_jsonschema_uses(uri: str) -> None:
    documents = dialects.metaschema_documents(uri)
    assert documents is not None
    meta, vocabularies = documents
    assert meta == dialect_of({"$schema": uri}).validator.META_SCHEMA
    # The 2019-09 and 2020-12 metaschemas are split into vocabularies, found by `$id`.
    from jsonschema_specifications import REGISTRY

    for vocabulary in vocabularies:
        assert REGISTRY.contents(vocabulary["$id"]) == vocabulary


def test_the_shortcut_vouches_for_the_example() -> None:
    from backfill_codegen.frontends.typescript import parse
    from backfill_codegen.source import SourceFile

    path = example_dir() / "backfill.config.ts"
    document = parse(SourceFile("x.ts", path.read_text(encoding="utf-8"))).document
    assert document is not None
    schema = document.value["connection"]["settingsSchema"]
    uri = dialect_of(schema).uri
    assert settings_fast.schema_is_valid(uri, schema)
    with_default = schema["properties"]["account_country"]
    assert settings_fast.default_is_valid(uri, with_default, settings._ecma_search)
    wrong = {**with_default, "default": "XX"}
    assert not settings_fast.default_is_valid(uri, wrong, settings._ecma_search)


KNOWN_URI = "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize(
    "value",
    [
        {"minimum": 2**60},  # past 2**53 a float cannot hold it: one library may round
        {"minimum": float("nan")},
        {"enum": (1, 2)},  # a tuple is no JSON array for jsonschema
        {1: "x"},
        {"enum": [object()]},
    ],
)
def test_the_shortcut_declines_what_the_libraries_read_differently(value: Any) -> None:
    assert not settings_fast.plain_json(value)
    assert not settings_fast.schema_is_valid(KNOWN_URI, value)


def _property(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {"x": schema}}


@pytest.mark.parametrize(
    ("schema", "codes"),
    [
        # jsonschema-rs's own draft-04 metaschema lets duplicate `enum` values through.
        ({"$schema": "http://json-schema.org/draft-04/schema#", "enum": [1, 1]}, ["BF401"]),
        # `$` matches before a final newline in Python's `re`, not in jsonschema-rs.
        ({"$anchor": "a\n", "type": "object"}, []),
        # 0.3 / 0.1 is not a whole number in floating point: jsonschema says no.
        (_property({"multipleOf": 0.1, "default": 0.3}), ["BF404"]),
        (_property({"maximum": 2**60, "default": 2**60 + 1}), ["BF404"]),
        (_property({"type": "string", "pattern": "^a$", "default": "a\n"}), ["BF404"]),
        (_property({"type": "string", "pattern": "^a$", "default": "a"}), []),
    ],
)
def test_where_the_libraries_differ_jsonschema_decides(
    schema: dict[str, Any], codes: list[str]
) -> None:
    assert [finding.code for finding in _judged(schema)] == codes
    assert_same_findings(schema)


_NAMES = st.sampled_from(["a", "b", "api_key", "$ref", "", "é"])
_PATTERNS = st.sampled_from(["^a$", "a", "^[a-z]+$", "(", "\\d", "^$", "[", "^x\\w*$", "\\p{L}"])
_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet="ab\n#$é^", max_size=5)
)
_VALUES = st.recursive(
    _LEAVES,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_NAMES, children, max_size=3),
    max_leaves=8,
)
_TYPES = st.sampled_from(["string", "integer", "number", "object", "array", "boolean", "null"])
_NUMBERS = st.integers(min_value=-3, max_value=2**54) | st.floats(min_value=-3, max_value=1e3)
_DIALECT_URIS = st.sampled_from(
    [
        *KNOWN_DIALECTS,
        *(uri + "#" for uri in KNOWN_DIALECTS),
        "https://json-schema.org/draft/2020-12/schem",
        "urn:unknown",
    ]
)


def _keyword_values(schemas: st.SearchStrategy[Any]) -> dict[str, st.SearchStrategy[Any]]:
    return {
        "type": _TYPES | st.lists(_TYPES, max_size=3) | _LEAVES,
        "enum": st.lists(_VALUES, max_size=4) | _LEAVES,
        "const": _VALUES,
        "default": _VALUES,
        "examples": st.lists(_VALUES, max_size=2),
        "minimum": _NUMBERS | _LEAVES,
        "maximum": _NUMBERS,
        "exclusiveMinimum": _NUMBERS | st.booleans(),
        "exclusiveMaximum": _NUMBERS | st.booleans(),
        "multipleOf": st.sampled_from([0.1, 2, 0, -1]),
        "minLength": _NUMBERS,
        "maxLength": _NUMBERS,
        "minItems": _NUMBERS,
        "maxItems": _NUMBERS,
        "uniqueItems": st.booleans() | _LEAVES,
        "minProperties": _NUMBERS,
        "pattern": _PATTERNS | _LEAVES,
        "format": st.sampled_from(["uri", "date", "password", "hostname"]) | _LEAVES,
        "required": st.lists(_NAMES, max_size=3) | _LEAVES,
        "title": st.text(max_size=3) | _LEAVES,
        "writeOnly": st.booleans() | _LEAVES,
        "properties": st.dictionaries(_NAMES, schemas, max_size=3) | _LEAVES,
        "patternProperties": st.dictionaries(_PATTERNS, schemas, max_size=2),
        "additionalProperties": schemas,
        "items": schemas | st.lists(schemas, max_size=2),
        "prefixItems": st.lists(schemas, max_size=2),
        "contains": schemas,
        "propertyNames": schemas,
        "allOf": st.lists(schemas, max_size=2) | _LEAVES,
        "anyOf": st.lists(schemas, max_size=2),
        "oneOf": st.lists(schemas, max_size=2),
        "not": schemas,
        "if": schemas,
        "then": schemas,
        "else": schemas,
        "$ref": st.sampled_from(["#", "#/$defs/a", "#/definitions/a", "#/properties/a", "x"]),
        "$defs": st.dictionaries(_NAMES, schemas, max_size=2),
        "definitions": st.dictionaries(_NAMES, schemas, max_size=2),
        "$id": st.sampled_from(["https://example.com/s", "a#b", "#x"]) | _LEAVES,
        "$anchor": st.sampled_from(["a", "a b", "a\n"]),
        "dependencies": st.dictionaries(_NAMES, schemas | st.lists(_NAMES, max_size=2)),
        "unevaluatedProperties": schemas,
        "x-extra": _VALUES,
    }


def _schema_dict(schemas: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    values = _keyword_values(schemas)
    return st.lists(st.sampled_from(sorted(values)), max_size=5, unique=True).flatmap(
        lambda keys: st.fixed_dictionaries({key: values[key] for key in keys})
    )


_SCHEMAS = st.recursive(st.booleans() | st.just({}), _schema_dict, max_leaves=10)
_ROOTS = st.tuples(st.none() | _DIALECT_URIS, _schema_dict(_SCHEMAS)).map(
    lambda pair: pair[1] if pair[0] is None else {"$schema": pair[0], **pair[1]}
)


# Well-typed subschemas of the keywords the shortcut takes, with defaults that often fit: the
# strategy above mostly exercises the declines, this one the "valid" answers.
_SMALL = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-3, max_value=12)
    | st.sampled_from([0.5, 1.0, -0.0, 2.5, 1e308])
    | st.text(alphabet="ab1\n", max_size=4)
)
_DATA = st.recursive(
    _SMALL,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b"]), children, max_size=2)
    ),
    max_leaves=6,
)


def _simple_keywords(schemas: st.SearchStrategy[Any]) -> dict[str, st.SearchStrategy[Any]]:
    small = st.integers(min_value=0, max_value=4)
    bound = st.integers(min_value=-2, max_value=8) | st.sampled_from([0.5, 2.5])
    return {
        "type": _TYPES | st.lists(_TYPES, min_size=1, max_size=2, unique=True),
        "enum": st.lists(_DATA, min_size=1, max_size=3),
        "const": _DATA,
        "minimum": bound,
        "maximum": bound,
        "exclusiveMinimum": bound,
        "exclusiveMaximum": bound,
        "minLength": small,
        "maxLength": small,
        "minItems": small,
        "maxItems": small,
        "uniqueItems": st.booleans(),
        "minProperties": small,
        "maxProperties": small,
        "pattern": st.sampled_from(["^a", "b$", "^[ab]*$", "1", "\\d", "^$"]),
        "required": st.lists(st.sampled_from(["a", "b"]), max_size=2, unique=True),
        "properties": st.dictionaries(st.sampled_from(["a", "b"]), schemas, max_size=2),
        "additionalProperties": schemas,
        "items": schemas,
        "contains": schemas,
        "propertyNames": schemas,
        "allOf": st.lists(schemas, min_size=1, max_size=2),
        "anyOf": st.lists(schemas, min_size=1, max_size=2),
        "oneOf": st.lists(schemas, min_size=1, max_size=2),
        "not": schemas,
        "if": schemas,
        "then": schemas,
        "else": schemas,
        "format": st.sampled_from(["date", "email", "uri"]),
        "default": _DATA,
    }


def _simple_dict(schemas: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    values = _simple_keywords(schemas)
    return st.lists(st.sampled_from(sorted(values)), max_size=3, unique=True).flatmap(
        lambda keys: st.fixed_dictionaries({key: values[key] for key in keys})
    )


_SIMPLE = st.recursive(st.booleans() | st.just({}), _simple_dict, max_leaves=6)
_DEFAULTED = st.tuples(
    st.sampled_from(sorted(KNOWN_DIALECTS)), _simple_dict(_SIMPLE), _DATA, _DATA
).map(
    lambda parts: {
        "$schema": parts[0],
        "type": "object",
        "properties": {
            "x": {**parts[1], "default": parts[2]},
            "y": {**parts[1], "enum": [parts[3]], "default": parts[3]},
        },
    }
)


def _judged(schema: dict[str, Any]) -> list[Finding]:
    manifest = {"connection": {"settingsSchema": schema}}
    return [*settings.check_metaschema(manifest), *settings.check_defaults(manifest)]


def assert_same_findings(schema: dict[str, Any]) -> None:
    fast = _judged(schema)
    with (
        mock.patch.object(settings_fast, "schema_is_valid", return_value=False),
        mock.patch.object(settings_fast, "default_is_valid", return_value=False),
    ):
        slow = _judged(schema)
    assert fast == slow


@given(_ROOTS | _DEFAULTED)
def test_the_shortcut_changes_no_finding(schema: dict[str, Any]) -> None:
    assert_same_findings(schema)


def test_the_golden_settings_schemas_agree_too() -> None:
    """Every settings schema in the golden suite, with and without the shortcut."""
    checked = 0
    for path in sorted((ROOT / "golden").glob("*/backfill.config.*")):
        manifest = pipeline.check_manifest(path).manifest
        schema = get_path(manifest, ("connection", "settingsSchema"))
        if isinstance(schema, dict):
            checked += 1
            assert_same_findings(schema)
    assert checked >= 15
