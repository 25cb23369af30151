"""The static TypeScript evaluator: a TypeScript file parsed, never run, and valued statically.

The manifest front end (frontends/typescript.py) values the default export of
`backfill.config.ts` with it; the route-file rules (route_files/) value a route file's
exports through `StaticModule`. The file is parsed with tree-sitter's TypeScript grammar. An
expression is evaluated over a static subset: literals, template literals, `+` on strings and
numbers, unary `-` on numbers, references to top-level `const`s, object and array spread of
static values, shorthand properties, computed keys that evaluate to a string or a number, and
the type-only wrappers `as`, `satisfies`, `<T>x`, `x!` and parentheses. A call to
`defineConfig(x)` is `x`. Everything else is BF004 at that very expression, with the reason; the
evaluation goes on past it so every such expression is reported, and a member whose value is not
static is left out of the document.

Values reached through a `const` keep the spans where they are written (inside the `const`).
A `const` is re-evaluated at each use (no cache: its depth counts where it is used), so the total
number of evaluation steps is bounded by MAX_VALUES and the nesting by MAX_DEPTH (BF006, then no
document); the evaluator recurses at most two Python frames per level, so MAX_DEPTH keeps it far
from the interpreter's recursion limit whatever the input. Duplicate keys (BF003) and lone
surrogates (BF008) are reported and the value kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import tree_sitter_typescript
from tree_sitter import Language, Node, Parser

from backfill_codegen.diagnostics.model import Diagnostic, JsonPath, Label
from backfill_codegen.diagnostics.registry import make_diagnostic
from backfill_codegen.frontends import ts_literals
from backfill_codegen.frontends.base import LocatedDocument
from backfill_codegen.frontends.offsets import ByteToChar
from backfill_codegen.frontends.tree import duplicate_key, too_deep
from backfill_codegen.frontends.ts_commas import leaves, missing_comma
from backfill_codegen.limits import MAX_DEPTH, MAX_VALUES
from backfill_codegen.rules.source import (
    NOT_STATIC,
    SYNTAX_ERROR,
    TOO_COMPLEX,
    UNSUPPORTED_VALUE,
)
from backfill_codegen.source import SourceFile, Span

_LANGUAGE = Language(tree_sitter_typescript.language_typescript())

#: Expressions that only carry a type (or parentheses): their value is the inner expression's.
_WRAPPERS = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"}
)
_DECLARATION_KINDS = {
    "function_declaration": "function",
    "generator_function_declaration": "function",
    "class_declaration": "class",
    "abstract_class_declaration": "class",
    "enum_declaration": "enum",
    "internal_module": "namespace",
    "module": "namespace",
}
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
#: Why some expression kinds are not static, by tree-sitter node type.
_REASONS = {
    "ternary_expression": "conditional expressions are not evaluated",
    "new_expression": "`new` is not evaluated",
    "await_expression": "`await` is not evaluated",
    "assignment_expression": "assignments are not evaluated",
    "augmented_assignment_expression": "assignments are not evaluated",
    "update_expression": "`++`/`--` are not evaluated",
    "sequence_expression": "the comma operator is not evaluated",
    "regex": "regular expressions have no JSON value",
    "this": "`this` is not known without running the file",
    "class": "classes are not data",
    "yield_expression": "`yield` is not evaluated",
}
#: Literals that nest nothing: a level deeper than the limit is counted only for containers.
_LEAVES = frozenset({"number", "string", "true", "false", "null", "undefined", "regex", "this"})
_GLOBALS_READ_AT_RUN_TIME = frozenset({"process", "globalThis", "window", "Deno", "Bun"})
_DEFINE_CONFIG = "defineConfig"


class Abort(Exception):
    """A resource limit was hit (internal; never escapes `parse`)."""


@dataclass
class Value:
    """A static value and where it is written; objects and arrays keep their members located."""

    span: Span
    data: Any = None  # scalars only
    members: dict[str, tuple[Span, Value]] | None = None  # objects: key -> (key span, value)
    items: list[Value] | None = None  # arrays
    #: Keys written with a value that is not static (BF004 said why): what they explain.
    unknown: dict[str, Span] | None = None

    def kind(self) -> str:
        if self.members is not None:
            return "an object"
        if self.items is not None:
            return "an array"
        if isinstance(self.data, bool):
            return "a boolean"
        if self.data is None:
            return "null"
        if isinstance(self.data, str):
            return "a string"
        return "a number"

    @property
    def is_number(self) -> bool:
        return isinstance(self.data, (int, float)) and not isinstance(self.data, bool)

    @property
    def is_scalar(self) -> bool:
        return self.members is None and self.items is None


@dataclass
class _Binding:
    """A top-level name: how it is declared, and for a `const` its initializer."""

    kind: str  # const, let, var, import, function, class, enum, namespace, declare, pattern
    name: Node
    declarator: Node | None = None
    value: Node | None = None


@dataclass
class _DefaultExport:
    statement: Node
    expression: Node | None  # `export default <expression>`
    declaration: Node | None = None  # `export default function ...`
    reference: Node | None = None  # `export { config as default }`
    source: Node | None = None  # `export { default } from "./other"`


@dataclass
class Evaluator:
    source: SourceFile
    data: bytes
    offsets: ByteToChar
    bindings: dict[str, _Binding]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _seen: set[tuple[str, int, int, str]] = field(default_factory=set)
    _steps: int = 0
    _active: set[str] = field(default_factory=set)

    # -- helpers ---------------------------------------------------------------------------

    def span(self, node: Node) -> Span:
        return Span(self.offsets(node.start_byte), self.offsets(node.end_byte))

    def text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "surrogatepass")

    def snippet(self, node: Node) -> str:
        return ts_literals.shown(" ".join(self.text(node).split()), 48)

    def report(self, diagnostic: Diagnostic) -> None:
        # A const used twice is evaluated twice; its problems are reported once.
        label = diagnostic.primary
        key = (
            diagnostic.code,
            label.span.start if label else 0,
            label.span.end if label else 0,
            diagnostic.message,
        )
        if key not in self._seen:
            self._seen.add(key)
            self.diagnostics.append(diagnostic)

    def not_static(self, node: Node, message: str, help: str | None = None) -> None:
        self.report(
            make_diagnostic(
                NOT_STATIC,
                message,
                Label(self.source, self.span(node), "not static"),
                help=help,
            )
        )

    def syntax(self, node: Node, message: str) -> None:
        self.report(make_diagnostic(SYNTAX_ERROR, message, Label(self.source, self.span(node))))

    # -- expressions -----------------------------------------------------------------------

    def evaluate(self, node: Node, depth: int) -> Value | None:
        """The static value of an expression, or None after reporting why it has none."""
        self._steps += 1
        if self._steps > MAX_VALUES:
            self.report(
                make_diagnostic(
                    TOO_COMPLEX,
                    f"the manifest expands to more than {MAX_VALUES:,} values",
                    Label(self.source, self.span(_first_leaf(node)), "the limit is reached here"),
                    help="a `const` used many times inside others multiplies; write less",
                )
            )
            raise Abort
        if depth > MAX_DEPTH and node.type not in _LEAVES:
            self.report(too_deep(self.source, self.span(_first_leaf(node)), MAX_DEPTH))
            raise Abort
        kind = node.type
        if kind in _WRAPPERS or kind == "type_assertion":
            inner = _expression_child(node, last=kind == "type_assertion")
            if inner is None:
                self.not_static(node, f"this expression is not evaluated: `{self.snippet(node)}`")
                return None
            return self.evaluate(inner, depth + 1)
        if kind == "object":
            return self._object(node, depth)
        if kind == "array":
            return self._array(node, depth)
        if kind == "string":
            return self._string(node)
        if kind == "template_string":
            return self._template(node, depth)
        if kind == "number":
            return self._number(node)
        if kind in ("true", "false"):
            return Value(self.span(node), kind == "true")
        if kind == "null":
            return Value(self.span(node), None)
        if kind == "identifier":
            return self.reference(node, depth)
        if kind == "unary_expression":
            return self._unary(node, depth)
        if kind == "binary_expression":
            return self._binary(node, depth)
        if kind == "call_expression":
            return self._call(node, depth)
        self._explain(node)
        return None

    def _explain(self, node: Node) -> None:
        """BF004 for an expression outside the static subset, saying why."""
        kind = node.type
        shown = self.snippet(node)
        if kind == "undefined":
            self.not_static(
                node,
                "`undefined` has no JSON value",
                help="leave the key out, or use `null`",
            )
        elif kind in ("member_expression", "subscript_expression"):
            root = _member_root(node)
            if self.text(root) in ("process", "import.meta"):
                self.not_static(
                    node,
                    f"`{shown}` is read at run time; the compiler cannot know its value",
                    help="write the value out; secrets belong in `settingsSchema`",
                )
            else:
                self.not_static(
                    node,
                    f"member access is not evaluated: `{shown}`",
                    help="put the value in a top-level `const` and use that name",
                )
        elif kind in _FUNCTIONS:
            self.not_static(node, "functions are not data; the manifest holds values only")
        elif kind in _REASONS:
            self.not_static(node, f"{_REASONS[kind]}: `{shown}`")
        else:
            self.not_static(node, f"this expression is not evaluated: `{shown}`")

    def _number(self, node: Node) -> Value | None:
        try:
            return Value(self.span(node), ts_literals.parse_number(self.text(node)))
        except ts_literals.LiteralError as error:
            self.syntax(node, str(error))
        except ts_literals.NotANumber as error:
            self.not_static(node, str(error))
        return None

    def _string(self, node: Node) -> Value | None:
        parts: list[str] = []
        ok = True
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(self.text(child))
            elif child.type == "escape_sequence":
                ok = self._escape(child, parts) and ok
        return self._text_value(node, "".join(parts)) if ok else None

    def _escape(self, node: Node, parts: list[str]) -> bool:
        try:
            parts.append(ts_literals.decode_escape(self.text(node)))
        except ts_literals.LiteralError as error:
            self.syntax(node, str(error))
            return False
        return True

    def _text_value(self, node: Node, raw: str) -> Value:
        text = ts_literals.join_surrogates(raw)
        if ts_literals.has_lone_surrogate(text):
            self.report(
                make_diagnostic(
                    UNSUPPORTED_VALUE,
                    "this string holds a lone UTF-16 surrogate (`\\uD800`-`\\uDFFF`)",
                    Label(self.source, self.span(node)),
                    help="a surrogate escape needs its pair; write the character itself",
                )
            )
            text = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
        return Value(self.span(node), text)

    def _template(self, node: Node, depth: int) -> Value | None:
        parts: list[str] = []
        ok = True
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(ts_literals.normalize_template_newlines(self.text(child)))
            elif child.type == "escape_sequence":
                ok = self._escape(child, parts) and ok
            elif child.type == "template_substitution":
                inner = _expression_child(child)
                if inner is None:
                    self.not_static(child, "an empty `${}` has no value")
                    ok = False
                    continue
                value = self.evaluate(inner, depth + 1)
                if value is None:
                    ok = False
                elif not value.is_scalar:
                    self.not_static(
                        inner,
                        f"{value.kind()} inside a template literal is not text: "
                        f"`{self.snippet(inner)}`",
                    )
                    ok = False
                else:
                    parts.append(_to_string(value.data))
        return self._text_value(node, "".join(parts)) if ok else None

    def _unary(self, node: Node, depth: int) -> Value | None:
        operator = node.child_by_field_name("operator")
        argument = node.child_by_field_name("argument")
        if operator is None or argument is None or operator.type != "-":
            self.not_static(
                node,
                f"only `-` before a number is evaluated, not `{self.snippet(node)}`",
            )
            return None
        value = self.evaluate(argument, depth + 1)
        if value is None:
            return None
        if not value.is_number:
            self.not_static(node, f"`-` applies to numbers; this is {value.kind()}")
            return None
        negated = -value.data
        if negated == 0:
            negated = type(negated)(0)  # JSON has no -0
        return Value(self.span(node), negated)

    def _binary(self, node: Node, depth: int) -> Value | None:
        operator = node.child_by_field_name("operator")
        left_node = node.child_by_field_name("left")
        right_node = node.child_by_field_name("right")
        if operator is None or left_node is None or right_node is None:
            self._explain(node)
            return None
        if operator.type != "+":
            self.not_static(
                node,
                f"the `{operator.type}` operator is not evaluated; only `+` on strings and "
                "numbers is",
            )
            return None
        # Evaluate both sides, so that every non-static operand is reported.
        left = self.evaluate(left_node, depth + 1)
        right = self.evaluate(right_node, depth + 1)
        if left is None or right is None:
            return None
        span = self.span(node)
        if left.is_number and right.is_number:
            try:
                total = ts_literals.add(left.data, right.data)  # float64, as JavaScript adds
            except ts_literals.NotANumber:
                self.not_static(node, "this sum is beyond the largest JavaScript number")
                return None
            return Value(span, total)
        textual = isinstance(left.data, str) or isinstance(right.data, str)
        if textual and left.is_scalar and right.is_scalar:
            return Value(span, _to_string(left.data) + _to_string(right.data))
        self.not_static(
            node,
            f"`+` joins strings or adds numbers; here it has {left.kind()} and {right.kind()}",
        )
        return None

    def _call(self, node: Node, depth: int) -> Value | None:
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if (
            function is not None
            and function.type == "identifier"
            and self.text(function) == _DEFINE_CONFIG
            and arguments is not None
            and arguments.type == "arguments"
        ):
            values = named(arguments)
            if len(values) == 1 and values[0].type != "spread_element":
                return self.evaluate(values[0], depth + 1)
            self.not_static(node, "`defineConfig` takes exactly one argument: the manifest object")
            return None
        shown = self.snippet(node)
        if len(shown) > 40 and function is not None:
            shown = f"{self.snippet(function)}(...)"
        self.not_static(
            node,
            f"calls are not evaluated: `{shown}`",
            help="write the value out, or put it in a top-level `const`",
        )
        return None

    def reference(self, node: Node, depth: int) -> Value | None:
        name = self.text(node)
        binding = self.bindings.get(name)
        if binding is None:
            if name in ("NaN", "Infinity"):
                self.not_static(node, f"`{name}` is not a JSON number")
            elif name == "undefined":
                self.not_static(node, "`undefined` has no JSON value", help="leave the key out")
            elif name in _GLOBALS_READ_AT_RUN_TIME:
                self.not_static(node, f"`{name}` is read at run time; the compiler cannot know it")
            else:
                self.not_static(
                    node,
                    f"`{name}` is not defined in this file",
                    help="define it with a top-level `const` above the default export",
                )
            return None
        if binding.kind != "const":
            self.not_static(
                node, _binding_reason(name, binding.kind), help=_binding_help(name, binding.kind)
            )
            return None
        declarator = binding.declarator
        if declarator is not None and declarator.end_byte > node.start_byte:
            line = self.source.position(self.offsets(binding.name.start_byte)).line
            self.report(
                make_diagnostic(
                    NOT_STATIC,
                    f"`{name}` is used before its `const` declaration (line {line}) has run",
                    Label(self.source, self.span(node), "used here"),
                    secondary=(Label(self.source, self.span(binding.name), "declared here"),),
                    help="move the `const` above this use",
                )
            )
            return None
        if binding.value is None or name in self._active:
            self.not_static(node, f"`{name}` has no static value")
            return None
        self._active.add(name)
        try:
            return self.evaluate(binding.value, depth + 1)
        finally:
            self._active.discard(name)

    # -- objects and arrays ----------------------------------------------------------------

    def _object(self, node: Node, depth: int) -> Value:
        members: dict[str, tuple[Span, Value]] = {}
        written: dict[str, Span] = {}  # keys written in this literal (not spread): duplicates
        unknown: dict[str, Span] = {}
        self._check_commas(node)
        for child in named(node):
            kind = child.type
            if kind == "spread_element":
                self._spread_members(child, depth, members)
                continue
            if kind == "shorthand_property_identifier":
                key: tuple[str, Span] | None = (self.text(child), self.span(child))
                value = self.reference(child, depth + 1)
            elif kind == "pair":
                key_node = child.child_by_field_name("key")
                value_node = child.child_by_field_name("value")
                if key_node is None or value_node is None:
                    self._explain(child)
                    continue
                key = self._key(key_node, depth)
                if (
                    key is not None
                    and key[0] == "__proto__"
                    and key_node.type != ("computed_property_name")
                ):
                    self.not_static(
                        key_node,
                        "`__proto__:` sets the object's prototype in JavaScript; it is not a key",
                        help='write `["__proto__"]:` if a key of that name is really meant',
                    )
                    key = None
                value = self.evaluate(value_node, depth + 1)
            elif kind == "method_definition":
                name = child.child_by_field_name("name")
                shown = self.snippet(name) if name is not None else "method"
                self.not_static(child, f"methods are functions, not data: `{shown}`")
                continue
            else:
                self._explain(child)
                continue
            if key is None:
                continue
            text, key_span = key
            if text in written:
                self.report(duplicate_key(self.source, text, key_span, written[text]))
            else:
                written[text] = key_span
            if value is None:
                members.pop(text, None)  # the later, unknown value replaces the earlier one
                unknown[text] = key_span
            else:
                members[text] = (key_span, value)
                unknown.pop(text, None)
        return Value(self.span(node), members=members, unknown=unknown)

    def _check_commas(self, node: Node) -> None:
        # tree-sitter accepts `{ a: 1,, }`; JavaScript does not (only arrays may have holes).
        previous = ""
        for child in node.children:
            if child.type == "comment":
                continue
            if child.type == "," and previous in ("{", ","):
                self.syntax(child, "unexpected `,`: an object has no empty members")
                return
            previous = child.type

    def _spread_members(
        self, node: Node, depth: int, members: dict[str, tuple[Span, Value]]
    ) -> None:
        argument = _expression_child(node)
        if argument is None:
            return
        value = self.evaluate(argument, depth + 1)
        if value is None:
            return
        if value.members is None:
            self.not_static(
                argument,
                f"only an object can be spread into an object; this is {value.kind()}",
            )
            return
        members.update(value.members)  # a spread may override keys: not a duplicate

    def _key(self, node: Node, depth: int) -> tuple[str, Span] | None:
        kind = node.type
        span = self.span(node)
        if kind == "property_identifier":
            return self.text(node), span
        if kind == "string":
            value = self._string(node)
            return (value.data, span) if value is not None else None
        if kind == "number":
            number = self._number(node)
            return (_to_string(number.data), span) if number is not None else None
        if kind == "computed_property_name":
            inner = _expression_child(node)
            if inner is None:
                return None
            value = self.evaluate(inner, depth + 1)
            if value is None:
                return None
            if isinstance(value.data, str) or value.is_number:
                return _to_string(value.data), self.span(inner)
            self.not_static(
                inner, f"a computed key must be a string or a number, not {value.kind()}"
            )
            return None
        if kind == "private_property_identifier":
            self.syntax(node, f"private names like `{self.text(node)}` are only allowed in classes")
            return None
        self.not_static(node, f"this key is not evaluated: `{self.snippet(node)}`")
        return None

    def _array(self, node: Node, depth: int) -> Value:
        items: list[Value] = []
        after_comma = True  # a `,` right after `[` or another `,` leaves a hole
        for child in node.children:
            kind = child.type
            if kind in ("[", "]", "comment"):
                continue
            if kind == ",":
                if after_comma:
                    self.not_static(
                        child,
                        "an empty array slot (`[a, , b]`) is `undefined`, which JSON cannot hold",
                    )
                after_comma = True
                continue
            after_comma = False
            if kind == "spread_element":
                argument = _expression_child(child)
                value = self.evaluate(argument, depth + 1) if argument is not None else None
                if value is None or argument is None:
                    continue
                if value.items is None:
                    self.not_static(
                        argument,
                        f"only an array can be spread into an array; this is {value.kind()}",
                    )
                    continue
                items.extend(value.items)
                continue
            value = self.evaluate(child, depth + 1)
            if value is not None:
                items.append(value)
        return Value(self.span(node), items=items)


# -- the tree --------------------------------------------------------------------------------


def named(node: Node) -> list[Node]:
    return [child for child in node.named_children if child.type != "comment"]


def _expression_child(node: Node, *, last: bool = False) -> Node | None:
    """The expression inside a wrapper (first named child; `<T>x` has it last)."""
    # `x as T` / `x satisfies T` have the type after the expression, `<T>x` before it.
    children = named(node)
    if not children:
        return None
    return children[-1] if last else children[0]


def _member_root(node: Node) -> Node:
    while node.type in ("member_expression", "subscript_expression"):
        inner = node.child_by_field_name("object")
        if inner is None:
            break
        node = inner
    return node


def _to_string(value: Any) -> str:
    """JavaScript's ToString for the scalars a template or `+` may join."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return ts_literals.number_to_string(value)
    return str(value)


