"""The TypeScript front end: the default export of `backfill.config.ts`, evaluated statically.

The file is never run: the static evaluator (frontends/ts_static.py) values the default export
(`export default defineConfig({...})`, `export default {...}`, `export default config`,
`export { config as default }`). Syntax errors (BF001), no default export (BF005) and resource
limits (BF006) leave no document; not-static values (BF004), duplicate keys (BF003) and lone
surrogates (BF008) keep it.
"""

from __future__ import annotations

from tree_sitter import Node

from backfill_codegen.diagnostics.model import Diagnostic, JsonPath, Label
from backfill_codegen.diagnostics.registry import make_diagnostic
from backfill_codegen.frontends.base import FrontendResult, LocatedDocument
from backfill_codegen.frontends.ts_static import (
    Abort,
    Evaluator,
    Module,
    Value,
    first_error,
    flatten,
    named,
    prepare,
    syntax_error,
)
from backfill_codegen.rules.source import (
    EMPTY_MANIFEST,
    NO_DEFAULT_EXPORT,
    SYNTAX_ERROR,
    TOO_COMPLEX,
)
from backfill_codegen.source import SourceFile, Span


def parse(source: SourceFile) -> FrontendResult:
    """Read `backfill.config.ts`: its default export as a located value, or why there is none."""
    root, evaluator = prepare(source)

    error = first_error(root) if root.has_error else None
    if error is not None:
        return FrontendResult(None, [syntax_error(evaluator, error)])
    if not named(root):
        span = Span(0, 0)
        return FrontendResult(
            None,
            [
                make_diagnostic(
                    EMPTY_MANIFEST,
                    "the manifest is empty",
                    Label(source, span),
                    help='write `export default defineConfig({ name: "my-connector" })`',
                )
            ],
        )

    module = Module(evaluator, root)
    value = _evaluate_default(evaluator, module)
    diagnostics = sorted(evaluator.diagnostics, key=Diagnostic.sort_key)
    fatal = any(
        d.code in (SYNTAX_ERROR.code, NO_DEFAULT_EXPORT.code, TOO_COMPLEX.code) for d in diagnostics
    )
    if value is None or fatal:
        return FrontendResult(None, diagnostics)
    value_spans: dict[JsonPath, Span] = {}
    key_spans: dict[JsonPath, Span] = {}
    unknown: set[JsonPath] = set()
    data_value = flatten(value, (), value_spans, key_spans, unknown)
    document = LocatedDocument(source, data_value, value_spans, key_spans, unknown)
    return FrontendResult(document, diagnostics)


def _evaluate_default(evaluator: Evaluator, module: Module) -> Value | None:
    source = evaluator.source
    if not module.defaults:
        evaluator.report(_no_default_export(evaluator, module))
        return None
    first = module.defaults[0]
    for extra in module.defaults[1:]:
        evaluator.report(
            make_diagnostic(
                SYNTAX_ERROR,
                "a module can have only one default export",
                Label(source, evaluator.span(extra.statement), "exported again here"),
                secondary=(Label(source, evaluator.span(first.statement), "first exported here"),),
            )
        )
    try:
        if first.expression is not None:
            return evaluator.evaluate(first.expression, 1)
        if first.source is not None:
            evaluator.not_static(
                first.statement,
                f"the default export comes from {evaluator.snippet(first.source)}; "
                "the compiler does not read other files",
                help="write the manifest in `backfill.config.ts` itself",
            )
            return None
        if first.reference is not None:
            # `export { config as default }` is a live binding: read after every `const` ran.
            return _export_reference(evaluator, first.reference)
        target = first.declaration if first.declaration is not None else first.statement
        evaluator.not_static(
            target,
            "the default export is a declaration, not a value; export the manifest object",
            help="write `export default defineConfig({ ... })`",
        )
        return None
    except Abort:
        return None


def _export_reference(evaluator: Evaluator, name: Node) -> Value | None:
    text = evaluator.text(name)
    binding = evaluator.bindings.get(text)
    if binding is not None and binding.kind == "const" and binding.value is not None:
        return evaluator.evaluate(binding.value, 1)
    return evaluator.reference(name, 1)


def _no_default_export(evaluator: Evaluator, module: Module) -> Diagnostic:
    source = evaluator.source
    if module.export_assignments:
        statement = module.export_assignments[0]
        return make_diagnostic(
            NO_DEFAULT_EXPORT,
            "`export =` is not a default export",
            Label(source, evaluator.span(statement)),
            help="write `export default` instead of `export =`",
        )
    if module.named_exports:
        exported = module.named_exports[0]
        name = exported.child_by_field_name("name")
        if exported.type == "lexical_declaration":
            declarators = [d for d in named(exported) if d.type == "variable_declarator"]
            name = declarators[0].child_by_field_name("name") if declarators else None
        label_node = name if name is not None else exported
        shown = evaluator.text(label_node) if name is not None else "config"
        return make_diagnostic(
            NO_DEFAULT_EXPORT,
            "`backfill.config.ts` has no `export default`",
            Label(source, evaluator.span(label_node), "a named export, not the default"),
            help=f"make the manifest the default export: `export default {shown};`",
        )
    return make_diagnostic(
        NO_DEFAULT_EXPORT,
        "`backfill.config.ts` has no `export default`",
        Label(source, Span(0, 0)),
        help='add `export default defineConfig({ name: "my-connector" });`',
    )
