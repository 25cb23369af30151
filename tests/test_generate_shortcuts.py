"""The shortcuts `generate` takes for speed give what the long way gives: the IDNA tables from
the per-process index equal a scan of every special code point, a host set's tables are cached
whole, the warm-ups really run the code they warm, and ruff's scratch folder in memory gives the
bytes a folder on disk gives."""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

import pytest

from compiler import format as formatting
from compiler.emit import permissions_idna, python_settings, templating

HOST_SETS = [
    ["api.stripe.com"],
    ["xn--bcher-kva.example", "api.example.com"],
    ["[::1]", "under_score.example"],
    ["xn--mnchen-3ya.de", "xn--80ak6aa92e.com", "xn--fiqs8s.cn", "xn--ls8h.la"],
    ["a.b", "ex-ample.org", "9.9.9.9"],
    ["xn--nxasmq6b.com", "xn--ggle-0nda.com", "xn--wgv71a119e.jp"],
    ["xn--i-7iq.ws", "xn--caf-dma.fr", "xn--9dbq2a.co.il"],
]


def _scan(hosts: list[str]) -> dict[int, str]:
    """The mapping `tables` must build, the long way: every special code point tested."""
    reachable = {h: f for h in hosts if (f := permissions_idna.unicode_form(h)) is not None}
    if not reachable:
        return {}
    alphabet = {"."}
    for host, form in reachable.items():
        alphabet.update(host)
        alphabet.update(unicodedata.normalize("NFD", form))
    mapping = {
        ord(char): char
        for char in alphabet
        if ord(char) >= 0x80 and permissions_idna._status(ord(char)) in ("V", "D")
    }
    for code, target, chars in permissions_idna._special():
        if chars <= alphabet:
            mapping[code] = target
    return mapping


def _expand(runs: tuple[permissions_idna.IdnaRun, ...]) -> dict[int, str]:
    return {
        code: mapped
        for run in runs
        for code in range(run.first, run.last + 1)
        if (mapped := permissions_idna.lookup(runs, code)) is not None
    }


@pytest.mark.parametrize("hosts", HOST_SETS, ids=[",".join(h) for h in HOST_SETS])
def test_the_indexed_tables_equal_a_full_scan(hosts: list[str]) -> None:
    built = permissions_idna.tables(hosts)
    expected = _scan(hosts)
    assert _expand(built.runs) == expected
    assert built.runs == permissions_idna._runs(expected)
    if any(host.startswith("xn--") for host in hosts):
        assert any(ord(mapped[0]) >= 0x80 for mapped in expected.values() if mapped)


def test_the_index_holds_every_special_code_point_once() -> None:
    index = permissions_idna._special_index()
    indexed = [code for code, _ in index.always]
    for char, entries in index.by_char.items():
        assert all(char == max(chars) for _, _, chars in entries)
        indexed += [code for codes, _, _ in entries for code in codes]
    assert sorted(indexed) == [code for code, _, _ in permissions_idna._special()]


def test_tables_are_cached_by_host_set_in_any_order() -> None:
    first = permissions_idna.tables(["b.example", "a.example", "b.example"])
    assert permissions_idna.tables(iter(["a.example", "b.example"])) is first


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
