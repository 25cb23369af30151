"""Every `--format` copes with any file path: one that is not UTF-8 (the OS hands Python
surrogate escapes, PEP 383), control characters, newlines, lone surrogates (issue 10, class 11).

The output is always strict UTF-8; JSON and SARIF parse; SARIF's URI percent-encodes the
path's exact bytes; the text formats show each undecodable byte as `\\xNN`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backfill_codegen.diagnostics.model import Diagnostic, Label
from backfill_codegen.diagnostics.registry import make_diagnostic
from backfill_codegen.diagnostics.render import FORMATS, render
from backfill_codegen.diagnostics.render.display import display_path
from backfill_codegen.rules.manifest import INVALID_NAME, UNKNOWN_KEY
from backfill_codegen.source import SourceFile, Span
from tests.support.paths import ROOT

#: Path components as the OS gives them: any bytes but NUL and `/`, decoded as Python does.
_OS_NAMES = st.binary(min_size=1, max_size=12).map(
    lambda raw: raw.replace(b"\0", b"_").replace(b"/", b"_").decode("utf-8", "surrogateescape")
)
#: Any text at all, lone surrogates of every kind included.
_ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), min_size=1, max_size=12)


def _diagnostics(path: str) -> list[Diagnostic]:
    source = SourceFile(path, '{"name": "X"}\n')
    return [
        make_diagnostic(INVALID_NAME, "`X` is not a slug", Label(source, Span(9, 12), "here")),
        make_diagnostic(UNKNOWN_KEY, "unknown key", Label(source, Span(1, 7)), help="fix it"),
    ]


def _assert_renders(path: str) -> None:
    for format in FORMATS:
        text = render(_diagnostics(path), format, color=False)
        text.encode("utf-8")  # strict: a surrogate would raise here, as stdout would
        if format == "json":
            assert json.loads(text)[0]["file"] == display_path(path)
        if format == "sarif":
            log = json.loads(text)
            uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
            raw = uri["artifactLocation"]["uri"].removeprefix("file://")
            try:
                expected = path.encode("utf-8", "surrogateescape")
            except UnicodeEncodeError:
                continue  # not an OS path: rendered, not round-tripped
            assert unquote_to_bytes(raw) == expected


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(_OS_NAMES, min_size=1, max_size=4))
def test_os_paths_render_in_every_format(parts: list[str]) -> None:
    _assert_renders("/".join([*parts, "backfill.config.json"]))


@settings(max_examples=200, derandomize=True, deadline=None)
@given(_ANY_TEXT)
def test_any_text_as_a_path_renders(path: str) -> None:
    _assert_renders(path)


def test_display_path_shows_undecodable_bytes() -> None:
    path = b"caf\xe9-\xff/backfill.config.json".decode("utf-8", "surrogateescape")
    assert display_path(path) == "caf\\xe9-\\xff/backfill.config.json"
    assert display_path("café/x") == "café/x"


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes")
@pytest.mark.parametrize("format", FORMATS)
def test_check_and_generate_under_a_folder_that_is_not_utf8(tmp_path: Path, format: str) -> None:
    folder = os.path.join(os.fsencode(tmp_path), b"caf\xe9-\xff")
    os.mkdir(folder)
    with open(os.path.join(folder, b"backfill.config.json"), "w", encoding="utf-8") as file:
        file.write('{"name": "X"}')
    env = {**os.environ, "PYTHONPATH": str(ROOT / "compiler")}
    command = [sys.executable, "-m", "backfill_codegen"]
    done = subprocess.run(
        [*command, "check", folder, "--format", format], capture_output=True, env=env
    )
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr and b"internal error" not in done.stderr
    done.stdout.decode("utf-8")  # strict
    assert b"caf" in done.stdout
    # A clean manifest there generates, and its summary prints.
    with open(os.path.join(folder, b"backfill.config.json"), "w", encoding="utf-8") as file:
        file.write('{"name": "x"}')
    done = subprocess.run([*command, "generate", folder, "-j", "1"], capture_output=True, env=env)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
