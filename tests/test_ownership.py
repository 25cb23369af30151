"""A file is `generate`'s only when its output directory's record lists it AND its first line is
the generated-code header (issue 10, class 4). Anything else (a file that quotes the notice at
line 2, in a string, in a comment, after a byte-order mark, with CRLF, indented; another
connector's outputs elsewhere in the tree) is never overwritten nor removed: at an output path
it stops `generate` (exit 2) before anything is written, elsewhere it is left alone.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import GOLDEN
from golden_support import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backfill_codegen import cache
from backfill_codegen.emit.header import NOTICE, has_header
from backfill_codegen.record import LEGACY_CACHE_NAME, RECORD_NAME

MINIMAL = GOLDEN / "gen-minimal-json"


@pytest.fixture(autouse=True)
def private_secret(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.SECRET_ENV, str(tmp_path_factory.getbasetemp() / "secret" / "s"))
    monkeypatch.setattr(cache, "_secret", None)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal connector after one `generate` (its stub written, its record in place)."""
    connector = tmp_path_factory.mktemp("owned") / "minimal"
    shutil.copytree(MINIMAL, connector, ignore=shutil.ignore_patterns("expected"))
    assert run_cli(["generate", "--no-cache"], connector)[0] == 0
    assert (connector / "generated" / RECORD_NAME).is_file()
    return connector


def _copy(generated: Path, tmp: Path) -> Path:
    target = tmp / "minimal"
    shutil.copytree(generated, target, symlinks=True)
    return target


# --- what "quoting the notice" looks like ---------------------------------------------------

#: Ways to carry the notice that are NOT the header line where the emitters put it.
QUOTES = {
    "line 2": lambda c: f"// mine\n{c}{NOTICE}\n",
    "in a string": lambda c: f'const notice = "{NOTICE}";\n',
    "in a block comment": lambda c: f"/* {NOTICE} */\n",
    "after a BOM": lambda c: f"\ufeff{c}{NOTICE}\n",
    "CRLF": lambda c: f"{c}{NOTICE}\r\nmine\r\n",
    "indented": lambda c: f"  {c}{NOTICE}\n",
    "tab-indented": lambda c: f"\t{c}{NOTICE}\n",
    "text after it": lambda c: f"{c}{NOTICE} (quoted by me)\n",
    "no line end": lambda c: f"{c}{NOTICE}",
    "inside a JSON value": lambda c: json.dumps({"note": NOTICE}, indent=2) + "\n",
    "a nested JSON member": lambda c: json.dumps({"a": {"$comment": NOTICE}}, indent=2) + "\n",
    "JSON on one line": lambda c: json.dumps({"$comment": NOTICE}) + "\n",
    "wrong comment syntax": lambda c: f"; {NOTICE}\n",
    "in the middle of 512 characters": lambda c: "x" * 200 + f"\n{c}{NOTICE}\n",
}
COMMENTS = ["// ", "# ", "<!-- ", ""]
OUTPUT_PATHS = ["routes.ts", "settings.ts", "permissions.py", "openapi.json", "CONNECTOR.md"]
OTHER_PATHS = ["old.ts", "notes.md", "sub/old.py", "data.json", "mine/openapi.json"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    quote=st.sampled_from(sorted(QUOTES)),
    comment=st.sampled_from(COMMENTS),
    at_output=st.booleans(),
    path_index=st.integers(0, 4),
    recorded=st.booleans(),
    data=st.data(),
)
def test_a_file_that_quotes_the_notice_is_never_touched(
    generated: Path,
    tmp_path_factory: pytest.TempPathFactory,
    quote: str,
    comment: str,
    at_output: bool,
    path_index: int,
    recorded: bool,
    data: st.DataObject,
) -> None:
    connector = _copy(generated, tmp_path_factory.mktemp("quote"))
    out = connector / "generated"
    text = QUOTES[quote](comment)
    relative = (OUTPUT_PATHS if at_output else OTHER_PATHS)[path_index]
    assert not has_header(Path(relative).name, text), (quote, comment)
    if not recorded:  # a directory written by a version without records
        (out / RECORD_NAME).unlink()
    path = out / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    others = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p != path}
    status, _, stderr = run_cli(["generate", "--no-cache"], connector)
    assert path.read_bytes() == text.encode("utf-8")
    if at_output:
        assert status == 2 and "did not generate" in stderr, stderr
        assert {p: p.read_bytes() for p in others} == others  # nothing written at all
    else:
        assert status == 0, stderr
        assert (out / "routes.ts").read_text(encoding="utf-8").startswith(f"// {NOTICE}\n")


