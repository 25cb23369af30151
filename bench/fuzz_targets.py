"""The fuzz targets: one per front end, and one for the whole `check` -> `generate` pipeline.

A target takes the bytes of a manifest file and raises on a failure: any exception, a broken
invariant, or (pipeline) an exit status other than 0/1. A hang is caught by the engine.
Compiler modules are imported lazily, so an engine can instrument them first.
"""

from __future__ import annotations

import importlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"
EXAMPLE = ROOT / "compiler" / "backfill_codegen" / "example" / "stripe" / "backfill.config.ts"
_BOM = b"\xef\xbb\xbf"
#: The pipeline target's first byte picks the manifest format (its value modulo 3).
SUFFIXES = (".json", ".yaml", ".ts")
MAX_LEN = 64 * 1024


class Failure(AssertionError):
    """An input the compiler handled wrongly (not a crash of the engine)."""


@dataclass(frozen=True)
class Target:
    name: str
    #: Files (relative to the project) whose line coverage the campaign reports.
    modules: tuple[str, ...]
    run: Callable[[bytes], None]


def decode(data: bytes) -> str | None:
    """The text the pipeline would hand to a front end (see pipeline.read_source), or None when
    it stops earlier (not UTF-8, a NUL): such inputs never reach a front end."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\0" in text else text


def _check_document(result: Any, text: str) -> None:
    """What every front end promises: a document or a diagnostic; spans inside the text; when
    there is no error, the value is plain JSON data that UTF-8 can hold."""
    errors = [d for d in result.diagnostics if d.severity == "error"]
    if result.document is None and not errors:
        raise Failure("no document and no error")
    for diagnostic in result.diagnostics:
        for label in (diagnostic.primary, *diagnostic.secondary):
            if label is None:
                continue
            if not 0 <= label.span.start <= label.span.end <= len(label.source.text):
                raise Failure(f"{diagnostic.code}: span {label.span} outside the text")
    document = result.document
    if document is None:
        return
    for spans in (document.value_spans, document.key_spans):
        for path, span in spans.items():
            if not 0 <= span.start <= span.end <= len(text):
                raise Failure(f"span {span} of {path} outside the text")
    if not errors:
        # NaN/Infinity and lone surrogates must have been diagnostics (BF008).
        json.dumps(document.value, allow_nan=False, ensure_ascii=False).encode("utf-8")


def _frontend(kind: str, suffix: str) -> Callable[[bytes], None]:
    def run(data: bytes) -> None:
        from backfill_codegen.source import SourceFile

        text = decode(data)
        if text is None:
            return
        module = importlib.import_module(f"backfill_codegen.frontends.{kind}")
        _check_document(module.parse(SourceFile(f"backfill.config{suffix}", text)), text)

    return run


class _Pipeline:
    """check (through the command line, in-process) and, when clean, lower + every emitter in
    memory. The input is written as the manifest file of a private folder (`check` reads a
    file); nothing else is written."""

    def __init__(self, work: Path | None) -> None:
        if work is None:
            self._folder = Path(tempfile.mkdtemp(prefix="backfill-fuzz-"))
        else:  # inside the campaign's folder, which outlives a libFuzzer exit()
            self._folder = Path(tempfile.mkdtemp(prefix="pipeline-input-", dir=work))

    def __call__(self, data: bytes) -> None:
        if not data:
            return
        suffix = SUFFIXES[data[0] % len(SUFFIXES)]
        for stale in self._folder.iterdir():
            stale.unlink()
        path = self._folder / f"backfill.config{suffix}"
        path.write_bytes(data[1:])
        status, stdout, stderr = _run_cli(["check", "--format", "json", path.name], self._folder)
        if status not in (0, 1):
            raise Failure(f"check exited {status}: {stderr[-2000:]}")
        diagnostics = json.loads(stdout)
        if (status == 1) != any(d["severity"] == "error" for d in diagnostics):
            raise Failure(f"exit status {status} disagrees with the diagnostics")
        blocking = [d for d in diagnostics if d["severity"] == "error" and d["code"] != "BF701"]
        if not blocking:
            _generate_in_memory(path)


def _run_cli(args: list[str], cwd: Path) -> tuple[int, str, str]:
    import contextlib
    import io

    from backfill_codegen.cli import main

    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(args)
    finally:
        os.chdir(previous)
    return status, out.getvalue(), err.getvalue()


def _generate_in_memory(path: Path) -> None:
    from backfill_codegen.generate import outputs
    from backfill_codegen.lower import lower
    from backfill_codegen.pipeline import check_manifest

    result = check_manifest(path)
    if result.has_errors:
        raise Failure("check_manifest disagrees with the command line")
    files = outputs(lower(result.manifest, result.route_files))
    for name, text in files.items():
        text.encode("utf-8")  # the writer would write it as UTF-8
        if name.endswith(".json"):
            json.loads(text)


#: Files (relative to the project) whose line coverage each target reports.
MODULES: dict[str, tuple[str, ...]] = {
    "ts": (
        "compiler/backfill_codegen/frontends/typescript.py",
        "compiler/backfill_codegen/frontends/ts_static.py",
    ),
    "json": ("compiler/backfill_codegen/frontends/json.py",),
    "yaml": ("compiler/backfill_codegen/frontends/yaml.py",),
    "pipeline": ("compiler/backfill_codegen",),
}


def targets(work: Path | None = None) -> dict[str, Target]:
    """Every target; `work` holds the pipeline's input folder (else a temporary folder)."""
    return {
        "ts": Target("ts", MODULES["ts"], _frontend("typescript", ".ts")),
        "json": Target("json", MODULES["json"], _frontend("json", ".json")),
        "yaml": Target("yaml", MODULES["yaml"], _frontend("yaml", ".yaml")),
        "pipeline": Target("pipeline", MODULES["pipeline"], _Pipeline(work)),
    }


