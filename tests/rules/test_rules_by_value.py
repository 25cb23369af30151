"""Rules are referenced by value: the compiler names a rule by its constant in `rules/<area>.py`
(`Finding(UNKNOWN_KEY, ...)`, `d.code == SYNTAX_ERROR.code`), never by a `"BFxxx"` string, so a
typo is an import error at start-up rather than a KeyError when the rule first fires.

The scan reads the syntax tree: docstrings and comments may name codes; any other string
literal (messages and help text included: they interpolate `RULE.code`) may not.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

from backfill_codegen import rules
from backfill_codegen.diagnostics.registry import all_rules
from backfill_codegen.rules import AREAS
from tests.support.paths import ROOT

PACKAGE = ROOT / "compiler" / "backfill_codegen"
CODE = re.compile(r"BF\d{3}")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def code_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal naming a rule code, docstrings aside."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and CODE.search(node.value)
    )


def _modules() -> list[Path]:
    return sorted(
        path for path in PACKAGE.rglob("*.py") if path.relative_to(PACKAGE).parts[0] != "rules"
    )


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_rule_code_literal_outside_the_catalogue(path: Path) -> None:
    found = code_literals(path.read_text(encoding="utf-8"))
    assert found == [], f"name the rule by its constant in rules/<area>.py: {found}"


def test_the_scan_sees_literals_and_spares_docstrings_and_comments() -> None:
    source = (
        '"""BF101 in a docstring."""\n'
        "def f():\n"
        '    """BF102 here too."""\n'
        '    x = "BF103"  # BF104 in a comment\n'
        '    return f"see BF105 {x}"\n'
    )
    assert code_literals(source) == [(4, "BF103"), (5, "see BF105 ")]


def test_each_rule_is_a_constant_named_for_it() -> None:
    """`UNKNOWN_KEY = Rule("BF102", "unknown-key", ...)`: the constant is the rule's name in
    upper snake case, and `RULES` is the tuple of the area's constants."""
    seen = set()
    for info in pkgutil.iter_modules(rules.__path__):
        module = importlib.import_module(f"backfill_codegen.rules.{info.name}")
        for rule in module.RULES:
            constant = rule.name.upper().replace("-", "_")
            assert getattr(module, constant) is rule, (info.name, rule.code)
            seen.add(rule.code)
    assert seen == set(all_rules())
    assert sum(len(area) for area in AREAS) == len(seen)
