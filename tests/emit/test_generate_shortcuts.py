"""The shortcuts `generate` takes for speed give what the long way gives: the warm-ups really run
the code they warm, and ruff's scratch folder in memory gives the bytes a folder on disk gives."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from backfill_codegen import format as formatting
from backfill_codegen.emit import python_settings, templating


def test_the_settings_warm_up_generates_a_model() -> None:
    code = python_settings.generate_settings_module(python_settings._WARM_UP_SCHEMA)
    assert "class Settings(" in code and "SecretStr" in code and "class Region(" in code


def test_compile_all_compiles_every_template() -> None:
    templating.compile_all()
    env = templating.environment()
    names = env.list_templates(filter_func=lambda name: name.endswith(".j2"))
    assert len(names) >= 5
    # The environment's cache holds them all now (jinja2 keys it by loader and name).
    cached = {key[1] for key in env.cache}  # type: ignore[union-attr]
    assert set(names) <= cached


def test_the_scratch_folder_is_in_memory_only_with_room_and_no_tmpdir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TMPDIR", raising=False)
    monkeypatch.setattr(formatting, "_SHARED_MEMORY", tmp_path)
    assert formatting.scratch_parent(1000) == str(tmp_path)
    assert formatting.scratch_parent(1 << 62) is None  # no room for it
    monkeypatch.setattr(formatting, "_SHARED_MEMORY", tmp_path / "missing")
    assert formatting.scratch_parent(1000) is None
    monkeypatch.setattr(formatting, "_SHARED_MEMORY", tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the user's choice wins
    assert formatting.scratch_parent(1000) is None


def test_formatting_gives_the_same_bytes_in_memory_or_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = python_settings.generate_settings_module(python_settings._WARM_UP_SCHEMA)
    files = {"f0/settings.py": code, "f1/permissions.py": "import sys\nimport os\nx  =  1\n"}
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    tempfile.tempdir = None  # re-read TMPDIR
    try:
        on_disk = formatting.format_python(files)
    finally:
        tempfile.tempdir = None
    monkeypatch.delenv("TMPDIR")
    shared = Path("/dev/shm")
    if formatting.scratch_parent(1000) is None:
        pytest.skip("no /dev/shm with room here")
    assert shared.is_dir()
    assert formatting.format_python(files) == on_disk
    assert on_disk["f1/permissions.py"] == "import os\nimport sys\n\nx = 1\n"
