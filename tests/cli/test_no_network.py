"""No network, ever: `check` and `generate` on manifests full of URLs (remote `$ref`s, a
`$schema` URL, `format: uri`, OAuth and permission URLs, a TS import from a URL) never try to
resolve a name or open a connection.

Every Python process of the run (the compiler and any child it starts) loads a sitecustomize
that replaces `socket.socket.connect`/`connect_ex`/`sendto`, `socket.create_connection`,
`socket.getaddrinfo` and `gethostbyname` with functions that record the attempt and fail.
Where `unshare -rn` works, the same runs also happen with no network interface at all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.golden_support import case_source
from tests.support.paths import GOLDEN, ROOT

SITECUSTOMIZE = """
import json, os, socket

_LOG = os.environ["BACKFILL_NO_NETWORK_LOG"]


def _record(what, *args):
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps([what, repr(args)[:300], os.getpid()]) + "\\n")
    raise OSError(101, "network blocked by the no-network test")


socket.socket.connect = lambda self, *a: _record("connect", *a)
socket.socket.connect_ex = lambda self, *a: _record("connect_ex", *a)
socket.socket.sendto = lambda self, *a: _record("sendto", *a)
socket.create_connection = lambda *a, **k: _record("create_connection", *a)
socket.getaddrinfo = lambda *a, **k: _record("getaddrinfo", *a)
socket.gethostbyname = lambda *a: _record("gethostbyname", *a)
socket.gethostbyname_ex = lambda *a: _record("gethostbyname_ex", *a)
"""

REMOTE = "https://schemas.evil.example/settings.json"

#: Valid: every kind of URL a manifest may hold, so `generate` runs all the way.
VALID: dict[str, Any] = {
    "$schema": "https://schemas.evil.example/manifest.schema.json",
    "name": "urls",
    "displayName": "See https://evil.example/docs",
    "permissions": {"http": ["https://api.evil.example/v1/*", "https://xn--80ak6aa92e.com/*"]},
    "connection": {
        "testConnection": {"route": "/setup/test_connection", "method": "POST"},
        "setup": {
            "webhookUrlTemplate": (
                "/api/v1/extensions/<tenant_id>/urls/routes/hooks/in?connection_id=<connection_id>"
            ),
            "instructions": "Open https://evil.example/admin and ![x](https://evil.example/p.png)",
        },
        "settingsSchema": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://schemas.evil.example/settings",
            "type": "object",
            "required": ["shop", "api_key"],
            "properties": {
                "shop": {"type": "string", "enum": ["alpha", "beta"]},
                "api_key": {"type": "string", "writeOnly": True},
                "callback": {
                    "type": "string",
                    "format": "uri",
                    "default": "https://callback.evil.example/hook",
                    "examples": ["http://169.254.169.254/latest/meta-data/"],
                },
                "mail": {"type": "string", "format": "idn-email", "default": "a@evil.example"},
                "host": {"type": "string", "format": "idn-hostname", "default": "evil.example"},
                "ref": {"type": "string", "format": "uri-reference", "default": "//evil.example"},
            },
        },
        "oauth": {
            "type": "authorization_code",
            "authorizationUrlTemplate": "https://<shop>.evil.example/oauth/authorize",
            "tokenUrlTemplate": "https://<shop>.evil.example/oauth/token",
            "scopes": ["read"],
            "client": {"credentialKey": "urls_app"},
        },
    },
}

#: Invalid: remote and metaschema references a resolver might be tempted to fetch.
REMOTE_REFS: dict[str, Any] = {
    "name": "refs",
    "connection": {
        "settingsSchema": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {
                "a": {"$ref": REMOTE},
                "b": {"$ref": "http://json-schema.org/draft-07/schema#"},
                "c": {"$ref": "//evil.example/x.json#/a"},
                "d": {"$ref": "other.json#/definitions/x"},
                "e": {"$ref": "file:///etc/passwd"},
                "f": {"$dynamicRef": REMOTE},
            },
        }
    },
}

TS_IMPORT = (
    'import remote from "https://evil.example/config.js";\n'
    'import { defineConfig } from "@backfill-io/sdk";\n'
    "export default defineConfig({ ...remote, name: 'imports' });\n"
)


def _connectors(root: Path) -> dict[str, Path]:
    folders = {}
    for name, content in (
        ("urls", json.dumps(VALID)),
        ("refs", json.dumps(REMOTE_REFS)),
        ("imports", TS_IMPORT),
        (
            "unknown-dialect",
            json.dumps({**REMOTE_REFS, "name": "dialect"}).replace(
                "http://json-schema.org/draft-07/schema#", REMOTE
            ),
        ),
    ):
        folder = root / name
        folder.mkdir(parents=True)
        suffix = ".ts" if name == "imports" else ".json"
        (folder / f"backfill.config{suffix}").write_text(content, encoding="utf-8")
        folders[name] = folder
    return folders


def _run(args: list[str], cwd: Path, hook: Path, log: Path, prefix: tuple[str, ...] = ()) -> int:
    env = {**os.environ, "PYTHONPATH": f"{hook}{os.pathsep}{ROOT / 'compiler'}"}
    env["BACKFILL_NO_NETWORK_LOG"] = str(log)
    env.pop("BACKFILL_CODEGEN_DEBUG", None)
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "backfill_codegen", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "internal error" not in done.stderr, done.stderr
    return done.returncode


@pytest.fixture
def hook(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "hook"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return folder, tmp_path / "network.log"


def _attempts(log: Path) -> list[list[Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_the_hook_catches_a_connection(hook: tuple[Path, Path], tmp_path: Path) -> None:
    """The control: the same hook does see a process that reaches for the network."""
    folder, log = hook
    env = {**os.environ, "PYTHONPATH": str(folder), "BACKFILL_NO_NETWORK_LOG": str(log)}
    code = (
        "import urllib.request\n"
        "try:\n urllib.request.urlopen('http://evil.example/')\n"
        "except OSError: pass"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    assert [attempt[0] for attempt in _attempts(log)] == ["create_connection"]


def _run_everything(root: Path, folder: Path, log: Path, prefix: tuple[str, ...] = ()) -> None:
    connectors = _connectors(root)
    urls = connectors["urls"]
    assert _run(["check", "."], urls, folder, log, prefix) in (0, 1)
    assert _run(["generate"], urls, folder, log, prefix) == 0
    assert (urls / "generated" / "openapi.json").is_file()
    assert _run(["openapi", "."], urls, folder, log, prefix) == 0
    for name in ("refs", "imports", "unknown-dialect"):
        assert _run(["check", "."], connectors[name], folder, log, prefix) == 1, name
        assert _run(["generate"], connectors[name], folder, log, prefix) == 1, name
    assert _run(["check", "--example"], root, folder, log, prefix) in (0, 1)
    assert _run(["generate", "--example", "-o", "example-out"], root, folder, log, prefix) == 0


def test_check_and_generate_never_touch_the_network(
    hook: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, log = hook
    _run_everything(tmp_path / "work", folder, log)
    assert _attempts(log) == []


def test_and_with_no_network_interface_at_all(hook: tuple[Path, Path], tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-rn", "true"], check=False).returncode:
        pytest.skip("unshare -rn (a user network namespace) is not available here")
    folder, log = hook
    _run_everything(tmp_path / "work", folder, log, (unshare, "-rn"))
    assert _attempts(log) == []


# --- The whole golden corpus, and a generated corpus of remote references. ------------------

_REF_TARGETS = (
    REMOTE,
    "http://evil.example/defs.json#/definitions/a",
    "//evil.example/x.json",
    "other.json#/definitions/x",
    "../up.json",
    "file:///etc/passwd",
    "urn:evil:x",
    "#/definitions/missing",
)
_BASES = ((), ("$id", "https://base.evil.example/s.json"), ("id", "http://base.evil.example/s"))


def _remote_ref_schemas() -> list[dict[str, Any]]:
    """Every dialect x reference keyword x target x base, nested in turn in properties, items,
    allOf and definitions, each next to a default the checks validate."""
    dialects = [
        "http://json-schema.org/draft-04/schema#",
        "http://json-schema.org/draft-07/schema#",
        "https://json-schema.org/draft/2019-09/schema",
        "https://json-schema.org/draft/2020-12/schema",
    ]
    schemas = []
    index = 0
    for dialect in dialects:
        for keyword in ("$ref", "$dynamicRef", "$recursiveRef"):
            for target in _REF_TARGETS:
                for base in _BASES:
                    leaf: dict[str, Any] = {keyword: target, "default": "x"}
                    nest = index % 4
                    index += 1
                    if nest == 0:
                        node: dict[str, Any] = {"type": "object", "properties": {"p": leaf}}
                    elif nest == 1:
                        node = {"type": "array", "items": leaf, "default": ["x"]}
                    elif nest == 2:
                        node = {"allOf": [leaf], "default": "y"}
                    else:
                        node = {"definitions": {"d": leaf}, "$ref": "#/definitions/d"}
                    schema = {"$schema": dialect, "type": "object", "properties": {"a": node}}
                    if base:
                        schema[base[0]] = base[1]
                        leaf[base[0]] = base[1]
                    schemas.append(schema)
    return schemas


def test_the_golden_corpus_never_touches_the_network(
    hook: tuple[Path, Path], tmp_path: Path
) -> None:
    """`check` on every golden case, and `generate` on every one it accepts."""
    folder, log = hook
    assert _run(["check", str(GOLDEN), "-j", "1"], tmp_path, folder, log) == 1
    clean = tmp_path / "clean"
    for case in sorted(GOLDEN.iterdir()):
        expected = case / "expected" / "diagnostics.txt"
        if expected.is_file() and "error[" not in expected.read_text(encoding="utf-8"):
            skip = shutil.ignore_patterns("expected")
            source = case_source(case)  # the bundled example, for a case marked EXAMPLE
            shutil.copytree(source, clean / case.name, symlinks=True, ignore=skip)
    generated = 0
    for case in sorted(clean.iterdir()):
        out = tmp_path / "out" / case.name
        code = _run(["generate", str(case), "-o", str(out), "--no-cache"], tmp_path, folder, log)
        assert code in (0, 1), case.name  # 1: a route-file error `generate` does not repair
        generated += code == 0
    assert generated >= 10
    assert _attempts(log) == []


def test_generated_remote_references_never_touch_the_network(
    hook: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, log = hook
    schemas = _remote_ref_schemas()
    for number, schema in enumerate(schemas):
        connector = tmp_path / "refs" / f"c{number:03d}"
        connector.mkdir(parents=True)
        manifest = {"name": f"c{number:03d}", "connection": {"settingsSchema": schema}}
        (connector / "backfill.config.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert _run(["check", "refs", "-j", "1", "--format", "concise"], tmp_path, folder, log) == 1
    assert _run(["generate", "refs", "-j", "1"], tmp_path, folder, log) == 1
    assert len(schemas) == 4 * 3 * len(_REF_TARGETS) * len(_BASES)
    assert _attempts(log) == []
