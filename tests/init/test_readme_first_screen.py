"""The README's first screen and quick start are true: the manifest shown is what `init` writes,
the output shown is what `check` and `generate` print for it (and for the mistake named), and
the quick start runs exactly as written, in a shell, with `backfill-codegen` on PATH."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.support.golden_support import run_cli as run
from tests.support.paths import ROOT
from tests.support.tsc_support import require_tsc

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(marker: str) -> str:
    match = re.search(rf"<!-- {re.escape(marker)} -->\n```\w*\n(.*?)\n```", README, re.S)
    assert match, marker
    return match[1] + "\n"


def _sessions(marker: str) -> list[tuple[list[str], str]]:
    """`$ backfill-codegen ARGS` lines of a block, each with the output shown under it."""
    shown = re.split(r"^\$ backfill-codegen ?(.*)\n", _block(marker), flags=re.M)[1:]
    return [(args.split(), out) for args, out in zip(shown[::2], shown[1::2], strict=True)]


def test_the_manifest_shown_is_what_init_writes() -> None:
    marker = next(m for m in re.findall(r"<!-- (init: \S+) -->", README))
    path = ROOT / "golden" / marker.removeprefix("init: ")
    assert _block(marker) in path.read_text(encoding="utf-8")


def test_the_output_shown_is_what_the_commands_print(tmp_path: Path) -> None:
    assert run(["init", "acme", "--template", "api-key"], tmp_path)[0] == 0
    connector = tmp_path / "acme"
    for args, shown in _sessions("output: check, generate"):
        assert run(args, connector)[1] == shown
    mistake = re.search(r"A mistake \(`(.*?)`\)", README)
    assert mistake
    manifest = connector / "backfill.config.ts"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace('method: "POST"', mistake[1]), encoding="utf-8")
    for args, shown in _sessions("output: check-mistake"):
        assert run([*args, "--color", "never"], connector)[1] == shown


def test_the_quick_start_runs_as_written(tmp_path: Path) -> None:
    """`npx -p typescript tsc` would fetch TypeScript: a stand-in `npx` on PATH runs the pinned
    tsc for exactly those arguments, and fails on any others."""
    tsc = require_tsc()
    shims = tmp_path / "bin"
    shims.mkdir()
    npx = shims / "npx"
    npx.write_text(f'#!/bin/sh\n[ "$*" = "-p typescript tsc" ] || exit 97\nexec "{tsc}"\n')
    npx.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    path = os.pathsep.join([str(shims), str(Path(sys.executable).parent), os.environ["PATH"]])
    script = "set -eu\n" + _block("quickstart")
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=work,
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All checks passed." in done.stdout
    assert (work / "acme" / "generated" / "openapi.json").is_file()
