"""A connector author's first hour, scripted: `init` each template -> `check` -> `generate` ->
`tsc` with the tsconfig init wrote -> a mistake in the manifest gives ONE located diagnostic ->
the fix passes; a mistake in a route is found by tsc at its line. Run through the real command
(a subprocess, as a user would) and the pinned tsc."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backfill_codegen.scaffold import MANIFEST_FILE
from tests.support.tsc_support import require_tsc

#: template -> (manifest format, the text in the manifest, a mistake for it, the rule reported)
MISTAKES = {
    "api-key": ("ts", 'method: "POST"', 'method: "post"', "BF202"),
    "oauth": ("yaml", "type: authorization_code", "type: implicit", "BF501"),
    "webhook": ("json", "<connection_id>", "<connectionId>", "BF302"),
}


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backfill_codegen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def tsc(cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [str(require_tsc()), "-p", ".", "--pretty", "false"]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("template", sorted(MISTAKES))
def test_first_hour(template: str, tmp_path: Path) -> None:
    manifest_format, right, wrong, code = MISTAKES[template]
    done = cli("init", "acme", "--template", template, "--format", manifest_format, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "backfill-codegen check" in done.stdout  # the next steps
    connector = tmp_path / "acme"

    done = cli("check", cwd=connector)
    assert (done.returncode, done.stdout) == (0, "All checks passed.\n"), done.stdout
    done = cli("generate", cwd=connector)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (connector / "generated" / "routes.ts").is_file()
    typed = tsc(connector)
    assert typed.returncode == 0, typed.stdout

    manifest = connector / MANIFEST_FILE[manifest_format]
    text = manifest.read_text(encoding="utf-8")
    assert text.count(right) == 1
    manifest.write_text(text.replace(right, wrong), encoding="utf-8")
    done = cli("check", "--format", "json", cwd=connector)
    (diagnostic,) = json.loads(done.stdout)
    assert done.returncode == 1 and diagnostic["code"] == code
    line = text[: text.index(right)].count("\n") + 1
    assert (diagnostic["file"], diagnostic["line"]) == (manifest.name, line)
    done = cli("generate", cwd=connector)
    assert done.returncode == 1 and code in done.stderr  # nothing written on an error

    manifest.write_text(text, encoding="utf-8")
    assert cli("check", cwd=connector).returncode == 0
    assert cli("generate", "--check", cwd=connector).returncode == 0

    (route,) = (connector / "src" / "api").rglob("*.ts")
    code_text = route.read_text(encoding="utf-8")
    route.write_text(code_text.replace("api.json(", "api.jsn("), encoding="utf-8")
    typed = tsc(connector)
    line = code_text[: code_text.index("api.json(")].count("\n") + 1
    assert typed.returncode != 0
    assert f"{route.relative_to(connector).as_posix()}({line}," in typed.stdout, typed.stdout
