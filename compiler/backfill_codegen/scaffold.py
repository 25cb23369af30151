"""`backfill-codegen init`: a new connector that passes `check`, `generate` and `tsc --strict`
as created.

The files come from package data (templates/init/<template>/ and templates/init/common/, the
SDK declaration from sdk/index.d.ts); the manifest is one JSON value per template, written in
the chosen format so the three formats cannot drift apart. Files are created exclusively
(`open(..., "x")`): init never overwrites one, not even one that appears while it runs.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backfill_codegen.resources import data_dir
from backfill_codegen.workspace import MANIFEST_NAMES, UsageError

TEMPLATES = ("api-key", "oauth", "webhook")
FORMATS = ("ts", "json", "yaml")
MANIFEST_FILE = {
    "ts": "backfill.config.ts",
    "json": "backfill.config.json",
    "yaml": "backfill.config.yaml",
}
NAME = re.compile(r"^[a-z][a-z0-9-]*$")
#: Package-data names -> the names written (setuptools' globs skip dot files).
COMMON = {
    "tsconfig.json": "tsconfig.json",
    "gitignore": ".gitignore",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
}
SDK_DECLARATION = "types/backfill-sdk.d.ts"
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


@dataclass(frozen=True)
class Scaffolded:
    written: list[str]  # relative to the directory, in the order written
    kept: list[str]  # files that already existed (only with force)


def default_name(directory: Path) -> str | None:
    """The connector name a folder suggests: `My Connector` -> `my-connector`; None if none."""
    slug = re.sub(r"[^a-z0-9]+", "-", directory.resolve().name.lower()).strip("-")
    slug = re.sub(r"^[^a-z]+", "", slug)
    return slug or None


def scaffold(
    directory: Path, template: str, manifest_format: str, name: str, *, force: bool = False
) -> Scaffolded:
    if template not in TEMPLATES or manifest_format not in FORMATS:
        raise UsageError(f"unknown template or format: {template!r}, {manifest_format!r}")
    if not NAME.match(name):
        raise UsageError(
            f"{name!r} is not a connector name: lowercase letters, digits and `-`, starting "
            "with a letter (pass one with --name)"
        )
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory.as_posix()}: not a directory")
    existing = sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []
    if existing and not force:
        raise UsageError(
            f"{directory.as_posix()}: not empty ({', '.join(existing[:3])}"
            f"{', ...' if len(existing) > 3 else ''}); pass --force to add the files that are "
            "missing (no file is ever overwritten)"
        )
    manifest_file = MANIFEST_FILE[manifest_format]
    other = [n for n in existing if n in MANIFEST_NAMES and n != manifest_file]
    if other:
        raise UsageError(f"{directory.as_posix()}: already holds a manifest ({other[0]})")
    files = _files(template, manifest_format, name)
    directory.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for relative, text in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except FileExistsError:
            kept.append(relative)
            continue
        written.append(relative)
    return Scaffolded(written, kept)


def _files(template: str, manifest_format: str, name: str) -> dict[str, str]:
    """Every file of the new connector, by relative path, in the order written."""
    init = data_dir("templates") / "init"
    words = {
        "__NAME__": name,
        "__DISPLAY_NAME__": " ".join(word.capitalize() for word in name.split("-")),
        "__KEY__": name.replace("-", "_"),
    }

    def fill(text: str) -> str:
        return re.sub("|".join(words), lambda m: words[m.group(0)], text)

    manifest = json.loads(fill((init / template / "manifest.json").read_text(encoding="utf-8")))
    files = {MANIFEST_FILE[manifest_format]: render_manifest(manifest, manifest_format)}
    routes = init / template / "src"
    for path in sorted(routes.rglob("*.ts")):
        files[path.relative_to(init / template).as_posix()] = fill(path.read_text("utf-8"))
    for source, target in COMMON.items():
        files[target] = (init / "common" / source).read_text(encoding="utf-8")
    files[SDK_DECLARATION] = (data_dir("sdk") / "index.d.ts").read_text(encoding="utf-8")
    return files


HEADER = (
    "The {display} connector's manifest. `backfill-codegen check` reports every mistake in it;\n"
    "`backfill-codegen generate` writes generated/ from it. `backfill-codegen explain CODE`\n"
    "explains a diagnostic."
)


def render_manifest(manifest: dict[str, Any], manifest_format: str) -> str:
    header = HEADER.format(display=manifest.get("displayName", manifest["name"]))
    if manifest_format == "json":  # JSON has no comments: the header would be a key
        return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    if manifest_format == "yaml":
        from ruamel.yaml import YAML  # only init writes YAML

        yaml = YAML()  # round-trip: keeps the keys in the template's order
        yaml.default_flow_style = False
        yaml.width = 4096  # one line per value: no folded strings
        yaml.indent(mapping=2, sequence=4, offset=2)
        out = io.StringIO()
        yaml.dump(manifest, out)
        comment = "".join(f"# {line}\n" for line in header.splitlines())
        return comment + out.getvalue()
    comment = "".join(f"// {line}\n" for line in header.splitlines())
    body = _typescript(manifest, "")
    head = 'import { defineConfig } from "@backfill-io/sdk";\n'
    return f"{comment}{head}\nexport default defineConfig({body});\n"


def _typescript(value: Any, indent: str) -> str:
    """A JSON value as a TypeScript literal: identifier keys bare, trailing commas."""
    inner = indent + "  "
    if isinstance(value, dict):
        items = [
            f"{inner}{key if _IDENTIFIER.match(key) else json.dumps(key)}: "
            f"{_typescript(item, inner)},\n"
            for key, item in value.items()
        ]
        return "{\n" + "".join(items) + indent + "}"
    if isinstance(value, list):
        if all(isinstance(item, str) for item in value):
            return "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in value) + "]"
        return "[\n" + "".join(f"{inner}{_typescript(i, inner)},\n" for i in value) + indent + "]"
    return json.dumps(value, ensure_ascii=False)


def next_steps(directory: Path, shown: str) -> str:
    """What to run after init, printed under the list of files."""
    cd = "" if directory.resolve() == Path.cwd().resolve() else f"  cd {shown}\n"
    return (
        "Next:\n"
        f"{cd}"
        "  backfill-codegen check      # report every mistake, with file:line:column\n"
        "  backfill-codegen generate   # write generated/ (settings, routes, OpenAPI, docs)\n"
        "  npx -p typescript tsc       # type-check the routes with tsconfig.json\n"
    )
