"""Reading a settings schema (`connection.settingsSchema`): its dialect, its local references,
its subschemas, its root properties, and which properties are secrets.

Everything here reads arbitrary JSON defensively: a malformed schema gives empty answers, never
an exception. Paths are relative to the settings schema itself (prefix them with
`SETTINGS_PATH` to locate a finding in the manifest).
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from backfill_codegen.diagnostics.model import JsonPath
from backfill_codegen.domain import ecma
from backfill_codegen.domain.dialects import (
    DEFAULT_DIALECT,
    DRAFT6,
    DRAFT7,
    DRAFT2019,
    DRAFT2020,
    KNOWN_DIALECTS,
    LEGACY_DIALECTS,
    rank,
)
from backfill_codegen.domain.schema_keywords import (
    CHILD_MAP,
    CHILD_ONE,
    DEFINITION_MAPS,
    IN_PLACE_LIST,
    IN_PLACE_MAP,
    IN_PLACE_ONE,
)
from backfill_codegen.domain.schema_values import required_names, schema_map
from backfill_codegen.limits import MAX_DEPTH

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

SETTINGS_PATH: JsonPath = ("connection", "settingsSchema")


@dataclass(frozen=True)
class Dialect:
    uri: str  # the canonical dialect URI (no trailing `#`)
    declared: Any  # the `$schema` value as written, or None when absent
    known: bool  # False when `$schema` names no dialect we know
    suggestion: str | None  # the closest known dialect, for an unknown `$schema`

    @property
    def validator(self) -> type[Validator]:
        """Python jsonschema's validator class for the dialect. `jsonschema` takes about 50 ms
        to import, so it is imported here, when a check first needs it, not with this module."""
        # start-up: jsonschema only for an invalid schema or default
        from jsonschema import validators

        cls: type[Validator] = getattr(validators, KNOWN_DIALECTS[self.uri])
        return cls


def _normalise_dialect(uri: str) -> str:
    return uri[:-1] if uri.endswith("#") else uri


def dialect_of(schema: Any) -> Dialect:
    """The dialect `schema` declares; 2020-12 when it declares none. An unknown `$schema` is
    checked as the closest known dialect (when one is close) or as 2020-12."""
    declared = schema.get("$schema") if isinstance(schema, Mapping) else None
    if declared is None:
        return Dialect(DEFAULT_DIALECT, None, True, None)
    if isinstance(declared, str):
        uri = _normalise_dialect(declared)
        if uri in KNOWN_DIALECTS:
            return Dialect(uri, declared, True, None)
        close = difflib.get_close_matches(uri, list(KNOWN_DIALECTS), n=1, cutoff=0.6)
        if close:
            return Dialect(close[0], declared, False, close[0])
    return Dialect(DEFAULT_DIALECT, declared, False, None)


# --- What a dialect reads beside `$ref`. --------------------------------------------------------

#: Dialects in which a `$ref` replaces its whole schema: validators ignore every sibling keyword.
#: From 2019-09 on, `$ref` is one applicator among the others and its siblings apply too.
_REF_ALONE = frozenset(LEGACY_DIALECTS)
#: What stays beside an ignoring dialect's `$ref`: annotations (documentation, and `writeOnly` /
#: `format` that mark a secret; neither constrains a value) and definition maps, which pointers
#: reach into.
REF_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$ref",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "readOnly",
        "writeOnly",
        "deprecated",
        "format",
        "$defs",
        "definitions",
    }
)


def ref_siblings_apply(dialect: Dialect) -> bool:
    """Whether keywords beside `$ref` constrain the value in `dialect` (2019-09 and later)."""
    return dialect.uri not in _REF_ALONE


#: Keywords that constrain a value, with the first dialect that has them: an older dialect
#: does not know them, and a validator ignores an unknown keyword (draft-04's `const` and
#: draft-07's `prefixItems` constrain nothing).
_INTRODUCED = {
    **dict.fromkeys(("const", "contains", "propertyNames"), DRAFT6),
    **dict.fromkeys(("if", "then", "else"), DRAFT7),
    **dict.fromkeys(
        (
            "dependentSchemas",
            "dependentRequired",
            "unevaluatedProperties",
            "unevaluatedItems",
            "minContains",
            "maxContains",
        ),
        DRAFT2019,
    ),
    "prefixItems": DRAFT2020,
}


def keyword_applies(keyword: str, dialect: Dialect) -> bool:
    """Whether `keyword` constrains a value in `dialect` (not a keyword of a later dialect)."""
    since = _INTRODUCED.get(keyword)
    return since is None or rank(dialect.uri) >= rank(since)


def as_read(root: Any) -> Any:
    """`root` as its dialect reads it: a copy without what its validators ignore, namely the
    siblings of `$ref` up to draft-07 (annotations and definition maps kept) and keywords of
    later dialects; every kept subschema is at its old path. The one place every emitter asks,
    so types, OpenAPI and Python validate what the schema does. Returns `root` itself when
    nothing is ignored."""
    dialect = dialect_of(root)
    alone = not ref_siblings_apply(dialect)
    unknown = frozenset(k for k in _INTRODUCED if not keyword_applies(k, dialect))
    if not alone and not unknown:
        return root

    def ignored(schema: Mapping[str, Any]) -> list[str]:
        if alone and isinstance(schema.get("$ref"), str):
            return [key for key in schema if key not in REF_ANNOTATIONS]
        return [key for key in schema if key in unknown]

    if not any(ignored(sub.schema) for sub in walk(root)):
        return root
    root = copy.deepcopy(root)
    for sub in walk(root):  # children are listed after each yield: dropped ones are not visited
        schema = sub.schema
        if isinstance(schema, MutableMapping):
            for key in ignored(schema):
                del schema[key]
    return root


# --- Walking subschemas. -----------------------------------------------------------------------


@dataclass(frozen=True)
class Subschema:
    path: JsonPath  # relative to the settings schema
    schema: Mapping[str, Any]
    scope: JsonPath  # path of the schema this one applies in place of (same instance), or itself


def walk(root: Any) -> Iterator[Subschema]:
    """Every object subschema of `root` at its own location (references are not followed),
    in document order, at most `MAX_DEPTH` deep. Boolean schemas are skipped."""
    if not isinstance(root, Mapping):
        return
    stack: list[tuple[JsonPath, Mapping[str, Any], JsonPath]] = [((), root, ())]
    while stack:
        path, schema, scope = stack.pop()
        yield Subschema(path, schema, scope)
        if len(path) >= MAX_DEPTH:
            continue
        children: list[tuple[JsonPath, Any, JsonPath]] = []
        for key, value in schema.items():
            if not isinstance(key, str):
                continue
            here = (*path, key)
            if key in IN_PLACE_ONE:
                children.append((here, value, scope))
            elif key in IN_PLACE_LIST and isinstance(value, list):
                children.extend(((*here, i), v, scope) for i, v in enumerate(value))
            elif key in IN_PLACE_MAP and isinstance(value, Mapping):
                children.extend(((*here, k), v, scope) for k, v in value.items())
            elif key == "dependencies" and isinstance(value, Mapping):
                # draft-07: a value is a schema (in place) or a list of names.
                children.extend(((*here, k), v, scope) for k, v in value.items())
            elif key in CHILD_ONE:
                children.append((here, value, here))
            elif key in (*CHILD_MAP, *DEFINITION_MAPS) and isinstance(value, Mapping):
                children.extend(((*here, k), v, (*here, k)) for k, v in value.items())
            elif key == "items":
                if isinstance(value, list):  # draft-07 tuple form
                    children.extend(((*here, i), v, (*here, i)) for i, v in enumerate(value))
                else:
                    children.append((here, value, here))
            elif key == "prefixItems" and isinstance(value, list):
                children.extend(((*here, i), v, (*here, i)) for i, v in enumerate(value))
        for child_path, child, child_scope in reversed(children):
            if isinstance(child, Mapping):
                stack.append((child_path, child, child_scope))


# --- References. -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    """Where a local reference leads: the value and its path, or why it leads nowhere."""

    value: Any
    path: JsonPath | None  # None when the reference does not resolve
    error: str = ""


def is_local_ref(ref: str) -> bool:
    return ref.startswith("#")


def _pointer_steps(pointer: str) -> list[str] | None:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        return None
    return [unquote(s).replace("~1", "/").replace("~0", "~") for s in pointer[1:].split("/")]


def resolve_local(root: Any, ref: str) -> Resolved:
    """Resolve a local `$ref` (`#`, `#/json/pointer`, or `#anchor`) inside `root`."""
    if not is_local_ref(ref):
        return Resolved(None, None, "not a local reference")
    fragment = ref[1:]
    steps = _pointer_steps(unquote(fragment) if not fragment.startswith("/") else fragment)
    if steps is None:
        return _resolve_anchor(root, unquote(fragment))
    value: Any = root
    path: list[str | int] = []
    for step in steps:
        if isinstance(value, Mapping) and step in value:
            value = value[step]
            path.append(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
            path.append(int(step))
        else:
            where = "#" + "".join(f"/{p}" for p in path)
            return Resolved(None, None, f"no `{step}` at `{where}`")
    return Resolved(value, tuple(path))


def _resolve_anchor(root: Any, name: str) -> Resolved:
    for sub in walk(root):
        anchor = sub.schema.get("$anchor")
        old_style = sub.schema.get("$id")
        if anchor == name or old_style == f"#{name}":
            return Resolved(sub.schema, sub.path)
    return Resolved(None, None, f"no subschema has the anchor `{name}`")


def _local_ref(schema: Any) -> str | None:
    ref = schema.get("$ref") if isinstance(schema, Mapping) else None
    return ref if isinstance(ref, str) and is_local_ref(ref) else None


def ref_chain(root: Any, path: JsonPath, schema: Mapping[str, Any]) -> tuple[list[Resolved], bool]:
    """Follow `schema`'s local `$ref`, then its target's, and so on.

    Returns the targets in order and whether the chain loops (a `$ref` that comes back to a
    schema already on the chain, itself included, never reaches anything to validate against).
    A chain stops at a remote or unresolvable reference (its last item then has path None).
    """
    seen: set[JsonPath] = {path}
    chain: list[Resolved] = []
    current: Any = schema
    for _ in range(MAX_DEPTH):
        ref = _local_ref(current)
        if ref is None:
            return chain, False
        target = resolve_local(root, ref)
        chain.append(target)
        if target.path is None:
            return chain, False
        if target.path in seen:
            return chain, True
        seen.add(target.path)
        current = target.value
    return chain, True


def deref(root: Any, schema: Any, path: JsonPath = ()) -> list[tuple[JsonPath, Mapping[str, Any]]]:
    """`schema` and the object schemas its local `$ref` chain reaches, in order, with paths."""
    found: list[tuple[JsonPath, Mapping[str, Any]]] = []
    if isinstance(schema, Mapping):
        found.append((path, schema))
        chain, _ = ref_chain(root, path, schema)
        found.extend(
            (item.path, item.value)
            for item in chain
            if item.path is not None and isinstance(item.value, Mapping)
        )
    return found


def _unique(
    items: list[tuple[JsonPath, Mapping[str, Any]]],
) -> list[tuple[JsonPath, Mapping[str, Any]]]:
    seen: set[JsonPath] = set()
    out = []
    for path, schema in items:
        if path not in seen:
            seen.add(path)
            out.append((path, schema))
    return out


def views(root: Any, schema: Any, path: JsonPath = ()) -> list[tuple[JsonPath, Mapping[str, Any]]]:
    """The schemas that together describe one instance: `schema`, its `$ref` chain, and the
    members of `allOf` on any of those (each dereferenced). Bounded and cycle-safe."""
    out: list[tuple[JsonPath, Mapping[str, Any]]] = []
    pending = [(path, schema)]
    while pending and len(out) < 1024:
        here, current = pending.pop(0)
        chain = deref(root, current, here)
        for chain_path, chain_schema in chain:
            if any(chain_path == p for p, _ in out):
                continue
            out.append((chain_path, chain_schema))
            members = chain_schema.get("allOf")
            if isinstance(members, list):
                pending.extend(((*chain_path, "allOf", i), m) for i, m in enumerate(members))
    return _unique(out)


# --- The root object: its properties and required names. ---------------------------------------


@dataclass(frozen=True)
class Property:
    name: str
    path: JsonPath  # of the property's schema, relative to the settings schema
    schema: Any


def root_properties(root: Any) -> dict[str, Property]:
    """The root object's properties, through a root `$ref` and root `allOf` (first wins)."""
    found: dict[str, Property] = {}
    for path, schema in views(root, root):
        for name, sub in schema_map(schema, "properties").items():
            if name not in found:
                found[name] = Property(name, (*path, "properties", name), sub)
    return found


