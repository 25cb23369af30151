"""What a route file says, read from its tree-sitter tree: exports, `config`, `Http` calls, OAuth.

Nothing is run and nothing is guessed: a use of `Http` that is not a direct
`Http.get/post/put/patch/delete(url, ...)` call is recorded as a call whose URL is unknown.
`Http` and `OAuth` are recognised by those names, by an alias imported from the SDK
(`import { Http as H }`) and through a namespace import (`import * as sdk` then `sdk.Http`).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from tree_sitter import Node

from backfill_codegen.frontends.ts_static import StaticModule

SDK = "@backfill-io/sdk"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
_WRAPPERS = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"}
)


@dataclass(frozen=True)
class Export:
    """A named export: `export const NAME = ...`, `export function NAME`, `export { x as NAME }`."""

    name: str
    node: Node  # the exported name as written
    kind: str  # const, let, var, function, class, specifier, reexport
    value: Node | None  # the const's initializer, or the local name a specifier exports


@dataclass(frozen=True)
class HttpCall:
    method: str  # "get"
    call: Node  # the whole call expression
    url: Node | None  # the first argument; None when absent or spread


@dataclass
class RouteFacts:
    exports: list[Export] = field(default_factory=list)
    calls: list[HttpCall] = field(default_factory=list)
    #: `Http` used other than in a direct call (passed along, `Http[m](...)`): URLs unknown.
    other_http_uses: list[Node] = field(default_factory=list)
    #: OAuth in the code: `OAuth.accessToken()` (any `OAuth.x`) and `auth: { oauth: ... }`.
    oauth_uses: list[tuple[Node, str]] = field(default_factory=list)
    #: A relative import reaching outside `src/api/`: code this analysis does not see.
    imports_outside: bool = False


@dataclass
class _Names:
    """Local names bound to the SDK's `Http` and `OAuth`, and to the SDK module itself."""

    http: set[str] = field(default_factory=lambda: {"Http"})
    oauth: set[str] = field(default_factory=lambda: {"OAuth"})
    namespaces: set[str] = field(default_factory=set)


def read_facts(module: StaticModule, relative: str) -> RouteFacts:
    """The facts of one parsed route file; `relative` is its path from the connector directory."""
    facts = RouteFacts()
    names = _Names()
    top = [child for child in module.root.named_children if child.type != "comment"]
    for statement in top:
        if statement.type == "import_statement":
            _import(module, statement, names)
            facts.imports_outside |= _leaves_api(module, statement, relative)
        elif statement.type == "export_statement":
            facts.exports.extend(_exports(module, statement))
            facts.imports_outside |= _leaves_api(module, statement, relative)
    _walk(module, names, facts, relative)
    return facts


def _string_value(module: StaticModule, node: Node | None) -> str | None:
    if node is None or node.type != "string":
        return None
    return "".join(module.text(c) for c in node.named_children if c.type == "string_fragment")


def _import(module: StaticModule, statement: Node, names: _Names) -> None:
    if _string_value(module, statement.child_by_field_name("source")) != SDK:
        return
    stack = list(statement.named_children)
    while stack:
        node = stack.pop()
        if node.type == "import_specifier":
            name = node.child_by_field_name("name")
            alias = node.child_by_field_name("alias") or name
            if name is None or alias is None:
                continue
            imported = module.text(name)
            if imported == "Http":
                names.http.add(module.text(alias))
            elif imported == "OAuth":
                names.oauth.add(module.text(alias))
        elif node.type == "namespace_import":
            names.namespaces.update(
                module.text(c) for c in node.named_children if c.type == "identifier"
            )
        else:
            stack.extend(node.named_children)


def _leaves_api(module: StaticModule, statement: Node, relative: str) -> bool:
    specifier = _string_value(module, statement.child_by_field_name("source"))
    return specifier is not None and _relative_outside(specifier, relative)


def _relative_outside(specifier: str, relative: str) -> bool:
    if not specifier.startswith((".", "/")):
        return False  # a package: documented as not seen
    target = posixpath.normpath(posixpath.join(posixpath.dirname(relative), specifier))
    return not target.startswith("src/api/")