def _binding_reason(name: str, kind: str) -> str:
    if kind in ("let", "var"):
        return f"`{name}` is declared with `{kind}`; only top-level `const` bindings are static"
    if kind == "import":
        return f"`{name}` is imported; the compiler does not read other files"
    if kind == "declare":
        return f"`{name}` is declared with `declare` and has no value in this file"
    if kind == "pattern":
        return f"`{name}` is bound by destructuring; only `const {name} = value` is static"
    article = "an" if kind[0] in "aeiou" else "a"
    return f"`{name}` is {article} {kind}, not a data value"


def _binding_help(name: str, kind: str) -> str | None:
    if kind in ("let", "var"):
        return f"declare it with `const {name} = ...` at the top level"
    if kind == "import":
        return f"copy the value into this file as a top-level `const {name} = ...`"
    return None


def first_error(root: Node) -> Node | None:
    """The first ERROR or MISSING node in document order, found without recursion."""
    node = root
    while True:
        if node.type == "ERROR" or node.is_missing:
            return node
        for child in node.children:
            if child.has_error or child.is_missing or child.type == "ERROR":
                node = child
                break
        else:
            return None


def _first_leaf(node: Node) -> Node:
    while node.child_count:
        first = node.children[0]
        node = first
    return node


class Module:
    """The top-level bindings and the default export of a parsed file."""

    def __init__(self, evaluator: Evaluator, root: Node) -> None:
        self.evaluator = evaluator
        self.defaults: list[_DefaultExport] = []
        self.named_exports: list[Node] = []
        self.export_assignments: list[Node] = []
        for statement in named(root):
            self._statement(statement)

    def _bind(
        self, name: Node, kind: str, declarator: Node | None = None, value: Node | None = None
    ) -> None:
        text = self.evaluator.text(name)
        bindings = self.evaluator.bindings
        if text in bindings:
            earlier = bindings[text]
            # `var`s and merged declarations (function + namespace) may repeat; lexical names not.
            if not {earlier.kind, kind} & {"const", "let", "import", "pattern"}:
                return
            self.evaluator.report(
                make_diagnostic(
                    SYNTAX_ERROR,
                    f"`{text}` is declared twice",
                    Label(self.evaluator.source, self.evaluator.span(name), "declared again here"),
                    secondary=(
                        Label(
                            self.evaluator.source,
                            self.evaluator.span(earlier.name),
                            "first declared here",
                        ),
                    ),
                )
            )
            return
        bindings[text] = _Binding(kind, name, declarator, value)

    def _statement(self, statement: Node) -> None:
        kind = statement.type
        if kind == "import_statement":
            self._import(statement)
        elif kind in ("lexical_declaration", "variable_declaration"):
            self._variables(statement, None)
        elif kind == "ambient_declaration":
            for inner in named(statement):
                if inner.type in ("lexical_declaration", "variable_declaration"):
                    self._variables(inner, "declare")
                elif inner.type in _DECLARATION_KINDS:
                    self._declaration(inner, "declare")
        elif kind in _DECLARATION_KINDS:
            self._declaration(statement, _DECLARATION_KINDS[kind])
        elif kind == "export_statement":
            self._export(statement)

    def _import(self, statement: Node) -> None:
        stack = list(named(statement))
        while stack:
            node = stack.pop()
            if node.type == "import_specifier":
                name = node.child_by_field_name("alias") or node.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    self._bind(name, "import")
            elif node.type == "identifier":
                self._bind(node, "import")
            elif node.type in (
                "import_clause",
                "named_imports",
                "namespace_import",
                "import_require_clause",
            ):
                stack.extend(named(node))

    def _variables(self, statement: Node, forced: str | None) -> None:
        keyword = statement.child_by_field_name("kind")
        kind = forced or (self.evaluator.text(keyword) if keyword is not None else "var")
        for declarator in named(statement):
            if declarator.type != "variable_declarator":
                continue
            name = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if name is None:
                continue
            if name.type == "identifier":
                self._bind(name, kind, declarator, value)
            else:
                for identifier in _pattern_names(name):
                    self._bind(identifier, "pattern" if kind == "const" else kind)

    def _declaration(self, node: Node, kind: str) -> None:
        name = node.child_by_field_name("name")
        if name is not None and name.type in ("identifier", "type_identifier"):
            self._bind(name, kind)

    def _export(self, statement: Node) -> None:
        children = statement.children
        is_default = any(child.type == "default" for child in children)
        declaration = statement.child_by_field_name("declaration")
        if is_default:
            if declaration is not None:
                self._statement(declaration)
            self.defaults.append(
                _DefaultExport(
                    statement, statement.child_by_field_name("value"), declaration=declaration
                )
            )
            return
        if any(child.type == "=" for child in children):
            self.export_assignments.append(statement)
            return
        if declaration is not None:
            self._statement(declaration)
            self.named_exports.append(declaration)
            return
        source = statement.child_by_field_name("source")
        for clause in named(statement):
            if clause.type != "export_clause":
                continue
            for specifier in named(clause):
                name = specifier.child_by_field_name("name")
                alias = specifier.child_by_field_name("alias")
                exported = alias if alias is not None else name
                if exported is None or name is None:
                    continue
                if _export_name(self.evaluator.text(exported)) == "default":
                    self.defaults.append(
                        _DefaultExport(statement, None, reference=name, source=source)
                    )
                else:
                    self.named_exports.append(specifier)


