"""The content-hash cache of `generate` (backfill_codegen/cache.py): a connector is skipped only
when its inputs, the tool, the options and its outputs are exactly as a previous run ON THIS MACHINE
left them (an HMAC under a per-machine secret); any other state is a miss, handled by the normal
path, and the cache never changes what is written."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backfill_codegen.batch
import backfill_codegen.generate
from backfill_codegen import cache, driver
from backfill_codegen.emit.header import NOTICE
from backfill_codegen.record import RECORD_NAME as RECORD
from backfill_codegen.resources import example_dir
from backfill_codegen.workspace import find_manifests
from tests.support.golden_support import run_cli, tree
from tests.support.paths import GOLDEN, ROOT

#: The cache folder of a connector: never in the output directory.
CACHE_DIR = cache.CACHE_DIR
#: A route file reached through a symlink that stays inside the connector directory.
PING = (
    'import { api } from "@backfill-io/sdk";\n\nexport const GET = api(async () => api.json({}));\n'
)


def _build(root: Path) -> Path:
    """The bundled Stripe connector, plus `src/api/ping.ts`, a symlink to `lib/ping.ts`."""
    connector = root / "stripe"
    shutil.copytree(example_dir(), connector)
    (connector / "lib").mkdir()
    (connector / "lib" / "ping.ts").write_text(PING, encoding="utf-8")
    (connector / "lib" / "pong.ts").write_text(PING, encoding="utf-8")
    (connector / "src" / "api" / "ping.ts").symlink_to(Path("..", "..", "lib", "ping.ts"))
    return connector


@pytest.fixture(scope="module", autouse=True)
def machine_secret(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """This module's "machine": a secret of its own, outside every connector."""
    path = tmp_path_factory.mktemp("machine") / "cache" / "secret"
    previous = os.environ.get(cache.SECRET_ENV)
    os.environ[cache.SECRET_ENV] = str(path)
    cache._secret = None
    yield path
    if previous is None:
        os.environ.pop(cache.SECRET_ENV, None)
    else:
        os.environ[cache.SECRET_ENV] = previous
    cache._secret = None


