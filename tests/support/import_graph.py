"""The package's module-level import graph, and its cycles (there must be none).

Run `python -m tests.support.import_graph` from the project root: it prints every cycle among the
imports that run when a module is imported (module level, `if TYPE_CHECKING:` blocks left out)
and the imports left inside functions, and exits 1 when there is a cycle. An edge goes to the
module an import names (`from a.b import c`: a.b.c when it is a module, else a.b), not to the
packages above it, as import-linter counts them. tests/properties/test_imports.py
runs the same check in the suite. Built with `ast` over compiler/backfill_codegen/: no module is
imported.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = "backfill_codegen"
ROOT = Path(__file__).resolve().parents[2] / "compiler" / PACKAGE


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package by dotted name (the bundled example connector aside)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[0] == "example":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join((PACKAGE, *parts))] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, *, in_function: bool) -> Iterator[tuple[ast.stmt, bool]]:
    """Each import statement, and whether it sits inside a function."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, in_function
        elif isinstance(node, ast.If) and _is_type_checking(node) and not in_function:
            continue  # read by type checkers only
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from _imports(node, in_function=True)
        else:
            yield from _imports(node, in_function=in_function)


def _targets(node: ast.stmt, name: str, is_package: bool, known: dict[str, Path]) -> set[str]:
    """The package's modules an import statement in module `name` loads."""
    found = set()
    if isinstance(node, ast.Import):
        candidates = [alias.name for alias in node.names]
    else:
        assert isinstance(node, ast.ImportFrom)
        base = node.module or ""
        if node.level:
            parts = name.split(".")
            parts = parts if is_package else parts[:-1]
            parts = parts[: len(parts) - node.level + 1]
            base = ".".join([*parts, base] if base else parts)
        # `from a.b import c`: the module a.b.c when there is one, else a name of a.b.
        submodules = [f"{base}.{alias.name}" for alias in node.names]
        candidates = [m for m in submodules if m in known]
        if len(candidates) < len(submodules):
            candidates.append(base)
    for candidate in candidates:
        if candidate in known and candidate != name:
            found.add(candidate)
    return found


def graph(root: Path = ROOT, *, hidden: bool = False) -> tuple[dict[str, set[str]], dict[str, int]]:
    """Module-level edges between the package's modules (with `hidden`, function-level imports
    too), and the count of function-level imports (of anything) in each module."""
    known = modules(root)
    edges: dict[str, set[str]] = {name: set() for name in known}
    in_functions: dict[str, int] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node, in_function in _imports(tree, in_function=False):
            if in_function:
                in_functions[name] = in_functions.get(name, 0) + 1
                if not hidden:
                    continue
            edges[name] |= _targets(node, name, path.name == "__init__.py", known)
    return edges, in_functions


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (or a self-import),
    sorted (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    found.append(sorted(component))
    return sorted(found)


def main() -> int:
    edges, in_functions = graph()
    found = cycles(edges)
    for component in found:
        print("cycle:", " <-> ".join(component))
    # For information: the circles that function-level imports still close (start-up needs).
    for component in cycles(graph(hidden=True)[0]):
        print("through a function-level import:", " <-> ".join(component))
    total = sum(in_functions.values())
    print(f"{len(edges)} modules, {sum(map(len, edges.values()))} module-level imports")
    print(f"{len(found)} import cycle(s) among module-level imports")
    print(f"{total} function-level import(s):")
    for name, count in sorted(in_functions.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {count:3}  {name}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
