"""markdownlint (markdownlint-cli2, pinned in package-lock.json) passes on every golden
CONNECTOR.md, with the checked-in config that turns off only the line-length rule."""

from __future__ import annotations

import json
import re
import subprocess

from tests.support.paths import ROOT

CLI = ROOT / "node_modules" / ".bin" / "markdownlint-cli2"


def test_config_disables_only_line_length() -> None:
    text = (ROOT / ".markdownlint-cli2.jsonc").read_text(encoding="utf-8")
    config = json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.MULTILINE))
    assert config == {"config": {"default": True, "MD013": False}}


def test_markdownlint_passes_on_every_golden_connector_md() -> None:
    pages = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("golden/*/expected/**/CONNECTOR.md"))
    assert len(pages) >= 7
    done = subprocess.run(
        [str(CLI), *pages], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Linting: {len(pages)} file(s)" in done.stdout + done.stderr or "0 issues" in (
        done.stdout + done.stderr
    )
