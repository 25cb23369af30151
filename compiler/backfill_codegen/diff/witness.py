"""Counter-examples: a stored settings value the old schema accepts and the new one rejects.

Built by construction first (the smallest value of a normalised node, or of the old node pinned
to the part the new one cut off); when that fails, searched for among the values at the edges of
the old schema (`variants`), in a fixed order so the same schemas give the same counter-example.
(hypothesis-jsonschema 0.23, the library for this, does not run with Hypothesis 6.16x: its
object strategy calls the removed `many.more()`.) Every counter-example
is confirmed with Python `jsonschema` against the two real settings schemas before it is shown.

Stored settings come from the settings form, which writes only the properties it declares: an
object schema with `properties` and no `additionalProperties`/`patternProperties` is searched
*closed* (the `closed` function), so a key no version declared never counts as stored.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from re import _parser as sre_parse  # a Python regex's syntax tree, to spell a match
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
    """The first stored value of node `old` (in `variants` order) for which `rejected` holds,
    or `_MISSING`. Deterministic: the same schemas always give the same counter-example."""
    for count, value in enumerate(variants(closed(strip(old)))):
        if count >= SEARCH_EXAMPLES:
            break
        if valid(old, value) and rejected(value):
            return value
    return _MISSING


def variants(node: Any, depth: int = 0) -> Iterator[Any]:
    """Values around the edges of `node` (stripped): each `enum` value, the bounds and their
    neighbours, each optional property alone and all together, each choice of a `oneOf`."""
    if node is True or not isinstance(node, dict) or depth > 8:
        yield from ({}, "", 0, None) if node is True else ()
        return
    if "const" in node:
        yield node["const"]
    yield from node.get("enum", ())
    if "default" in node:
        yield node["default"]
    for keyword in ("oneOf", "anyOf", "allOf"):
        for choice in node.get(keyword, ()):
            yield from variants(choice, depth + 1)
    types = node.get("type") or [_kind(node)]
    for kind in _ORDER:
        if kind in types:
            yield from _VARIANTS[kind](node, depth)


def shortest_match(pattern: str) -> str | None:
    """A short string `pattern` finds (Python syntax, as `jsonschema` reads it), or None."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    text = _spell(parsed, 0)
    return text if text is not None and re.search(pattern, text) else None


def _spell(items: Any, depth: int) -> str | None:
    out = []
    for op, argument in items:
        name = str(op)
        if depth > 20:
            return None
        if name == "LITERAL":
            out.append(chr(argument))
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            first = argument[0]
            if str(first[0]) == "NEGATE":
                out.append("\x00")
            elif str(first[0]) == "RANGE":
                out.append(chr(first[1][0]))
            elif str(first[0]) == "LITERAL":
                out.append(chr(first[1]))
            else:
                out.append({"CATEGORY_DIGIT": "0", "CATEGORY_SPACE": " "}.get(str(first[1]), "a"))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _, inner = argument
            part = _spell(inner, depth + 1)
            if part is None:
                return None
            out.append(part * low)
        elif name == "SUBPATTERN":
            part = _spell(argument[-1], depth + 1)
            if part is None:
                return None
            out.append(part)
        elif name == "BRANCH":
            part = _spell(argument[1][0], depth + 1)
            if part is None:
                return None
            out.append(part)
        elif name != "AT":
            return None
    return "".join(out)


def _strings(node: dict[str, Any], depth: int) -> Iterator[Any]:
    pattern = node.get("pattern")
    spelt = shortest_match(pattern) if isinstance(pattern, str) else None
    if spelt is not None:
        yield from (spelt, "a" + spelt, spelt + "a", "0" + spelt)
    low, high = int(node.get("minLength", 0)), node.get("maxLength")
    for length in (low, low + 1, high, 0, 1, 8):
        if isinstance(length, int) and length >= 0:
            yield from ("a" * length, "0" * length, "A" * length, "-" * length)


def _numbers(node: dict[str, Any], depth: int) -> Iterator[Any]:
    edges = [node.get(k) for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")]
    integer = "number" not in node.get("type", ["integer"])
    for edge in [0, *edges]:
        if isinstance(edge, int | float) and not isinstance(edge, bool):
            for value in (edge, edge - 1, edge + 1, edge + 0.5, edge - 0.5):
                if not integer or float(value).is_integer():
                    yield int(value) if float(value).is_integer() else value


def _objects(node: dict[str, Any], depth: int) -> Iterator[Any]:
    base = _construct(node)
    if not isinstance(base, dict):
        base = {}
    yield base
    properties = node.get("properties", {})
    every = dict(base)
    for name in sorted(properties):
        options = list(itertools.islice(variants(properties[name], depth + 1), 24))
        for value in options:
            yield {**base, name: value}
        fitting = [value for value in options if valid(properties[name], value)]
        if fitting:
            every[name] = fitting[0]
    yield every
    extra = node.get("additionalProperties", True)
    if extra is not False:
        for value in itertools.islice(variants(extra, depth + 1), 8):
            yield {**base, "extra": value}


def _arrays(node: dict[str, Any], depth: int) -> Iterator[Any]:
    yield []
    for value in itertools.islice(variants(node.get("items", True), depth + 1), 16):
        yield [value] * max(1, int(node.get("minItems", 0)))


_VARIANTS: dict[str, Callable[[dict[str, Any], int], Iterator[Any]]] = {
    "object": _objects,
    "string": _strings,
    "integer": _numbers,
    "number": _numbers,
    "boolean": lambda node, depth: iter((False, True)),
    "array": _arrays,
    "null": lambda node, depth: iter((None,)),
}


def found(value: Any) -> bool:
    return value is not _MISSING


# --- Construction: the smallest value of a node. ----------------------------------------------

_ORDER = ("object", "string", "integer", "number", "boolean", "array", "null")


def example(node: Any) -> Any:
    """A small value valid under `node`, or `_MISSING` (constructed, else searched)."""
    value = _example(canonical(strip(node)))
    return copy.deepcopy(value) if found(value) else value


@lru_cache(maxsize=1024)
def _example(schema_json: str) -> Any:
    node = json.loads(schema_json)
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
        item = example(node.get("items", True))
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
        item = example(properties.get(name, node.get("additionalProperties", True)))
        if not found(item):
            return _MISSING
        value[name] = item
    return value


def _string(node: dict[str, Any]) -> Any:
    length = int(node.get("minLength", 0))
    pattern = node.get("pattern")
    if not isinstance(pattern, str):
        return "a" * length
    spelt = shortest_match(pattern)
    if spelt is None:
        return _MISSING
    return spelt + "a" * max(0, length - len(spelt))


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
        container = example(node)
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
