"""`generate` as a build step: all or nothing, --check, scaffolds once, never clobbers, and the
same bytes from every format and every PYTHONHASHSEED."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backfill_codegen.emit.header import NOTICE
from tests.support.golden_support import run_cli, tree
from tests.support.paths import GOLDEN, ROOT

HELPDESK = GOLDEN / "gen-yaml-helpdesk" / "backfill.config.yaml"


def _connector(tmp_path: Path, source: Path = HELPDESK) -> Path:
    folder = tmp_path / "helpdesk"
    folder.mkdir()
    shutil.copy(source, folder / source.name)
    return folder


def test_generate_writes_every_output_and_scaffolds_stubs(tmp_path: Path) -> None:
    folder = _connector(tmp_path)
    status, _, stderr = run_cli(["generate"], folder)
    assert status == 0, stderr
    assert sorted(tree(folder / "generated")) == [
        ".backfill-generated.json",  # the record of what generate wrote
        # (backfill_codegen/record.py)
        "CONNECTOR.md",
        "openapi.json",
        "permissions.json",
        "permissions.py",
        "permissions.ts",
        "routes.ts",
        "settings.py",
        "settings.ts",
    ]
    assert sorted(tree(folder / "src")) == ["api/hooks/tickets.ts", "api/setup/check.ts"]
    for name, text in tree(folder / "generated").items():
        assert NOTICE in text.decode()[:300], name


def test_errors_write_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "backfill.config.json").write_text('{"name": "Bad"}', encoding="utf-8")
    status, _, stderr = run_cli(["generate"], folder)
    assert status == 1 and "BF104" in stderr
    assert sorted(p.name for p in folder.iterdir()) == ["backfill.config.json"]


def test_check_mode_reports_stale_output_and_writes_nothing(tmp_path: Path) -> None:
    folder = _connector(tmp_path)
    status, stdout, _ = run_cli(["generate", "--check"], folder)
    assert status == 1 and "+++ generated/settings.py" in stdout
    assert not (folder / "generated").exists() and not (folder / "src").exists()
    assert run_cli(["generate"], folder)[0] == 0
    assert run_cli(["generate", "--check"], folder)[0] == 0
    settings = folder / "generated" / "settings.ts"
    settings.write_text(settings.read_text(encoding="utf-8") + "// edited\n", encoding="utf-8")
    status, stdout, _ = run_cli(["generate", "--check"], folder)
    assert status == 1 and "-// edited" in stdout
    assert settings.read_text(encoding="utf-8").endswith("// edited\n")  # --check wrote nothing


def test_existing_route_files_are_never_overwritten(tmp_path: Path) -> None:
    folder = _connector(tmp_path)
    route = folder / "src" / "api" / "setup" / "check.ts"
    route.parent.mkdir(parents=True)
    mine = "// mine\nexport const POST = 1;\n"  # a valid route file: a broken one stops generate
    route.write_text(mine, encoding="utf-8")
    assert run_cli(["generate"], folder)[0] == 0
    assert route.read_text(encoding="utf-8") == mine
    assert (folder / "src" / "api" / "hooks" / "tickets.ts").exists()


def test_stale_generated_files_are_removed_but_hand_written_ones_are_kept(tmp_path: Path) -> None:
    """Only what the record lists is removed; a file generate never wrote is kept, even with
    the notice on its first line (tests/writer/test_ownership.py generates the variants)."""
    folder = _connector(tmp_path)
    assert run_cli(["generate"], folder)[0] == 0
    old = folder / "generated" / "old_output.ts"
    old.write_text(f"// {NOTICE}\n", encoding="utf-8")
    notes = folder / "generated" / "notes.md"
    notes.write_text("my notes\n", encoding="utf-8")
    manifest = folder / HELPDESK.name
    manifest.write_text(HELPDESK.read_text(encoding="utf-8").split("  settingsSchema:")[0])
    assert run_cli(["generate"], folder)[0] == 0
    assert old.exists() and notes.exists()
    assert not (folder / "generated" / "settings.py").exists()  # recorded, no longer produced


def test_a_hand_written_file_at_an_output_path_is_refused(tmp_path: Path) -> None:
    folder = _connector(tmp_path)
    (folder / "generated").mkdir()
    (folder / "generated" / "routes.ts").write_text("// hand-written\n", encoding="utf-8")
    status, _, stderr = run_cli(["generate"], folder)
    assert status == 2 and "did not generate" in stderr
    assert sorted(p.name for p in (folder / "generated").iterdir()) == ["routes.ts"]
    assert not (folder / "src").exists()


def test_output_directory_option_and_many_connectors(tmp_path: Path) -> None:
    for case in ("gen-minimal-json", "gen-webhook-only"):
        shutil.copytree(
            GOLDEN / case, tmp_path / "connectors" / case, ignore=lambda *_: ["expected"]
        )
    status, _, stderr = run_cli(["generate", "connectors", "-o", "out"], tmp_path)
    assert status == 0, stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["minimal", "pager"]


def test_example_generates_into_the_working_directory(tmp_path: Path) -> None:
    status, _, stderr = run_cli(["generate", "--example"], tmp_path)
    assert status == 0, stderr
    assert (tmp_path / "generated" / "settings.py").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".backfill_cache", "generated"]


def _as(value: object, suffix: str) -> str:
    text = json.dumps(value, indent=2)
    if suffix == ".ts":
        return f"export default {text};\n"
    return text  # JSON is YAML 1.2


@pytest.mark.parametrize("case", ["gen-settings-rich", "gen-yaml-helpdesk"])
def test_every_format_gives_the_same_bytes(case: str, tmp_path: Path) -> None:
    from backfill_codegen.pipeline import check_manifest

    (source,) = (GOLDEN / case).glob("backfill.config.*")
    value = check_manifest(source).manifest
    trees = []
    for suffix in (".json", ".yaml", ".ts"):
        folder = tmp_path / suffix[1:]
        folder.mkdir()
        (folder / f"backfill.config{suffix}").write_text(_as(value, suffix), encoding="utf-8")
        assert run_cli(["generate"], folder)[0] == 0
        trees.append((tree(folder / "generated"), tree(folder / "src")))
    assert trees[0] == trees[1] == trees[2]


def test_same_bytes_under_different_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "1", "4242"):
        folder = tmp_path / seed
        shutil.copytree(GOLDEN / "gen-settings-rich", folder, ignore=lambda *_: ["expected"])
        environment = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT / "compiler")}
        completed = subprocess.run(
            [sys.executable, "-m", "backfill_codegen", "generate"],
            cwd=folder,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        outputs.append(tree(folder / "generated"))
    assert outputs[0] == outputs[1] == outputs[2]


def test_same_bytes_from_different_working_directories(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = _connector(tmp_path / "one")
    second = _connector(tmp_path / "two")
    assert run_cli(["generate"], first)[0] == 0
    assert run_cli(["generate", "two/helpdesk"], tmp_path)[0] == 0
    assert tree(first / "generated") == tree(second / "generated")
    assert tree(first / "src") == tree(second / "src")


def test_hostile_strings_survive_the_whole_pipeline(tmp_path: Path) -> None:
    """The hostile manifest of the TS emitter tests, through `generate`: the Python model and
    the OpenAPI document hold every string exactly (evaluated, not grepped)."""
    import importlib.util

    from tests.support.emit_connectors import HOSTILE
    from tests.support.emit_connectors import HOSTILE_MANIFEST as WITH_SECRET_DEFAULT

    # The emitter tests keep a secret's default to prove no output echoes it; `generate` stops
    # on it (BF409), so here it goes.
    HOSTILE_MANIFEST = copy.deepcopy(WITH_SECRET_DEFAULT)
    settings_schema = HOSTILE_MANIFEST["connection"]["settingsSchema"]
    del settings_schema["properties"]["auth"]["oneOf"][0]["properties"]["key"]["default"]

    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "backfill.config.json").write_text(json.dumps(HOSTILE_MANIFEST), encoding="utf-8")
    status, _, stderr = run_cli(["generate"], folder)
    assert status == 0, stderr
    spec = importlib.util.spec_from_file_location(
        "hostile_settings", folder / "generated/settings.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["hostile_settings"] = module
    spec.loader.exec_module(module)
    schema = HOSTILE_MANIFEST["connection"]["settingsSchema"]
    fields = module.Settings.model_fields
    originals = {(field.alias or name): field for name, field in fields.items()}
    checked = 0
    for name, sub in schema["properties"].items():
        if isinstance(sub, dict) and "description" in sub:
            assert originals[name].description == sub["description"], name
            checked += 1
    assert checked >= 3
    openapi = json.loads((folder / "generated" / "openapi.json").read_text(encoding="utf-8"))
    assert openapi["components"]["schemas"]["Settings"]["title"] == HOSTILE
    assert openapi["x-backfill-setup-instructions"] == HOSTILE
    assert openapi["info"]["title"] == HOSTILE_MANIFEST["displayName"]
