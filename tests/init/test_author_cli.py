"""The command line as a connector author meets it: a route file or a folder inside a connector
stands for the connector (its manifest is found upwards, as tsc finds tsconfig.json); `generate`
takes --select/--ignore; a subcommand's usage error shows that subcommand's usage; `openapi`
defaults to `.` and names the manifests when several are found; `-o` collisions name both
connectors; two connectors with one `name` are BF105."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from backfill_codegen.driver import GENERATE_IGNORABLE
from backfill_codegen.pipeline import SCAFFOLDED, check_manifest
from backfill_codegen.workspace import MANIFEST_NAMES
from tests.support.golden_support import run_cli as run
from tests.support.paths import GOLDEN


def _connector(root: Path, name: str = "acme", template: str = "api-key") -> Path:
    assert run(["init", name, "--template", template], root)[0] == 0
    return root / name


def test_a_route_file_or_a_folder_inside_checks_its_connector(tmp_path: Path) -> None:
    connector = _connector(tmp_path)
    route = connector / "src" / "api" / "setup" / "test_connection.ts"
    route.write_text(route.read_text("utf-8").replace("api.example.com", "api.exmaple.com"))
    expected = {("src/api/setup/test_connection.ts", "BF705"), ("backfill.config.ts", "BF707")}
    for cwd, args in [
        (tmp_path, ["acme/src/api/setup/test_connection.ts"]),  # what lint-staged passes
        (connector / "src" / "api", []),  # `check` run from inside the connector
        (connector / "src" / "api", ["setup"]),
        (connector, ["src/api/setup/test_connection.ts", "backfill.config.ts"]),  # once
    ]:
        status, out, err = run(["check", *args, "--format", "json"], cwd)
        assert status == 1, err
        found = json.loads(out)
        where = {
            (str((cwd / d["file"]).resolve().relative_to(connector)), d["code"]) for d in found
        }
        assert where == expected and len(found) == 2, (cwd, args, found)


def test_no_manifest_in_or_above_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    status, _, err = run(["check", "empty"], tmp_path)
    assert status == 2 and "no manifest found in it or above it" in err


def _golden_errors() -> dict[str, tuple[Path, set[str]]]:
    cases = {}
    for case in sorted(p for p in GOLDEN.iterdir() if p.is_dir()):
        manifests = [case / n for n in MANIFEST_NAMES if (case / n).is_file()]
        if len(manifests) == 1 and not manifests[0].is_symlink():
            errors = {
                d.code for d in check_manifest(manifests[0]).diagnostics if d.severity == "error"
            }
            if errors:
                cases[case.name] = (case, errors)
    return cases


def test_generate_ignores_only_what_it_can_build_from(tmp_path: Path) -> None:
    """Every golden case with errors, generated with `--ignore` of all its error codes: when
    they are all GENERATE_IGNORABLE it generates (and `--check` agrees); otherwise it stops
    with the errors shown and writes nothing. Never an internal error."""
    ignorable = 0
    for name, (case, errors) in _golden_errors().items():
        work = tmp_path / name
        shutil.copytree(case, work, ignore=shutil.ignore_patterns("expected"), symlinks=True)
        args = ["generate", ".", "-j", "1", "--ignore", *sorted(errors)]
        status, _, err = run(args, work)
        assert "internal error" not in err, (name, err)
        if errors <= GENERATE_IGNORABLE | SCAFFOLDED:
            ignorable += 1
            assert status == 0, (name, err)
            assert run([*args, "--check"], work)[0] == 0, name
        else:
            assert status == 1 and "error[" in err, (name, status, err)
            assert not (work / "generated").exists(), name
    assert ignorable >= 8


def test_bf510_help_is_true(tmp_path: Path) -> None:
    """BF510's explanation: a local dogfood manifest may keep it with `--ignore BF510`."""
    work = tmp_path / "case"
    shutil.copytree(
        GOLDEN / "bf510-pasted-oauth-token", work, ignore=shutil.ignore_patterns("expected")
    )
    assert run(["generate", "-j", "1"], work)[0] == 1
    assert run(["generate", "-j", "1", "--ignore", "BF510"], work)[0] == 0
    assert run(["generate", "-j", "1", "--ignore", "BF999"], work)[0] == 2


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (["generate", "--bogus"], "usage: backfill-codegen generate"),
        (["check", "--select"], "usage: backfill-codegen check"),
        (["init", "a", "b"], "usage: backfill-codegen init"),
        (["schema", "extra"], "usage: backfill-codegen schema"),
        (["explain", "BF101", "BF102"], "usage: backfill-codegen explain"),
    ],
)
def test_a_usage_error_shows_the_subcommand_usage(
    args: list[str], usage: str, tmp_path: Path
) -> None:
    status, _, err = run(args, tmp_path)
    assert status == 2 and err.startswith(usage), err


def test_openapi_defaults_to_the_current_folder_and_names_several(tmp_path: Path) -> None:
    connector = _connector(tmp_path)
    status, out, _ = run(["openapi"], connector)
    assert status == 0 and json.loads(out)["openapi"].startswith("3.1")
    _connector(tmp_path, "other", "oauth")
    status, out, err = run(["openapi"], tmp_path)
    assert status == 2 and out == ""
    assert "holds 2 manifests; name one" in err
    assert "acme/backfill.config.ts" in err and "other/backfill.config.ts" in err


def test_two_connectors_with_one_name(tmp_path: Path) -> None:
    """In one tree: BF105 on the second, pointing at the first. Into one `-o` folder while the
    first is unchanged since the last run (a cache hit, so not checked again): a usage error
    naming both."""
    tree = tmp_path / "tree"
    tree.mkdir()
    _connector(tree)
    other = _connector(tree, "other")
    assert run(["generate", "-o", "../out"], tree)[0] == 0
    manifest = other / "backfill.config.ts"
    manifest.write_text(manifest.read_text("utf-8").replace('name: "other"', 'name: "acme"'))
    status, out, _ = run(["check", "--format", "json"], tree)
    (duplicate,) = json.loads(out)
    assert status == 1 and duplicate["code"] == "BF105"
    assert duplicate["file"] == "other/backfill.config.ts"
    assert "acme/backfill.config.ts" in duplicate["message"]
    status, _, err = run(["generate", "-o", "../out"], tree)
    assert status == 2, err
    assert "acme/backfill.config.ts and other/backfill.config.ts would both generate into" in err
