"""bench/scale.py and its synthetic monorepo: the builder makes connectors that check clean and
generate, it is deterministic, peak memory is read per process, and the benchmark runs end to
end and prints every column. No timing is asserted here (see bench/scale.py for the figures)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backfill_codegen.cli import main
from tests.support.paths import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import peak_memory
import scale_report
import synthetic


def _run_cli(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(arguments)
    return code, capsys.readouterr().out


def test_three_synthetic_connectors_check_clean_and_generate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = synthetic.build(tmp_path / "repo", 3)
    assert {item.format for item in made} == {"ts", "json", "yaml"}
    for item in made:
        manifest = tmp_path / "repo" / "connectors" / item.name / item.manifest_file
        code, out = _run_cli(["check", str(manifest), "--format", "json", "-j", "1"], capsys)
        assert (code, json.loads(out)) == (0, []), item.name  # not even a warning
    out_dir = tmp_path / "out"
    code, _ = _run_cli(["generate", str(tmp_path / "repo"), "-o", str(out_dir), "-j", "1"], capsys)
    assert code == 0
    for item in made:
        written = {path.name for path in (out_dir / item.name).iterdir()}
        assert {"settings.py", "settings.ts", "routes.ts", "openapi.json"} <= written
    # Every declared route has its file: generate scaffolded no stub into the monorepo.
    before = sorted(p.relative_to(tmp_path) for p in (tmp_path / "repo").rglob("*"))
    code, out = _run_cli(
        ["generate", str(tmp_path / "repo"), "-o", str(out_dir), "--check", "-j", "1"], capsys
    )
    assert code == 0, out
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "repo").rglob("*")) == before


def test_the_builder_is_seeded_and_independent_of_the_monorepo_size(tmp_path: Path) -> None:
    small = synthetic.build(tmp_path / "a", 4)
    assert [synthetic.connector(i) for i in range(4)] == small
    assert synthetic.connector(2, seed=1) != synthetic.connector(2, seed=0)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert files and all(p.parts[0] == "connectors" for p in files)


def _features(schema: object, found: set[str]) -> None:
    if isinstance(schema, dict):
        for key in ("format", "pattern", "enum", "writeOnly", "oneOf", "$ref", "items", "default"):
            if key in schema:
                found.add(key)
        if schema.get("format") == "password":
            found.add("secret")
        if schema.get("writeOnly") is True:
            found.add("secret")
        if schema.get("type") in ("integer", "boolean", "object", "array", "number"):
            found.add(str(schema["type"]))
        for value in schema.values():
            _features(value, found)
    elif isinstance(schema, list):
        for value in schema:
            _features(value, found)


def test_the_settings_schemas_are_varied_like_real_ones() -> None:
    connectors = [synthetic.connector(i) for i in range(60)]
    counts = [len(c.manifest["connection"]["settingsSchema"]["properties"]) for c in connectors]
    assert min(counts) >= 3 and max(counts) <= 25 and len(set(counts)) > 8
    found: set[str] = set()
    for item in connectors:
        _features(item.manifest["connection"]["settingsSchema"], found)
    assert found >= {
        "format", "pattern", "enum", "secret", "oneOf", "$ref", "items", "default",
        "integer", "boolean", "object", "array", "number",
    }  # fmt: skip
    with_oauth = [c for c in connectors if "oauth" in c.manifest["connection"]]
    dynamic = [
        c
        for c in with_oauth
        if "<subdomain>" in c.manifest["connection"]["oauth"]["tokenUrlTemplate"]
    ]
    assert 0 < len(dynamic) < len(with_oauth) < len(connectors)
    assert any("setup" in c.manifest["connection"] for c in connectors)
    assert any(len(c.manifest["permissions"]["http"]) > 1 for c in connectors)


@pytest.mark.skipif(not peak_memory.supported(), reason="needs /proc and wait4")
def test_peak_memory_is_read_per_process(tmp_path: Path) -> None:
    script = (
        "import os\n"
        "block = bytearray(60 * 2**20)\n"  # the parent: 60 MiB, touched
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    more = bytearray(120 * 2**20)\n"  # the forked worker: 120 MiB more
        "    import time; time.sleep(0.3)\n"
        "    os._exit(0)\n"
        "os.waitpid(pid, 0)\n"
    )
    peaks = peak_memory.run([sys.executable, "-c", script], tmp_path)
    assert peaks.returncode == 0
    (parent,) = peaks.of("parent")
    (worker,) = peaks.of("worker")
    assert 60 * 1024 <= parent.peak_kib < 120 * 1024
    assert worker.peak_kib >= 120 * 1024
    assert peaks.largest_kib >= worker.peak_kib - 1024
    assert peaks.total_kib >= parent.peak_kib + worker.peak_kib


def test_the_benchmark_runs_end_to_end_and_prints_every_column(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    keep = tmp_path / "kept"
    options = ["--sizes", "1,2", "--runs", "1", "--json", str(results), "--keep", str(keep)]
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), *options],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    header = next(line for line in lines if line.startswith("| N "))
    cells = [cell.strip() for cell in header.strip("|").split("|")]
    assert cells == [name for name, _ in scale_report.TABLE_COLUMNS]
    rows = [line for line in lines if line.startswith("| 1 ") or line.startswith("| 2 ")]
    assert len(rows) == 2
    for row in rows:
        values = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(values) == len(cells) and all(values)
        assert float(values[2]) > 0 and values[4].endswith("x")  # check s, check/cjs
    assert "Python" in lines[0] and "CPU" in lines[0]
    for target in (
        "check 1 connector ≤ 0.5x check-jsonschema",
        "generate 1 ≤ 1.0x datamodel-codegen",
        "generate 500 ≤ 0.03x 500 datamodel-codegen runs",
        "per-connector cost at 500 ≤ 1/5 of cost at 1",
        "warm generate --check 500 ≤ 2 s",
        "peak memory ≤ 1 GiB",
    ):
        assert target in done.stdout
    data = json.loads(results.read_text(encoding="utf-8"))
    assert [size["connectors"] for size in data["sizes"]] == [1, 2]
    for size in data["sizes"]:
        assert set(size["medians"]) == set(scale_report.COMMANDS)
        assert all(value > 0 for value in size["medians"].values())
    assert len(data["targets"]) == 6
    # --keep leaves the monorepos behind.
    assert len(list((keep / "monorepo-0002" / "connectors").iterdir())) == 2
