"""`generate`: checked manifests -> IR -> every emitter -> one ruff pass -> the writer's plan.

Everything is rendered in memory first; nothing is written when any manifest has an error.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path

from compiler import ir

#: Emitters of files in the output directory, each `emit(connector) -> {path: text}`.
EMITTERS = (
    "compiler.emit.python_settings",
    "compiler.emit.typescript_settings",
    "compiler.emit.routes",
    "compiler.emit.permissions",
    "compiler.emit.openapi",
    "compiler.emit.docs",
)


@dataclass(frozen=True)
class Job:
    """One connector to generate: where its manifest is and where its output goes."""

    connector: ir.Connector
    connector_dir: Path
    output_dir: Path
    write_stubs: bool = True


def outputs(connector: ir.Connector) -> dict[str, str]:
    files: dict[str, str] = {}
    for name in EMITTERS:
        for path, text in importlib.import_module(name).emit(connector).items():
            if path in files:
                raise ValueError(f"two emitters produce {path}")
            files[path] = text
    return dict(sorted(files.items()))


def stubs(job: Job) -> dict[str, str]:
    from compiler.emit.routes import emit_stubs

    generated = Path(os.path.relpath(job.output_dir, job.connector_dir)).as_posix()
    return emit_stubs(job.connector, generated_dir=generated)


def render(jobs: list[Job]) -> tuple[dict[Path, str], dict[Path, str]]:
    """Every generated file and every scaffold of the batch, by absolute path; Python formatted
    in one ruff run for the whole batch."""
    from compiler.format import format_python

    generated: dict[Path, str] = {}
    scaffolds: dict[Path, str] = {}
    for job in jobs:
        for relative, text in outputs(job.connector).items():
            generated[job.output_dir / relative] = text
        if job.write_stubs:
            for relative, text in stubs(job).items():
                scaffolds[job.connector_dir / relative] = text
    # Keys for the formatter are short relative names, so no absolute path reaches ruff's output.
    python_paths = sorted(path for path in generated if path.suffix == ".py")
    keys = {f"f{index}/{path.name}": path for index, path in enumerate(python_paths)}
    formatted = format_python({key: generated[path] for key, path in keys.items()})
    for key, path in keys.items():
        generated[path] = formatted[key]
    return generated, scaffolds
