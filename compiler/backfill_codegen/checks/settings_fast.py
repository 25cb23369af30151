"""A fast "valid" for the settings-schema checks (BF401, BF404), from jsonschema-rs.

Importing Python's `jsonschema` costs about 50 ms, a third of what `check` may spend on one
connector, and a good settings schema needs none of it: no finding comes out. So jsonschema-rs
(already loaded for the manifest's shape) answers first, and only its "valid" is used. Findings
always come from Python's jsonschema, whose wording and choice of error are the contract: on
"invalid", on any error, and on any input outside what the two libraries are known to treat
alike, these functions answer False and the check runs jsonschema as before. Slower, never
different; tests/cli/test_lazy_imports.py checks the two paths agree.

A "valid" is trusted because both libraries then validate
- against the same documents: the metaschemas are read from the files Python's jsonschema uses
  (the `jsonschema_specifications` package, found without importing it), under a private base
  URI, so that jsonschema-rs's built-in copies (its draft-04 one differs) are never reached;
- plain JSON only: dicts with string keys, lists, strings, booleans, None, finite floats and
  integers within +-2**53 (where both compare numbers exactly), nested at most MAX_DEPTH deep;
- for a default, a subschema built only of the keywords below, in draft-07, 2019-09 or 2020-12:
  no `$ref` (the Python path resolves in the whole settings schema), no `patternProperties`
  (the Python path redefines it), no `multipleOf` (float division differs); `pattern` runs
  through compiler.ecma exactly as the Python path runs it. So jsonschema-rs's own regex engine
  never matches a manifest string: every match is compiler.ecma's, within the manifest's budget;
  and with no `$ref`, its work is bounded by the schema's size times the default's.
Where jsonschema-rs is stricter (its `$` never matches before a final newline, as Python's `re`
does), it says "invalid" and jsonschema decides.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from backfill_codegen import offline
from backfill_codegen.domain.dialects import (
    DRAFT7,
    DRAFT2019,
    DRAFT2020,
    KNOWN_DIALECTS,
    RS_DIALECTS,
    metaschema_documents,
)
from backfill_codegen.domain.schema_keywords import IN_PLACE_LIST, IN_PLACE_ONE
from backfill_codegen.limits import MAX_DEPTH

#: Dialects whose defaults are validated here (older ones go to jsonschema).
_DEFAULT_DRAFTS = frozenset({DRAFT7, DRAFT2019, DRAFT2020})
_PUBLIC = ("https://json-schema.org/", "http://json-schema.org/")
_PRIVATE = "https://backfill-codegen.invalid/json-schema.org/"
_SAFE_INT = 2**53

#: Keywords (in a subschema holding a default) whose jsonschema-rs semantics on plain JSON are
#: the Python path's. `_SCHEMA` keywords hold one subschema, `_SCHEMAS` a list, `_NAMED` a map.
_LEAF = frozenset(
    {
        "$comment",
        "const",
        "default",
        "deprecated",
        "description",
        "enum",
        "examples",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "format",
        "maxItems",
        "maxLength",
        "maxProperties",
        "maximum",
        "minItems",
        "minLength",
        "minProperties",
        "minimum",
        "pattern",
        "readOnly",
        "required",
        "title",
        "type",
        "uniqueItems",
        "writeOnly",
    }
)
_SCHEMA = frozenset({*IN_PLACE_ONE, "additionalProperties", "contains", "items", "propertyNames"})
_SCHEMAS = frozenset(IN_PLACE_LIST)
_NAMED = frozenset({"properties"})


def plain_json(value: Any) -> bool:
    """Whether `value` is JSON that both libraries read alike (see the module docstring)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        kind = type(item)
        if kind is dict or kind is list:
            if depth >= MAX_DEPTH:
                return False  # also keeps jsonschema-rs's recursion off the C stack's end
            children = item.values() if kind is dict else item
            if kind is dict and any(type(key) is not str for key in item):
                return False
            stack.extend((child, depth + 1) for child in children)
        elif kind is int:
            if not -_SAFE_INT <= item <= _SAFE_INT:
                return False
        elif kind is float:
            if not math.isfinite(item):
                return False
        elif kind is not str and kind is not bool and item is not None:
            return False
    return True


