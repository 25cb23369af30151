"""The settings JSON Schema as OpenAPI 3.1 component schemas (JSON Schema 2020-12).

Decisions, so every input dialect gives one kind of output:
- The settings schema becomes `Settings`; each entry of its root `$defs` (or draft-07
  `definitions`) becomes its own component `Settings<Name>` (name sanitized to OpenAPI's
  `[A-Za-z0-9._-]`, de-duplicated in sorted order), and every local `$ref` (JSON pointer or
  anchor) is rewritten to a `#/components/schemas/...` pointer to the same schema.
- `$schema` is dropped everywhere: the document's default dialect (OAS 3.1 base, a superset of
  2020-12) applies. A `$id` holding a URI is dropped too (it would change the base URI our
  rewritten references resolve against); a `$id`/draft-04 `id` holding `#name` becomes
  `$anchor: name`.
- Older dialects are rewritten to 2020-12: `definitions` -> `$defs`, array-form `items` ->
  `prefixItems` (and `additionalItems` -> `items`), `dependencies` -> `dependentRequired` /
  `dependentSchemas`, draft-04 boolean `exclusiveMinimum`/`exclusiveMaximum` -> numbers,
  draft-03 `divisibleBy` -> `multipleOf` and boolean `required` -> the parent's `required` list.
  Up to draft-07 the siblings of `$ref` are ignored by validators: the converter reads the
  schema as its dialect does (`settings_schema.as_read`: only annotations and definition maps
  stay beside `$ref`), so validation means what it meant.
- Boolean schemas become objects (`true` -> `{}`, `false` -> `{"not": {}}`) everywhere but
  `additionalProperties`: consumers that model schemas as objects choke on `"items": false`.
- Secrets: a schema with `format: password` also gets `writeOnly: true`; a secret's `default`
  and `examples` are dropped so no generated artifact echoes a secret value.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from backfill_codegen.diagnostics.model import JsonPath
from backfill_codegen.domain import dialects, schema_keywords, settings_schema
from backfill_codegen.domain.schema_values import schema_map

SETTINGS = "Settings"
COMPONENTS = "#/components/schemas/"

#: Keywords holding one schema (`items` may hold a list), a list, a map of schemas; also
#: `contentSchema`, an annotation the validating walk does not read but the output keeps.
_DEFINITION_MAPS = schema_keywords.DEFINITION_MAPS
_SCHEMA_ONE = (*schema_keywords.IN_PLACE_ONE, *schema_keywords.CHILD_ONE, "items", "contentSchema")
_SCHEMA_LIST = (*schema_keywords.IN_PLACE_LIST, "prefixItems")
_SCHEMA_MAP = (*schema_keywords.CHILD_MAP, *schema_keywords.IN_PLACE_MAP, *_DEFINITION_MAPS)
#: The one schema position where every consumer takes a boolean: OpenAPI 3.0 itself allowed
#: `additionalProperties: true|false`, and it is the common idiom for a closed object.
BOOLEAN_KEPT = frozenset({"additionalProperties"})
_ANCHOR = re.compile(r"[A-Za-z_][-A-Za-z0-9._]*")
_COMPONENT_NAME = re.compile(r"[^A-Za-z0-9._-]")
#: Characters a URI fragment may hold as they are (RFC 3986 pchar, `/`, `?`).
_FRAGMENT_SAFE = "/?:@!$&'()*+,;=-._~"


@dataclass(frozen=True)
class _Ref:
    """A local `$ref` awaiting its new pointer: the path it resolved to in the input schema."""

    path: JsonPath


@dataclass(frozen=True)
class _Location:
    component: str
    steps: tuple[str, ...]


@dataclass
class _Converter:
    root: Any
    rank: int  # index of the input dialect in dialects.KNOWN_DIALECTS (0: draft-03)
    locations: dict[JsonPath, _Location] = field(default_factory=dict)

    @property
    def legacy(self) -> bool:  # draft-07 or older
        return self.rank <= 3

    def schema(self, node: Any, path: JsonPath, at: _Location) -> Any:
        self.locations[path] = at
        if isinstance(node, bool):
            return boolean_schema(node)
        if not isinstance(node, Mapping):
            return node  # junk the checks already reported
        keys = list(node)
        items_list = isinstance(node.get("items"), list) and self.rank <= 4
        names = {key: self._rename(key, items_list) for key in keys}
        wanted = Counter(names.values())
        out: dict[str, Any] = {}
        for key in keys:
            value = node[key]
            here = (*path, key)
            if key == "$schema" or (path == () and key in _DEFINITION_MAPS):
                continue  # dropped, or hoisted to components
            if key == "additionalItems" and self.rank <= 4 and not items_list:
                continue  # beside a single-schema `items` it never applied
            if key == "dependencies" and self.legacy and isinstance(value, Mapping):
                self._dependencies(out, value, here, at)
                continue
            if key == "$id" or (key == "id" and self.rank <= 1 and isinstance(value, str)):
                anchor = value[1:] if isinstance(value, str) and value.startswith("#") else ""
                if _ANCHOR.fullmatch(anchor) and "$anchor" not in node:
                    out["$anchor"] = anchor
                continue
            if key == "$ref" and isinstance(value, str) and settings_schema.is_local_ref(value):
                target = settings_schema.resolve_local(self.root, value)
                out[key] = _Ref(target.path) if target.path is not None else value
                continue
            name = names[key]
            if name != key and wanted[name] > 1:
                name = key  # the new name is taken: keep the old one rather than lose either
            out[name] = self._value(node, key, name, value, here, at)
        self._fix_legacy(out, node)
        if node.get("format") == "password" and out.get("writeOnly") is not True:
            out["writeOnly"] = True
        if out.get("writeOnly") is True:
            for key in ("default", "examples", "example"):
                out.pop(key, None)
        return out

    def _rename(self, key: str, items_list: bool) -> str:
        if key == "definitions" and self.legacy:
            return "$defs"
        if key == "items" and items_list:
            return "prefixItems"
        if key == "additionalItems" and self.rank <= 4:
            return "items" if items_list else "additionalItems"
        if key == "divisibleBy" and self.rank == 0:
            return "multipleOf"
        return key

    def _value(
        self,
        node: Mapping[str, Any],
        key: str,
        name: str,
        value: Any,
        here: JsonPath,
        at: _Location,
    ) -> Any:
        steps = (*at.steps, name)
        if name in BOOLEAN_KEPT and isinstance(value, bool):
            self.locations[here] = _Location(at.component, steps)
            return value
        if key in _SCHEMA_ONE:
            if isinstance(value, list):  # draft-07 tuple `items`
                return [
                    self.schema(v, (*here, i), _Location(at.component, (*steps, str(i))))
                    for i, v in enumerate(value)
                ]
            return self.schema(value, here, _Location(at.component, steps))
        if key in _SCHEMA_LIST and isinstance(value, list):
            return [
                self.schema(v, (*here, i), _Location(at.component, (*steps, str(i))))
                for i, v in enumerate(value)
            ]
        if key in _SCHEMA_MAP and isinstance(value, Mapping):
            return {
                k: self.schema(v, (*here, k), _Location(at.component, (*steps, k)))
                for k, v in value.items()
            }
        return value  # data: enum, const, default, examples, required, ...

    def _dependencies(
        self, out: dict[str, Any], value: Mapping[str, Any], here: JsonPath, at: _Location
    ) -> None:
        """draft-07 `dependencies`: name lists -> `dependentRequired`, schemas ->
        `dependentSchemas`."""
        for k, v in value.items():
            if isinstance(v, list):
                out.setdefault("dependentRequired", {})[k] = v
            else:
                steps = (*at.steps, "dependentSchemas", k)
                converted = self.schema(v, (*here, k), _Location(at.component, steps))
                out.setdefault("dependentSchemas", {})[k] = converted

    def _fix_legacy(self, out: dict[str, Any], node: Mapping[str, Any]) -> None:
        if self.rank <= 1:  # draft-04 and older: boolean exclusive bounds
            for bound, exclusive in (
                ("minimum", "exclusiveMinimum"),
                ("maximum", "exclusiveMaximum"),
            ):
                flag = out.get(exclusive)
                if isinstance(flag, bool):
                    del out[exclusive]
                    if flag and bound in out:
                        out[exclusive] = out.pop(bound)
        if self.rank == 0:  # draft-03: `required: true` on a property schema
            if isinstance(out.get("required"), bool):
                del out["required"]
            properties = out.get("properties")
            if isinstance(properties, Mapping):
                names = [
                    k
                    for k, v in schema_map(node, "properties").items()
                    if isinstance(v, Mapping) and v.get("required") is True
                ]
                if names and "required" not in out:
                    out["required"] = names


def boolean_schema(value: bool) -> dict[str, Any]:
    """A boolean schema as an object: `true` -> `{}`, `false` -> `{"not": {}}`. Same meaning,
    and consumers that model a schema as an object (openapi-python-client fails the whole
    document on `"items": false`) read it."""
    return {} if value else {"not": {}}


def _rank(schema: Any) -> int:
    newest = dialects.rank(dialects.DEFAULT_DIALECT)  # what an unknown dialect is read as
    return min(dialects.rank(settings_schema.dialect_of(schema).uri), newest)


def _component_names(schema: Mapping[str, Any]) -> dict[JsonPath, str]:
    """`Settings<Name>` for each hoisted definition, by its path in the input."""
    taken = {SETTINGS}
    names: dict[JsonPath, str] = {}
    for keyword in _DEFINITION_MAPS:
        definitions = schema.get(keyword)
        if not isinstance(definitions, Mapping):
            continue
        for name in sorted(definitions):
            if not isinstance(definitions[name], Mapping | bool):
                continue
            clean = _COMPONENT_NAME.sub("_", name) or "_"
            base = SETTINGS + clean[:1].upper() + clean[1:]
            candidate, counter = base, 2
            while candidate in taken:
                candidate, counter = f"{base}_{counter}", counter + 1
            taken.add(candidate)
            names[(keyword, name)] = candidate
    return names


def _pointer(location: _Location, extra: tuple[str, ...] = ()) -> str:
    steps = "".join(
        "/" + str(step).replace("~", "~0").replace("/", "~1") for step in (*location.steps, *extra)
    )
    return COMPONENTS + location.component + quote(steps, safe=_FRAGMENT_SAFE)


def _resolve(value: Any, locations: dict[JsonPath, _Location]) -> Any:
    """Replace each `_Ref` by the pointer to where its target now lives."""
    if isinstance(value, _Ref):
        path = value.path
        for cut in range(len(path), -1, -1):  # the nearest schema at or above the target
            if path[:cut] in locations:
                extra = tuple(str(step) for step in path[cut:])
                return _pointer(locations[path[:cut]], extra)
        return COMPONENTS + SETTINGS
    if isinstance(value, dict):
        return {k: _resolve(v, locations) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, locations) for v in value]
    return value


def components(schema: Any) -> dict[str, Any]:
    """Component schemas for a settings schema: `Settings` and one per root definition."""
    schema = settings_schema.as_read(schema)
    converter = _Converter(schema, _rank(schema))
    if isinstance(schema, bool):
        return {SETTINGS: boolean_schema(schema)}
    if not isinstance(schema, Mapping):
        return {SETTINGS: schema}
    names = _component_names(schema)
    found: dict[str, Any] = {}
    # Every location is known before any reference is rewritten: references may point forward.
    for (keyword, name), component in names.items():
        found[component] = converter.schema(
            schema[keyword][name], (keyword, name), _Location(component, ())
        )
    found[SETTINGS] = converter.schema(schema, (), _Location(SETTINGS, ()))
    if isinstance(found[SETTINGS], dict):
        for keyword in _DEFINITION_MAPS:  # entries that are not schemas stay where they were
            rest = schema.get(keyword)
            if isinstance(rest, Mapping):
                kept = {k: v for k, v in rest.items() if (keyword, k) not in names}
                if kept:
                    found[SETTINGS][keyword] = kept
    return {name: _resolve(found[name], converter.locations) for name in sorted(found)}
