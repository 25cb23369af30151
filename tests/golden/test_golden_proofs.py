"""What the golden output trees hold is proven, not only compared: every TypeScript file
type-checks with `tsc --strict`, every settings.py imports and accepts and rejects the case's
samples, every permissions.py and openapi.json works, and every Python file is ruff-clean."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from tests.support.paths import GOLDEN
from tests.support.golden_support import case_source
from openapi_spec_validator import validate
from tests.support.tsc_support import CONFIGURATIONS, typecheck

CASES = sorted(path for path in GOLDEN.glob("gen-*") if path.is_dir())


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic resolves forward references through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("configuration", sorted(CONFIGURATIONS))
def test_every_emitted_typescript_file_type_checks(tmp_path: Path, configuration: str) -> None:
    """routes.ts, settings.ts, permissions.ts and the stubs of every case, in one tsc run per
    module configuration (strict default, nodenext, bundler, node10)."""
    files = []
    for case in CASES:
        target = tmp_path / case.name
        source = case_source(case)
        if (source / "src").is_dir():
            shutil.copytree(source / "src", target / "src")  # the case's own route files
        shutil.copytree(case / "expected" / "generated", target / "generated")
        scaffolded = case / "expected" / "scaffolded"
        if scaffolded.is_dir():
            shutil.copytree(scaffolded, target / "src", dirs_exist_ok=True)
        files += [p.relative_to(tmp_path).as_posix() for p in sorted(target.rglob("*.ts"))]
    assert len(files) > 3 * len(CASES)
    run = typecheck(tmp_path, files, configuration)
    assert run.returncode == 0, run.output


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_settings_models_accept_and_reject_the_samples(case: Path) -> None:
    settings_file = case / "expected" / "generated" / "settings.py"
    if not settings_file.exists():
        assert "settingsSchema" not in json.dumps(_manifest_text(case))
        return
    samples = json.loads((case / "samples.json").read_text(encoding="utf-8"))
    module = _load(settings_file, f"golden_settings_{case.name.replace('-', '_')}")
    assert samples["valid"] and samples["invalid"]
    for sample in samples["valid"]:
        module.Settings.model_validate(sample)
    for sample in samples["invalid"]:
        with pytest.raises(ValueError):
            module.Settings.model_validate(sample)


def _manifest_text(case: Path) -> str:
    (manifest,) = case_source(case).glob("backfill.config.*")
    return manifest.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_permission_tables_and_openapi(case: Path) -> None:
    generated = case / "expected" / "generated"
    table = json.loads((generated / "permissions.json").read_text(encoding="utf-8"))
    module = _load(
        generated / "permissions.py", f"golden_permissions_{case.name.replace('-', '_')}"
    )
    for entry in table["entries"]:
        base = f"https://{entry['host']}" + ("" if entry["port"] == 443 else f":{entry['port']}")
        path = entry["pathPattern"].replace("*", "x")
        assert module.is_allowed(base + path)
        assert not module.is_allowed("https://elsewhere.example" + path)
    validate(json.loads((generated / "openapi.json").read_text(encoding="utf-8")))


def test_generated_python_is_ruff_clean() -> None:
    from ruff.__main__ import find_ruff_bin

    files = [str(p) for case in CASES for p in (case / "expected" / "generated").glob("*.py")]
    done = subprocess.run(
        [find_ruff_bin(), "format", "--isolated", "--check", "--line-length", "100", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
