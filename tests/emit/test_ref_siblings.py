"""Keywords beside `$ref` mean what the settings schema's dialect says (issue 10, class 15).

Up to draft-07 a `$ref` replaces its schema: validators ignore every sibling. From 2019-09 on
the siblings apply too. `settings_schema.as_read` is the one place that answers, and every
emitter reads the schema through it. Generated: `$ref`s with constraining and annotating
siblings in every dialect; the TypeScript types and the OpenAPI components of a legacy schema
are exactly those of the same schema without the ignored siblings, and in 2019-09/2020-12 the
siblings still constrain. tsc proves the issue's example: `Region & "us"` is gone in draft-07.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from backfill_codegen.domain.settings_schema import (
    as_read,
    dialect_of,
    keyword_applies,
    ref_siblings_apply,
)
from backfill_codegen.emit import typescript_settings
from backfill_codegen.emit.openapi_schema import components
from backfill_codegen.emit.ts_types import build as build_types
from tests.support.emit_connectors import build
from tests.support.tsc_support import typecheck

LEGACY = (
    "http://json-schema.org/draft-04/schema#",
    "http://json-schema.org/draft-06/schema#",
    "http://json-schema.org/draft-07/schema#",
)
MODERN = (
    "https://json-schema.org/draft/2019-09/schema",
    "https://json-schema.org/draft/2020-12/schema",
)
#: Siblings that never constrain a value (kept beside `$ref` in every dialect).
ANNOTATIONS = {"title": "T", "description": "D", "default": "us", "deprecated": True}
CONSTRAINTS = st.sampled_from(
    [
        {"const": "us"},
        {"enum": ["us"]},
        {"type": "integer"},
        {"minLength": 3},
        {"pattern": "^u"},
        {"properties": {"x": {"type": "string"}}, "required": ["x"]},
        {"items": {"type": "string"}},
        {"allOf": [{"const": "eu"}]},
        {"anyOf": [{"type": "null"}, {"const": "us"}]},
        {"not": {"const": "eu"}},
    ]
)


def _schema(dialect: str, siblings: list[dict[str, Any]], annotate: bool) -> dict[str, Any]:
    container = "definitions" if dialect in LEGACY else "$defs"
    properties: dict[str, Any] = {}
    for index, extra in enumerate(siblings):
        target = ("region", "thing")[index % 2]
        node: dict[str, Any] = {"$ref": f"#/{container}/{target}", **extra}
        if annotate:
            node.update(ANNOTATIONS)
        # Nested too: inside an array's items and an object's property.
        properties[f"p{index}"] = node if index % 3 else {"type": "array", "items": node}
    return {
        "$schema": dialect,
        "type": "object",
        container: {
            "region": {"type": "string", "enum": ["us", "eu"]},
            "thing": {"type": "object", "properties": {"inner": {"$ref": f"#/{container}/region"}}},
        },
        "properties": properties,
    }


def _without_siblings(schema: Any) -> Any:
    """An independent reading of draft-07: every `$ref` keeps only itself and annotations."""
    if isinstance(schema, list):
        return [_without_siblings(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if isinstance(schema.get("$ref"), str):
        kept = {"$ref", "$schema", "definitions", "$defs", "format", "writeOnly", "readOnly"}
        kept |= {"$comment", "examples", *ANNOTATIONS}
        schema = {k: v for k, v in schema.items() if k in kept}
    return {k: _without_siblings(v) for k, v in schema.items()}


def _types(schema: dict[str, Any]) -> list[Any]:
    return [
        (d.name, d.alias, d.index, [(m.key, m.optional, m.type) for m in d.members or []])
        for d in build_types(schema).declarations
    ]


@settings(max_examples=120, deadline=None)
@given(
    dialect=st.sampled_from(LEGACY),
    siblings=st.lists(CONSTRAINTS, min_size=1, max_size=4),
    annotate=st.booleans(),
)
def test_legacy_dialects_ignore_every_constraint_beside_ref(
    dialect: str, siblings: list[dict[str, Any]], annotate: bool
) -> None:
    schema = _schema(dialect, siblings, annotate)
    plain = _without_siblings(schema)
    assert not ref_siblings_apply(dialect_of(schema))
    assert as_read(schema) == plain
    assert _types(schema) == _types(plain)
    assert components(schema) == components(plain)
    assert schema == _schema(dialect, siblings, annotate)  # the author's schema is untouched


@settings(max_examples=60, deadline=None)
@given(dialect=st.sampled_from(MODERN), siblings=st.lists(CONSTRAINTS, min_size=1, max_size=4))
def test_modern_dialects_apply_the_siblings(dialect: str, siblings: list[dict[str, Any]]) -> None:
    schema = _schema(dialect, siblings, annotate=False)
    assert ref_siblings_apply(dialect_of(schema))
    assert as_read(schema) is schema
    converted = components(schema)["Settings"]["properties"]
    for index, extra in enumerate(siblings):
        node = converted[f"p{index}"]
        node = node if index % 3 else node["items"]
        assert set(extra) <= set(node), (extra, node)


def test_issue_example_type_checks_as_each_dialect_means(tmp_path: Path) -> None:
    """draft-07: `region: {$ref, const: "us"}` accepts "eu" (the sibling is ignored);
    2020-12: it accepts only "us"."""
    files = []
    for dialect, container, eu_allowed in (
        ("http://json-schema.org/draft-07/schema#", "definitions", True),
        ("https://json-schema.org/draft/2020-12/schema", "$defs", False),
    ):
        manifest = {
            "name": "regions",
            "connection": {
                "testConnection": {"route": "/setup/test", "method": "POST"},
                "settingsSchema": {
                    "$schema": dialect,
                    "type": "object",
                    container: {"region": {"type": "string", "enum": ["us", "eu"]}},
                    "properties": {"region": {"$ref": f"#/{container}/region", "const": "us"}},
                    "required": ["region"],
                },
            },
        }
        folder = tmp_path / container.strip("$")
        folder.mkdir()
        connector = build(folder, manifest)
        (folder / "settings.ts").write_text(
            typescript_settings.emit(connector)["settings.ts"], encoding="utf-8"
        )
        marker = "" if eu_allowed else "// @ts-expect-error: the sibling `const` applies\n"
        (folder / "use.ts").write_text(
            'import type { Settings } from "./settings.js";\n'
            f'{marker}export const eu: Settings = {{ region: "eu" }};\n'
            'export const us: Settings = { region: "us" };\n',
            encoding="utf-8",
        )
        files += [f"{folder.name}/settings.ts", f"{folder.name}/use.ts"]
    run = typecheck(tmp_path, files)
    assert run.returncode == 0, run.output


@settings(max_examples=60, deadline=None)
@given(
    dialect=st.sampled_from((*LEGACY, *MODERN)),
    keyword=st.sampled_from(
        [
            ("const", "eu"),
            ("contains", {"const": 1}),
            ("propertyNames", {"maxLength": 1}),
            ("if", {"const": "x"}),
            ("then", {"const": "y"}),
            ("else", {"const": "z"}),
            ("dependentRequired", {"a": ["b"]}),
            ("unevaluatedProperties", False),
            ("prefixItems", [{"type": "string"}]),
            ("minContains", 2),
        ]
    ),
)
def test_keywords_of_later_dialects_constrain_nothing(
    dialect: str, keyword: tuple[str, Any]
) -> None:
    """A validator ignores a keyword its dialect does not have (draft-04's `const`): so do
    the emitters, and a dialect that has it keeps it."""
    name, value = keyword
    schema = {"$schema": dialect, "type": "object", "properties": {"p": {name: value}}}
    known = keyword_applies(name, dialect_of(schema))
    order = [*LEGACY, *MODERN]
    first = {
        "const": 1,
        "contains": 1,
        "propertyNames": 1,
        "if": 2,
        "then": 2,
        "else": 2,
        "prefixItems": 4,
    }.get(name, 3)
    assert known == (order.index(dialect) >= first)
    read = as_read(schema)
    assert (name in read["properties"]["p"]) == known
    assert (name in components(schema)["Settings"]["properties"]["p"]) == known