def root_required(root: Any) -> set[str]:
    """Names the root object requires, through a root `$ref` and root `allOf`."""
    names: set[str] = set()
    for _, schema in views(root, root):
        names.update(required_names(schema))
    return names


def root_types(root: Any) -> list[tuple[JsonPath, Any]]:
    """The `type` values declared by the root and its `$ref` chain, with their paths."""
    chain = deref(root, root)
    return [((*p, "type"), s["type"]) for p, s in chain if "type" in s]


def types_of(root: Any, schema: Any, path: JsonPath = ()) -> list[Any]:
    """The `type` values that apply to an instance of `schema` (through `$ref` and `allOf`)."""
    return [s["type"] for _, s in views(root, schema, path) if "type" in s]


def is_string_type(value: Any) -> bool:
    return value == "string" or value == ["string"]


def is_secret(subschema: Any) -> bool:
    """A secret setting: `writeOnly: true` or `format: password`."""
    return isinstance(subschema, Mapping) and (
        subschema.get("writeOnly") is True or subschema.get("format") == "password"
    )


# --- Secrets: which schemas are secrets, and where the schema holds a secret's value. ----------
#
# The one place that decides secret-ness: the checks (BF409), the lowering (which hands every
# emitter a schema without secret values) and the Python emitter (SecretStr) all ask here.


