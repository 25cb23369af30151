"""TypeScript declarations for a settings JSON Schema: the model behind `settings.ts`.

Decisions:
- The root is `Settings`: an interface when it describes an object (its properties merged
  through a root `$ref` and `allOf`), otherwise a type alias.
- A named type is declared for every object with properties, every enum of two or more values
  and every local `$ref` target, once per schema location (so a `$ref` cycle is named once and
  cannot loop). Names come from the location: `SettingsAuth`, `SettingsAuthOption1`,
  `SettingsTagsItem`, `$defs/region` -> `Region`; a clash takes a number (`Endpoint2`), in the
  order the schema is read, so the same schema always gives the same names.
- `oneOf`/`anyOf` are unions, `allOf` an intersection (merged into one interface when every
  part is an object), `enum` a union of literal types, `const` one literal type, `type: [..]`
  and `nullable: true` unions, `integer` a number, no `type` `unknown`, `false` `never`.
- `additionalProperties`/`patternProperties` given as a schema become an index signature,
  widened by the declared properties' types (TypeScript requires it); absent, no signature.
- A `$ref` with sibling keywords that constrain the value is intersected with them where the
  dialect applies them (2019-09 on); up to draft-07 they are ignored, as validators ignore them
  (`settings_schema.as_read`).
- A `$ref` loop made only of aliases (`type A = B; type B = A`, which TypeScript rejects) ends
  in `unknown`; loops that pass through a property or an array item are kept (legal there).
- Documentation: a title, a description, `@secret` (write-only: never echoed), `@default` (never
  for a secret) and `@deprecated`, each escaped so that it cannot end the comment.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from backfill_codegen.diagnostics.model import JsonPath
from backfill_codegen.domain.schema_values import declared_types, required_names, schema_map
from backfill_codegen.domain.settings_schema import (
    as_read,
    is_local_ref,
    is_secret_schema,
    resolve_local,
    views,
)
from backfill_codegen.emit.ts_names import Names, comment, pascal, property_key, ts_literal
from backfill_codegen.limits import MAX_DEPTH

ROOT_NAME = "Settings"
#: How deep types are written out; deeper (far beyond any real form) is `unknown`, so that
#: the recursion stays well inside Python's stack whatever the schema's shape.
MAX_NESTING = 64
SECRET_TAG = "@secret write-only: never echoed"

_UNION, _INTERSECTION, _PRIMARY = 0, 1, 2
_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]")
#: Keywords that constrain a value's type (a `$ref`'s siblings without any are annotations).
_CONSTRAINING = (
    "type",
    "properties",
    "additionalProperties",
    "patternProperties",
    "items",
    "prefixItems",
    "enum",
    "const",
    "oneOf",
    "anyOf",
    "allOf",
    "nullable",
)
_PRIMITIVES = {
    "string": "string",
    "number": "number",
    "integer": "number",
    "boolean": "boolean",
    "null": "null",
}


@dataclass(frozen=True)
class TsType:
    text: str
    precedence: int = _PRIMARY
    #: A union's members (each safe beside `|`); a literal may itself hold " | ", so a union
    #: is never taken apart by its text.
    members: tuple[str, ...] = ()

    def wrapped(self, at_least: int) -> str:
        return self.text if self.precedence >= at_least else f"({self.text})"


UNKNOWN = TsType("unknown")
NEVER = TsType("never")
NULL = TsType("null")
UNDEFINED = TsType("undefined")


def union(members: Sequence[TsType]) -> TsType:
    """`A | B`: flattened, duplicates and `never` dropped; `unknown` absorbs the rest."""
    texts: list[str] = []
    seen: set[str] = set()  # a set beside the list: a 10,000-value enum stays linear
    for member in members:
        if member.text == "unknown":
            return UNKNOWN
        for part in member.members or (member.wrapped(_INTERSECTION),):
            if part != "never" and part not in seen:
                seen.add(part)
                texts.append(part)
    if not texts:
        return NEVER
    if len(texts) == 1:
        only = next(m for m in members if texts[0] in (m.members or (m.wrapped(_INTERSECTION),)))
        return only if not only.members else TsType(texts[0], _INTERSECTION)
    return TsType(" | ".join(texts), _UNION, tuple(texts))


def intersection(members: Sequence[TsType]) -> TsType:
    """`A & B`: duplicates and `unknown` dropped; `never` absorbs the rest."""
    kept: list[TsType] = []
    seen: set[str] = set()
    for member in members:
        if member.text == "never":
            return NEVER
        if member.text != "unknown" and member.text not in seen:
            seen.add(member.text)
            kept.append(member)
    if not kept:
        return UNKNOWN
    if len(kept) == 1:
        return kept[0]
    return TsType(" & ".join(k.wrapped(_INTERSECTION) for k in kept), _INTERSECTION)


def literal(value: Any, depth: int = 0) -> TsType:
    """The TypeScript type of exactly one JSON value."""
    if isinstance(value, bool):
        return TsType("true" if value else "false")
    if value is None:
        return NULL
    if isinstance(value, str):
        return TsType(ts_literal(value))
    if isinstance(value, int):
        return TsType(str(value))
    if isinstance(value, float):
        return TsType(json.dumps(value)) if math.isfinite(value) else TsType("number")
    if depth >= MAX_DEPTH:
        return UNKNOWN
    if isinstance(value, list):
        return TsType("[" + ", ".join(literal(v, depth + 1).text for v in value) + "]")
    if isinstance(value, Mapping):
        if not value:
            return TsType("{ [key: string]: never }")
        members = [
            f"{property_key(str(k))}: {literal(v, depth + 1).text}" for k, v in value.items()
        ]
        return TsType("{ " + "; ".join(members) + " }")
    return UNKNOWN


def doc_lines(
    title: Any, description: Any, *, secret: bool = False, default: Any = None, **flags: bool
) -> list[str]:
    """JSDoc lines (no `*` prefixes), each safe inside a block comment."""
    lines: list[str] = []
    for text in (title, description):
        if isinstance(text, str) and text.strip():
            if lines:
                lines.append("")
            lines.extend(comment(line).rstrip() for line in _LINE_BREAK.split(text))
    if secret:
        lines.append(SECRET_TAG)
    elif default is not None:
        lines.append("@default " + comment(json.dumps(default[0], ensure_ascii=False)))
    if flags.get("deprecated"):
        lines.append("@deprecated")
    return lines


@dataclass(frozen=True)
class Member:
    key: str  # as written in the interface: an identifier or a string literal
    optional: bool
    type: str
    doc: tuple[str, ...]


@dataclass
class Declaration:
    name: str
    doc: tuple[str, ...] = ()
    #: An interface's members, or None for a type alias.
    members: list[Member] | None = None
    index: str | None = None  # an interface's index signature type
    alias: str = ""  # a type alias's type
    alias_lines: tuple[str, ...] = ()  # a long union, one member a line


@dataclass
class Model:
    declarations: list[Declaration] = field(default_factory=list)


def _default_of(schema: Any) -> tuple[Any] | None:
    if isinstance(schema, Mapping) and "default" in schema:
        return (schema["default"],)
    return None


class _Builder:
    def __init__(self, root: Any) -> None:
        self.root = root
        self.names = Names(reserved=(ROOT_NAME,))
        self.by_path: dict[JsonPath, str] = {(): ROOT_NAME}
        self.order: list[str] = []
        self.declared: dict[str, Declaration] = {}
        #: Aliases being built, with no property or item between them and here: a reference
        #: back to one of them would be an alias cycle.
        self.direct: set[JsonPath] = set()
        self.depth = 0

    # --- Names and declarations. ---------------------------------------------------------

    def _path_name(self, path: JsonPath) -> str:
        steps = list(path)
        if len(steps) >= 2 and steps[0] in ("$defs", "definitions"):
            head = pascal(str(steps[1])) or "Def"
            name = head if head[0].isalpha() else "Def" + head
            steps = steps[2:]
        else:
            name = ROOT_NAME
        index = 0
        while index < len(steps):
            step = steps[index]
            following = steps[index + 1] if index + 1 < len(steps) else None
            if step in ("properties", "$defs", "definitions") and following is not None:
                name += pascal(str(following)) or "Property"
                index += 2
            elif step in ("oneOf", "anyOf") and isinstance(following, int):
                name += f"Option{following + 1}"
                index += 2
            elif step == "allOf" and isinstance(following, int):
                name += f"Part{following + 1}"
                index += 2
            elif step in ("items", "prefixItems") and isinstance(following, int):
                name += f"Item{following + 1}"
                index += 2
            elif step in ("items", "additionalItems"):
                name += "Item"
                index += 1
            elif step in ("additionalProperties", "patternProperties"):
                name += "Value"
                index += 2 if step == "patternProperties" else 1
            else:
                name += pascal(str(step))
                index += 1
        return name

    def _reserve(self, name: str) -> Declaration:
        declaration = Declaration(name)
        self.order.append(name)
        self.declared[name] = declaration
        return declaration

    @contextmanager
    def _boundary(self) -> Iterator[None]:
        """Inside a property, an item or an index signature: references back are legal."""
        saved, self.direct = self.direct, set()
        try:
            yield
        finally:
            self.direct = saved

    # --- Kinds. ----------------------------------------------------------------------------

    def _views(self, schema: Mapping[str, Any], path: JsonPath) -> list[Mapping[str, Any]]:
        return [view for _, view in views(self.root, schema, path)]

    def _is_interface(self, schema: Any, path: JsonPath, *, root: bool = False) -> bool:
        """Whether `schema` (with its `allOf` parts) is a plain object: one interface."""
        if not isinstance(schema, Mapping):
            return False
        if isinstance(schema.get("$ref"), str) and not root:
            return False
        found_object = False
        for view in self._views(schema, path):
            if any(key in view for key in ("enum", "const", "oneOf", "anyOf", "nullable")):
                return False
            kind = view.get("type")
            if kind is not None and kind != "object":
                return False
            properties = view.get("properties")
            has_properties = isinstance(properties, Mapping) and bool(properties)
            found_object = found_object or has_properties or (root and kind == "object")
        return found_object

    def _is_enum(self, schema: Any) -> bool:
        return (
            isinstance(schema, Mapping)
            and "$ref" not in schema
            and "const" not in schema
            and isinstance(schema.get("enum"), list)
            and len(schema["enum"]) > 1
        )

    # --- Types. ----------------------------------------------------------------------------

    def type_of(self, schema: Any, path: JsonPath) -> TsType:
        """The type of a value at a use site (a property, an item, an option)."""
        with self._deeper() as allowed:
            return self._type_of(schema, path) if allowed else UNKNOWN

    def _type_of(self, schema: Any, path: JsonPath) -> TsType:
        if isinstance(schema, bool):
            return UNKNOWN if schema else NEVER
        if not isinstance(schema, Mapping):
            return UNKNOWN
        if path in self.by_path:
            return UNKNOWN if path in self.direct else TsType(self.by_path[path])
        if self._is_interface(schema, path) or self._is_enum(schema):
            name = self.names.allocate(self._path_name(path))
            self.by_path[path] = name
            self.define(name, schema, path)
            return TsType(name)
        return self.expression(schema, path)

    def define(self, name: str, schema: Any, path: JsonPath, *, root: bool = False) -> None:
        """Declare `name` as the type of `schema` (already in `by_path`)."""
        declaration = self._reserve(name)
        with self._deeper() as allowed:
            if allowed:
                self._define(declaration, schema, path, root=root)
            else:
                declaration.alias = UNKNOWN.text

    def _define(
        self, declaration: Declaration, schema: Any, path: JsonPath, *, root: bool = False
    ) -> None:
        if isinstance(schema, Mapping):
            declaration.doc = tuple(doc_lines(schema.get("title"), schema.get("description")))
        if self._is_interface(schema, path, root=root):
            assert isinstance(schema, Mapping)
            self._interface(declaration, views(self.root, schema, path))
            return
        self.direct.add(path)
        try:
            alias = (
                self.expression(schema, path)
                if isinstance(schema, Mapping)
                else self.type_of(schema, path)
            )
        finally:
            self.direct.discard(path)
        declaration.alias = alias.text
        if alias.members and len(alias.text) > 80:
            declaration.alias_lines = alias.members

    @contextmanager
    def _deeper(self) -> Iterator[bool]:
        """One level of nesting; yields whether the budget still allows typing it."""
        self.depth += 1
        try:
            yield self.depth <= MAX_NESTING
        finally:
            self.depth -= 1

    def expression(self, schema: Mapping[str, Any], path: JsonPath) -> TsType:
        """The type of `schema` written out (its parts may be named; it is not)."""
        parts: list[TsType] = []
        ref = schema.get("$ref")
        if isinstance(ref, str):
            parts.append(self._reference(ref))
            if not any(key in schema for key in _CONSTRAINING):
                return parts[0]
        if "const" in schema:
            parts.append(literal(schema["const"]))
        elif isinstance(schema.get("enum"), list):
            parts.append(union([literal(value) for value in schema["enum"]]))
        else:
            base = self._base(schema, path)
            if base is not None:
                parts.append(base)
        members = schema.get("allOf")
        if isinstance(members, list):
            parts.extend(self.type_of(m, (*path, "allOf", i)) for i, m in enumerate(members))
        for keyword in ("oneOf", "anyOf"):
            options = schema.get(keyword)
            if isinstance(options, list):
                parts.append(
                    union([self.type_of(o, (*path, keyword, i)) for i, o in enumerate(options)])
                )
        result = intersection(parts)
        if schema.get("nullable") is True:
            result = union([result, NULL])
        return result

    def _reference(self, ref: str) -> TsType:
        if not is_local_ref(ref):
            return UNKNOWN  # the checks allow local references only
        target = resolve_local(self.root, ref)
        if target.path is None:
            return UNKNOWN
        if target.path in self.by_path:
            return UNKNOWN if target.path in self.direct else TsType(self.by_path[target.path])
        if isinstance(target.value, bool):
            return UNKNOWN if target.value else NEVER
        if not isinstance(target.value, Mapping):
            return UNKNOWN
        name = self.names.allocate(self._path_name(target.path))
        self.by_path[target.path] = name
        self.define(name, target.value, target.path)
        return TsType(name)

    def _base(self, schema: Mapping[str, Any], path: JsonPath) -> TsType | None:
        """The type the `type` keyword (or, without it, the object/array keywords) gives."""
        kinds = declared_types(schema)  # a member that is no string is BF401's, skipped here
        if kinds is None:
            if any(
                k in schema for k in ("properties", "additionalProperties", "patternProperties")
            ):
                kinds = ("object",)
            elif "items" in schema or "prefixItems" in schema:
                kinds = ("array",)
            else:
                return None
        members = []
        for item in kinds:
            if item == "array":
                members.append(self._array(schema, path))
            elif item == "object":
                members.append(self._object(schema, path))
            else:
                members.append(TsType(_PRIMITIVES[item]) if item in _PRIMITIVES else UNKNOWN)
        return union(members)

    def _array(self, schema: Mapping[str, Any], path: JsonPath) -> TsType:
        prefix_key = "prefixItems" if isinstance(schema.get("prefixItems"), list) else "items"
        prefix = schema.get(prefix_key)
        with self._boundary():
            if not isinstance(prefix, list):
                if "items" not in schema:
                    return TsType("unknown[]")
                item = self.type_of(schema["items"], (*path, "items"))
                return TsType(item.wrapped(_PRIMARY) + "[]")
            least = schema.get("minItems")
            least = least if isinstance(least, int) and not isinstance(least, bool) else 0
            elements = []
            for index, element in enumerate(prefix):
                kind = self.type_of(element, (*path, prefix_key, index))
                elements.append(kind.text if index < least else f"{kind.wrapped(_PRIMARY)}?")
            rest_key = "items" if prefix_key == "prefixItems" else "additionalItems"
            rest = schema.get(rest_key, True)
            if rest is not False:
                item = self.type_of(rest, (*path, rest_key))
                elements.append(f"...{item.wrapped(_PRIMARY)}[]")
        return TsType("[" + ", ".join(elements) + "]")

    def _object(self, schema: Mapping[str, Any], path: JsonPath) -> TsType:
        properties = schema.get("properties")
        if isinstance(properties, Mapping) and properties:
            # The object part of a schema that is more than an object (a union beside it).
            base = self._path_name(path)
            name = self.names.allocate(base + "Object" if self.names.taken(base) else base)
            self._interface(self._reserve(name), [(path, schema)])
            return TsType(name)
        index = self._index_types([(path, schema)])
        if index is None:
            if schema.get("additionalProperties") is False:
                return TsType("{ [key: string]: never }")
            return TsType("{ [key: string]: unknown }")
        return TsType(f"{{ [key: string]: {union(index).text} }}")

    def _index_types(
        self, found: Sequence[tuple[JsonPath, Mapping[str, Any]]]
    ) -> list[TsType] | None:
        """The value types of an object's index signature; None when it has none."""
        types: list[TsType] = []
        extra_found = False
        with self._boundary():
            for path, view in found:
                extra = view.get("additionalProperties")
                if not extra_found and "additionalProperties" in view:
                    extra_found = True
                    if isinstance(extra, Mapping) or extra is True:
                        types.append(self.type_of(extra, (*path, "additionalProperties")))
                patterns = view.get("patternProperties")
                if isinstance(patterns, Mapping):
                    types.extend(
                        self.type_of(sub, (*path, "patternProperties", key))
                        for key, sub in patterns.items()
                    )
        return types or None

    def _interface(
        self, declaration: Declaration, found: Sequence[tuple[JsonPath, Mapping[str, Any]]]
    ) -> None:
        required: set[str] = set()
        properties: dict[str, tuple[JsonPath, Any]] = {}
        for path, view in found:
            required.update(required_names(view))
            for name, sub in schema_map(view, "properties").items():
                if name not in properties:
                    properties[name] = ((*path, "properties", name), sub)
        members: list[Member] = []
        types: list[TsType] = []
        with self._boundary():
            for name, (path, sub) in properties.items():
                kind = self.type_of(sub, path)
                types.append(kind)
                members.append(
                    Member(
                        property_key(name), name not in required, kind.text, self._doc(sub, path)
                    )
                )
        declaration.members = members
        index = self._index_types(found)
        if index is None and not members:
            # `{}` would admit any value but null: say what the object may hold instead.
            closed = any(view.get("additionalProperties") is False for _, view in found)
            declaration.index = NEVER.text if closed else UNKNOWN.text
        elif index is not None:
            if any(member.optional for member in members):
                types.append(UNDEFINED)
            declaration.index = union([*index, *types]).text

    def _doc(self, schema: Any, path: JsonPath) -> tuple[str, ...]:
        """A property's documentation: its own title and description, else its `$ref`'s."""
        chain = [view for _, view in views(self.root, schema, path)] if schema else []
        title = next((v["title"] for v in chain if isinstance(v.get("title"), str)), None)
        description = next(
            (v["description"] for v in chain if isinstance(v.get("description"), str)), None
        )
        default = next((d for d in map(_default_of, chain) if d is not None), None)
        return tuple(
            doc_lines(
                title,
                description,
                secret=bool(schema) and is_secret_schema(self.root, schema, path),
                default=default,
                deprecated=any(view.get("deprecated") is True for view in chain),
            )
        )


def build(schema: Any) -> Model:
    """The declarations of `settings.ts`, `Settings` first, the rest in the order first met."""
    schema = as_read(schema)  # without what the dialect ignores (`$ref` siblings up to draft-07)
    builder = _Builder(schema)
    builder.define(ROOT_NAME, schema, (), root=True)
    return Model([builder.declared[name] for name in builder.order])
