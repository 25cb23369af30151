"""A short fuzz campaign in CI (bench/fuzz.py, about 20 s): every target runs, reaches real
coverage, and finds no exception, hang or bad exit status. The long campaign is
`.venv/bin/python bench/fuzz.py --seconds 3600` (see the README).

The built-in engine (used when atheris is not installed) is also shown to find a planted crash
and a planted hang, so a clean campaign means something.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT

FUZZ = ROOT / "bench" / "fuzz.py"
TARGETS = ("ts", "json", "yaml", "pipeline")


def test_short_campaign_finds_nothing(tmp_path: Path) -> None:
    command = [sys.executable, str(FUZZ), "--seconds", "14", "--replay-seconds", "2"]
    done = subprocess.run(
        [*command, "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {
        match["target"]: match
        for match in re.finditer(
            r"^(?P<target>\w+)\s+(?P<engine>\w+)\s+(?P<executions>\d+)\s+\d+\s+(?P<corpus>\d+)\s+"
            r"(?P<features>\d+)\s+(?P<covered>\d+)/(?P<total>\d+) lines",
            done.stdout,
            re.M,
        )
    }
    assert sorted(rows) == sorted(TARGETS), done.stdout
    for target, row in rows.items():
        assert int(row["executions"]) > 50, (target, done.stdout)
        assert int(row["features"]) > 100, (target, done.stdout)
        # The seeds alone reach most of each front end; the pipeline spans the whole compiler.
        least = 0.35 if target == "pipeline" else 0.6
        assert int(row["covered"]) / int(row["total"]) > least, (target, done.stdout)
        summary = json.loads((tmp_path / f"{target}.summary.json").read_text(encoding="utf-8"))
        assert summary["crashes"] == []
    crashes = tmp_path / "crashes"
    assert not crashes.exists() or not list(crashes.iterdir())


_PLANTED = """
import sys, time
from pathlib import Path
sys.path.insert(0, BENCH)
import fuzz_engine

def target(data: bytes) -> None:
    if b"}}" in data:
        raise ValueError("planted crash")
    if b"zz" in data:
        time.sleep(30)  # a planted hang: interrupted by the 1 s alarm

stats = fuzz_engine.campaign(
    "planted", target, [b"{{}", b"yz"], [b"}", b"z"], 4.0, Path(sys.argv[1]),
    max_len=64, timeout=1.0,
)
print(len(stats.crashes))
"""


def test_the_engine_finds_a_planted_crash_and_hang(tmp_path: Path) -> None:
    script = f"BENCH = {str(ROOT / 'bench')!r}\n" + _PLANTED
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    found = sorted(p.name.split("-")[1] for p in (tmp_path / "crashes").iterdir())
    found = [name for name in found if not name.endswith(".txt")]
    assert "crash" in found and "timeout" in found, found
    texts = "".join(p.read_text() for p in (tmp_path / "crashes").glob("*.txt"))
    assert "planted crash" in texts