def is_secret_schema(root: Any, schema: Any, path: JsonPath = ()) -> bool:
    """Whether an instance of `schema` is a secret: `schema`, or a schema its local `$ref`
    chain or `allOf` reaches, is marked (`writeOnly: true` or `format: password`)."""
    return any(is_secret(view) for _, view in views(root, schema, path))


#: Keywords whose value is one instance of the schema they sit in, and their `x-` forms
#: (extension keywords some tools read as the same thing, and every emitter passes through).
_VALUE_ONE = ("default", "const", "example", "x-default", "x-const", "x-example")
#: Keywords whose value is a list of instances.
_VALUE_LIST = ("examples", "enum", "x-examples", "x-enum")
_IN_PLACE_LIMIT = 256


@dataclass(frozen=True)
class SecretValue:
    """A literal in the settings schema that is, or holds, a secret's value."""

    path: JsonPath  # of the keyword (`.../default`), or of the part of its value that is the secret
    secret: JsonPath  # of the secret's schema
    keyword: str  # default, const, example, examples or enum (or an `x-` form of one)
    direct: bool  # the keyword sits on a schema of the secret's instance (not on an object or
    # array holding it): the secret itself, or any schema applying in place to it
    inside: JsonPath = ()  # the steps from the keyword into its value, to the secret's value