def test_an_exact_header_the_record_does_not_list_is_refused(
    generated: Path, tmp_path: Path
) -> None:
    """Not in the record: not ours, even with the header exactly in place (another tool's copy,
    a file put there by hand)."""
    connector = _copy(generated, tmp_path)
    record = connector / "generated" / RECORD_NAME
    document = json.loads(record.read_text(encoding="utf-8"))
    del document["files"]["routes.ts"]
    record.write_text(json.dumps(document), encoding="utf-8")
    routes = connector / "generated" / "routes.ts"
    routes.write_text(f"// {NOTICE}\nexport const mine = 1;\n", encoding="utf-8")
    status, _, stderr = run_cli(["generate"], connector)
    assert status == 2 and "did not generate" in stderr
    assert routes.read_text(encoding="utf-8").endswith("export const mine = 1;\n")


def test_an_edited_generated_file_is_repaired(generated: Path, tmp_path: Path) -> None:
    """Recorded and with its header: ours, whatever was edited below the header."""
    connector = _copy(generated, tmp_path)
    routes = connector / "generated" / "routes.ts"
    original = routes.read_bytes()
    routes.write_bytes(original + b"// edited\n")
    assert run_cli(["generate"], connector)[0] == 0
    assert routes.read_bytes() == original


# --- -o . : the tree holds other connectors' outputs ------------------------------------------


def _monorepo(root: Path) -> Path:
    for case in ("gen-minimal-json", "gen-webhook-only", "gen-settings-rich"):
        shutil.copytree(GOLDEN / case, root / "connectors" / case, ignore=lambda *_: ["expected"])
    assert run_cli(["generate", "connectors", "--no-cache"], root)[0] == 0
    return root


def _snapshot(root: Path, skip: str) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink() and skip not in p.relative_to(root).parts
    }


def test_output_into_the_project_root_removes_nothing_of_anyone_else(tmp_path: Path) -> None:
    root = _monorepo(tmp_path)
    (root / "mine.ts").write_text(f"// {NOTICE}\nexport const mine = 1;\n", encoding="utf-8")
    (root / "README.md").write_text(f"Files say: {NOTICE}\n", encoding="utf-8")
    before = _snapshot(root, ".backfill_cache")
    one = "connectors/gen-minimal-json/backfill.config.json"
    status, _stdout, stderr = run_cli(["generate", one, "-o", "."], root)
    assert status == 0, stderr
    after = _snapshot(root, ".backfill_cache")
    assert {p: d for p, d in after.items() if p in before} == before  # nothing changed or gone
    assert "routes.ts" in after and RECORD_NAME in after
    assert "note: mine.ts" in stderr  # an unrecorded file with the header: named, left alone
    # A second run with a changed manifest removes only what its own record lists.
    manifest = root / one
    document = json.loads(manifest.read_text(encoding="utf-8"))
    document["description"] = "changed"
    manifest.write_text(json.dumps(document), encoding="utf-8")
    assert run_cli(["generate", one, "-o", "."], root)[0] == 0
    final = _snapshot(root, ".backfill_cache")
    assert all(final[p] == d for p, d in before.items() if p != one)


