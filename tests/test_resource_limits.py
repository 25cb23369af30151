"""Resource limits: hostile manifests take bounded time and memory, and end in a diagnostic.

Each case runs `backfill-codegen` in a fresh process, timed, with its peak memory read from
the kernel (`wait4`): deep nesting, huge arrays and objects, YAML alias bombs, `$ref` cycles,
catastrophic (ReDoS) patterns in a default, in `patternProperties` and in a dynamic host, a
1 MB route and a 90,000-value enum.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

#: Wall-clock bound for one run (the regex child process alone may take 2 s).
SECONDS = 8.0
#: Peak resident memory bound for one run.
MEGABYTES = 400


@dataclass(frozen=True)
class Run:
    status: int
    seconds: float
    megabytes: float
    stdout: str
    stderr: str


#: Runs the command line and reports the peak memory of the process (and of any child it
#: started, such as the regex probe) on stderr's last line.
_MEASURED = """
import atexit, resource, sys

def report():
    # VmHWM: this process's own peak (ru_maxrss would count the forking parent's pages too).
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except OSError:  # not Linux: an upper bound
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the regex probe
    sys.stderr.write(f"\\npeak-rss-kb {max(peak, children)}\\n")

atexit.register(report)
from compiler.cli import main
sys.exit(main(sys.argv[1:]))
"""


def measure(args: list[str], cwd: Path) -> Run:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("BACKFILL_CODEGEN_DEBUG", None)
    start = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _MEASURED, *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{args} ran for more than 60 s")
    seconds = time.monotonic() - start
    stderr = done.stderr.decode("utf-8")
    body, _, peak = stderr.rstrip("\n").rpartition("\n")
    assert peak.startswith("peak-rss-kb "), stderr
    return Run(
        done.returncode, seconds, int(peak.split()[1]) / 1024, done.stdout.decode("utf-8"), body
    )


def _settings(schema: dict[str, Any], **connection: Any) -> str:
    return json.dumps({"name": "acme", "connection": {"settingsSchema": schema, **connection}})


def _alias_bomb() -> str:
    lines = ["name: acme", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


def _deep_settings(levels: int) -> str:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"x": schema}}
    return _settings(schema)


_OAUTH = {
    "type": "authorization_code",
    "authorizationUrlTemplate": "https://<shop>.example.com/oauth/authorize",
    "tokenUrlTemplate": "https://<shop>.example.com/oauth/token",
    "scopes": ["read"],
    "client": {"credentialKey": "acme_app"},
}
_REDOS = "^(a|a)*$"
_PUMP = "a" * 40 + "!"

#: name -> (file name, text, the code expected, args beyond `check --format json`)
CASES: dict[str, tuple[str, str, str]] = {
    "deep-json": ("backfill.config.json", "[" * 100_000 + "]" * 100_000, "BF006"),
    "deep-yaml": ("backfill.config.yaml", "a: " + "[" * 100_000 + "]" * 100_000, "BF006"),
    "deep-ts": ("backfill.config.ts", "export default " + "[" * 50_000 + "]" * 50_000, "BF006"),
    "deep-yaml-block": (
        "backfill.config.yaml",
        "".join(" " * i + "a:\n" for i in range(2_000)),
        "BF006",
    ),
    "deep-settings": ("backfill.config.json", _deep_settings(300), "BF006"),
    "huge-array-json": (
        "backfill.config.json",
        json.dumps({"name": "acme", "x": [0] * 1_100_000}),
        "BF006",
    ),
    "huge-array-yaml": (  # under the limit of parsed values: read whole, then reported
        "backfill.config.yaml",
        "name: acme\nx: [" + ",".join(["1"] * 60_000) + "]\n",
        "BF102",
    ),
    "zeros-16-mib-json": (
        "backfill.config.json",
        '{"name": "acme", "x": [' + ",".join(["0"] * (8 * 1024 * 1024 - 64)) + "]}",
        "BF006",
    ),
    "huge-array-ts": (
        "backfill.config.ts",
        "export default { name: 'acme', x: [" + ",".join(["1"] * 300_000) + "] };\n",
        "BF006",
    ),
    "huge-object-json": (
        "backfill.config.json",
        json.dumps({"name": "acme", "x": {f"k{i}": i for i in range(200_000)}}),
        "BF102",
    ),
    "alias-bomb": ("backfill.config.yaml", _alias_bomb(), "BF006"),
    "alias-recursive": ("backfill.config.yaml", "name: acme\na: &a [*a]\n", "BF006"),
    "ref-cycle": (
        "backfill.config.json",
        _settings(
            {
                "type": "object",
                "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}},
                "properties": {"x": {"$ref": "#/$defs/a", "default": 1}},
            }
        ),
        "BF406",
    ),
    "redos-default": (
        "backfill.config.json",
        _settings(
            {
                "type": "object",
                "properties": {"a": {"type": "string", "pattern": _REDOS, "default": _PUMP}},
            }
        ),
        "BF404",
    ),
    "redos-pattern-properties": (
        "backfill.config.json",
        _settings(
            {
                "type": "object",
                "patternProperties": {"^(a+)+$": {"type": "string"}},
                "additionalProperties": False,
                "default": {_PUMP: "x"},
            }
        ),
        "BF404",
    ),
    "redos-dynamic-host": (
        "backfill.config.json",
        _settings(
            {
                "type": "object",
                "required": ["shop"],
                "properties": {
                    "shop": {"type": "string", "pattern": _REDOS, "examples": ["a" * 24]}
                },
            },
            oauth=_OAUTH,
        ),
        "BF505",
    ),
    "route-1mb": (
        "backfill.config.json",
        json.dumps(
            {
                "name": "acme",
                "connection": {"testConnection": {"route": "/" + "a" * 2**20, "method": "POST"}},
            }
        ),
        "BF201",
    ),
    "route-1mb-segments": (
        "backfill.config.json",
        json.dumps(
            {
                "name": "acme",
                "connection": {"testConnection": {"route": "/a" * 2**19, "method": "POST"}},
            }
        ),
        "BF201",
    ),
    "huge-enum": (
        "backfill.config.json",
        _settings({"type": "object", "properties": {"a": {"enum": list(range(90_000))}}}),
        "BF006",
    ),
}


#: Cases also run through `generate` (the others are slow to parse or to probe twice).
GENERATE_TOO = ("deep-json", "alias-bomb", "ref-cycle", "route-1mb", "huge-enum")


@pytest.mark.parametrize("case", sorted(CASES))
def test_bounded_with_a_diagnostic(case: str, tmp_path: Path) -> None:
    name, text, code = CASES[case]
    (tmp_path / name).write_text(text, encoding="utf-8")
    run = measure(["check", "--format", "json"], tmp_path)
    assert run.status == 1, run.stderr
    diagnostics = json.loads(run.stdout)
    assert code in {d["code"] for d in diagnostics}, diagnostics
    assert run.seconds < SECONDS, f"{case}: {run.seconds:.1f} s"
    assert run.megabytes < MEGABYTES, f"{case}: {run.megabytes:.0f} MB"
    assert len(run.stdout) < 100_000  # the hostile text is never echoed back whole
    if case in GENERATE_TOO:
        generated = measure(["generate"], tmp_path)  # stops at the diagnostics, writes nothing
        assert generated.status == 1
        assert generated.seconds < SECONDS
        assert sorted(p.name for p in tmp_path.iterdir()) == [name]


#: Valid but large: generate finishes, in bounded time.
LARGE: dict[str, str] = {
    "recursive-schema": _settings(
        {
            "type": "object",
            "$defs": {
                "node": {
                    "type": "object",
                    "properties": {
                        "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                        "self": {"$ref": "#/$defs/node"},
                    },
                }
            },
            "properties": {"root": {"$ref": "#/$defs/node"}, "me": {"$ref": "#"}},
        }
    ),
    "enum-at-the-limit": _settings(
        {"type": "object", "properties": {"a": {"enum": [f"v{i}" for i in range(10_000)]}}}
    ),
    "deep-below-the-limit": _deep_settings(100),
    "many-permissions": json.dumps(
        {
            "name": "acme",
            "permissions": {
                "http": [
                    f"https://h{i % 50}.example.com/{'*' * (i % 5 + 1)}{i}/*" for i in range(3000)
                ]
            },
        }
    ),
    "star-heavy-permissions": json.dumps(
        {
            "name": "acme",
            "permissions": {
                "http": [
                    "https://h.example.com/" + "*a" * 200 + "*b",
                    "https://h.example.com/" + "*a" * 199 + "*b*",
                    *(f"https://h.example.com/{'*x' * 50}/{i}/*" for i in range(200)),
                ]
            },
        }
    ),
}


@pytest.mark.parametrize("case", sorted(LARGE))
def test_large_valid_manifests_generate_in_bounded_time(case: str, tmp_path: Path) -> None:
    (tmp_path / "backfill.config.json").write_text(LARGE[case], encoding="utf-8")
    run = measure(["generate"], tmp_path)
    assert run.status == 0, run.stderr
    assert run.seconds < 15, f"{case}: {run.seconds:.1f} s"
    assert run.megabytes < MEGABYTES, f"{case}: {run.megabytes:.0f} MB"
    assert (tmp_path / "generated" / "settings.ts").is_file()
