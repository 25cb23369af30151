"""The manifest's shape: missing keys, unknown keys and wrong types, as located findings.

The shape is defined once, by the pydantic models in backfill_codegen/model.py, and exported to
schemas/manifest.schema.json (a test keeps the two in sync). `check` validates against that
exported schema with jsonschema-rs, which starts in a few milliseconds where building the
pydantic models costs a pre-commit hook more than a hundred. Returns the findings and the paths
that are structurally broken, so the pipeline skips exactly the checks that read them.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from typing import Any

from backfill_codegen.checks.base import get_path
from backfill_codegen.diagnostics.model import Finding, JsonPath, Pointer
from backfill_codegen.diagnostics.text import quoted
from backfill_codegen.resources import data_dir
from backfill_codegen.rules.manifest import MISSING_KEY, UNKNOWN_KEY, WRONG_TYPE

_TYPE_NAMES = {
    "string": "a string",
    "array": "an array",
    "object": "an object",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a number",
    "null": "null",
}


#: Keywords of the exported schema that only editors act on (value patterns, enums, the settings
#: schema's meta-schema): the semantic checks report those defects, located and with a fix, so
#: the shape check validates without them.
EDITOR_ONLY = frozenset(("pattern", "enum", "const", "uniqueItems", "maxLength", "allOf"))
_SCHEMA_MAPS = frozenset(("properties", "$defs", "patternProperties"))


@cache
def manifest_schema() -> dict[str, Any]:
    text = (data_dir("schemas") / "manifest.schema.json").read_text(encoding="utf-8")
    shape: dict[str, Any] = _shape_only(json.loads(text))
    return shape


def _shape_only(node: Any, names: bool = False) -> Any:
    """`node` without EDITOR_ONLY keywords; `names`: a map of names to schemas (`properties`)."""
    if isinstance(node, list):
        return [_shape_only(item) for item in node]
    if not isinstance(node, dict):
        return node
    if names:
        return {key: _shape_only(value) for key, value in node.items()}
    return {
        key: _shape_only(value, key in _SCHEMA_MAPS)
        for key, value in node.items()
        if key not in EDITOR_ONLY
    }


@cache
def _validator() -> Any:
    import jsonschema_rs  # start-up: loaded on the first shape check, not at import

    from backfill_codegen import offline  # start-up: with jsonschema-rs, on the first shape check

    return offline.rs_validator(jsonschema_rs.Draft202012Validator, manifest_schema())


def describe(value: Any) -> str:
    """The JSON type of a value, for messages: 'a string', 'null', ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def known_keys(path: JsonPath) -> list[str]:
    """The keys the manifest schema defines for the object at `path`."""
    schema = manifest_schema()
    node: Any = schema
    for step in (*path, None):
        while isinstance(node, dict) and "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
        if step is None or not isinstance(node, dict):
            break
        node = node.get("items") if isinstance(step, int) else node.get("properties", {}).get(step)
    properties = node.get("properties") if isinstance(node, dict) else None
    return sorted(properties) if isinstance(properties, dict) else []


def check_shape(value: Any) -> tuple[list[Finding], list[JsonPath]]:
    if not isinstance(value, dict):
        finding = Finding(
            WRONG_TYPE,
            f"the manifest must be an object, found {describe(value)}",
            Pointer(()),
            help="write the manifest as an object: { name: ..., connection: ... }",
        )
        return [finding], [()]
    findings: list[Finding] = []
    broken: list[JsonPath] = []
    for error in _validator().iter_errors(value):
        path: JsonPath = tuple(error.instance_path)
        detail = error.kind.as_dict()
        if "property" in detail:  # required
            findings.append(_missing(path, str(detail["property"])))
            broken.append((*path, str(detail["property"])))
        elif "unexpected" in detail:  # additionalProperties: the known keys stay readable
            findings.extend(_unknown((*path, str(key))) for key in detail["unexpected"])
        else:
            expected = " or ".join(_TYPE_NAMES.get(t, t) for t in detail.get("types", ()))
            found = describe(get_path(value, path))
            findings.append(
                Finding(
                    WRONG_TYPE,
                    f"expected {expected or 'another type'}, found {found}",
                    Pointer(path),
                    help=_type_help(detail.get("types", ()), get_path(value, path)),
                )
            )
            broken.append(path)
    return findings, broken


def _type_help(types: Any, found: Any) -> str | None:
    """How to write a value of the expected type, from the one found."""
    if "string" in types and isinstance(found, bool | int | float):
        return f"quote it: {json.dumps(json.dumps(found))}"
    if "array" in types and not isinstance(found, list | dict):
        return f"put it in a list: [{json.dumps(found)}]"
    if "object" in types:
        return "write an object of keys and values: { ... }"
    if "string" in types:
        return "write a string in quotes"
    return None


def _missing(parent: JsonPath, key: str) -> Finding:
    where = "the manifest" if not parent else f"`{'.'.join(map(str, parent))}`"
    return Finding(
        MISSING_KEY,
        f"{where} is missing the required key `{key}`",
        Pointer(parent, "key" if parent else "start"),
        help=f"add `{key}`",
    )


def _unknown(path: JsonPath) -> Finding:
    key = str(path[-1])
    known = known_keys(path[:-1])
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    close += [k for k in known if k.lower() == key.lower() and k not in close]
    if close:
        help_text: str | None = f"did you mean `{close[0]}`?"
    elif known:
        help_text = "known keys here: " + ", ".join(f"`{k}`" for k in known)
    else:
        help_text = None
    meant = (*path[:-1], close[0]) if close else None
    at = Pointer(path, "key")
    return Finding(UNKNOWN_KEY, f"unknown key {quoted(key)}", at, help=help_text, explains=meant)