def test_a_recorded_file_edited_and_no_longer_produced_is_left_alone(tmp_path: Path) -> None:
    connector = tmp_path / "helpdesk"
    shutil.copytree(GOLDEN / "gen-settings-rich", connector, ignore=lambda *_: ["expected"])
    assert run_cli(["generate"], connector)[0] == 0
    settings_py = connector / "generated" / "settings.py"
    settings_py.write_text(settings_py.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    manifest = next(connector.glob("backfill.config.*"))
    _drop_settings_schema(manifest)
    status, _, stderr = run_cli(["generate"], connector)
    assert status == 0, stderr
    assert settings_py.read_text(encoding="utf-8").endswith("# mine\n")
    assert "settings.py: edited since" in stderr
    record = json.loads((connector / "generated" / RECORD_NAME).read_text(encoding="utf-8"))
    assert "settings.py" not in record["files"]


def _drop_settings_schema(manifest: Path) -> None:
    text = manifest.read_text(encoding="utf-8")
    if manifest.suffix == ".json":
        document = json.loads(text)
        document.pop("settingsSchema", None)
        document.get("connection", {}).pop("settingsSchema", None)
        manifest.write_text(json.dumps(document), encoding="utf-8")
        return
    pytest.skip(f"{manifest.name}: not a JSON manifest")


# --- migration: an output directory from a version without records ---------------------------


def test_a_directory_from_an_earlier_version_is_adopted(generated: Path, tmp_path: Path) -> None:
    """No record: files at output paths with the exact header are adopted; other files with the
    header are left alone and named; the earlier cache file goes; the record is written."""
    connector = _copy(generated, tmp_path)
    out = connector / "generated"
    (out / RECORD_NAME).unlink()
    (out / LEGACY_CACHE_NAME).write_text('{"format": 1}\n', encoding="utf-8")
    (out / "stale.ts").write_text(f"// {NOTICE}\n", encoding="utf-8")
    routes = out / "routes.ts"
    routes.write_text(routes.read_text(encoding="utf-8") + "// edited\n", encoding="utf-8")
    status, stdout, _ = run_cli(["generate", "--check"], connector)
    assert status == 1 and RECORD_NAME in stdout  # the record is missing: stale
    status, _, stderr = run_cli(["generate"], connector)
    assert status == 0, stderr
    assert "note: generated/stale.ts" in stderr and (out / "stale.ts").exists()
    assert not (out / LEGACY_CACHE_NAME).exists()
    assert not routes.read_text(encoding="utf-8").endswith("// edited\n")
    assert (out / RECORD_NAME).is_file()
    assert run_cli(["generate", "--check"], connector)[0] == 0


def test_files_replaced_one_by_one_stay_recorded_after_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where files are replaced one by one (-o ., a mount point), the record goes first listing
    old and new files alike: a run that dies before its last write leaves every file it wrote
    recorded, and the next run completes instead of refusing them."""
    from backfill_codegen import writer

    connector = tmp_path / "rich"
    shutil.copytree(GOLDEN / "gen-settings-rich", connector, ignore=lambda *_: ["expected"])
    manifest = connector / "backfill.config.json"
    full = manifest.read_text(encoding="utf-8")
    _drop_settings_schema(manifest)
    assert run_cli(["generate", "--no-cache"], connector)[0] == 0
    assert not (connector / "generated" / "settings.py").exists()
    manifest.write_text(full, encoding="utf-8")
    monkeypatch.setattr(writer, "_swappable", lambda directory: False)
    real, records = os.replace, []

    def dying(source: object, target: object) -> None:
        if Path(str(target)).name == RECORD_NAME:
            records.append(target)
            if len(records) == 2:  # the final record: the run dies just before it
                raise OSError(5, "Input/output error")
        real(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", dying)
    status, _, stderr = run_cli(["generate", "--no-cache"], connector)
    assert status == 2 and "Input/output error" in stderr
    assert (
        (connector / "generated" / "settings.py")
        .read_text(encoding="utf-8")
        .startswith(f"# {NOTICE}\n")
    )
    monkeypatch.setattr(os, "replace", real)
    document = json.loads(full)  # edited again: settings.py must be rewritten, so owned
    document["connection"]["settingsSchema"]["properties"]["host"]["title"] = "Server"
    manifest.write_text(json.dumps(document), encoding="utf-8")
    status, _, stderr = run_cli(["generate", "--no-cache"], connector)
    assert status == 0, stderr
    assert run_cli(["generate", "--check", "--no-cache"], connector)[0] == 0


FIRST_LINES = {
    "x.py": f"# {NOTICE}\n",
    "x.ts": f"// {NOTICE}\n",
    "x.md": f"<!-- {NOTICE} -->\n",
}


@given(
    name=st.sampled_from(sorted(FIRST_LINES)),
    before=st.text(min_size=1, max_size=40),
    after=st.text(max_size=40),
)
def test_only_the_exact_first_line_is_a_header(name: str, before: str, after: str) -> None:
    """Anything in front of the header line (a BOM, a space, a line, a quote) makes it a quote."""
    text = before + FIRST_LINES[name] + after
    assert has_header(name, text) is text.startswith(FIRST_LINES[name])
    assert has_header(name, FIRST_LINES[name] + after)
    assert not has_header(name, FIRST_LINES[name].replace("\n", "\r\n") + after)


def test_every_golden_output_carries_its_header() -> None:
    for path in sorted(GOLDEN.glob("gen-*/expected/generated/*")):
        assert has_header(path.name, path.read_text(encoding="utf-8")), path