def _in_place(root: Any, schema: Any, path: JsonPath) -> list[tuple[JsonPath, Mapping[str, Any]]]:
    """Every schema that applies to the same instance as `schema`: the subschemas `walk` puts
    in its scope (every in-place applicator: `allOf`/`anyOf`/`oneOf`, `not`, `if`/`then`/`else`,
    `dependentSchemas`, `dependencies`), and, through every local `$ref` among them, the
    target's own. One taxonomy (walk's) decides, so no applicator is missed. Bounded and
    cycle-safe."""
    out: list[tuple[JsonPath, Mapping[str, Any]]] = []
    nodes: set[JsonPath] = set()
    expanded: set[JsonPath] = set()
    pending: list[tuple[JsonPath, Any]] = [(path, schema)]
    while pending and len(out) < _IN_PLACE_LIMIT:
        here, current = pending.pop(0)
        if here in expanded or not isinstance(current, Mapping):
            continue
        expanded.add(here)
        for sub in walk(current):
            if sub.scope != ():
                continue  # another instance: a property, an item, a definition
            at = (*here, *sub.path)
            if at in nodes:
                continue
            nodes.add(at)
            out.append((at, sub.schema))
            ref = _local_ref(sub.schema)
            if ref is not None:
                target = resolve_local(root, ref)
                if target.path is not None and isinstance(target.value, Mapping):
                    pending.append((target.path, target.value))
    return out


def _pattern_matches(pattern: Any, key: str) -> bool:
    if not isinstance(pattern, str) or ecma.compile_error(pattern) is not None:
        return False
    return ecma.search(pattern, key) is not False  # undecidable: assume it applies


