"""`generate --watch` / `check --watch` as a user runs them: a real process, real file edits,
and bounded waits for its status lines (no sleep decides a result)."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from backfill_codegen.watch import connectors_of
from tests.support.paths import ROOT

GOLDEN = ROOT / "golden"
WAIT = 60  # seconds: a bound on one run on a loaded machine, never a pause


class Watching:
    """`backfill-codegen ARGS --watch` in `cwd`; its stdout's `[watch]` lines, one at a time."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "compiler")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backfill_codegen", *args, "--watch"],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("[watch]"):
                self.lines.put(line.rstrip("\n"))

    def status(self) -> str:
        return self.lines.get(timeout=WAIT)

    def interrupt(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        _, err = self.process.communicate(timeout=WAIT)
        return self.process.returncode, err

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def test_generate_watch_regenerates_survives_and_stops_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    shutil.copytree(GOLDEN / "gen-minimal-json", folder, ignore=shutil.ignore_patterns("expected"))
    manifest = folder / "backfill.config.json"
    good = manifest.read_text(encoding="utf-8")
    watching = Watching(["generate"], folder)
    try:
        assert "written" in watching.status()
        openapi = folder / "generated" / "openapi.json"
        assert openapi.is_file()

        manifest.write_text(good.replace('"name"', '"version": "2.5.0",\n  "name"', 1))
        assert "written" in watching.status()
        assert "2.5.0" in openapi.read_text(encoding="utf-8")

        manifest.write_text(good[: len(good) // 2])  # saved mid-edit
        assert "errors: nothing written" in watching.status()
        assert "2.5.0" in openapi.read_text(encoding="utf-8")  # the last good output, whole

        manifest.unlink()
        assert "manifest deleted" in watching.status()
        manifest.write_text(good)
        assert "written" in watching.status()

        status, err = watching.interrupt()
        assert status == 130
        assert "Traceback" not in err
        assert not [p.name for p in folder.iterdir() if ".backfill-" in p.name]  # no staging
    finally:
        watching.kill()


def test_check_watch_reruns_only_the_connector_that_changed(tmp_path: Path) -> None:
    for name, case in (("alpha", "json-minimal"), ("beta", "bf102-unknown-key")):
        shutil.copytree(GOLDEN / case, tmp_path / name, ignore=shutil.ignore_patterns("expected"))
    alpha = tmp_path / "alpha" / "backfill.config.json"  # two names, or BF105 joins in
    alpha.write_text(alpha.read_text(encoding="utf-8").replace('"acme"', '"alpha"', 1))
    route = tmp_path / "alpha" / "src" / "api" / "setup" / "test_connection.ts"
    route.parent.mkdir(parents=True)  # a folder made mid-watch may be watched only a moment later
    watching = Watching(["check"], tmp_path)
    try:
        assert watching.status() == "[watch] alpha, beta: 2 error(s), 0 warning(s)"
        beta = tmp_path / "beta" / "backfill.config.yaml"
        beta.write_text(beta.read_text(encoding="utf-8").replace("permisions", "permissions"))
        assert watching.status() == "[watch] beta: 1 error(s), 0 warning(s)"
        route.write_text('export const POST = () => new Response("ok");\n', encoding="utf-8")
        assert watching.status().startswith("[watch] alpha: ")
        assert watching.interrupt()[0] == 130
    finally:
        watching.kill()


def test_connectors_of_names_the_connector_of_each_changed_file(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "backfill.config.ts", tmp_path / "b" / "backfill.config.yaml"
    changed = [tmp_path / "b" / "src" / "api" / "x.ts", a, tmp_path / "elsewhere.ts"]
    assert connectors_of(changed, [a, b]) == [b, a]