def _exported_name(module: StaticModule, node: Node) -> str:
    text = module.text(node)
    # `export { x as "POST" }` names the export with a string.
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _exports(module: StaticModule, statement: Node) -> list[Export]:
    if any(child.type == "default" for child in statement.children):
        return []
    found: list[Export] = []
    declaration = statement.child_by_field_name("declaration")
    if declaration is not None:
        if declaration.type in ("lexical_declaration", "variable_declaration"):
            keyword = declaration.child_by_field_name("kind")
            kind = module.text(keyword) if keyword is not None else "var"
            for declarator in declaration.named_children:
                name = declarator.child_by_field_name("name")
                if declarator.type != "variable_declarator" or name is None:
                    continue
                if name.type == "identifier":  # a destructuring pattern exports no method
                    value = declarator.child_by_field_name("value")
                    found.append(Export(module.text(name), name, kind, value))
        elif declaration.type in ("function_declaration", "generator_function_declaration"):
            name = declaration.child_by_field_name("name")
            if name is not None:
                found.append(Export(module.text(name), name, "function", None))
        elif declaration.type in ("class_declaration", "abstract_class_declaration"):
            name = declaration.child_by_field_name("name")
            if name is not None:
                found.append(Export(module.text(name), name, "class", None))
        return found
    reexport = statement.child_by_field_name("source") is not None
    for clause in statement.named_children:
        if clause.type != "export_clause":
            continue
        for specifier in clause.named_children:
            name = specifier.child_by_field_name("name")
            alias = specifier.child_by_field_name("alias")
            exported = alias if alias is not None else name
            if name is None or exported is None:
                continue
            kind = "reexport" if reexport else "specifier"
            value = None if reexport else name
            found.append(Export(_exported_name(module, exported), exported, kind, value))
    return found


def _is_ref(
    module: StaticModule, node: Node, local: set[str], exported: str, names: _Names
) -> bool:
    """`node` names the SDK's `exported` (`Http`): a local name, or `sdk.Http` of a namespace."""
    while node.type in _WRAPPERS and node.named_children:
        node = node.named_children[0]
    if node.type == "identifier":
        return module.text(node) in local
    if node.type == "member_expression":
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        return (
            obj is not None
            and prop is not None
            and obj.type == "identifier"
            and module.text(obj) in names.namespaces
            and module.text(prop) == exported
        )
    return False


def _walk(module: StaticModule, names: _Names, facts: RouteFacts, relative: str) -> None:
    """One iterative pass over the tree (error trees may be deep)."""
    consumed: set[tuple[int, int]] = set()  # `Http` nodes already accounted for by a call
    stack = [module.root]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind == "import_statement":
            continue
        if kind == "call_expression":
            _call(module, node, names, facts, consumed, relative)
        elif kind == "member_expression":
            obj = node.child_by_field_name("object")
            if obj is not None and _is_ref(module, obj, names.oauth, "OAuth", names):
                parent = node.parent
                called = parent is not None and parent.type == "call_expression"
                at = parent if called and parent is not None else node
                facts.oauth_uses.append((at, module.text(node) + ("()" if called else "")))
                consumed.add((obj.start_byte, obj.end_byte))
            elif _is_ref(module, node, names.http, "Http", names):
                if (node.start_byte, node.end_byte) not in consumed:
                    facts.other_http_uses.append(node)
                consumed.add((node.start_byte, node.end_byte))
        elif kind in ("identifier", "shorthand_property_identifier"):
            key = (node.start_byte, node.end_byte)
            if module.text(node) in names.http and key not in consumed:
                facts.other_http_uses.append(node)
        elif kind == "pair":
            _auth_oauth(module, node, facts)
        stack.extend(reversed(node.children))


def _call(
    module: StaticModule,
    node: Node,
    names: _Names,
    facts: RouteFacts,
    consumed: set[tuple[int, int]],
    relative: str,
) -> None:
    function = node.child_by_field_name("function")
    if function is None:
        return
    if function.type == "import":  # `import("../x")`: code elsewhere
        arguments = node.child_by_field_name("arguments")
        first = arguments.named_children[0] if arguments and arguments.named_children else None
        specifier = _string_value(module, first)
        facts.imports_outside |= specifier is None or _relative_outside(specifier, relative)
        return
    if function.type != "member_expression":
        return
    obj = function.child_by_field_name("object")
    prop = function.child_by_field_name("property")
    if obj is None or prop is None or not _is_ref(module, obj, names.http, "Http", names):
        return
    method = module.text(prop)
    if prop.type != "property_identifier" or method not in HTTP_METHODS:
        return
    consumed.add((obj.start_byte, obj.end_byte))
    arguments = node.child_by_field_name("arguments")
    values = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
    url = values[0] if values and values[0].type != "spread_element" else None
    facts.calls.append(HttpCall(method, node, url))


def _key_name(module: StaticModule, key: Node | None) -> str | None:
    if key is None:
        return None
    if key.type == "property_identifier":
        return module.text(key)
    return _string_value(module, key)


def _auth_oauth(module: StaticModule, pair: Node, facts: RouteFacts) -> None:
    """`auth: { oauth: X }` anywhere (request options are often built apart from the call);
    `oauth: false` asks for no token and is not a use."""
    if _key_name(module, pair.child_by_field_name("key")) != "auth":
        return
    value = pair.child_by_field_name("value")
    if value is None or value.type != "object":
        return
    for member in value.named_children:
        if member.type == "pair":
            if _key_name(module, member.child_by_field_name("key")) != "oauth":
                continue
            inner = member.child_by_field_name("value")
            if inner is not None and inner.type == "false":
                continue
            facts.oauth_uses.append((member, "auth: { oauth }"))
        elif member.type == "shorthand_property_identifier" and module.text(member) == "oauth":
            facts.oauth_uses.append((member, "auth: { oauth }"))