def _private(document: Any) -> Any:
    """`document` with its own `$id` (draft-04: `id`) moved under the private base URI."""
    if not isinstance(document, dict):
        return document
    moved = dict(document)
    for key in ("$id", "id"):
        uri = moved.get(key)
        if isinstance(uri, str):
            for public in _PUBLIC:
                if uri.startswith(public):
                    moved[key] = _PRIVATE + uri[len(public) :]
    return moved


@cache
def _meta_validator(uri: str) -> Any | None:
    documents = metaschema_documents(uri)
    if documents is None:
        return None
    meta, vocabularies = documents
    try:
        import jsonschema_rs  # start-up: jsonschema-rs only for a manifest with a settings schema

        options: dict[str, Any] = {}
        moved = [_private(document) for document in vocabularies]
        if moved:
            options["registry"] = jsonschema_rs.Registry([(doc["$id"], doc) for doc in moved])
        return offline.rs_validator(
            getattr(jsonschema_rs, KNOWN_DIALECTS[uri]), _private(meta), **options
        )
    except Exception:  # an older jsonschema-rs without these options, an unreadable document
        return None


def schema_is_valid(uri: str, schema: Any) -> bool:
    """True only when `schema` is valid against dialect `uri`'s metaschema for Python's
    jsonschema too; False means "ask jsonschema", not "invalid"."""
    if uri not in RS_DIALECTS or not plain_json(schema):
        return False
    validator = _meta_validator(uri)
    if validator is None:
        return False
    try:
        return validator.is_valid(schema) is True
    except Exception:  # a string jsonschema-rs cannot take (a lone surrogate), ...
        return False


def _simple(schema: Any) -> bool:
    """Whether every subschema of `schema` uses only the keywords listed above."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if type(node) is bool:
            continue
        if type(node) is not dict:
            return False
        for key, value in node.items():
            if key in _LEAF:
                continue
            if key in _SCHEMA:
                stack.append(value)
            elif key in _SCHEMAS and type(value) is list:
                stack.extend(value)
            elif key in _NAMED and type(value) is dict:
                stack.extend(value.values())
            else:
                return False
    return True


@cache
def _pattern_keyword(search: Callable[[str, str], bool | None]) -> type:
    """`pattern` for jsonschema-rs, matched by `search` (the Python path's ECMA-262 test)."""

    class Pattern:
        def __init__(self, parent: Any, value: Any, path: Any) -> None:
            self.pattern = value

        def validate(self, instance: Any) -> None:
            if not isinstance(instance, str) or not isinstance(self.pattern, str):
                return
            if search(self.pattern, instance) is not True:  # None (undecidable) fails too
                raise ValueError("does not match")

    return Pattern


@cache
def _default_validator_cls(uri: str) -> Any | None:
    try:
        import jsonschema_rs  # start-up: jsonschema-rs only for a manifest with a settings schema

        return getattr(jsonschema_rs, KNOWN_DIALECTS[uri])
    except Exception:
        return None


def default_is_valid(
    uri: str, schema: Mapping[str, Any], search: Callable[[str, str], bool | None]
) -> bool:
    """True only when `schema["default"]` validates against `schema` for the Python path too
    (`search` is its ECMA-262 `pattern` test); False means "ask jsonschema", not "invalid"."""
    if uri not in _DEFAULT_DRAFTS or "default" not in schema:
        return False
    if not (_simple(schema) and plain_json(schema)):
        return False
    cls = _default_validator_cls(uri)
    if cls is None:
        return False
    try:
        validator = offline.rs_validator(
            cls, schema, keywords={"pattern": _pattern_keyword(search)}
        )
        return validator.is_valid(schema["default"]) is True
    except Exception:  # a keyword value jsonschema-rs refuses, a recursion limit, ...
        return False