def _export_name(text: str) -> str:
    # `export { x as "default" }` names the export with a string.
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'" else text


def _pattern_names(pattern: Node) -> list[Node]:
    """The identifiers a destructuring pattern binds (iteratively)."""
    names: list[Node] = []
    stack = [pattern]
    while stack:
        node = stack.pop()
        if node.type in ("identifier", "shorthand_property_identifier_pattern"):
            names.append(node)
        elif node.type == "pair_pattern":
            value = node.child_by_field_name("value")
            if value is not None:
                stack.append(value)
        elif node.type == "assignment_pattern":
            left = node.child_by_field_name("left")
            if left is not None:
                stack.append(left)
        else:
            stack.extend(named(node))
    return names


# -- parsing a file -------------------------------------------------------------------------


def prepare(source: SourceFile) -> tuple[Node, Evaluator]:
    """The syntax tree of a TypeScript file, and an evaluator over it (no bindings yet)."""
    text = source.text
    # A byte-order mark is not TypeScript; a space keeps every character offset where it was.
    parse_text = " " + text[1:] if text.startswith("\ufeff") else text
    data = parse_text.encode("utf-8", "surrogatepass")
    tree = Parser(_LANGUAGE).parse(data)
    return tree.root_node, Evaluator(source, data, ByteToChar(parse_text), {})