def _key_schemas(
    applying: list[tuple[JsonPath, Mapping[str, Any]]], key: str
) -> Iterator[tuple[JsonPath, Any]]:
    for path, schema in applying:
        properties = schema.get("properties")
        named = isinstance(properties, Mapping) and key in properties
        if named:
            yield (*path, "properties", key), properties[key]
        patterns = schema.get("patternProperties")
        matched = False
        if isinstance(patterns, Mapping):
            for pattern, sub in patterns.items():
                if _pattern_matches(pattern, key):
                    matched = True
                    yield (*path, "patternProperties", pattern), sub
        if not named and not matched and "additionalProperties" in schema:
            yield (*path, "additionalProperties"), schema["additionalProperties"]
        if "unevaluatedProperties" in schema:  # may apply whatever a sibling evaluates
            yield (*path, "unevaluatedProperties"), schema["unevaluatedProperties"]


def _item_schemas(
    applying: list[tuple[JsonPath, Mapping[str, Any]]], index: int
) -> Iterator[tuple[JsonPath, Any]]:
    for path, schema in applying:
        items = schema.get("items")
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list) and index < len(prefix):
            yield (*path, "prefixItems", index), prefix[index]
        elif isinstance(items, list):
            if index < len(items):
                yield (*path, "items", index), items[index]
            elif "additionalItems" in schema:
                yield (*path, "additionalItems"), schema["additionalItems"]
        elif items is not None:
            yield (*path, "items"), items
        if "contains" in schema:
            yield (*path, "contains"), schema["contains"]
        if "unevaluatedItems" in schema:
            yield (*path, "unevaluatedItems"), schema["unevaluatedItems"]


#: The child applicators `_key_schemas` / `_item_schemas` follow into an object's or an
#: array's value (`propertyNames` aside: a key is not a value). A test holds this to
#: `walk`'s taxonomy, so a child applicator walk knows is never skipped here.
VALUE_CHILD_KEYWORDS = frozenset(
    {
        "properties",
        "patternProperties",
        "additionalProperties",
        "unevaluatedProperties",
        "items",
        "prefixItems",
        "additionalItems",
        "unevaluatedItems",
        "contains",
    }
)
#: walk's keywords for another instance than the schema's own.
CHILD_KEYWORDS = frozenset({*CHILD_ONE, *CHILD_MAP, "items", "prefixItems"})


