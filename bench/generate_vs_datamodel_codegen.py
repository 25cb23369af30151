"""`backfill-codegen generate` vs `datamodel-codegen`, side by side in one run.

1. The bundled example: the whole of `generate` (check, eight outputs, ruff) against one
   `datamodel-codegen` run on its settings schema alone.
2. N connectors (default 200) in ONE `generate` run against N `datamodel-codegen` runs. Running
   datamodel-codegen N times takes minutes, so by default a sample of runs is timed and the
   total scaled (the table says so); `--full` runs all N.

    .venv/bin/python bench/generate_vs_datamodel_codegen.py [--connectors 200] [--sample 10]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compiler.pipeline import check_manifest  # noqa: E402
from compiler.resources import example_dir  # noqa: E402


def _run(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command[:3]} failed:\n{done.stderr.decode()[-2000:]}")
    return elapsed


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit(f"{name} not found: pip install '.[test]' first")
    return found


def _connectors(root: Path, count: int) -> list[Path]:
    """`count` copies of the example connector, each with its own name."""
    source = (example_dir() / "backfill.config.ts").read_text(encoding="utf-8")
    folders = []
    for index in range(count):
        folder = root / "connectors" / f"stripe-{index:04d}"
        shutil.copytree(example_dir(), folder)
        text = source.replace('const NAME = "stripe";', f'const NAME = "stripe-{index:04d}";')
        (folder / "backfill.config.ts").write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders


def _dmcg(datamodel_codegen: str, schema: Path, output: Path) -> list[str]:
    return [
        datamodel_codegen,
        "--input",
        str(schema),
        "--input-file-type",
        "jsonschema",
        "--output-model-type",
        "pydantic_v2.BaseModel",
        "--output",
        str(output),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--connectors", type=int, default=200)
    parser.add_argument("--sample", type=int, default=10)
    parser.add_argument("--full", action="store_true")
    options = parser.parse_args()
    ours, theirs = _tool("backfill-codegen"), _tool("datamodel-codegen")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        value = check_manifest(example_dir() / "backfill.config.ts").manifest
        schema = work / "settings.schema.json"
        schema.write_text(json.dumps(value["connection"]["settingsSchema"]), encoding="utf-8")
        one_ours, one_theirs = [], []
        for run in range(options.runs):
            one_ours.append(_run([ours, "generate", "--example", "-o", f"out{run}"], work))
            one_theirs.append(_run(_dmcg(theirs, schema, work / f"m{run}.py"), work))
        ours_1, theirs_1 = statistics.median(one_ours), statistics.median(one_theirs)

        count = options.connectors
        _connectors(work, count)
        batch = _run([ours, "generate", "connectors", "-o", "batch"], work)
        runs = count if options.full else min(options.sample, count)
        sample = [_run(_dmcg(theirs, schema, work / f"s{i}.py"), work) for i in range(runs)]
        theirs_n = sum(sample) * count / runs
    print(f"{'what':<58} {'seconds':>9} {'ratio':>7}")
    print(
        f"{'generate, bundled example (one process)':<58} {ours_1:>9.3f} {ours_1 / theirs_1:>6.2f}x"
    )
    print(f"{'datamodel-codegen, its settings schema alone':<58} {theirs_1:>9.3f} {1:>6.2f}x")
    label = f"generate, {count} connectors in one run"
    print(f"{label:<58} {batch:>9.3f} {batch / theirs_n:>6.3f}x")
    scaled = "" if runs == count else f" ({runs} timed, scaled)"
    label = f"datamodel-codegen, {count} runs{scaled}"
    print(f"{label:<58} {theirs_n:>9.3f} {1:>6.3f}x")
    print(f"per connector: generate {batch / count * 1000:.1f} ms, alone {ours_1 * 1000:.1f} ms")


if __name__ == "__main__":
    main()
