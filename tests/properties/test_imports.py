"""No import circles in the package: among module-level imports, and none closed through a
function-level import either. The same check runs from the command line:
`python -m tests.support.import_graph` (it prints the graph's size and every function-level
import)."""

from __future__ import annotations

from tests.support.import_graph import cycles, graph, modules


def test_the_graph_covers_the_package() -> None:
    found = modules()
    assert {"backfill_codegen.cli", "backfill_codegen.driver", "backfill_codegen.workspace"} <= set(
        found
    )


def test_no_cycles_among_module_level_imports() -> None:
    edges, _ = graph()
    assert cycles(edges) == [], "import cycles; run `python -m tests.support.import_graph`"


def test_no_cycle_hides_behind_a_function_level_import() -> None:
    edges, _ = graph(hidden=True)
    assert cycles(edges) == [], "import cycles; run `python -m tests.support.import_graph`"


def test_the_cycle_finder_finds_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(edges) == [["a", "b", "c"], ["e"]]


def test_workspace_imports_nothing_of_the_project() -> None:
    edges, in_functions = graph(hidden=True)
    assert edges["backfill_codegen.workspace"] == set()
    assert "backfill_codegen.workspace" not in in_functions