class _SecretSearch:
    """Finds secrets' values inside literal values; what applies at each schema path is worked
    out once per search (a 10,000-value `enum` asks the same question 10,000 times)."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.applying: dict[JsonPath, list[tuple[JsonPath, Mapping[str, Any]]]] = {}
        self.secret: dict[JsonPath, JsonPath | None] = {}

    def at(
        self, path: JsonPath, schema: Any
    ) -> tuple[list[tuple[JsonPath, Mapping[str, Any]]], JsonPath | None]:
        if path not in self.applying:
            applying = _in_place(self.root, schema, path)
            self.applying[path] = applying
            self.secret[path] = next((p for p, view in applying if is_secret(view)), None)
        return self.applying[path], self.secret[path]

    def find(
        self, schema_path: JsonPath, schema: Any, value: Any, at: JsonPath, depth: int
    ) -> list[tuple[JsonPath, JsonPath]]:
        """Where `value` (an instance of `schema`, found at `at`) holds a secret's value: a list
        of (value path, secret schema path)."""
        applying, secret = self.at(schema_path, schema)
        if secret is not None:
            return [(at, secret)]
        if depth >= MAX_DEPTH or not isinstance(value, Mapping | list):
            return []
        found: list[tuple[JsonPath, JsonPath]] = []
        if isinstance(value, Mapping):
            children = [(key, child, _key_schemas(applying, key)) for key, child in value.items()]
        else:
            children = [(i, child, _item_schemas(applying, i)) for i, child in enumerate(value)]
        for step, child, schemas in children:
            for child_path, child_schema in schemas:
                inner = self.find(child_path, child_schema, child, (*at, step), depth + 1)
                if inner:
                    found.extend(inner)
                    break
        return found


def walk_referenced(root: Any) -> list[Subschema]:
    """`walk(root)`, and the subschemas at local `$ref` targets that walk does not reach (a
    definition kept under an `x-...` key), each walked in turn. Bounded by the walked size."""
    found = list(walk(root))
    seen = {sub.path for sub in found}
    index = 0
    while index < len(found) and len(found) < 100_000:
        ref = _local_ref(found[index].schema)
        index += 1
        if ref is None:
            continue
        target = resolve_local(root, ref)
        if target.path is None or target.path in seen or not isinstance(target.value, Mapping):
            continue
        for sub in walk(target.value):
            path = (*target.path, *sub.path)
            if path not in seen:
                seen.add(path)
                found.append(Subschema(path, sub.schema, (*target.path, *sub.scope)))
    return found


def secret_values(root: Any) -> list[SecretValue]:
    """Every literal value keyword (`default`, `const`, `example`, `examples`, `enum`, and
    their `x-` forms) that is a secret's value or holds one, in document order.

    A keyword is a secret's value (reported whole, `direct`) when it sits on any schema that
    applies to a secret's instance: the secret itself, and everything applying in place to it
    (`_in_place`: `allOf`/`anyOf`/`oneOf` members, `not`, `if`/`then`/`else`, `$ref` targets,
    ...). Elsewhere, a value is searched for secrets' values inside it (an object's default with
    a value for its secret property, an array's example with a secret item)."""
    found: list[SecretValue] = []
    subschemas = walk_referenced(root)
    if not any(is_secret(sub.schema) for sub in subschemas):
        return found  # no secret anywhere: no value to look into
    by_path = {sub.path: sub.schema for sub in subschemas}
    search = _SecretSearch(root)
    direct: dict[JsonPath, JsonPath] = {}  # keyword path -> the secret's schema path
    for sub in subschemas:
        if sub.path != sub.scope:
            continue  # one instance each: its own schema heads it
        applying, secret = search.at(sub.path, sub.schema)
        if secret is None:
            continue
        for path, schema in applying:
            for keyword in (*_VALUE_ONE, *_VALUE_LIST):
                if keyword in schema:
                    direct.setdefault((*path, keyword), secret)
    reported: set[JsonPath] = set()
    for sub in subschemas:
        for keyword in (*_VALUE_ONE, *_VALUE_LIST):
            if keyword not in sub.schema:
                continue
            here = (*sub.path, keyword)
            if here in direct:
                reported.add(here)
                found.append(SecretValue(here, direct[here], keyword, True))
                continue
            value = sub.schema[keyword]
            if keyword in _VALUE_LIST:
                if not isinstance(value, list):
                    continue
                items = [((*here, i), item) for i, item in enumerate(value)]
            else:
                items = [(here, value)]
            scope = by_path.get(sub.scope, sub.schema)
            for at, item in items:
                for path, secret in search.find(sub.scope, scope, item, at, 0):
                    found.append(SecretValue(path, secret, keyword, False, path[len(here) :]))
    for here, secret in sorted(direct.items(), key=lambda item: _order(item[0])):
        if here not in reported:  # on a schema walk does not reach (past MAX_DEPTH)
            found.append(SecretValue(here, secret, str(here[-1]), True))
    return found


def _order(path: JsonPath) -> tuple[tuple[int, Any], ...]:
    return tuple((1, step) if isinstance(step, int) else (0, step) for step in path)


def without_secret_values(root: Any) -> Any:
    """`root` with every secret value (`secret_values`) taken out: a secret's own keyword is
    dropped, a secret inside an object value loses its key, inside an array its item. Looser,
    never leaking: every emitter reads the settings schema through this (see
    backfill_codegen/lower.py).
    Returns `root` itself when it holds no secret value."""
    values = secret_values(root)
    if not values:
        return root
    root = copy.deepcopy(root)
    emptied: set[JsonPath] = set()
    for value in sorted(values, key=lambda v: _order(v.path), reverse=True):
        *parents, last = value.path
        container: Any = root
        for step in parents:
            container = container[step]
        if isinstance(container, list) and isinstance(last, int) and last < len(container):
            del container[last]
            if not container:
                emptied.add(tuple(parents))
        elif isinstance(container, MutableMapping) and last in container:
            del container[last]
    for path in sorted(emptied, key=_order, reverse=True):
        *parents, last = path  # an `enum`/`examples` left empty goes too: `enum: []` allows nothing
        container = root
        for step in parents:
            container = container[step]
        if isinstance(container, MutableMapping) and container.get(last) == []:
            del container[last]
    return root