def syntax_error(evaluator: Evaluator, error: Node) -> Diagnostic:
    source = evaluator.source
    parent = error.parent
    if error.is_missing and error.type in _QUOTES and parent is not None and parent.child_count:
        # A quote is missing at the line's end: point at the one that opened the string.
        message = (
            "this template literal is never closed"
            if error.type == "`"
            else "this string is never closed (a string cannot span lines)"
        )
        return make_diagnostic(
            SYNTAX_ERROR, message, Label(source, evaluator.span(parent.children[0]))
        )
    root = error
    while root.parent is not None:
        root = root.parent
    comma = missing_comma(Parser(_LANGUAGE), evaluator.data, root, error)
    if comma is not None:
        before, at = comma
        return make_diagnostic(
            SYNTAX_ERROR,
            "`,` expected",
            Label(source, evaluator.span(at), "`,` expected before this"),
            secondary=(Label(source, evaluator.span(before), "this value has no `,` after it"),),
            help="separate the members of an object, array or argument list with `,`",
        )
    if error.is_missing:
        wanted = f"`{error.type}`" if not error.is_named else _describe(error.type)
        return make_diagnostic(
            SYNTAX_ERROR, f"expected {wanted}", Label(source, evaluator.span(error))
        )
    node, message = _explain_error(evaluator, error)
    return make_diagnostic(SYNTAX_ERROR, message, Label(source, evaluator.span(node)))


