"""The domain package (`backfill_codegen/domain/`) is a leaf layer: facts about JSON Schema,
URLs, templates and routes that checks, emitters and front ends all read. It must import none
of them, not even through a function-level import or another module, or the layers circle."""

from __future__ import annotations

from tests.support.import_graph import graph

PACKAGE = "backfill_codegen"
DOMAIN = f"{PACKAGE}.domain"
#: The layers above the domain.
FORBIDDEN = tuple(
    f"{PACKAGE}.{name}" for name in ("checks", "emit", "frontends", "route_files", "driver", "cli")
)


def _above(module: str) -> bool:
    return any(module == layer or module.startswith(layer + ".") for layer in FORBIDDEN)


def _reach(edges: dict[str, set[str]], start: str) -> set[str]:
    """Every module `start` loads, directly or through others."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        for target in edges[stack.pop()]:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def test_the_domain_imports_no_layer_above_it() -> None:
    edges, _ = graph(hidden=True)
    domain = sorted(m for m in edges if m == DOMAIN or m.startswith(DOMAIN + "."))
    assert f"{DOMAIN}.dialects" in domain
    bad = {m: sorted(t for t in _reach(edges, m) if _above(t)) for m in domain}
    assert {m: found for m, found in bad.items() if found} == {}


def test_the_check_sees_a_forbidden_import() -> None:
    edges = {f"{DOMAIN}.a": {f"{PACKAGE}.limits"}, f"{PACKAGE}.limits": {f"{PACKAGE}.checks.x"}}
    edges[f"{PACKAGE}.checks.x"] = set()
    assert sorted(t for t in _reach(edges, f"{DOMAIN}.a") if _above(t)) == [f"{PACKAGE}.checks.x"]
