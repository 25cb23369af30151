"""Counter-examples: a stored settings value the old schema accepts and the new one rejects.

Built by construction first (the smallest value of a normalised node, or of the old node pinned
to the part the new one cut off); when that fails, searched for with `hypothesis-jsonschema`,
derandomised so the same schemas always give the same counter-example. Every counter-example
is confirmed with Python `jsonschema` against the two real settings schemas before it is shown.

Stored settings come from the settings form, which writes only the properties it declares: an
object schema with `properties` and no `additionalProperties`/`patternProperties` is searched
*closed* (the `closed` function), so a key no version declared never counts as stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from backfill_codegen import offline
from backfill_codegen.diff.normalise import strip

#: Examples a search tries before it gives up (derandomised: the same each run).
SEARCH_EXAMPLES = 300
_MISSING = object()


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@lru_cache(maxsize=4096)
def _validator(schema_json: str) -> Any:
    # start-up: jsonschema loads only when `diff` compares settings
    from jsonschema import Draft202012Validator

    return offline.python_validator(Draft202012Validator, json.loads(schema_json))


def valid(node: Any, value: Any) -> bool:
    """Whether `value` is valid under a normalised node (validated as 2020-12: the spelling
    `normalise` gives every dialect)."""
    try:
        return bool(_validator(canonical(strip(node))).is_valid(value))
    except Exception:  # a schema the validator cannot build (a bad regex): no verdict
        return False


def closed(schema: Any) -> Any:
    """The schema of *stored* values: objects with `properties` and no open keyword are
    closed (see the module's docstring). Works on stripped schemas."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {
        k: (v if k in ("enum", "const", "default", "required") else closed(v))
        for k, v in schema.items()
    }
    if isinstance(out.get("properties"), dict):
        out["properties"] = {k: closed(v) for k, v in schema["properties"].items()}
        if "additionalProperties" not in out and "patternProperties" not in out:
            out["additionalProperties"] = False
    return out


def search(old: Any, rejected: Callable[[Any], bool]) -> Any:
    """The smallest stored value of node `old` for which `rejected` holds, or `_MISSING`."""
    # start-up: hypothesis loads only when construction found no counter-example
    import hypothesis
    from hypothesis_jsonschema import from_schema

    try:
        strategy = from_schema(closed(strip(old)))
        return hypothesis.find(
            strategy,
            rejected,
            settings=hypothesis.settings(
                max_examples=SEARCH_EXAMPLES,
                database=None,
                derandomize=True,
                deadline=None,
                suppress_health_check=list(hypothesis.HealthCheck),
                phases=(hypothesis.Phase.generate, hypothesis.Phase.shrink),
            ),
        )
    except Exception:  # NoSuchExample, or a schema hypothesis-jsonschema cannot generate from
        return _MISSING


def found(value: Any) -> bool:
    return value is not _MISSING


# --- Construction: the smallest value of a node. ----------------------------------------------

_ORDER = ("object", "string", "integer", "number", "boolean", "array", "null")


def example(node: Any) -> Any:
    """A small value valid under `node`, or `_MISSING` (constructed, else searched)."""
    built = _construct(node)
    if found(built) and valid(node, built):
        return built
    return search(node, lambda _: True)


def _construct(node: Any) -> Any:
    if node is True:
        return None
    if not isinstance(node, dict) or node.get("_cycle"):
        return _MISSING
    if "const" in node:
        return node["const"]
    if isinstance(node.get("enum"), list) and node["enum"]:
        return sorted(node["enum"], key=canonical)[0]
    for keyword in ("oneOf", "anyOf"):
        for choice in node.get(keyword, ()):
            value = _construct(choice)
            if found(value) and valid(node, value):
                return value
    kind = _kind(node)
    if kind == "object":
        return _object(node)
    if kind == "string":
        return _string(node)
    if kind in ("integer", "number"):
        return _number(node, kind)
    if kind == "array":
        item = _construct(node.get("items", True))
        return [item] * int(node.get("minItems", 0)) if found(item) else _MISSING
    return {"boolean": False, "null": None}.get(kind, _MISSING)


def _kind(node: dict[str, Any]) -> str:
    types = node.get("type")
    if types:
        return next((t for t in _ORDER if t in types), "null")
    if "properties" in node or "required" in node:
        return "object"
    if "pattern" in node or "minLength" in node or "maxLength" in node:
        return "string"
    if any(k in node for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")):
        return "number"
    return "object"


def _object(node: dict[str, Any]) -> Any:
    value = {}
    properties = node.get("properties", {})
    for name in node.get("required", ()):
        item = _construct(properties.get(name, node.get("additionalProperties", True)))
        if not found(item):
            return _MISSING
        value[name] = item
    return value


def _string(node: dict[str, Any]) -> Any:
    length = int(node.get("minLength", 0))
    candidate = "a" * length
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        try:
            if not re.search(pattern, candidate):
                return _MISSING
        except re.error:
            return _MISSING
    return candidate


def _number(node: dict[str, Any], kind: str) -> Any:
    step = 1 if kind == "integer" else 0.5
    low, high = node.get("minimum"), node.get("maximum")
    if "exclusiveMinimum" in node:
        low = node["exclusiveMinimum"] + step
    if "exclusiveMaximum" in node:
        high = node["exclusiveMaximum"] - step
    value = 0
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    if kind == "integer":
        value = int(-(-value // 1)) if value == value else 0  # the ceiling of a float bound
    return value


# --- A value placed in a whole settings object, and confirmed. ---------------------------------


def place(chain: Iterable[tuple[Any, str | int]], value: Any) -> Any:
    """The value put at the end of `chain` (the old nodes from the root down, each with the key
    or index of the next step) inside the smallest valid value of each container."""
    steps = list(chain)
    for node, key in reversed(steps):
        container = _construct(node)
        if isinstance(key, int):
            container = list(container) if isinstance(container, list) else []
            container[:1] = [value]
        else:
            container = dict(container) if isinstance(container, dict) else {}
            container[key] = value
        value = container
    return value


class Roots:
    """The two real settings schemas, validated with their own dialects."""

    def __init__(self, old: Any, new: Any, old_class: Any, new_class: Any) -> None:
        self._old = offline.python_validator(old_class, old)
        self._new = offline.python_validator(new_class, new)

    def breaks(self, value: Any) -> bool:
        """Whether `value` is a counter-example: valid under OLD and rejected by NEW."""
        try:
            return self._old.is_valid(value) and not self._new.is_valid(value)
        except Exception:  # a regex one of the validators cannot compile: no verdict
            return False


def counter_example(
    roots: Roots,
    chain: list[tuple[Any, str | int]],
    old: Any,
    new: Any,
    candidates: Iterable[Any] = (),
) -> Any:
    """A whole settings object valid under OLD and rejected by NEW whose value at the end of
    `chain` is valid under node `old` and rejected by node `new`; `_MISSING` when none is found.
    """
    tried = set()
    for candidate in candidates:
        if not found(candidate) or canonical(candidate) in tried:
            continue
        tried.add(canonical(candidate))
        if valid(old, candidate) and not valid(new, candidate):
            whole = place(chain, candidate)
            if roots.breaks(whole):
                return whole
    value = search(old, lambda v: not valid(new, v) and roots.breaks(place(chain, v)))
    return place(chain, value) if found(value) else _MISSING
