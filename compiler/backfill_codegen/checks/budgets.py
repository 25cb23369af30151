"""BF006 for what grows `generate` with the whole settings schema, not with one item of it.

A limit per item (10,000 values per `enum`) still lets a manifest hold many such items; the
generator's time follows their sum. These budgets (backfill_codegen/limits.py) count across the
whole settings schema and report the item that crosses them, in document order.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from backfill_codegen.checks.base import Check, Manifest, get_path
from backfill_codegen.diagnostics.model import Finding, JsonPath, Pointer
from backfill_codegen.domain.schema_keywords import IN_PLACE_LIST
from backfill_codegen.domain.settings_schema import SETTINGS_PATH, resolve_local, walk
from backfill_codegen.limits import (
    MAX_ENUM_VALUES,
    MAX_ENUM_VALUES_TOTAL,
    MAX_SETTINGS_SUBSCHEMAS,
    MAX_UNFOLDED_CHOICES,
)
from backfill_codegen.rules.source import TOO_COMPLEX


def _in_place_children(root: Any, path: JsonPath, schema: Any) -> list[tuple[JsonPath, Any]]:
    """The schemas `schema` applies in place: its `allOf`/`anyOf`/`oneOf` members and the
    target of its local `$ref`."""
    if not isinstance(schema, Mapping):
        return []
    found: list[tuple[JsonPath, Any]] = []
    for key in IN_PLACE_LIST:
        members = schema.get(key)
        if isinstance(members, list):
            found.extend(((*path, key, i), member) for i, member in enumerate(members))
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        target = resolve_local(root, ref)
        if target.path is not None:
            found.append((target.path, target.value))
    return found


def _unfolded(root: Any, start: JsonPath, schema: Any, memo: dict[JsonPath, int]) -> int:
    """How many schemas `schema` stands for once its in-place members and `$ref`s are unfolded
    (a chain `d_i: {anyOf: [{$ref: d_i+1}, {$ref: d_i+1}]}` doubles with each link), counted
    with a memo and saturating past MAX_UNFOLDED_CHOICES, iteratively. A `$ref` back to a
    schema being unfolded counts once (recursion is the reference checks' business)."""
    cap = MAX_UNFOLDED_CHOICES + 1
    open_: set[JsonPath] = set()
    stack: list[tuple[JsonPath, Any, bool]] = [(start, schema, False)]
    while stack:
        path, node, done = stack.pop()
        if path in memo and not done:
            continue
        children = _in_place_children(root, path, node)
        if done:
            total = 1 + sum(memo.get(child, 1) for child, _ in children)
            memo[path] = min(total, cap)
            open_.discard(path)
            continue
        if path in open_:
            continue
        open_.add(path)
        stack.append((path, node, True))
        stack.extend((child, value, False) for child, value in children if child not in open_)
    return memo.get(start, 1)


def check_budgets(manifest: Manifest) -> Iterator[Finding]:
    schema = get_path(manifest, SETTINGS_PATH)
    if not isinstance(schema, Mapping):
        return
    values = 0
    memo: dict[JsonPath, int] = {}
    for count, sub in enumerate(walk(schema), start=1):
        if _unfolded(schema, sub.path, sub.schema, memo) > MAX_UNFOLDED_CHOICES:
            yield Finding(
                TOO_COMPLEX,
                "this subschema's `allOf`/`anyOf`/`oneOf` members and `$ref`s unfold into "
                f"more than {MAX_UNFOLDED_CHOICES:,} schemas (the settings generator's time "
                "grows with them)",
                Pointer((*SETTINGS_PATH, *sub.path)),
                help="refer to each alternative once, or flatten the chain of alternatives",
            )
            return
        if count > MAX_SETTINGS_SUBSCHEMAS:
            yield Finding(
                TOO_COMPLEX,
                f"the settings schema holds more than {MAX_SETTINGS_SUBSCHEMAS:,} subschemas",
                Pointer((*SETTINGS_PATH, *sub.path), "key" if sub.path else "value"),
                help="split the connector, or describe repeated fields once in `$defs`",
            )
            return
        enum = sub.schema.get("enum")
        if not isinstance(enum, list) or len(enum) > MAX_ENUM_VALUES:
            continue  # an enum over its own limit is reported by the settings checks
        values += len(enum)
        if values > MAX_ENUM_VALUES_TOTAL:
            yield Finding(
                TOO_COMPLEX,
                f"with this `enum`, the settings schema's enums list {values:,} values; at "
                f"most {MAX_ENUM_VALUES_TOTAL:,} are allowed in all",
                Pointer((*SETTINGS_PATH, *sub.path, "enum")),
                help="use a `pattern` (or a plain string the route checks) for long lists",
            )
            return


CHECKS = (Check("settings-budgets", (SETTINGS_PATH,), check_budgets, emits=(TOO_COMPLEX,)),)
