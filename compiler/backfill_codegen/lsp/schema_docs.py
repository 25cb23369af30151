"""The manifest's JSON Schema as documentation: the description of a key, the keys of an object."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from backfill_codegen.diagnostics.model import JsonPath
from backfill_codegen.resources import data_dir


@cache
def _schema() -> dict[str, Any]:
    text = (data_dir("schemas") / "manifest.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _schema()["$defs"].get(ref.rsplit("/", 1)[1], {})
    return node


def node_at(path: JsonPath) -> dict[str, Any] | None:
    """The schema node that describes the value at `path` (None past what the schema knows, as
    inside `settingsSchema`, which is a JSON Schema of its own)."""
    node: dict[str, Any] = _schema()
    for step in path:
        node = _resolve(node)
        if isinstance(step, int):
            items = node.get("items")
            node = items if isinstance(items, dict) else None
        else:
            properties = node.get("properties")
            node = properties.get(step) if isinstance(properties, dict) else None
        if node is None:
            return None
    return node


def describe(path: JsonPath) -> str | None:
    """The description of the key at `path`: its own, else its type's."""
    node = node_at(path)
    if node is None:
        return None
    return node.get("description") or _resolve(node).get("description")


def keys(path: JsonPath) -> dict[str, str]:
    """The keys the object at `path` may hold, each with its description."""
    node = node_at(path)
    properties = None if node is None else _resolve(node).get("properties")
    if not isinstance(properties, dict):
        return {}
    return {name: describe((*path, name)) or "" for name in sorted(properties)}
