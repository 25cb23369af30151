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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backfill_codegen import cache
from backfill_codegen.emit.header import NOTICE, has_header
from backfill_codegen.record import LEGACY_CACHE_NAME, OUTPUT_NAMES, RECORD_NAME
from backfill_codegen.record import sha256 as record_sha256
from tests.support.golden_support import run_cli
from tests.support.paths import GOLDEN

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


# --- a forged record: only names generate can produce are ever removed (issue 10, red team I) --

_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-.", min_size=1, max_size=12).filter(
    lambda n: n not in (".", "..") and n != RECORD_NAME and n != LEGACY_CACHE_NAME
)
_SUFFIX = st.sampled_from([".py", ".ts", ".md", ".json"])
#: A name generate cannot produce: a plain file, or one in a subfolder (generate writes none),
#: possibly an output's name one level down.
_FOREIGN = st.one_of(
    st.builds(lambda n, s: n + s, _NAME, _SUFFIX),
    st.builds(lambda d, n, s: f"{d}/{n}{s}", _NAME, _NAME, _SUFFIX),
    st.builds(lambda d, n: f"{d}/{n}", _NAME, st.sampled_from(sorted(OUTPUT_NAMES))),
).filter(lambda n: n not in OUTPUT_NAMES)


def _header_text(name: str) -> str:
    suffix = Path(name).suffix
    if suffix == ".json":
        return json.dumps({"$comment": NOTICE, "mine": True}, indent=2) + "\n"
    comment = {".py": "# ", ".ts": "// ", ".md": "<!-- "}[suffix]
    end = " -->" if suffix == ".md" else ""
    return f"{comment}{NOTICE}{end}\nmine = 1\n"


def _forge(out: Path, names: list[str], wrong: list[str]) -> dict[Path, bytes]:
    """User files at `names` (each starting with the exact header line) listed in the record
    with their real digests, and real outputs in `wrong` listed with a wrong digest."""
    document = json.loads((out / RECORD_NAME).read_text(encoding="utf-8"))
    users: dict[Path, bytes] = {}
    for name in names:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = _header_text(name).encode("utf-8")
        assert has_header(path.name, data.decode("utf-8")), name
        path.write_bytes(data)
        users[path] = data
        document["files"][name] = record_sha256(data)
    for name in wrong:
        document["files"][name] = "0" * 64
    (out / RECORD_NAME).write_text(json.dumps(document), encoding="utf-8")
    return users


def test_a_forged_record_removes_no_user_file(generated: Path, tmp_path: Path) -> None:
    """The red team's example: `tool.py` and `sub/x.py`, header in place, listed with their
    real digests."""
    connector = _copy(generated, tmp_path)
    out = connector / "generated"
    users = _forge(out, ["tool.py", "sub/x.py"], [])
    status, _, stderr = run_cli(["generate", "--no-cache"], connector)
    assert status == 0, stderr
    assert {p: p.read_bytes() for p in users} == users
    assert "not a file backfill-codegen generates" in stderr


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(_FOREIGN, min_size=1, max_size=4, unique=True),
    wrong=st.lists(st.sampled_from(sorted(OUTPUT_NAMES)), max_size=3, unique=True),
)
def test_generated_forged_records_never_touch_what_generate_cannot_produce(
    generated: Path, tmp_path_factory: pytest.TempPathFactory, names: list[str], wrong: list[str]
) -> None:
    connector = _copy(generated, tmp_path_factory.mktemp("forged"))
    out = connector / "generated"
    names = [n for n in names if not any(n.startswith(f"{o}/") for o in names)]
    names = [n for n in names if not any(o.startswith(f"{n}/") for o in names)]
    users = _forge(out, names, wrong)
    status, _, stderr = run_cli(["generate", "--no-cache"], connector)
    assert status == 0, stderr
    assert {p: p.read_bytes() if p.exists() else None for p in users} == users


def test_every_emitted_name_is_one_generate_may_write() -> None:
    """OUTPUT_NAMES holds every name the emitters produce (the golden outputs use them all)."""
    emitted = {p.name for p in GOLDEN.glob("*/expected/generated/*") if p.name != RECORD_NAME}
    assert emitted == OUTPUT_NAMES
