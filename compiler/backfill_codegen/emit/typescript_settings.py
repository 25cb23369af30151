"""`settings.ts`: TypeScript types of the connector's settings schema, and the schema itself.

Decisions (the types: see backfill_codegen/emit/ts_types.py):
- `settings.ts` is always written, so `routes.ts` and the stubs can import `Settings`; without a
  `connection.settingsSchema` it declares an empty form and `settingsSchema = null`.
- `settingsSchema` is the schema as a constant (`as const`), in the author's key order, for a
  dashboard or a validator. Every string is a JSON literal (json_text, invisible characters
  escaped); a `__proto__` key is written `["__proto__"]`, the one spelling that makes an own
  property rather than the object's prototype.
  A secret's `default` and `examples` are left out (as in openapi.json): no generated file
  echoes a secret value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backfill_codegen import ir
from backfill_codegen.domain import settings_schema
from backfill_codegen.emit.escape import json_text
from backfill_codegen.emit.templating import render
from backfill_codegen.emit.ts_names import comment, ts_literal
from backfill_codegen.emit.ts_types import Declaration, build
from backfill_codegen.limits import MAX_DEPTH

OUTPUT = "settings.ts"
_INDENT = "  "


@dataclass(frozen=True)
class _Rendered:
    """One declaration as the template writes it: every piece already TypeScript."""

    doc: str  # a JSDoc block (with its line end) or ""
    head: str  # `export interface X {` or `export type X =`
    lines: tuple[str, ...]  # member lines, or an alias's lines
    tail: str  # `}` or ""


def jsdoc(lines: tuple[str, ...] | list[str], indent: str = "") -> str:
    """A JSDoc block of already-escaped lines; "" when there are none."""
    if not lines:
        return ""
    if len(lines) == 1:
        return f"{indent}/** {lines[0]} */\n"
    body = "".join(f"{indent} *{' ' + line if line else ''}\n" for line in lines)
    return f"{indent}/**\n{body}{indent} */\n"


def _render_declaration(declaration: Declaration) -> _Rendered:
    doc = jsdoc(declaration.doc)
    if declaration.members is None:
        if declaration.alias_lines:
            lines = tuple(f"{_INDENT}| {member}" for member in declaration.alias_lines)
            lines = (*lines[:-1], lines[-1] + ";")
            return _Rendered(doc, f"export type {declaration.name} =", lines, "")
        return _Rendered(doc, f"export type {declaration.name} = {declaration.alias};", (), "")
    lines: list[str] = []
    for member in declaration.members:
        block = jsdoc(member.doc, _INDENT)
        if block:
            lines.extend(block.rstrip("\n").split("\n"))
        optional = "?" if member.optional else ""
        lines.append(f"{_INDENT}{member.key}{optional}: {member.type};")
    if declaration.index is not None:
        lines.append(f"{_INDENT}[key: string]: {declaration.index};")
    return _Rendered(doc, f"export interface {declaration.name} {{", tuple(lines), "}")


def js_value(value: Any, depth: int = 0) -> str:
    """A JavaScript expression that evaluates to `value` (JSON data), indented by two."""
    pad = _INDENT * (depth + 1)
    if depth < MAX_DEPTH and isinstance(value, Mapping) and value:
        items = [f"{pad}{_js_key(str(k))}: {js_value(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + ",\n" + _INDENT * depth + "}"
    if depth < MAX_DEPTH and isinstance(value, list) and value:
        items = [pad + js_value(v, depth + 1) for v in value]
        return "[\n" + ",\n".join(items) + ",\n" + _INDENT * depth + "]"
    return ts_literal(value) if isinstance(value, str) else json_text(value)


def _js_key(key: str) -> str:
    # `{"__proto__": x}` sets the prototype; a computed key defines an own property.
    return '["__proto__"]' if key == "__proto__" else ts_literal(key)


def without_secret_values(schema: Any) -> Any:
    """`schema` without any secret's value (settings_schema decides; the lowering has already
    taken them out, this keeps the emitter safe on its own)."""
    return settings_schema.without_secret_values(schema)


def emit(connector: ir.Connector) -> dict[str, str]:
    settings = connector.settings
    if settings is None:
        declarations: list[_Rendered] = []
        schema_text = "null"
    else:
        schema = settings.schema
        declarations = [_render_declaration(d) for d in build(schema).declarations]
        schema_text = js_value(without_secret_values(schema)) + " as const"
    text = render(
        "typescript/settings.ts.j2",
        connector=comment(connector.name),
        declarations=declarations,
        schema_text=schema_text,
    )
    return {OUTPUT: text}