_OPENERS = {"{": "}", "[": "]", "(": ")", "${": "}"}
_QUOTES = {'"': "string", "'": "string", "`": "template_string"}


def _explain_error(evaluator: Evaluator, error: Node) -> tuple[Node, str]:
    """Where an ERROR node went wrong: an unclosed quote or bracket, else its first token."""
    open_brackets: list[Node] = []
    for leaf in leaves(error):
        kind = leaf.type
        parent = leaf.parent
        if kind in _QUOTES and (parent is None or parent.type != _QUOTES[kind]):
            what = "string" if kind != "`" else "template literal"
            return leaf, f"this {what} is never closed"
        if kind in _OPENERS:
            open_brackets.append(leaf)
        elif open_brackets and kind == _OPENERS[open_brackets[-1].type]:
            open_brackets.pop()
    at_end = not evaluator.data[error.end_byte :].strip()
    if open_brackets and at_end:
        opener = open_brackets[-1]
        return opener, f"{_code(opener.type)} is never closed"
    first = _first_leaf(error)
    token = " ".join(evaluator.text(first).split())
    if not token:
        return first, "unexpected end of file" if at_end else "unexpected text"
    return first, f"unexpected {_code(ts_literals.shown(token, 30))}"


def _code(token: str) -> str:
    return f"'{token}'" if "`" in token else f"`{token}`"


