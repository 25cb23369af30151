"""`backfill-codegen schema -o FILE` (issue 10, class 11): a FILE that cannot be written is a
usage error with a message (exit 2), never a traceback; a missing folder is not created."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.golden_support import run_cli
from tests.support.paths import ROOT


def _bad_outputs(tmp: Path) -> dict[str, tuple[str, str]]:
    """Outputs that cannot be written, each with the part of the message it must give."""
    (tmp / "a-file").write_text("x", encoding="utf-8")
    (tmp / "a-folder").mkdir()
    not_utf8 = os.fsdecode(os.path.join(os.fsencode(tmp), b"caf\xe9", b"s.json"))
    return {
        "missing folder": ("missing/schema.json", "does not exist"),
        "missing folders": ("a/b/c/schema.json", "does not exist"),
        "a folder": ("a-folder", "is a folder"),
        "under a file": ("a-file/schema.json", "does not exist"),
        "not UTF-8": (not_utf8, "does not exist"),
    }


@pytest.mark.parametrize(
    "case",
    ["missing folder", "missing folders", "a folder", "under a file", "not UTF-8"],
)
def test_an_output_that_cannot_be_written_is_a_usage_error(tmp_path: Path, case: str) -> None:
    output, message = _bad_outputs(tmp_path)[case]
    status, stdout, stderr = run_cli(["schema", "-o", output], tmp_path)
    assert status == 2
    assert stderr.startswith("backfill-codegen: error: ") and message in stderr, stderr
    assert "internal error" not in stderr and "Traceback" not in stderr
    stderr.encode("utf-8")  # a path that is not UTF-8 is shown, not a crash
    assert stdout == ""
    assert not (tmp_path / "missing").exists() and not (tmp_path / "a").exists()


def test_a_file_that_refuses_the_write_is_a_usage_error(tmp_path: Path) -> None:
    # root writes through a read-only folder, so as root a kernel file that refuses writes stands in
    if os.geteuid() == 0:
        status, _, stderr = run_cli(["schema", "-o", "/proc/version"], tmp_path)
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            status, _, stderr = run_cli(["schema", "-o", "locked/schema.json"], tmp_path)
        finally:
            locked.chmod(0o700)
    assert status == 2 and "cannot write" in stderr, stderr
    assert "internal error" not in stderr


def test_a_writable_output_gets_the_schema(tmp_path: Path) -> None:
    status, _, _ = run_cli(["schema", "-o", "schema.json"], tmp_path)
    assert status == 0
    expected = (ROOT / "schemas" / "manifest.schema.json").read_text(encoding="utf-8")
    assert (tmp_path / "schema.json").read_text(encoding="utf-8") == expected
