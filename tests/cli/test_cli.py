"""The command line: exit statuses, usage errors, explain, select/ignore, the bundled example."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backfill_codegen.diagnostics.registry import all_rules
from tests.support.golden_support import run_cli
from tests.support.paths import ROOT


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_example_passes(tmp_path: Path) -> None:
    status, stdout, stderr = run_cli(["check", "--example"], tmp_path)
    assert (status, stderr) == (0, "")
    assert "All checks passed" in stdout


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    status, stdout, stderr = run_cli(["check", "nowhere"], tmp_path)
    assert status == 2 and stdout == ""
    assert "nowhere: no such file or directory" in stderr


def test_directory_without_manifest_is_a_usage_error(tmp_path: Path) -> None:
    status, _, stderr = run_cli(["check", "."], tmp_path)
    assert status == 2
    assert "no manifest found" in stderr


def test_two_manifests_in_one_folder_is_a_usage_error(tmp_path: Path) -> None:
    _write(tmp_path, "backfill.config.json", '{"name": "a"}')
    _write(tmp_path, "backfill.config.yaml", "name: a\n")
    status, _, stderr = run_cli(["check"], tmp_path)
    assert status == 2 and "more than one manifest" in stderr


def test_directory_search_is_recursive_and_sorted(tmp_path: Path) -> None:
    for name in ("b", "a"):
        (tmp_path / name).mkdir()
        _write(tmp_path / name, "backfill.config.json", '{"name": "Bad"}')
    status, stdout, _ = run_cli(["check", ".", "--format", "concise"], tmp_path)
    assert status == 1
    lines = [line for line in stdout.splitlines() if "BF104" in line]
    assert [line.split(":")[0] for line in lines] == [
        "a/backfill.config.json",
        "b/backfill.config.json",
    ]


def test_warnings_alone_exit_zero(tmp_path: Path) -> None:
    manifest = {
        "name": "acme",
        "connection": {
            "setup": {"webhookUrlTemplate": "/api/v1/extensions/<tenant_id>/acme/routes/hook"}
        },
    }
    _write(tmp_path, "backfill.config.json", json.dumps(manifest))
    status, stdout, _ = run_cli(["check", "--format", "concise"], tmp_path)
    assert status == 0 and "BF304" in stdout


def test_select_and_ignore(tmp_path: Path) -> None:
    _write(tmp_path, "backfill.config.json", '{"name": "Bad", "extra": 1}')
    status, stdout, _ = run_cli(["check", "--format", "json", "--ignore", "BF104"], tmp_path)
    assert status == 1 and [d["code"] for d in json.loads(stdout)] == ["BF102"]
    status, stdout, _ = run_cli(["check", "--format", "json", "--select", "BF1"], tmp_path)
    assert sorted(d["code"] for d in json.loads(stdout)) == ["BF102", "BF104"]
    status, stdout, _ = run_cli(["check", "--format", "json", "--ignore", "BF1"], tmp_path)
    assert status == 0 and json.loads(stdout) == []


def test_unknown_select_code_is_a_usage_error(tmp_path: Path) -> None:
    _write(tmp_path, "backfill.config.json", '{"name": "a"}')
    status, _, stderr = run_cli(["check", "--select", "XX9"], tmp_path)
    assert status == 2 and "unknown rule code" in stderr


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_explain_every_rule(code: str, tmp_path: Path) -> None:
    status, stdout, _ = run_cli(["explain", code], tmp_path)
    rule = all_rules()[code]
    assert status == 0
    assert stdout.startswith(f"{code} {rule.name} ({rule.severity.value})")
    assert rule.explanation in stdout and "Good:" in stdout


def test_every_rule_is_documented() -> None:
    for rule in all_rules().values():
        assert rule.summary and rule.explanation and rule.good, rule.code
        assert rule.name == rule.name.lower() and " " not in rule.name


def test_explain_by_name_and_list(tmp_path: Path) -> None:
    assert run_cli(["explain", "unknown-key"], tmp_path)[1].startswith("BF102")
    status, stdout, _ = run_cli(["explain"], tmp_path)
    assert status == 0 and len(stdout.splitlines()) == len(all_rules())
    assert run_cli(["explain", "BF999"], tmp_path)[0] == 2


def test_python_dash_m_works_like_the_command(tmp_path: Path) -> None:
    _write(tmp_path, "backfill.config.json", '{"name": "Bad"}')
    completed = subprocess.run(
        [sys.executable, "-m", "backfill_codegen", "check", "--format", "concise"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "compiler"), "NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert "BF104" in completed.stdout
    assert "Traceback" not in completed.stderr


def test_openapi_command_prints_the_generated_document(tmp_path: Path) -> None:
    from backfill_codegen.resources import example_dir

    status, stdout, stderr = run_cli(["openapi", str(example_dir())], tmp_path)
    assert (status, stderr) == (0, "")
    expected = ROOT / "golden" / "gen-stripe" / "expected" / "generated" / "openapi.json"
    assert stdout == expected.read_text(encoding="utf-8")
    assert json.loads(stdout)["openapi"].startswith("3.1")
