"""`diff` of the bundled example against a mutated copy, beside two `check` runs (issue 12's
target: `diff` <= 1.5x two checks when no counter-example search is needed), and the time of a
counter-example search on a corpus schema. Each is a fresh process, best of N.

    .venv/bin/python bench/diff_bench.py [--runs N] [--schema settings.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "compiler" / "backfill_codegen" / "example" / "stripe" / "backfill.config.ts"
CORPUS = ROOT.parent / "shared" / "corpus" / "settings-schemas"


def _largest() -> Path | None:
    """The largest schema of the shared corpus, when it is here."""
    files = [p for p in CORPUS.glob("*.json") if p.name != "INDEX.json"]
    return max(files, key=lambda p: p.stat().st_size) if files else None


def _best(args: list[str], cwd: Path, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "backfill_codegen", *args],
            cwd=cwd,
            check=False,
            capture_output=True,
        )
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--schema",
        type=Path,
        default=_largest(),
        help="a settings schema (JSON) to search against (default: the corpus's largest)",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for side in ("old", "new"):
            (root / side).mkdir()
            shutil.copy(EXAMPLE, root / side)
        new = root / "new" / EXAMPLE.name
        new.write_text(new.read_text().replace('"AU"]', '"AU", "NZ"]'))  # loosened: no search
        check = _best(["check", "old/" + EXAMPLE.name], root, options.runs)
        diff = _best(["diff", "old", "new"], root, options.runs)
        print(f"check (one run)   {check * 1000:8.1f} ms")
        print(f"two check runs    {2 * check * 1000:8.1f} ms")
        print(f"diff              {diff * 1000:8.1f} ms")
        print(f"diff / two checks {diff / (2 * check):8.2f}x (target <= 1.5x)")
    if options.schema:
        sys.path.insert(0, str(ROOT / "compiler"))
        from backfill_codegen.diff.settings import compare

        schema = json.loads(options.schema.read_text())
        tightened = json.loads(json.dumps(schema))
        tightened["not"] = {"required": sorted(schema.get("properties", {}))[:2]}
        start = time.perf_counter()
        found = compare(schema, tightened)
        took = time.perf_counter() - start
        print(
            f"counter-example search on {options.schema.name}: {took * 1000:.1f} ms, "
            f"{len(found)} change(s)"
        )


if __name__ == "__main__":
    main()
