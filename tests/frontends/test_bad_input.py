"""Every malformed input of issue 2's list: a located diagnostic and exit 1, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.golden_support import run_cli

SCHEMA_BASE = {"name": "acme", "connection": {"settingsSchema": None}}


def _settings(schema: dict) -> bytes:
    manifest = json.loads(json.dumps(SCHEMA_BASE))
    manifest["connection"]["settingsSchema"] = schema
    return json.dumps(manifest, indent=2).encode()


CASES: dict[str, tuple[str, bytes, str]] = {
    "empty-json": ("backfill.config.json", b"", "BF007"),
    "empty-yaml": ("backfill.config.yaml", b"", "BF007"),
    "empty-ts": ("backfill.config.ts", b"// nothing here\n", "BF007"),
    "binary": ("backfill.config.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "BF002"),
    "invalid-utf8": ("backfill.config.yaml", b"name: caf\xe9\n", "BF002"),
    "deep-json": ("backfill.config.json", b"[" * 10_000 + b"]" * 10_000, "BF006"),
    "deep-yaml": ("backfill.config.yaml", b"a: " + b"[" * 10_000 + b"]" * 10_000, "BF006"),
    "deep-ts": (
        "backfill.config.ts",
        b"export default " + b"[" * 10_000 + b"]" * 10_000 + b";",
        "BF006",
    ),
    "alias-bomb": (
        "backfill.config.yaml",
        b"name: acme\n"
        + b"".join(
            f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n".encode() if i else b"l0: &l0 [x]\n"
            for i in range(9)
        ),
        "BF006",
    ),
    "ts-no-default-export": ("backfill.config.ts", b'const config = { name: "acme" };\n', "BF005"),
    "ref-url": (
        "backfill.config.json",
        _settings({"type": "object", "properties": {"a": {"$ref": "https://x.example/s.json"}}}),
        "BF405",
    ),
    "ref-missing": (
        "backfill.config.json",
        _settings({"type": "object", "properties": {"a": {"$ref": "#/$defs/nope"}}}),
        "BF406",
    ),
    "ref-self": (
        "backfill.config.json",
        _settings({"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}),
        "BF406",
    ),
    "pattern-not-ecma": (
        "backfill.config.json",
        _settings({"type": "object", "properties": {"a": {"type": "string", "pattern": "(?<"}}}),
        "BF407",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_input_is_located(case: str, tmp_path: Path) -> None:
    name, data, code = CASES[case]
    (tmp_path / name).write_bytes(data)
    status, stdout, stderr = run_cli(["check", "--format", "json"], tmp_path)
    assert (status, stderr) == (1, "")
    diagnostics = json.loads(stdout)
    assert code in {d["code"] for d in diagnostics}
    for diagnostic in diagnostics:
        assert diagnostic["file"] == name
        assert diagnostic["line"] >= 1 and diagnostic["column"] >= 1


def test_bom_and_crlf_are_read_and_positions_stay_right(tmp_path: Path) -> None:
    text = '{\r\n  "name": "acme",\r\n  "version": 2\r\n}\r\n'
    (tmp_path / "backfill.config.json").write_bytes(b"\xef\xbb\xbf" + text.encode())
    status, stdout, _ = run_cli(["check", "--format", "json"], tmp_path)
    (diagnostic,) = json.loads(stdout)
    assert status == 1
    assert (diagnostic["code"], diagnostic["line"], diagnostic["column"]) == ("BF103", 3, 14)


def test_ten_megabyte_manifest(tmp_path: Path) -> None:
    manifest = {"name": "acme", "description": "x" * (10 * 1024 * 1024), "version": 1}
    (tmp_path / "backfill.config.json").write_text(json.dumps(manifest), encoding="utf-8")
    status, stdout, _ = run_cli(["check", "--format", "concise"], tmp_path)
    assert status == 1 and "BF103" in stdout
    assert len(stdout) < 10_000  # the long line is not echoed back


def test_over_the_size_limit(tmp_path: Path) -> None:
    (tmp_path / "backfill.config.json").write_bytes(b" " * (16 * 1024 * 1024 + 1))
    status, stdout, _ = run_cli(["check", "--format", "concise"], tmp_path)
    assert status == 1 and "BF006" in stdout
