"""What `settings.py` can serve: one predicate shared by `check` (BF413) and the emitter.

`problems(schema)` lists what no generated model can serve faithfully; `check` reports each
with its location, and `backfill_codegen/emit/python_settings.py` asserts the list is empty before
it runs datamodel-code-generator, so the two cannot drift. `for_generator(schema)` rewrites the
copy handed to the generator where a faithful model exists but the generator would stumble.

Never imports the generator (`check` must stay fast): everything here is plain JSON walking.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from backfill_codegen.diagnostics.model import JsonPath
from backfill_codegen.domain import settings_vocabulary as vocabulary
from backfill_codegen.domain.dialects import DRAFT2020
from backfill_codegen.domain.schema_keywords import COUNTS, IN_PLACE_LIST, IN_PLACE_ONE
from backfill_codegen.domain.schema_values import (
    declared_types,
    required_names,
    schema_map,
    well_typed_names,
)
from backfill_codegen.domain.settings_schema import (
    Subschema,
    as_read,
    dialect_of,
    is_secret,
    is_string_type,
    ref_chain,
    resolve_local,
    types_of,
    views,
    walk,
    walk_referenced,
)


@dataclass(frozen=True)
class Problem:
    path: JsonPath  # relative to the settings schema
    message: str
    help: str


# --- The predicate. ----------------------------------------------------------------------------

#: Keywords whose subschemas describe a part of the instance inside the annotation of the
#: instance's own type (`list[X]`, `dict[str, X]`): not a class of their own.
_CONTAINER_ONE = ("items", "additionalItems", "additionalProperties", "contains")
_CONTAINER_MAP = ("patternProperties",)


def _edges(
    root: Any, path: JsonPath, node: Mapping[str, Any]
) -> Iterator[tuple[JsonPath, JsonPath, str]]:
    """(where, target, kind) for each subschema reached from `node` other than through
    `properties`: kind "ref" (a local `$ref`), "in-place" (same instance) or "container"."""
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        target = resolve_local(root, ref)
        if target.path is not None and isinstance(target.value, dict):
            yield (*path, "$ref"), target.path, "ref"
    for key in IN_PLACE_LIST:  # same instance: a `$ref` into them stays in place
        members = node.get(key)
        if isinstance(members, list):
            for index, member in enumerate(members):
                if isinstance(member, dict):
                    yield (*path, key, index), (*path, key, index), "in-place"
    for key in IN_PLACE_ONE:
        if isinstance(node.get(key), dict):
            yield (*path, key), (*path, key), "in-place"
    for key in _CONTAINER_ONE:
        if isinstance(node.get(key), dict):
            yield (*path, key), (*path, key), "container"
    for key in ("items", "prefixItems"):
        members = node.get(key)
        if isinstance(members, list):
            for index, member in enumerate(members):
                if isinstance(member, dict):
                    yield (*path, key, index), (*path, key, index), "container"
    for key in _CONTAINER_MAP:
        children = node.get(key)
        if isinstance(children, dict):
            for name, child in children.items():
                if isinstance(child, dict):
                    yield (*path, key, name), (*path, key, name), "container"


_IN_PLACE_CYCLE = (
    "this reference loops back to the schema it is part of without descending into a "
    "property or an item, so validating it never ends and no settings model can be generated",
    "make the recursion go through `properties` (a tree of objects), or remove the self-reference",
)
_CLASSLESS_CYCLE = (
    "this reference makes a recursive type of arrays or maps that never passes through an "
    "object's `properties`; a settings model cannot name such a type, so it would accept any "
    "value here",
    "make the recursion go through an object with `properties` (a tree of objects)",
)


def _cycles(root: Any, subschemas: list[Subschema]) -> list[Problem]:
    """Reference cycles no model can serve (pure `$ref` loops are BF406's):

    - through `allOf`/`anyOf`/`oneOf`/`not`/`if` only: validating never ends (jsonschema
      recurses forever) and no class can inherit from itself;
    - through array items or map values, never an object with `properties` (which would be a
      class the annotation could name): the generator writes `list` of anything."""
    targets: set[JsonPath] = set()
    for sub in subschemas:
        ref = sub.schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            found = resolve_local(root, ref).path
            if found is not None:
                targets.add(found)
    # Every edge but a `$ref` leads down the tree, so a cycle enters by a `$ref` and stays
    # inside the subtrees of reference targets: only those are searched.
    inside: dict[JsonPath, bool] = {}
    nodes: dict[JsonPath, Any] = {}
    for sub in subschemas:
        path = sub.path
        parent = path[:-1] if path[:-1] in inside else path[:-2]
        inside[path] = path in targets or (bool(path) and inside.get(parent, False))
        if inside[path]:
            nodes[path] = sub.schema
    if not nodes:
        return []
    edges = {path: list(_edges(root, path, node)) for path, node in nodes.items()}
    problems: list[Problem] = []
    reported: set[JsonPath] = set()
    state: dict[JsonPath, int] = {}  # 1: on the stack, 2: done
    for start in nodes:
        if state.get(start):
            continue
        # Iterative depth-first search; a back edge closes a cycle.
        stack: list[tuple[JsonPath, Iterator[tuple[JsonPath, JsonPath, str]]]] = [
            (start, iter(edges[start]))
        ]
        trail: list[tuple[JsonPath, str]] = []  # the edges taken to reach each frame but the first
        state[start] = 1
        while stack:
            node, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                state[node] = 2
                stack.pop()
                if trail:
                    trail.pop()
                continue
            where, target, kind = step
            if target not in nodes or state.get(target) == 2:
                continue
            if state.get(target) == 1:
                first = [frame[0] for frame in stack].index(target)
                kinds = {k for _, k in [*trail[first:], (where, kind)]}
                cycle_nodes = [frame[0] for frame in stack[first:]]
                why = None
                if kinds == {"ref", "in-place"}:
                    why = _IN_PLACE_CYCLE
                elif "container" in kinds and "ref" in kinds:
                    classless = not any(
                        isinstance(nodes[n].get("properties"), Mapping) and nodes[n]["properties"]
                        for n in cycle_nodes
                    )
                    why = _CLASSLESS_CYCLE if classless else None
                if why is not None and where not in reported:
                    reported.add(where)
                    problems.append(Problem(where, *why))
                continue
            state[target] = 1
            trail.append((where, kind))
            stack.append((target, iter(edges[target])))
    return problems


def accepts_nothing(schema: Any, root: Any = None, depth: int = 0) -> bool:
    """No value is valid: `false`, `not: {}`/`not: true`, an `enum`/`const` outside the `type`,
    an `anyOf`/`oneOf` all of whose choices are such, or an `allOf` with such a member or whose
    members' types have nothing in common (`$ref`s followed inside `root`)."""
    if schema is False:
        return True
    if not isinstance(schema, Mapping) or depth > 32:
        return False
    negated = schema.get("not")
    if negated is True or (isinstance(negated, Mapping) and not negated):
        return True
    if _enum_outside_type(schema):
        return True
    ref = schema.get("$ref")
    if root is not None and isinstance(ref, str) and ref.startswith("#"):
        target = resolve_local(root, ref).value
        if target is not schema and accepts_nothing(target, root, depth + 1):
            return True
    for key in ("anyOf", "oneOf"):  # every choice accepts nothing: so does the schema
        choices = schema.get(key)
        if (
            isinstance(choices, list)
            and choices
            and all(accepts_nothing(choice, root, depth + 1) for choice in choices)
        ):
            return True
    members = schema.get("allOf")
    if not isinstance(members, list):
        return False
    if any(accepts_nothing(member, root, depth + 1) for member in members):
        return True
    common: set[str] | None = _types(schema)
    for member in members:
        kinds = _types(_followed(member, root))
        if kinds is not None:
            common = kinds if common is None else common & kinds
    return common is not None and not common


def _followed(schema: Any, root: Any) -> Any:
    ref = schema.get("$ref") if isinstance(schema, Mapping) else None
    if root is not None and isinstance(ref, str) and ref.startswith("#"):
        return resolve_local(root, ref).value
    return schema


def _types(schema: Any) -> set[str] | None:
    """The JSON types `schema` declares (`integer` counts as a `number`), or None."""
    kinds = declared_types(schema)
    if kinds is None:
        return None
    found = set(kinds)
    return found | {"integer"} if "number" in found else found


def _json_type_of(value: Any) -> set[str]:
    if value is None:
        return {"null"}
    if isinstance(value, bool):
        return {"boolean"}
    if isinstance(value, int):
        return {"integer", "number"}
    if isinstance(value, float):
        return {"number", "integer"} if value.is_integer() else {"number"}
    if isinstance(value, str):
        return {"string"}
    return {"array"} if isinstance(value, list) else {"object"}


def _enum_outside_type(schema: Mapping[str, Any]) -> bool:
    """An `enum` (or `const`) none of whose values has the schema's `type`: the generator keeps
    one and drops the other, so the model would accept what the schema never does."""
    kinds = _types(schema)  # only the strings: an invalid `type` is BF401's, not a crash here
    if not kinds:
        return False
    if "const" in schema:
        return not (_json_type_of(schema["const"]) & kinds)
    values = schema.get("enum")
    return isinstance(values, list) and not any(_json_type_of(v) & kinds for v in values)


def _required_but_impossible(root: Any, subschemas: list[Subschema]) -> list[Problem]:
    """A required property whose schema accepts no value: no settings can ever be saved."""
    problems: list[Problem] = []
    for sub in subschemas:
        properties = schema_map(sub.schema, "properties")
        for name in required_names(sub.schema):
            if name in properties and accepts_nothing(properties[name], root):
                problems.append(
                    Problem(
                        (*sub.path, "properties", name),
                        f"`{name}` is required but its schema accepts no value, so the settings "
                        "can never be valid",
                        "drop it from `required`, or give it a schema that accepts a value",
                    )
                )
    return problems


#: The deepest a type may nest inside one Python annotation (`list[list[...]]`, a union of
#: dicts, ...): Python's parser stops at 200 nested brackets, and a level can take two.
MAX_TYPE_NESTING = 64
#: Steps that nest a type inside its parent's annotation; `properties` and definitions start a
#: class (or alias) of their own, which the annotation names instead.
_NESTING_STEPS = frozenset(
    {
        "items",
        "prefixItems",
        "additionalItems",
        "additionalProperties",
        "patternProperties",
        "unevaluatedItems",
        "unevaluatedProperties",
        "anyOf",
        "oneOf",
        "allOf",
        "contains",
    }
)
_CLASS_STEPS = frozenset({"properties", "$defs", "definitions"})


def _too_deep(subschemas: list[Subschema]) -> list[Problem]:
    """Types nested past MAX_TYPE_NESTING inside one class or alias, one report for each.
    Linear: each subschema's nesting comes from its parent's (walk yields parents first)."""
    problems: list[Problem] = []
    seen: set[JsonPath] = set()
    info: dict[JsonPath, tuple[int, JsonPath]] = {}  # path -> (nesting, path of its class or alias)
    for sub in subschemas:
        path = sub.path
        if not path:
            info[path] = (0, path)
            continue
        parent = path[:-1] if path[:-1] in info else path[:-2]
        nesting, top = info.get(parent, (0, parent))
        keyword = path[len(parent)]
        if keyword in _CLASS_STEPS:
            nesting, top = 0, path
        elif keyword in _NESTING_STEPS:
            nesting += 1
        info[path] = (nesting, top)
        if nesting == MAX_TYPE_NESTING + 1 and top not in seen:
            seen.add(top)
            problems.append(
                Problem(
                    path,
                    f"this type is nested more than {MAX_TYPE_NESTING} levels deep inside one "
                    "property (arrays of arrays, unions of unions), deeper than a Python type "
                    "annotation can be written",
                    "name an inner level in `$defs` and refer to it with `$ref`",
                )
            )
    return problems


def _secret_string_type(kind: Any) -> bool:
    """`string`, or `string` that may be `null` (an optional `SecretStr`)."""
    if is_string_type(kind):
        return True
    names = well_typed_names(kind)  # `["string", {}]` is BF401's: not a string type here
    return (
        isinstance(kind, list)
        and names is not None
        and "string" in names
        and set(names)
        <= {
            "string",
            "null",
        }
    )


def _non_string_secrets(root: Any, subschemas: list[Subschema]) -> list[Problem]:
    """Secrets that are not strings: settings.py makes a secret a `SecretStr`, which hides it
    from `repr`, `str` and `model_dump`; an integer, an array or a union would be a plain value
    there. A secret's type (its own, or through its `$ref` chain or `allOf`) must be `string`."""
    found: list[Problem] = []
    for sub in subschemas:
        if not is_secret(sub.schema):
            continue
        kinds = types_of(root, sub.schema, sub.path)
        if kinds and all(_secret_string_type(kind) for kind in kinds):
            continue
        wrong = next((k for k in kinds if not _secret_string_type(k)), None)
        what = "has no `type`" if wrong is None else f"is of type {json.dumps(wrong)}"
        found.append(
            Problem(
                sub.path,
                f"this secret {what}: a secret must be a string (settings.py holds it as a "
                "`SecretStr`, which never shows it; any other type would be a plain value)",
                'give the secret `"type": "string"`, or drop `writeOnly` / `format: password`',
            )
        )
    return found


def problems(schema: Any) -> list[Problem]:
    """What no generated settings model can serve: the single predicate of check and generate."""
    if not isinstance(schema, Mapping):
        return []
    subschemas = list(walk(schema))  # walked once for every part of the predicate
    found = (
        _cycles(schema, subschemas)
        + _required_but_impossible(schema, subschemas)
        + _too_deep(subschemas)
        + _non_string_secrets(schema, subschemas)
    )
    return sorted(found, key=lambda problem: [str(step) for step in problem.path])


# --- The generator's copy. ---------------------------------------------------------------------

#: Definition names the generator takes as they are: anything else is renamed in its copy (a
#: `#`, `/`, `%`, `.` or a non-ASCII letter confuses its reference resolver or its module paths).
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Names the generated module imports (from typing, pydantic, the standard library) or Python
#: defines: a class of that name would shadow them.
_RESERVED = frozenset(
    [
        "Any",
        "Annotated",
        "AnyUrl",
        "AwareDatetime",
        "BaseModel",
        "ConfigDict",
        "Decimal",
        "Enum",
        "Field",
        "IntEnum",
        "Literal",
        "NaiveDatetime",
        "Optional",
        "RootModel",
        "SecretStr",
        "StrEnum",
        "TypeAliasType",
        "Union",
        "List",
        "Dict",
        "Set",
        "Tuple",
        "UUID",
        "IPv4Address",
        "IPv6Address",
        "date",
        "datetime",
        "time",
        "timedelta",
        "constr",
        "conint",
        "confloat",
        "condecimal",
        "conlist",
        "annotations",
        "typing",
        "pydantic",
        "re",
        "str",
        "int",
        "float",
        "bool",
        "bytes",
        "list",
        "dict",
        "set",
        "tuple",
        "type",
        "object",
        "None",
        "True",
        "False",
    ]
)


def _plain_definition(name: str) -> bool:
    return bool(_PLAIN_NAME.match(name)) and name not in _RESERVED


def definition_names(schema: Mapping[str, Any]) -> dict[JsonPath, str]:
    """New names for the definitions the generator cannot take as they are, by path."""
    renamed: dict[JsonPath, str] = {}
    taken = set()
    for container in ("$defs", "definitions"):
        definitions = schema.get(container)
        if isinstance(definitions, Mapping):
            taken.update(k for k in definitions if isinstance(k, str))
    for container in ("$defs", "definitions"):
        definitions = schema.get(container)
        if not isinstance(definitions, Mapping):
            continue
        for index, key in enumerate(definitions):
            if isinstance(key, str) and not _plain_definition(key):
                stem = re.sub(r"[^A-Za-z0-9]", "", unicodedata.normalize("NFKD", key))
                stem = stem if stem and not stem[0].isdigit() else f"D{stem}"
                name = f"{stem[:40]}Definition{index}"
                while name in taken:
                    name += "_"
                taken.add(name)
                renamed[(container, key)] = name
    return renamed


def _pointer(path: JsonPath) -> str:
    return "#" + "".join(
        "/" + quote(str(step).replace("~", "~0").replace("/", "~1"), safe="!$&'()*+,;=:@")
        for step in path
    )


def for_generator(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `schema` the generator serves faithfully: definitions with odd names renamed
    (each `$ref` into one rewritten), subschemas that accept nothing written as the generator
    understands them, and closed empty objects among choices kept closed."""
    renamed = definition_names(schema)
    # What the dialect ignores is gone (up to draft-07, the siblings of `$ref`), as for every
    # other emitter; `as_read` may return `schema` itself, hence the copy.
    copied: dict[str, Any] = copy.deepcopy(dict(as_read(schema)))
    _only_keywords(copied)
    _collapse_alias_definitions(copied)
    for sub in list(walk(copied)):
        if isinstance(sub.schema, dict):
            _narrowed_enum(copied, sub.schema)
            _enum_within_bounds(sub.schema)  # before the parents look for what accepts nothing
    for sub in list(walk(copied)):
        node = sub.schema
        assert isinstance(node, dict)
        _inline_single_all_of(node)  # first: it may bring a `$ref` the next lines rewrite
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            # Only a reference into a renamed definition is rewritten (the generator maps
            # other names by the pointer as written, see `model_name_map`).
            target = resolve_local(schema, ref)
            if target.path is not None and target.path[:2] in renamed:
                new = renamed[target.path[:2]]
                node["$ref"] = _pointer((target.path[0], new, *target.path[2:]))
        _impossible_members(node, schema)
        _closed_empty_choices(node)
    for (container, old), new in renamed.items():
        if old not in copied[container]:
            continue  # an alias definition, collapsed
        definitions = copied[container]
        copied[container] = {
            (new if key == old else key): value for key, value in definitions.items()
        }
    return copied


def _only_keywords(root: dict[str, Any]) -> None:
    """Drop from each subschema what is no keyword of its dialect (nor accepted in every one):
    unknown keys and `x-...` extensions, which validators ignore (BF410 warns of the unknown
    ones). The generator reads some of them whatever they hold: its own directives
    (`customTypePath: "os.system"` would make the model import it, `x-python-import` too),
    `x-enum-varnames` (a list of strings, or it fails), a 2019-09 `$recursiveAnchor` in a
    2020-12 schema. A key holding the target of a local `$ref` stays (a definition kept under
    `x-defs`). What is kept has its spec type once `check` passed (BF401)."""
    uri = dialect_of(root).uri
    subschemas = walk_referenced(root)  # with the `$ref` targets walk does not reach
    targets = [
        target.path
        for sub in subschemas
        if isinstance(ref := sub.schema.get("$ref"), str) and ref.startswith("#")
        if (target := resolve_local(root, ref)).path is not None
    ]
    for sub in subschemas:
        node = sub.schema
        assert isinstance(node, dict)
        for key in [k for k in node if not isinstance(k, str) or _not_for_generator(k, uri)]:
            where = (*sub.path, key)
            if not any(path[: len(where)] == where for path in targets):
                del node[key]
        for key in COUNTS:
            # An integral float is an integer to a validator; the generator parses a count as
            # a 64-bit integer and fails on `1e20`, while a Python int of any size passes.
            if isinstance(node.get(key), float) and node[key].is_integer():
                node[key] = int(node[key])


#: Keywords a dialect's metaschema lists only for compatibility, typed otherwise than the
#: generator reads them: 2020-12 types `$recursiveAnchor` as a string (2019-09: a boolean) and
#: evaluates neither.
_RETIRED = {DRAFT2020: frozenset({"$recursiveAnchor", "$recursiveRef"})}


def _not_for_generator(key: str, uri: str) -> bool:
    if key in _RETIRED.get(uri, ()):
        return True
    return key not in vocabulary.ACCEPTED and key not in vocabulary.dialect_keywords(uri)


#: Annotations kept when a schema is rewritten as one `enum`.
_ANNOTATIONS = ("title", "description", "default", "examples", "writeOnly", "readOnly", "format")


def _narrowed_enum(root: dict[str, Any], node: dict[str, Any]) -> None:
    """An `enum` narrowed by another (`allOf: [{$ref: Region}, {enum: [us]}]`, or a `$ref`
    beside an `enum`) is one enum of the values all of them list: the generator would subclass
    one Enum from another (an error) or keep one list and drop the rest (too loose)."""
    found = views(root, node)
    listed = [
        view["enum"] if isinstance(view.get("enum"), list) else [view["const"]]
        for _, view in found
        if isinstance(view.get("enum"), list) or "const" in view
    ]
    if len(listed) < 2:
        return
    keys = [{_canonical(value) for value in values} for values in listed]
    allowed = [value for value in listed[0] if all(_canonical(value) in key for key in keys)]
    kinds: set[str] | None = None
    for _, view in found:
        declared = _types(view)
        if declared is not None:
            kinds = declared if kinds is None else kinds & declared
    flat: dict[str, Any] = {}
    for key in _ANNOTATIONS:
        for _, view in found:
            if key in view:
                flat[key] = view[key]
                break
    flat["enum"] = allowed if allowed else []
    if kinds is not None:
        flat["type"] = sorted(kinds - {"integer"} if "number" in kinds else kinds)
        if len(flat["type"]) == 1:
            flat["type"] = flat["type"][0]
    if not allowed:
        flat = {"not": {}}  # no value is in every list
    node.clear()
    node.update(flat)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


#: Keywords that only describe: a member's may give way to the node's own.
_DESCRIBING = frozenset({"title", "description", "examples", "$comment", "deprecated"})


def _inline_single_all_of(node: dict[str, Any]) -> None:
    """`allOf`, `anyOf` or `oneOf` with one member that is no `$ref` means the member's
    keywords, here: written so, because the generator loses constraints inside a lone member
    (a `maximum`, a union's `minLength`). The node's own title and description win; a member
    whose other keywords clash with the node's stays where it is."""
    for _ in range(MAX_TYPE_NESTING):
        for key in IN_PLACE_LIST:
            members = node.get(key)
            if not isinstance(members, list) or len(members) != 1:
                continue
            member = members[0]
            if not isinstance(member, dict):
                continue
            if "$ref" in member:
                # A lone `anyOf`/`oneOf` choice that is a `$ref` lost its target's constraints
                # (`maximum`): beside annotations only, the node is the reference itself.
                others = set(node) - {key}
                if key != "allOf" and set(member) == {"$ref"} and others <= _DESCRIBING:
                    del node[key]
                    node["$ref"] = member["$ref"]
                    break
                continue
            clash = set(member) & (set(node) - {key})
            if clash - _DESCRIBING:
                continue
            del node[key]
            node.update({k: v for k, v in member.items() if k not in clash})
            break
        else:
            return


#: Keywords a definition may hold beside `$ref` and still be only another name for its target.
_ALIAS_KEYS = frozenset({"$ref", "title", "description", "$comment"})


def _collapse_alias_definitions(root: dict[str, Any]) -> None:
    """A definition that is only a `$ref` to another (`os: {$ref: "#/$defs/host"}`) is written
    by the generator as `Os = TypeAliasType("Os", "Host")`, a string pydantic takes for a
    reference to itself (the module does not import). Every `$ref` to such a definition points
    at the end of its chain instead, and the alias definition goes."""
    aliases: dict[JsonPath, JsonPath] = {}
    for container in ("$defs", "definitions"):
        definitions = root.get(container)
        if not isinstance(definitions, dict):
            continue
        for name, definition in definitions.items():
            if (
                isinstance(definition, dict)
                and isinstance(definition.get("$ref"), str)
                and set(definition) <= _ALIAS_KEYS
            ):
                chain, loops = ref_chain(root, (container, name), definition)
                end = chain[-1].path if chain and not loops else None
                if end is not None and isinstance(chain[-1].value, dict | bool):
                    aliases[(container, name)] = end
    if not aliases:
        return
    for sub in list(walk(root)):
        ref = sub.schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            target = resolve_local(root, ref).path
            if target in aliases:
                sub.schema["$ref"] = _pointer(aliases[target])  # type: ignore[index]
    for container, name in aliases:
        del root[container][name]  # an end of a chain is never an alias itself


def _enum_within_bounds(node: dict[str, Any]) -> None:
    """An `enum` value its own schema's bounds exclude (`enum: [-3, 1], minimum: -2`) is no
    valid value; the generator writes an Enum with every listed value and drops the bounds,
    so the value is dropped here (an enum left empty accepts nothing: see accepts_nothing)."""
    values = node.get("enum")
    if not isinstance(values, list):
        return
    kept = [value for value in values if _within(node, value)]
    if kept and len(kept) < len(values):
        node["enum"] = kept
    elif not kept:
        node.clear()
        node["not"] = {}


def _within(node: Mapping[str, Any], value: Any) -> bool:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    checks = {
        "minimum": lambda bound: not number or value >= bound,
        "maximum": lambda bound: not number or value <= bound,
        "exclusiveMinimum": lambda bound: not number or isinstance(bound, bool) or value > bound,
        "exclusiveMaximum": lambda bound: not number or isinstance(bound, bool) or value < bound,
        "minLength": lambda bound: not isinstance(value, str) or len(value) >= bound,
        "maxLength": lambda bound: not isinstance(value, str) or len(value) <= bound,
    }
    for key, holds in checks.items():
        bound = node.get(key)
        if isinstance(bound, int | float) and not isinstance(bound, bool) and not holds(bound):
            return False
    return True


def _closed_empty_choices(node: dict[str, Any]) -> None:
    """A choice of `anyOf`/`oneOf` that is an object with no properties and
    `additionalProperties: false` (only `{}`) is written by the generator as `dict[str, Any]`,
    any object; inside an `allOf` it becomes a class that forbids extra keys, as it should."""
    for key in ("anyOf", "oneOf"):
        members = node.get(key)
        if not isinstance(members, list):
            continue
        for index, member in enumerate(members):
            if (
                isinstance(member, dict)
                and member.get("additionalProperties") is False
                and not member.get("properties")
                and not member.get("patternProperties")
            ):
                members[index] = {"allOf": [member]}


def _impossible_members(node: dict[str, Any], root: Any) -> None:
    """The generator fails on `allOf: [false]`, and keeps only part of a schema that accepts
    nothing (which then accepts too much). So: an optional property that accepts nothing is
    typed `null` (absent, as any optional property may be null); an item or extra property
    that accepts nothing is `false` (forbidden); a choice of `anyOf`/`oneOf` that accepts
    nothing is dropped (it never matched)."""
    for key in ("properties", "patternProperties"):
        children = node.get(key)
        if isinstance(children, dict):
            for name, child in children.items():
                if child is not False and accepts_nothing(child, root):
                    children[name] = {"type": "null"} if key == "properties" else False
    for key in ("items", "additionalProperties", "additionalItems"):
        child = node.get(key)
        if child is not False and accepts_nothing(child, root):
            node[key] = False
    for key in ("anyOf", "oneOf"):
        members = node.get(key)
        if isinstance(members, list):
            kept = [member for member in members if not accepts_nothing(member, root)]
            if kept and len(kept) < len(members):
                node[key] = kept


# --- Property names Python folds together. -----------------------------------------------------


#: Names pydantic reads from a model's class body as something other than a field.
_PYDANTIC_ATTRIBUTES = frozenset({"Config"})


def field_aliases(schema: Any) -> dict[str, str]:
    """Python names for the property names Python itself would change: an identifier is read
    in NFKC form (fullwidth `foo` is `foo`, the micro sign is mu, the `fi` ligature is `fi`),
    so two such properties would be one field and one would be lost. Each gets an ASCII name
    of its own; the original stays the alias (what validates and serialises)."""
    names: set[str] = set()
    for sub in walk(schema):
        names.update(schema_map(sub.schema, "properties"))
        names.update(required_names(sub.schema))
    aliases: dict[str, str] = {}
    for name in sorted(names):
        snake = re.sub(r"[^a-z0-9]+", "_", unicodedata.normalize("NFKD", name).lower())
        if snake.startswith("model_") or name in _PYDANTIC_ATTRIBUTES:
            # pydantic reserves `model_*` (a warning at import, an error for its own names).
            aliases[name] = f"field_{snake.strip('_')}"
            if not name.isascii():
                aliases[name] += "_u" + _digest(name)
            continue
        if name.isascii() or (unicodedata.normalize("NFKC", name) == name and name.isidentifier()):
            continue
        stem = snake.strip("_")[:40] or "field"
        stem = f"field_{stem}" if stem[0].isdigit() else stem
        aliases[name] = f"{stem}_u{_digest(name)}"
    return aliases


def _digest(name: str) -> str:
    """A short, stable tag of `name`: distinct names get distinct Python names."""
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
