"""One spelling for a settings schema, so `diff` compares meaning and not text.

Local `$ref`s are replaced by what they point at (a subschema moved into `$defs` is the same
subschema), draft-04/07 spellings become 2020-12 ones (`items: [..]` -> `prefixItems`,
`dependencies` -> `dependentRequired`/`dependentSchemas`, boolean `exclusiveMinimum`), `type` is
a sorted list, and annotations that validate nothing (titles, descriptions, examples) are dropped.
Each node keeps `_at`: the path (inside the settings schema) of the object its keywords came
from, so a change is reported at the line that makes it; `_secret` records the secret markers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backfill_codegen.diagnostics.model import JsonPath
from backfill_codegen.domain.settings_schema import VALUE_CHILD_KEYWORDS, is_secret, resolve_local

#: The keywords that validate, in any dialect; every other key (titles, descriptions, examples,
#: `format`, which `jsonschema` does not assert, vendor keys like `airbyte_secret`) is dropped.
#: The secret markers are kept as `_secret`.
VALIDATING = VALUE_CHILD_KEYWORDS | frozenset(
    {
        "type",
        "enum",
        "const",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "maxContains",
        "minContains",
        "maxProperties",
        "minProperties",
        "required",
        "dependentRequired",
        "dependencies",
        "propertyNames",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "dependentSchemas",
        "$dynamicRef",
        "$recursiveRef",
        "default",  # validates nothing, but a new required setting with a default is no break
    }
)
_ONE = ("not", "if", "then", "else", "items", "additionalProperties", "contains", "propertyNames")
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "dependentSchemas")
#: How deep `$ref`s are followed; a recursive schema is left as an opaque `_cycle` node.
_MAX_DEPTH = 64


def normalise(root: Any) -> Any:
    """The settings schema `root` in the one spelling described above."""
    return _node(root, root, (), (), 0)


def _node(root: Any, schema: Any, at: JsonPath, refs: tuple[str, ...], depth: int) -> Any:
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
        return {"_at": at, "_cycle": True}
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = resolve_local(root, ref)
        if target.path is None or ref in refs:
            return {"_at": at, "_cycle": True}  # unresolved or recursive: compared by search
        inner = _node(root, target.value, target.path, (*refs, ref), depth + 1)
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        outer = _node(root, siblings, at, refs, depth + 1)
        return _merge(outer, inner)
    node: dict[str, Any] = {"_at": at}
    if is_secret(schema):
        node["_secret"] = True
    draft4_exclusive = {}
    for key, value in schema.items():
        if key not in VALIDATING:
            continue
        here = (*at, key)
        if key == "type":
            node["type"] = sorted(value) if isinstance(value, list) else [value]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
            draft4_exclusive[key] = value
        elif key == "items" and isinstance(value, list):
            node["prefixItems"] = [
                _node(root, item, (*here, i), refs, depth + 1) for i, item in enumerate(value)
            ]
        elif key == "additionalItems":
            node["items"] = _node(root, value, here, refs, depth + 1)
        elif key == "dependencies" and isinstance(value, Mapping):
            for name, dependency in value.items():
                if isinstance(dependency, list):
                    node.setdefault("dependentRequired", {})[name] = sorted(dependency)
                else:
                    node.setdefault("dependentSchemas", {})[name] = _node(
                        root, dependency, (*here, name), refs, depth + 1
                    )
        elif key in _ONE:
            node[key] = _node(root, value, here, refs, depth + 1)
        elif key in _LIST and isinstance(value, list):
            node[key] = [_node(root, v, (*here, i), refs, depth + 1) for i, v in enumerate(value)]
        elif key in _MAP and isinstance(value, Mapping):
            node[key] = {
                name: _node(root, v, (*here, name), refs, depth + 1) for name, v in value.items()
            }
        elif key == "required" and isinstance(value, list):
            node[key] = sorted(set(value))
        else:
            node[key] = value
    for key in ("properties", "patternProperties", "required", "dependentRequired"):
        if key in node and not node[key]:
            del node[key]  # empty: validates nothing
    for key, on in draft4_exclusive.items():  # draft-04: a flag on minimum/maximum
        bound = "minimum" if key == "exclusiveMinimum" else "maximum"
        if on and bound in node:
            node[key] = node.pop(bound)
    return node


def _merge(outer: dict[str, Any], inner: Any) -> Any:
    """`$ref` with sibling keywords: one node when they do not overlap, else an `allOf`."""
    own = {k: v for k, v in outer.items() if k not in _BOOKKEEPING}
    if not own:
        return inner
    if isinstance(inner, dict) and not inner.get("_cycle") and not own.keys() & inner.keys():
        return {**inner, **own, "_secret": inner.get("_secret") or outer.get("_secret")}
    if isinstance(inner, dict) and all(inner.get(k) == v for k, v in own.items()):
        return inner  # the siblings repeat the target
    return {"_at": outer["_at"], "allOf": [outer, inner]}


_BOOKKEEPING = frozenset({"_at", "_secret", "_cycle"})


def strip(node: Any) -> Any:
    """The node without the bookkeeping keys: for equality and for validators. A recursive
    (`_cycle`) node becomes `{}`: it accepts anything, so a search never relies on it."""
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in _BOOKKEEPING}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node
