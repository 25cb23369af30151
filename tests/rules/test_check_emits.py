"""A check reports only the rules it declares (`Check.emits`), at paths it reads, and
`check --select/--ignore` may therefore skip a check whose rules are all deselected: the
diagnostics kept are exactly those of a full run, filtered.

The cases: every golden manifest, and golden manifests mutated by Hypothesis (a subtree deleted,
or replaced by a subtree of another golden manifest, so the values stay the kind the checks
look at).
"""

from __future__ import annotations

import copy
import importlib
import json
import pkgutil
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backfill_codegen import driver, rules
from backfill_codegen.checks import ALL_CHECKS
from backfill_codegen.checks.structure import check_shape
from backfill_codegen.diagnostics.model import JsonPath, Rule
from backfill_codegen.pipeline import check_manifest
from backfill_codegen.workspace import find_manifests
from tests.support.paths import ROOT

GOLDEN = ROOT / "golden"
MANIFESTS = find_manifests([GOLDEN])
VALUES = [r.manifest for r in map(check_manifest, MANIFESTS) if isinstance(r.manifest, dict)]


def _overlaps(a: JsonPath, b: JsonPath) -> bool:
    length = min(len(a), len(b))
    return a[:length] == b[:length]


def _assert_checks_keep_their_word(manifest: dict[str, Any]) -> None:
    """Run every check as the pipeline does (not where the shape is broken under its reads)."""
    _, broken = check_shape(manifest)
    for check in ALL_CHECKS:
        if any(_overlaps(read, bad) for read in check.reads for bad in broken):
            continue
        for finding in check.run(manifest):
            assert finding.rule in check.emits, (check.name, finding.code, finding.message)
            assert any(_overlaps(read, finding.at.path) for read in check.reads), (
                check.name,
                finding.at.path,
            )


def test_the_golden_manifests_are_read() -> None:
    assert len(VALUES) > 60


def test_check_names_are_unique() -> None:
    """--select/--ignore name the checks to skip by name."""
    assert len({check.name for check in ALL_CHECKS}) == len(ALL_CHECKS)


@pytest.mark.parametrize("index", range(len(VALUES)))
def test_golden_findings_are_declared(index: int) -> None:
    _assert_checks_keep_their_word(VALUES[index])


def _paths(value: Any, path: JsonPath = ()) -> Iterator[JsonPath]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


def _at(value: Any, path: JsonPath) -> Any:
    for step in path:
        value = value[step]
    return value


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    manifest = copy.deepcopy(draw(st.sampled_from(VALUES)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [path for path in _paths(manifest) if path]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _at(manifest, path[:-1])
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
            continue
        donor = draw(st.sampled_from(VALUES))
        parent[path[-1]] = copy.deepcopy(_at(donor, draw(st.sampled_from(list(_paths(donor))))))
    return manifest


@given(mutated())
def test_mutated_findings_are_declared(manifest: dict[str, Any]) -> None:
    _assert_checks_keep_their_word(manifest)


# --- Skipping changes nothing that is kept. ----------------------------------------------------


def _selections(codes: set[str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each code found selected and ignored alone, and the route-file rules (whose comparisons
    depend on other checks' errors) selected and ignored."""
    wanted: list[tuple[tuple[str, ...], tuple[str, ...]]] = [(("BF7",), ()), ((), ("BF7",))]
    for code in sorted(codes):
        wanted += [((code,), ()), ((), (code,)), ((code[:3],), (code,))]
    return wanted


def _kept(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    return (not select or code.startswith(select)) and not (ignore and code.startswith(ignore))


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: str(p.relative_to(GOLDEN)))
def test_select_and_ignore_keep_what_a_full_run_keeps(manifest: Path) -> None:
    full = check_manifest(manifest).diagnostics
    for select, ignore in _selections({d.code for d in full}):
        found = check_manifest(manifest, driver.skipped_checks(select, ignore)).diagnostics
        # repr: a SourceFile's cached line table is not part of what a diagnostic says
        kept = [repr(d) for d in found if _kept(d.code, select, ignore)]
        assert kept == [repr(d) for d in full if _kept(d.code, select, ignore)], (select, ignore)


def test_a_deselected_check_is_skipped() -> None:
    skip = driver.skipped_checks(("BF6",), ())
    assert "permissions" not in skip
    assert {"settings-dialect", "oauth-type", "name"} <= skip
    assert driver.skipped_checks((), ()) == frozenset()


#: Golden connectors with route files: their `src/` folders, to put beside mutated manifests.
ROUTE_SOURCES = sorted(path for path in GOLDEN.glob("*/src") if (path / "api").is_dir())


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.sampled_from(ROUTE_SOURCES))
def test_skipping_beside_route_files_changes_nothing_kept(
    manifest: dict[str, Any], source: Path
) -> None:
    """Beside route files, a check's error keeps the route files from being compared with that
    part of the manifest: skipping a check that could report one would add route-file
    diagnostics. The pipeline runs such checks, so what is kept is the same."""
    with tempfile.TemporaryDirectory() as folder:
        connector = Path(folder) / "acme"
        shutil.copytree(source, connector / "src", symlinks=True)
        path = connector / "backfill.config.json"
        path.write_text(json.dumps(manifest), encoding="utf-8")
        full = check_manifest(path).diagnostics
        for select, ignore in [(("BF7",), ()), *[((), (d.code,)) for d in full[:2]]]:
            found = check_manifest(path, driver.skipped_checks(select, ignore)).diagnostics
            kept = [repr(d) for d in found if _kept(d.code, select, ignore)]
            assert kept == [repr(d) for d in full if _kept(d.code, select, ignore)], select


def test_an_error_a_skipped_check_would_report_still_guards_the_route_files(
    tmp_path: Path,
) -> None:
    """`--select BF7` with an invalid `testConnection` route (BF201): the route check still runs,
    so no route file is looked for under the invalid route (no BF701)."""
    (tmp_path / "src" / "api").mkdir(parents=True)
    path = tmp_path / "backfill.config.json"
    route = {"route": "/setup/Test", "method": "POST"}
    path.write_text(json.dumps({"name": "acme", "connection": {"testConnection": route}}))
    skip = driver.skipped_checks(("BF7",), ())
    assert "test-connection-route" in skip
    assert [d.code for d in check_manifest(path).diagnostics] == ["BF201"]
    assert [d.code for d in check_manifest(path, skip).diagnostics] == ["BF201"]


def _area(rule: Rule) -> str:
    """The rules module that defines `rule`."""
    for info in pkgutil.iter_modules(rules.__path__):
        module = importlib.import_module(f"backfill_codegen.rules.{info.name}")
        if rule in module.RULES:
            return info.name
    raise AssertionError(rule.code)


def test_each_check_emits_the_rules_of_its_own_area() -> None:
    """Rules files pair with producers: checks/<area>.py emits rules/<area>.py's rules. The
    exceptions are the ones the rules files' docstrings name: the `name` check reports a shape
    rule (rules/manifest.py), and too-complex (rules/source.py) is every stage's limit rule."""
    exceptions = {("project", "manifest"), ("budgets", "source"), ("settings", "source")}
    for check in ALL_CHECKS:
        producer = check.run.__module__.removeprefix("backfill_codegen.checks.")
        for rule in check.emits:
            area = _area(rule)
            assert area == producer or (producer, area) in exceptions, (check.name, rule.code)