def _entry_file(connector: Path) -> Path:
    """The connector's one cache entry (it is generated one way only in these tests)."""
    (found,) = [p for p in (connector / CACHE_DIR).glob("*.json")]
    return found


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The connector after one `generate`: its outputs and its cache entry written."""
    connector = _build(tmp_path_factory.mktemp("pristine"))
    status, _, stderr = run_cli(["generate"], connector)
    assert status == 0, stderr
    assert _entry_file(connector).is_file()
    assert not (connector / "generated" / ".backfill-cache.json").exists()
    return connector


@pytest.fixture
def connector(pristine: Path, tmp_path: Path) -> Path:
    """A copy of the generated connector, elsewhere: the cache holds no absolute path, so the
    copy is as up to date as the original."""
    copy = tmp_path / "stripe"
    shutil.copytree(pristine, copy, symlinks=True)
    return copy


def _hit(connector: Path, output: Path | None = None, *, stubs: bool = True) -> bool:
    """Whether `generate` would skip the connector (the fast path's own decision)."""
    manifests = find_manifests([connector])
    inputs = {m: cache.read_inputs(m.absolute()) for m in manifests}
    return bool(driver._cache_hits(manifests, inputs, output, stubs=stubs))


class Spy:
    """What the normal path did: the manifests it checked, the connectors it rendered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.checked: list[str] = []
        self.rendered: list[str] = []
        check_all, render = backfill_codegen.batch.check_all, backfill_codegen.generate.render

        def checking(paths: list[Path], *args: object, **kwargs: object) -> object:
            self.checked += [p.parent.name for p in find_manifests(paths)]
            return check_all(paths, *args, **kwargs)

        def rendering(jobs: list, *args: object, **kwargs: object) -> object:
            self.rendered += [job.connector.name for job in jobs]
            return render(jobs, *args, **kwargs)

        monkeypatch.setattr(backfill_codegen.batch, "check_all", checking)
        monkeypatch.setattr(backfill_codegen.generate, "render", rendering)


def _forbid_the_normal_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: object, **__: object) -> None:
        raise AssertionError("the normal path ran for a connector the cache vouches for")

    monkeypatch.setattr(backfill_codegen.batch, "check_all", fail)
    monkeypatch.setattr(backfill_codegen.generate, "render", fail)


def _state(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file under `folder` with its inode and modification time: "writes nothing" means
    not even a rewrite of the same bytes."""
    return {
        p.relative_to(folder).as_posix(): (p.lstat().st_ino, p.lstat().st_mtime_ns, _bytes(p))
        for p in sorted(folder.rglob("*"))
    }


def _bytes(path: Path) -> bytes:
    if path.is_symlink():
        return os.readlink(path).encode()
    return path.read_bytes() if path.is_file() else b""


# --- a hit ----------------------------------------------------------------------------------


def test_a_hit_checks_renders_and_writes_nothing(
    connector: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = run_cli(["generate", "--no-cache"], connector)  # the cache is rewritten, same bytes
    before = _state(connector)
    _forbid_the_normal_path(monkeypatch)
    assert run_cli(["generate"], connector) == expected
    assert expected[1].startswith("Nothing to write: ")
    assert run_cli(["generate", "--check"], connector) == (
        0,
        "Generated files are up to date.\n",
        "",
    )
    assert _state(connector) == before


def test_a_hit_still_removes_what_a_killed_run_left_beside_the_output(
    connector: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    leftover = connector / ".generated.backfill-ready-k1ll3d"  # the old tree, half removed
    leftover.mkdir()
    (leftover / "routes.ts").write_text(f"// {NOTICE}\n", encoding="utf-8")
    _forbid_the_normal_path(monkeypatch)
    assert run_cli(["generate", "--check"], connector)[0] == 0
    assert leftover.is_dir()  # --check writes nothing
    assert run_cli(["generate"], connector)[0] == 0
    assert not leftover.exists()


def test_no_cache_goes_through_the_normal_path(
    connector: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch)
    assert run_cli(["generate", "--check", "--no-cache"], connector)[0] == 0
    assert spy.rendered == ["stripe"]


def test_check_never_uses_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    connector = tmp_path / "local"
    shutil.copytree(GOLDEN / "bf608-permission-local-address", connector)
    shutil.rmtree(connector / "expected")
    status, _, stderr = run_cli(["generate"], connector)
    assert status == 0 and "warning[BF608]" in stderr
    assert _hit(connector)
    # An unchanged connector's warnings are printed by `check`, every time; a hit is silent.
    for _ in range(2):
        status, stdout, _ = run_cli(["check"], connector)
        assert status == 0 and "warning[BF608]" in stdout
    assert run_cli(["generate", "--check"], connector) == (
        0,
        "Generated files are up to date.\n",
        "",
    )


def test_the_fast_path_imports_nothing_heavy(connector: Path) -> None:
    """A run where every connector hits never loads the checks' or the emitters' libraries."""
    heavy = ("tree_sitter", "jsonschema", "jsonschema_rs", "jinja2", "datamodel_code_generator")
    program = (
        "import sys\n"
        "from backfill_codegen.cli import main\n"
        f"statuses = [main(['generate']), main(['generate', '--check'])]\n"
        f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {(*heavy, 'pydantic')!r})\n"
        "print(statuses, loaded)\n"
    )
    environment = {"PYTHONPATH": str(ROOT / "compiler"), "PATH": os.environ.get("PATH", "")}
    environment[cache.SECRET_ENV] = os.environ[cache.SECRET_ENV]
    # First a run of its own: the cache must be that of the code a fresh process imports.
    for command in (["-m", "backfill_codegen", "generate"], ["-c", program]):
        completed = subprocess.run(
            [sys.executable, *command],
            cwd=connector,
            capture_output=True,
            text=True,
            env=environment,
            check=True,
            timeout=120,
        )
    assert completed.stdout.splitlines()[-1] == "[0, 0] []", completed.stdout + completed.stderr


# --- every input, option and output counts ----------------------------------------------------


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _retarget(link: Path, target: str) -> None:
    link.unlink()
    link.symlink_to(target)


CHANGES: dict[str, Callable[[Path], object]] = {
    "a byte of the manifest": lambda c: _edit(c / "backfill.config.ts", "Stripe", "Stripf"),
    "a comment in the manifest": lambda c: _edit(c / "backfill.config.ts", "// The", "//  The"),
    "a route file added": lambda c: (c / "src" / "api" / "extra.ts").write_text(PING),
    "a route file removed": lambda c: (c / "src" / "api" / "setup" / "test_connection.ts").unlink(),
    "a route file changed": lambda c: _edit(c / "src/api/setup/test_connection.ts", "ok", "ok "),
    "a route file renamed": lambda c: (c / "src" / "api" / "ping.ts").rename(
        c / "src" / "api" / "pong.ts"
    ),
    "a route folder renamed": lambda c: (c / "src" / "api" / "setup").rename(
        c / "src" / "api" / "setup2"
    ),
    "a non-route file added under src/api": lambda c: (c / "src/api/notes.md").write_text("x"),
    "a hidden file added under src/api": lambda c: (c / "src" / "api" / ".x.ts").write_text(""),
    "a symlink retargeted (same bytes)": lambda c: _retarget(
        c / "src" / "api" / "ping.ts", "../../lib/pong.ts"
    ),
    "a symlink's target changed": lambda c: _edit(c / "lib" / "ping.ts", "{}", "{ }"),
    "a symlink made a copy": lambda c: (
        (c / "src" / "api" / "ping.ts").unlink(),
        (c / "src" / "api" / "ping.ts").write_text(PING),
    ),
    "src/api made a symlink": lambda c: (
        (c / "src" / "api").rename(c / "src" / "real"),
        (c / "src" / "api").symlink_to("real"),
    ),
    "a generated file edited": lambda c: _edit(c / "generated" / "settings.ts", "api_key", "key"),
    "a generated file deleted": lambda c: (c / "generated" / "routes.ts").unlink(),
    "a generated file made a symlink": lambda c: (
        (c / "generated" / "routes.ts").rename(c / "routes.ts"),
        (c / "generated" / "routes.ts").symlink_to("../routes.ts"),
    ),
    "the record edited": lambda c: _edit(
        c / "generated" / RECORD, '"connector": "stripe"', '"connector": "stripf"'
    ),
    "the record deleted": lambda c: (c / "generated" / RECORD).unlink(),
    "an earlier version's cache file in the output": lambda c: (
        c / "generated" / ".backfill-cache.json"
    ).write_text("{}"),
    "the output directory made a symlink": lambda c: (
        (c / "generated").rename(c / "real"),
        (c / "generated").symlink_to("real"),
    ),
    "the cache file deleted": lambda c: _entry_file(c).unlink(),
    "the cache file truncated": lambda c: _entry_file(c).write_bytes(
        _entry_file(c).read_bytes()[:100]
    ),
    "the cache file emptied": lambda c: _entry_file(c).write_bytes(b""),
    "the cache file not JSON": lambda c: _entry_file(c).write_bytes(b"\xff\x00garbage"),
    "the cache file a JSON list": lambda c: _entry_file(c).write_text("[]"),
    "the cache file a folder": lambda c: (
        (path := _entry_file(c)).unlink(),
        path.mkdir(),
    ),
    "the cache file a symlink to a copy": lambda c: (
        (path := _entry_file(c)).rename(c / "entry.json"),
        path.symlink_to(c / "entry.json"),
    ),
    "the cache folder a symlink out of the connector": lambda c: (
        (c / CACHE_DIR).rename(c.parent / "elsewhere"),
        (c / CACHE_DIR).symlink_to(c.parent / "elsewhere"),
    ),
    "the cache file from another version": lambda c: _edit(
        _entry_file(c), '"version": "', '"version": "9'
    ),
    "the cache file of another format": lambda c: _edit(
        _entry_file(c), '"format": 2', '"format": 3'
    ),
    "the cache file's key changed": lambda c: _edit(_entry_file(c), '"key": "', '"key": "0'),
    "the cache file's output changed": lambda c: _edit(
        _entry_file(c), '"output": "generated"', '"output": "generated/."'
    ),
    "the cache file's mac changed": lambda c: _edit(_entry_file(c), '"mac": "', '"mac": "0'),
    "the cache file's mac removed": lambda c: _rewrite_cache(c, lambda d: d.pop("mac")),
    "an output hash changed": lambda c: _edit(_entry_file(c), '"routes.ts": "', '"routes.ts": "0'),
    "an output dropped from the cache": lambda c: _rewrite_cache(
        c, lambda d: d["outputs"].pop("routes.ts")
    ),
    "an output added to the cache": lambda c: _rewrite_cache(
        c, lambda d: d["outputs"].setdefault("extra.ts", "0" * 64)
    ),
    "an escaping output in the cache": lambda c: _rewrite_cache(
        c, lambda d: d["outputs"].setdefault("../backfill.config.ts", "0" * 64)
    ),
    "the cache signed by another machine": lambda c: _resign(c, b"another machine's secret 32 b!!"),
    "the machine's secret replaced": lambda c: _replace_secret(),
}


def _rewrite_cache(connector: Path, change: Callable[[dict], object]) -> None:
    path = _entry_file(connector)
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")


def _resign(connector: Path, secret: bytes, change: Callable[[dict], object] = print) -> None:
    """The entry as another machine (or a forger guessing at the key) would sign it."""
    path = _entry_file(connector)
    document = json.loads(path.read_text(encoding="utf-8"))
    document.pop("mac")
    change(document)
    document["mac"] = cache._mac(document, secret)
    path.write_text(json.dumps(document), encoding="utf-8")


def _replace_secret() -> None:
    """This machine gets a new secret: every entry is foreign now."""
    Path(os.environ[cache.SECRET_ENV]).write_bytes(os.urandom(32))
    cache._secret = None


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_change_is_a_miss(connector: Path, change: str) -> None:
    secret = Path(os.environ[cache.SECRET_ENV])
    original = secret.read_bytes()
    assert _hit(connector)
    try:
        CHANGES[change](connector)
        assert not _hit(connector)
    finally:
        secret.write_bytes(original)
        cache._secret = None


@pytest.mark.parametrize(
    "change",
    [
        "a byte of the manifest",
        "a route file removed",
        "a generated file edited",
        "the record deleted",
        "the cache file not JSON",
        "the cache signed by another machine",
        "the cache file a folder",
        "an output dropped from the cache",
    ],
)
def test_after_a_miss_generate_repairs_and_check_agrees_with_no_cache(
    connector: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A miss goes through the normal path: --check reports exactly what --no-cache reports,
    and `generate` writes exactly what --no-cache writes, after which the cache hits again
    (unless a stub had to be written: that run records nothing, the next one does; or a folder
    is where the cache file goes: it is left alone)."""
    CHANGES[change](connector)
    twin = connector.parent / "twin"
    shutil.copytree(connector, twin, symlinks=True)
    spy = Spy(monkeypatch)
    check = run_cli(["generate", "--check"], connector)
    assert spy.rendered == ["stripe"]
    assert check == run_cli(["generate", "--check", "--no-cache"], twin)
    assert run_cli(["generate"], connector) == run_cli(["generate", "--no-cache"], twin)
    assert _outside_the_cache(tree(connector)) == _outside_the_cache(tree(twin))
    run_cli(["generate"], connector)
    assert _hit(connector) is (change != "the cache file a folder")


def _outside_the_cache(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in files.items() if CACHE_DIR not in path.split("/")}


def test_user_files_in_the_output_directory_keep_the_hit(connector: Path) -> None:
    """Files generate never wrote are never its to change, notice or not: they keep the hit."""
    (connector / "generated" / "NOTES.md").write_text("mine\n", encoding="utf-8")
    (connector / "generated" / "old.ts").write_text(f"// {NOTICE}\n", encoding="utf-8")
    (connector / "generated" / "mine").mkdir()
    (connector / "generated" / "mine" / "data.json").write_text("{}\n", encoding="utf-8")
    (connector / "generated" / "link").symlink_to("NOTES.md")
    assert _hit(connector)


def test_a_change_made_while_generate_runs_is_not_recorded(
    connector: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inputs are read for the key before the checks read them and again after rendering;
    an edit in between (even one undone, back to the same bytes) leaves no cache behind."""
    manifest = connector / "backfill.config.ts"
    original = manifest.read_bytes()
    render = backfill_codegen.generate.render

    def edit_meanwhile(jobs: list, *args: object, **kwargs: object) -> object:
        manifest.write_bytes(original.replace(b"Stripe", b"Stripf", 1))
        manifest.write_bytes(original)
        return render(jobs, *args, **kwargs)

    monkeypatch.setattr(backfill_codegen.generate, "render", edit_meanwhile)
    _edit(connector / "generated" / "routes.ts", "route", "r0ute")  # a miss: rendered again
    assert run_cli(["generate"], connector)[0] == 0
    assert not list((connector / CACHE_DIR).glob("*.json"))  # the old one removed, none written
    assert not _hit(connector)


def test_a_run_that_writes_stubs_records_nothing_and_the_next_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    connector = tmp_path / "ledger"
    shutil.copytree(GOLDEN / "gen-route-files", connector, ignore=lambda *_: ["expected"])
    assert run_cli(["generate"], connector)[0] == 0
    assert (connector / "src" / "api" / "webhooks").is_dir()  # a stub was written
    assert not (connector / CACHE_DIR).exists()
    spy = Spy(monkeypatch)
    status, stdout, _ = run_cli(["generate"], connector)
    assert (status, spy.rendered) == (0, ["ledger"])
    assert stdout.startswith("Nothing to write: ")  # only the cache file was written
    assert _hit(connector)
    (connector / "src" / "api" / "webhooks" / "ledger.ts").unlink()  # the stub: a miss again
    assert not _hit(connector)


# --- the tool -------------------------------------------------------------------------------


@pytest.fixture
def fresh_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fingerprint computed afresh in this test; the run's own restored afterwards."""
    cache.tool_fingerprint()
    monkeypatch.setattr(cache, "_fingerprint", None)


def test_another_tool_version_is_a_miss(
    connector: Path, monkeypatch: pytest.MonkeyPatch, fresh_fingerprint: None
) -> None:
    monkeypatch.setattr(cache, "__version__", "0.1.1")
    assert not _hit(connector)


def test_another_dependency_version_is_a_miss(
    connector: Path, monkeypatch: pytest.MonkeyPatch, fresh_fingerprint: None
) -> None:
    versions = cache._versions

    def newer_ruff(roots: object) -> dict[str, str | None]:
        return {**versions(roots), "ruff": "99.0.0"}  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "_versions", newer_ruff)
    assert not _hit(connector)


def test_a_changed_compiler_source_is_a_miss(
    connector: Path, monkeypatch: pytest.MonkeyPatch, fresh_fingerprint: None
) -> None:
    """An editable install whose code (or a template) changed never trusts an older cache."""
    files = cache._package_files()
    assert any(name == "emit/routes.py" for name, _ in files)
    assert any(name.startswith("templates/") for name, _ in files)
    edited = [(name, data + b"#" if name == "emit/routes.py" else data) for name, data in files]
    monkeypatch.setattr(cache, "_package_files", lambda: edited)
    assert not _hit(connector)


def test_the_fingerprint_follows_every_dependency_pyproject_declares() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {cache._normal(re.match(r"[\w.-]+", r)[0]) for r in project["dependencies"]}
    assert declared <= {cache._normal(name) for name in cache.DEPENDENCIES}
    versions = cache._versions(cache.DEPENDENCIES)
    assert versions["datamodel-code-generator"] and versions["ruff"] and versions["idna"]
    assert "black" in versions  # a dependency of a dependency is followed too


# --- options --------------------------------------------------------------------------------


def test_a_copied_output_directory_elsewhere_is_a_miss(connector: Path) -> None:
    """The key holds the output directory relative to the connector: the same files and cache
    at another place do not count."""
    shutil.copytree(connector / "generated", connector / "other")
    assert _hit(connector, connector / "generated")  # `-o generated` is the default
    assert not _hit(connector, connector / "other")


def test_output_option_hits_whatever_the_working_directory(connector: Path) -> None:
    out = connector.parent / "out"
    assert run_cli(["generate", "stripe", "-o", "out"], connector.parent)[0] == 0
    assert _hit(connector, out)
    assert run_cli(["generate", str(connector), "-o", str(out), "--check"], out)[1] == (
        "Generated files are up to date.\n"
    )


def test_whether_stubs_are_written_is_part_of_the_key(connector: Path) -> None:
    manifest = (connector / "backfill.config.ts").absolute()
    inputs = cache.read_inputs(manifest)
    assert inputs is not None
    output = connector / "generated"
    with_stubs = cache.key(inputs, manifest, output, stubs=True)
    assert with_stubs != cache.key(inputs, manifest, output, stubs=False)
    assert _hit(connector, stubs=True) and not _hit(connector, stubs=False)


def test_example_hits_on_the_second_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli(["generate", "--example"], tmp_path)[0] == 0
    assert (tmp_path / CACHE_DIR).is_dir()  # the working directory: never the package
    _forbid_the_normal_path(monkeypatch)
    assert run_cli(["generate", "--example", "--check"], tmp_path)[0] == 0


# --- many connectors ------------------------------------------------------------------------


def _monorepo(root: Path) -> Path:
    for case in ("gen-minimal-json", "gen-webhook-only", "gen-yaml-helpdesk", "gen-settings-rich"):
        shutil.copytree(GOLDEN / case, root / "connectors" / case, ignore=lambda *_: ["expected"])
    _build(root / "connectors")
    return root


@pytest.mark.parametrize("output", [None, "out"])
def test_one_changed_connector_of_many_is_the_only_one_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str | None
) -> None:
    root = _monorepo(tmp_path)
    args = ["generate", "-j", "1"] + (["-o", output] if output else [])
    assert run_cli(args, root)[0] == 0
    assert run_cli(args, root)[0] == 0  # records those that had stubs written the first time
    spy = Spy(monkeypatch)
    assert run_cli([*args, "--check"], root) == (0, "Generated files are up to date.\n", "")
    assert spy.rendered == [] and spy.checked == []
    _edit(root / "connectors" / "gen-webhook-only" / "backfill.config.json", "incident", "pager")
    status, stdout, _ = run_cli([*args, "--check"], root)
    assert status == 1 and "stale" in stdout
    assert spy.checked == ["gen-webhook-only"] and spy.rendered == ["pager"]
    status, stdout, _ = run_cli(args, root)
    assert status == 0 and "CONNECTOR.md" in stdout
    assert spy.rendered == ["pager", "pager"]


def test_a_cache_under_another_name_is_not_taken_for_the_connector(tmp_path: Path) -> None:
    """With several connectors, `-o OUT` puts each in OUT/<name>: a cache in OUT/other that
    claims a connector (left by `generate that-one -o OUT/other`) does not stand for it."""
    root = _monorepo(tmp_path)
    one = root / "connectors" / "gen-minimal-json"
    assert run_cli(["generate", str(one), "-o", "out/other"], root)[0] == 0
    assert _hit(one, root / "out" / "other")
    status, stdout, _ = run_cli(["generate", "-o", "out", "-j", "1"], root)
    assert status == 0 and "out/minimal/settings.ts" in stdout


def test_outputs_are_byte_identical_with_and_without_the_cache(tmp_path: Path) -> None:
    cached, uncached = _monorepo(tmp_path / "a"), _monorepo(tmp_path / "b")
    steps: list[Callable[[Path], object]] = [
        lambda root: None,
        lambda root: None,
        lambda root: _edit(
            root / "connectors" / "gen-yaml-helpdesk" / "backfill.config.yaml", "tickets", "issues"
        ),
        lambda root: (root / "connectors" / "stripe" / "generated" / "routes.ts").unlink(),
        lambda root: (root / "connectors" / "stripe" / "src" / "api" / "ping.ts").unlink(),
    ]
    for step in steps:
        step(cached)
        step(uncached)
        for args in (["generate", "--check"], ["generate"]):
            with_cache = run_cli([*args, "-j", "1"], cached)
            without = run_cli([*args, "-j", "1", "--no-cache"], uncached)
            assert with_cache[:2] == without[:2]  # the warnings of skipped connectors aside
        assert _outside_the_cache(tree(cached)) == _outside_the_cache(tree(uncached))
    assert not list(uncached.rglob(CACHE_DIR))  # --no-cache writes no cache at all


# --- the cache file -------------------------------------------------------------------------


def test_the_cache_file_holds_no_absolute_path_and_no_time_stamp(tmp_path: Path) -> None:
    root = _monorepo(tmp_path)
    for args in (["generate"], ["generate"], ["generate", "-o", str(tmp_path / "out")]):
        assert run_cli(args, root)[0] == 0
    files = sorted(tmp_path.rglob(f"{CACHE_DIR}/*.json"))
    assert len(files) == 10  # 5 connectors, each generated two ways
    secret = cache.secret()
    assert secret is not None
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert str(tmp_path) not in text and os.sep + "tmp" not in text
        document = json.loads(text)
        assert sorted(document) == [
            "about",
            "format",
            "key",
            "mac",
            "name",
            "output",
            "outputs",
            "slot",
            "version",
        ]
        home = path.parent.parent
        entry = cache.load(home, path.name)
        assert entry is not None and text == cache.dump(entry, path.name, secret)
        assert not Path(document["output"]).is_absolute()
        assert all(not Path(name).is_absolute() for name in document["outputs"])
        assert (path.parent / ".gitignore").read_text(encoding="utf-8").endswith("\n*\n")


def test_generate_check_never_writes_a_cache(tmp_path: Path) -> None:
    connector = _build(tmp_path)
    assert run_cli(["generate"], connector)[0] == 0
    shutil.rmtree(connector / CACHE_DIR)
    before = _state(connector)
    assert run_cli(["generate", "--check"], connector)[0] == 0
    assert _state(connector) == before


def test_a_foreign_file_at_the_cache_path_never_blocks_generate(connector: Path) -> None:
    path = _entry_file(connector)
    path.write_text("my own notes, no notice\n", encoding="utf-8")
    assert run_cli(["generate", "--check"], connector)[:2] == (
        0,
        "Generated files are up to date.\n",
    )
    assert run_cli(["generate"], connector)[0] == 0
    assert _hit(connector)
    path.unlink()
    path.mkdir()
    (path / "inside.txt").write_text("x", encoding="utf-8")
    (connector / "generated" / "routes.ts").unlink()
    assert run_cli(["generate"], connector)[0] == 0
    assert (path / "inside.txt").read_text(encoding="utf-8") == "x"  # left alone, no cache
    assert not _hit(connector)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(data=st.binary(max_size=400))
def test_any_other_cache_file_content_is_a_miss_never_an_error(
    connector: Path, data: bytes
) -> None:
    path = _entry_file(connector)
    original = path.read_bytes()
    path.write_bytes(data)
    try:
        assert cache.load(connector, path.name) is None
        assert not _hit(connector)
    finally:
        path.write_bytes(original)


def _files(connector: Path, folder: str) -> list[Path]:
    return sorted(p for p in (connector / folder).rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def flipped(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("flipped") / "stripe"
    shutil.copytree(pristine, copy, symlinks=True)
    return copy


@given(data=st.data())
def test_flipping_any_byte_of_any_input_or_output_is_a_miss(
    flipped: Path, data: st.DataObject
) -> None:
    """Every file `generate` reads (the manifest, the route files, through the symlink too) or
    writes: one byte changed anywhere, and the cache no longer vouches for the connector."""
    inputs = [flipped / "backfill.config.ts", *_files(flipped, "src"), flipped / "lib/ping.ts"]
    path = data.draw(st.sampled_from(inputs + _files(flipped, "generated")))
    original = path.read_bytes()
    index = data.draw(st.integers(0, len(original) - 1))
    flip = data.draw(st.integers(1, 255))
    changed = bytearray(original)
    changed[index] ^= flip
    path.write_bytes(bytes(changed))
    try:
        assert not _hit(flipped)
    finally:
        path.write_bytes(original)
    assert _hit(flipped)
