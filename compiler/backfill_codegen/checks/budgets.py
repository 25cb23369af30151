"""BF006 for what grows `generate` with the whole settings schema, not with one item of it.

A limit per item (10,000 values per `enum`) still lets a manifest hold many such items; the
generator's time follows their sum. These budgets (backfill_codegen/limits.py) count across the
whole
settings schema and report the item that crosses them, in document order.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from backfill_codegen.checks.base import Check, Manifest, get_path
from backfill_codegen.diagnostics.model import Finding, Pointer
from backfill_codegen.limits import MAX_ENUM_VALUES, MAX_ENUM_VALUES_TOTAL, MAX_SETTINGS_SUBSCHEMAS
from backfill_codegen.settings_schema import SETTINGS_PATH, walk


def check_budgets(manifest: Manifest) -> Iterator[Finding]:
    schema = get_path(manifest, SETTINGS_PATH)
    if not isinstance(schema, Mapping):
        return
    values = 0
    for count, sub in enumerate(walk(schema), start=1):
        if count > MAX_SETTINGS_SUBSCHEMAS:
            yield Finding(
                "BF006",
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
                "BF006",
                f"with this `enum`, the settings schema's enums list {values:,} values; at "
                f"most {MAX_ENUM_VALUES_TOTAL:,} are allowed in all",
                Pointer((*SETTINGS_PATH, *sub.path, "enum")),
                help="use a `pattern` (or a plain string the route checks) for long lists",
            )
            return


CHECKS = (Check("settings-budgets", (SETTINGS_PATH,), check_budgets),)