def _describe(node_type: str) -> str:
    if node_type == "identifier":
        return "a name or an expression"
    return "a " + node_type.replace("_", " ")


def flatten(
    value: Value,
    path: JsonPath,
    value_spans: dict[JsonPath, Span],
    key_spans: dict[JsonPath, Span],
    unknown: set[JsonPath] | None = None,
) -> Any:
    """Plain JSON data and a span per path; nesting is bounded by MAX_DEPTH already.
    `unknown` collects the paths of members whose value is not static."""
    value_spans[path] = value.span
    if value.members is not None:
        if unknown is not None and value.unknown:
            unknown.update((*path, key) for key in value.unknown if key not in value.members)
        result: dict[str, Any] = {}
        for key, (key_span, member) in value.members.items():
            member_path = (*path, key)
            key_spans[member_path] = key_span
            result[key] = flatten(member, member_path, value_spans, key_spans, unknown)
        return result
    if value.items is not None:
        return [
            flatten(item, (*path, index), value_spans, key_spans, unknown)
            for index, item in enumerate(value.items)
        ]
    return value.data


# -- other TypeScript files (route files) ----------------------------------------------------


class StaticModule:
    """Any TypeScript file (a route file, say), parsed once, whose expressions the static
    evaluator above can value one at a time: the same subset and the same BF004 reasons as for
    the manifest. The evaluation budget (MAX_VALUES steps) is shared by every call on the file.
    """

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.root, self._evaluator = prepare(source)
        error = first_error(self.root) if self.root.has_error else None
        #: BF001 at the first syntax error, None when the file parses.
        self.syntax_error = None if error is None else syntax_error(self._evaluator, error)
        self._module: Module | None = None
        #: BF001 found while reading the top-level names (a name declared twice).
        self.declaration_errors: list[Diagnostic] = []
        self._exhausted = False

    def span(self, node: Node) -> Span:
        return self._evaluator.span(node)

    def text(self, node: Node) -> str:
        return self._evaluator.text(node)

    def evaluate(self, node: Node) -> tuple[LocatedDocument | None, list[Diagnostic]]:
        """The static value of one expression with a span per path, or None; and why not."""
        evaluator = self._evaluator
        if self._module is None:
            self._module = Module(evaluator, self.root)
            self.declaration_errors = list(evaluator.diagnostics)
        if self._exhausted:
            return None, []
        evaluator.diagnostics, evaluator._seen = [], set()
        try:
            value = evaluator.evaluate(node, 1)
        except Abort:
            self._exhausted = True
            value = None
        diagnostics = sorted(evaluator.diagnostics, key=Diagnostic.sort_key)
        if value is None:
            return None, diagnostics
        value_spans: dict[JsonPath, Span] = {}
        key_spans: dict[JsonPath, Span] = {}
        data_value = flatten(value, (), value_spans, key_spans)
        return LocatedDocument(self.source, data_value, value_spans, key_spans), diagnostics