def seeds(target: str) -> list[bytes]:
    """The golden manifests (and the bundled example): as files for a front end, with the format
    byte in front for the pipeline."""
    files = [*sorted(GOLDEN.glob("*/backfill.config.*")), EXAMPLE]
    found = []
    for file in files:
        data = file.read_bytes()[:MAX_LEN]
        if target == "pipeline":
            data = bytes([SUFFIXES.index(_suffix(file))]) + data
        found.append(data)
    return found


def _suffix(file: Path) -> str:
    return ".yaml" if file.suffix == ".yml" else file.suffix


#: Tokens the mutators insert: manifest keys, JSON Schema keywords, YAML and TS syntax, and the
#: strings that break out of quotes, comments and templates.
DICTIONARY: tuple[bytes, ...] = tuple(
    token.encode("utf-8")
    for token in (
        '"name"',
        '"connection"',
        '"settingsSchema"',
        '"oauth"',
        '"permissions"',
        '"http"',
        '"testConnection"',
        '"postConnect"',
        '"setup"',
        '"webhookUrlTemplate"',
        '"instructions"',
        '"scopes"',
        '"client"',
        '"credentialKey"',
        '"route"',
        '"method"',
        '"authorizationUrlTemplate"',
        '"tokenUrlTemplate"',
        '"displayName"',
        '"$schema"',
        '"$ref"',
        '"$defs"',
        '"definitions"',
        '"pattern"',
        '"enum"',
        '"const"',
        '"default"',
        '"type"',
        '"object"',
        '"string"',
        '"properties"',
        '"required"',
        '"allOf"',
        '"oneOf"',
        '"anyOf"',
        '"items"',
        '"format"',
        '"writeOnly"',
        '"examples"',
        '"$anchor"',
        '"$id"',
        '"#/$defs/a"',
        '"https://<shop>.example.com/x"',
        '"https://api.example.com/*"',
        '"/setup/test_connection"',
        '"POST"',
        "<tenant_id>",
        "<connection_id>",
        "/api/v1/extensions/<tenant_id>/",
        "&a ",
        "*a",
        "!!str ",
        "!!binary ",
        "<<: ",
        "---\n",
        "? ",
        "- ",
        "|\n",
        ">-\n",
        "'",
        '"',
        "\\u",
        "\\ud800",
        "\\x",
        "${",
        "`",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "1e999",
        "-0",
        "NaN",
        "0x",
        "1n",
        "export default ",
        "defineConfig(",
        " as const",
        " satisfies ",
        "const a = ",
        "...",
        "a",
        "/*",
        "*/",
        "//",
        '"""',
        "{{",
        "}}",
        "{%",
        "%}",
        "</script>",
        "|",
        "\u2028",
        "\u2029",
        "\u202e",
        "\ufeff",
        "\r",
        "\t",
        "^(a+)+$",
        "(?<",
        "\\p{L}",
        "__proto__",
        "constructor",
    )
)


