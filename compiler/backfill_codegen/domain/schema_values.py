"""Typed reads of a settings schema's keywords: what a keyword holds when it has the type the
JSON Schema spec gives it, and nothing otherwise.

A settings schema is arbitrary JSON (the manifest's only free-form region): `"type": [{}]`,
`"required": "name"` or `"properties": [[]]` reach every reader, since BF401 reports them but
the other checks still run, and `generate` emits a schema whose problems are warnings. So code
reads keywords through these accessors instead of `.get()` plus an assumption: a wrongly typed
value reads as absent (BF401 is the one rule that reports it), never as an exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The JSON types a `type` keyword may name.
JSON_TYPES = frozenset({"null", "boolean", "object", "array", "number", "string", "integer"})


def type_names(value: Any) -> tuple[str, ...] | None:
    """The type names a `type` value gives, in order (one string, or the strings of a list),
    or None when it is neither."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(k for k in value if isinstance(k, str))
    return None


def declared_types(schema: Any) -> tuple[str, ...] | None:
    """The type names `schema` declares, in order (`type` as one string or a list of strings;
    other members skipped), or None when it declares none or `type` is not of that shape."""
    return type_names(schema.get("type") if isinstance(schema, Mapping) else None)


def well_typed_names(value: Any) -> tuple[str, ...] | None:
    """`type_names(value)`, or None when a list holds anything but strings (a `type` BF401
    reports, which a reader deciding something must not half-read)."""
    names = type_names(value)
    if isinstance(value, list) and names is not None and len(names) != len(value):
        return None
    return names


def required_names(schema: Any) -> tuple[str, ...]:
    """The names in `required` (a list; other members skipped), in order, without repeats."""
    names = schema.get("required") if isinstance(schema, Mapping) else None
    if not isinstance(names, list):
        return ()
    return tuple(dict.fromkeys(n for n in names if isinstance(n, str)))


def schema_map(schema: Any, keyword: str) -> dict[str, Any]:
    """A keyword whose value maps names to schemas (`properties`, `patternProperties`, `$defs`,
    `definitions`, `dependentSchemas`): its entries with string names, or {} when it is not a
    map. The values are left as written (a schema may be any JSON; readers check each)."""
    value = schema.get(keyword) if isinstance(schema, Mapping) else None
    if not isinstance(value, Mapping):
        return {}
    return {name: sub for name, sub in value.items() if isinstance(name, str)}


def enum_values(schema: Any) -> list[Any] | None:
    """The `enum` list, or None when absent or not a list."""
    values = schema.get("enum") if isinstance(schema, Mapping) else None
    return values if isinstance(values, list) else None


def text(schema: Any, keyword: str) -> str | None:
    """A keyword whose value is a string (`$ref`, `format`, `pattern`, `title`, ...), or None."""
    value = schema.get(keyword) if isinstance(schema, Mapping) else None
    return value if isinstance(value, str) else None


def flag(schema: Any, keyword: str) -> bool:
    """Whether a boolean keyword (`writeOnly`, `readOnly`, `uniqueItems`) is `true`."""
    return isinstance(schema, Mapping) and schema.get(keyword) is True


# --- Keywords read whatever the dialect, typed by hand. -----------------------------------------
#
# A dialect's metaschema types its own keywords (BF401). The keywords the compiler accepts in
# every dialect (settings_vocabulary.ACCEPTED) are not typed by a metaschema that does not know
# them (draft-04's `writeOnly`, OpenAPI's `nullable`), yet the checks, the emitters and the model
# generator read them: their types are here, and BF401 reports a value of another type.


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


def _is_boolean(value: Any) -> bool:
    return isinstance(value, bool)


def _is_schema_map(value: Any) -> bool:
    return isinstance(value, Mapping) and all(
        isinstance(sub, (Mapping, bool)) for sub in value.values()
    )


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


#: Keyword -> (the spec's type in words, its test).
ACCEPTED_TYPES = {
    **dict.fromkeys(
        (
            "$schema",
            "$ref",
            "$id",
            "$comment",
            "title",
            "description",
            "format",
            "contentEncoding",
            "contentMediaType",
        ),
        ("a string", _is_string),
    ),
    **dict.fromkeys(
        ("readOnly", "writeOnly", "deprecated", "nullable"), ("a boolean", _is_boolean)
    ),
    **dict.fromkeys(("$defs", "definitions"), ("an object of schemas", _is_schema_map)),
    "examples": ("an array", _is_list),
}


def accepted_type_problem(keyword: str, value: Any) -> str | None:
    """What is wrong with `value` for an accepted `keyword` (its spec type in words), or None."""
    typed = ACCEPTED_TYPES.get(keyword)
    if typed is None or typed[1](value):
        return None
    return typed[0]
