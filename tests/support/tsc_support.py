"""Running the pinned TypeScript compiler (node_modules/.bin/tsc, from `npm ci`) in tests.

`typecheck(folder, files)` runs ONE `tsc --strict --noEmit` over many files, with a generated
tsconfig.json that maps `@backfill-io/sdk` to the declaration in tests/support/sdk/ (only the SDK
surface the spec documents). Without tsc (or node), a test fails when CI is set, and is
skipped with the reason otherwise.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.paths import ROOT, SUPPORT

TSC = ROOT / "node_modules" / ".bin" / "tsc"
SDK = SUPPORT / "sdk" / "index.d.ts"
SDK_MODULE = "@backfill-io/sdk"

#: `--strict` and the checks a careful connector author may also turn on. Not
#: `noUnusedLocals`: a stub's `settings` is left for its author to use.
OPTIONS: dict[str, Any] = {
    "strict": True,
    "target": "ES2022",
    "lib": ["ES2022"],
    "types": [],
    "module": "esnext",
    "moduleResolution": "bundler",
    "noImplicitReturns": True,
    "noFallthroughCasesInSwitch": True,
    "noUncheckedIndexedAccess": True,
    "exactOptionalPropertyTypes": True,
    "noPropertyAccessFromIndexSignature": True,
    "forceConsistentCasingInFileNames": True,
    "skipLibCheck": False,
}

#: The module settings a connector project may use; every generated file must compile under
#: each (on top of OPTIONS). `nodenext` needs relative imports with an extension (TS2835) and
#: reads `"type": "module"` from package.json (written beside the tsconfig); `bundler` with
#: `module: preserve` is what Vite-style projects use; `node10` is the old CommonJS default.
CONFIGURATIONS: dict[str, dict[str, Any]] = {
    "strict": {},
    "nodenext": {"module": "nodenext", "moduleResolution": "nodenext"},
    "bundler": {"module": "preserve", "moduleResolution": "bundler"},
    "node10": {"module": "commonjs", "moduleResolution": "node10", "ignoreDeprecations": "5.0"},
}
#: package.json for a configuration's folder, when it needs one.
PACKAGE_JSON: dict[str, dict[str, Any]] = {"nodenext": {"type": "module", "private": True}}

_ERROR = re.compile(
    r"^(?P<file>[^\s(][^(]*)\((?P<line>\d+),(?P<column>\d+)\): error (?P<code>TS\d+)"
)


def require_tsc() -> Path:
    """The tsc binary; fails the test under CI when it (or node) is missing, else skips."""
    if TSC.exists() and shutil.which("node"):
        return TSC
    message = "node_modules/.bin/tsc or node is missing: run `npm ci` (TypeScript is pinned)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@dataclass(frozen=True)
class TscError:
    file: str  # as tsc prints it, relative to the folder
    line: int
    code: str


@dataclass(frozen=True)
class TscRun:
    returncode: int
    output: str

    @property
    def errors(self) -> list[TscError]:
        found = []
        for line in self.output.splitlines():
            match = _ERROR.match(line)
            if match:
                found.append(TscError(match["file"], int(match["line"]), match["code"]))
        return found


def write_config(
    folder: Path, files: Sequence[str], *, out_dir: str | None = None, **options: Any
) -> Path:
    """tsconfig.json in `folder` for `files` (relative to it); emitting to `out_dir` if given."""
    compiler_options = {**OPTIONS, **options, "paths": {SDK_MODULE: [str(SDK)]}}
    if out_dir is None:
        compiler_options["noEmit"] = True
    else:
        compiler_options.update(outDir=out_dir, rootDir=".", module="commonjs")
        compiler_options["moduleResolution"] = "node10"
        compiler_options["ignoreDeprecations"] = "5.0"
    config = {"compilerOptions": compiler_options, "files": list(files)}
    path = folder / "tsconfig.json"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


def run_tsc(
    folder: Path, files: Sequence[str], *, out_dir: str | None = None, **options: Any
) -> TscRun:
    """One tsc run over `files`: type-check only (`--strict --noEmit`), or emit to `out_dir`."""
    tsc = require_tsc()
    write_config(folder, files, out_dir=out_dir, **options)
    command = [str(tsc), "-p", "tsconfig.json", "--strict", "--pretty", "false"]
    if out_dir is None:
        command.append("--noEmit")
    done = subprocess.run(
        command, cwd=folder, capture_output=True, text=True, encoding="utf-8", timeout=600
    )
    return TscRun(done.returncode, done.stdout + done.stderr)


def typecheck(
    folder: Path, files: Sequence[str], configuration: str = "strict", **options: Any
) -> TscRun:
    """`tsc --strict --noEmit` over `files` under one of CONFIGURATIONS."""
    package = PACKAGE_JSON.get(configuration)
    package_file = folder / "package.json"
    if package is not None:
        package_file.write_text(json.dumps(package), encoding="utf-8")
    try:
        return run_tsc(folder, files, **{**CONFIGURATIONS[configuration], **options})
    finally:
        if package is not None:
            package_file.unlink()


def run_node(script: str, payload: Any = None, cwd: Path | None = None) -> Any:
    """Run `script` in node with `payload` as JSON on stdin; its stdout parsed as JSON."""
    require_tsc()
    done = subprocess.run(
        ["node", "-e", script],
        input=json.dumps(payload, ensure_ascii=True),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        cwd=cwd,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