# --- structure-aware mutation (pipeline) ----------------------------------------------------

#: Strings that end quotes, comments and templates, or hide code, in every target language.
HOSTILE_STRINGS: tuple[str, ...] = (
    "",
    " ",
    "'",
    '"',
    '"""',
    "`${x}`",
    "*/",
    "/*",
    "{{ x }}",
    "{% x %}",
    "</script>",
    "a | b",
    "\\",
    "\u2028",
    "\u2029",
    "\u202e",
    "\ufeff",
    "\x00",
    "\ud800",
    "__proto__",
    "constructor",
    "class",
    "None",
    "-",
    "1a",
    "a" * 300,
    "https://<shop>.example.com/x",
    "#/$defs/a",
    "#",
    "^(a+)+$",
    "/setup/test_connection",
    "/api/v1/extensions/<tenant_id>/acme/routes/hooks/in?connection_id=<connection_id>",
)
_KEYS = tuple(
    token.decode().strip('"') for token in DICTIONARY if token.startswith(b'"') and len(token) > 2
)


def _document_value(data: bytes) -> tuple[int, Any] | None:
    """The pipeline input's format index and its value, when a front end reads it cleanly."""
    from backfill_codegen.pipeline import parse
    from backfill_codegen.source import SourceFile

    if not data:
        return None
    index = data[0] % len(SUFFIXES)
    text = decode(data[1:])
    if text is None:
        return None
    result = parse(SourceFile("m" + SUFFIXES[index], text), SUFFIXES[index])
    if result.document is None or any(d.severity == "error" for d in result.diagnostics):
        return None
    return index, result.document.value


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    found = [(path, value)]
    if isinstance(value, dict):
        for key, inner in value.items():
            found.extend(_nodes(inner, (*path, key)))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.extend(_nodes(inner, (*path, index)))
    return found


def _random_value(rng: Any, nodes: list[tuple[tuple[Any, ...], Any]]) -> Any:
    choice = rng.randrange(8)
    if choice == 0:
        return rng.choice(HOSTILE_STRINGS)
    if choice == 1:
        return rng.choice((0, -1, 1.5, 2**63, True, False, None))
    if choice == 2:
        return {}
    if choice == 3:
        return []
    if choice == 4:
        return rng.choice(_KEYS)
    return json.loads(json.dumps(rng.choice(nodes)[1]))  # a copy of another part


def _mutate_value(value: Any, rng: Any) -> Any:
    nodes = _nodes(value)
    path, node = rng.choice(nodes)
    operation = rng.randrange(6)
    if operation == 0 or not path:  # replace a node
        new: Any = _random_value(rng, nodes)
    elif operation == 1 and isinstance(node, dict) and node:  # rename or drop a key
        key = rng.choice(list(node))
        new = dict(node)
        inner = new.pop(key)
        if rng.random() < 0.5:
            new[rng.choice((*HOSTILE_STRINGS, *_KEYS))] = inner
    elif operation == 2 and isinstance(node, dict):  # add a key
        new = {**node, rng.choice(_KEYS): _random_value(rng, nodes)}
    elif operation == 3:  # nest deeper
        new = rng.choice(([node], {"a": node}, {"$ref": "#", "allOf": [node]}))
    elif operation == 4 and isinstance(node, list):  # grow a list
        new = [*node, *(node[:1] * rng.choice((1, 2, 50)))]
    else:
        new = _random_value(rng, nodes)
    if not path:
        return new
    parent = value
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return value


def _serialize(index: int, value: Any, ascii_only: bool) -> bytes:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=1)
    if SUFFIXES[index] == ".ts":
        text = f"export default {text};\n"
    return bytes([index]) + text.encode("utf-8", "surrogatepass")


def structured_mutate(data: bytes, rng: Any) -> bytes | None:
    """A pipeline input whose manifest value is changed in one place (a key, a value, a
    subtree), written back as JSON, as YAML (JSON is YAML) or as a TS default export; None
    when the input has no clean value to change."""
    found = _document_value(data)
    if found is None:
        return None
    index, value = found
    for _ in range(rng.choice((1, 1, 2, 3))):
        value = _mutate_value(value, rng)
    if rng.random() < 0.2:
        index = rng.randrange(len(SUFFIXES))
    out = _serialize(index, value, rng.random() < 0.3)
    return out if len(out) <= MAX_LEN else None
