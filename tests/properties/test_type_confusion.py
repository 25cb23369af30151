"""Type confusion inside `settingsSchema`: a keyword holding a value of the wrong JSON type never
crashes `check` or `generate`.

`settingsSchema` is the manifest's only free-form region (the manifest schema gives it
`additionalProperties: true`; every other value has a declared type that checks/structure
enforces before a check reads it). So the code that reads a settings schema sees arbitrary JSON:
`"type": [{}]`, `"required": "name"`, `"properties": [[]]`. BF401 reports such a schema, but the
other checks still run on it, and `generate` lowers and emits a schema whose problems are only
warnings. Each example takes a valid golden manifest, puts a wrongly typed value at a keyword
position of its settings schema (a keyword it has, or one added to any subschema), and runs the
pipeline: no exception may escape, and a manifest `check` passes must lower and emit.

Example counts come from the Hypothesis profile (150 dev, 1,000 CI; conftest.py). The real CLI
runs on a small sample of its own.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from backfill_codegen import generate as generate_module
from backfill_codegen.domain import schema_keywords, settings_vocabulary
from backfill_codegen.domain.settings_schema import SETTINGS_PATH
from backfill_codegen.lower import lower
from backfill_codegen.pipeline import check_manifest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "golden"

#: Every keyword the compiler may read inside a settings schema: the subschema taxonomy, every
#: keyword of every known dialect, the ones accepted in any dialect, vendor secret markers and
#: the `x-` forms the emitters pass through.
KEYWORDS = sorted(
    {
        *schema_keywords.IN_PLACE_ONE,
        *schema_keywords.IN_PLACE_LIST,
        *schema_keywords.IN_PLACE_MAP,
        *schema_keywords.CHILD_ONE,
        *schema_keywords.CHILD_MAP,
        *schema_keywords.DEFINITION_MAPS,
        "items",
        "prefixItems",
        "dependencies",
        "dependentRequired",
        *settings_vocabulary.all_keywords(),
        *settings_vocabulary.ACCEPTED,
        *settings_vocabulary.SIGNIFICANT,
        *settings_vocabulary.VENDOR_SECRETS,
        "x-default",
        "x-const",
        "x-enum",
        "x-example",
        "x-examples",
    }
)

#: Keys no metaschema types, that some reader may still act on: the model generator's own
#: directives and extensions (datamodel-code-generator reads them whatever the dialect), keywords
#: a dialect lists only for compatibility, OpenAPI's, and vendor secret markers. Drawn as often
#: as all the rest: a wrong value here passes `check` and reaches `generate`.
UNTYPED = sorted(
    {
        "customTypePath",
        "customBasePath",
        "x-python-import",
        "x-python-type",
        "x-enum-varnames",
        "x-enumNames",
        "x-enum-descriptions",
        "x-enum-field-as-literal",
        "x-is-base-class",
        "x-is-classvar",
        "x-propertyNames",
        "x-datamodel-code-generator-read-as-const",
        "$recursiveAnchor",
        "$recursiveRef",
        "$dynamicAnchor",
        "nullable",
        "discriminator",
        "example",
        "x-default",
        "x-const",
        "x-enum",
        "x-example",
        "x-examples",
        "x-defs",
        *settings_vocabulary.VENDOR_SECRETS,
    }
)

#: Values of every JSON type, shaped to break a reader that trusts the spec: containers of the
#: wrong members, numbers and booleans where strings or schemas go, huge and deep values.
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1.5, 10**400 // 10**380, 2**64, -(2**63), 1e308]),
    st.sampled_from(
        ["", "string", "object", "#", "#/$defs/x", "#/properties", "^(", "a", "os.system"]
    ),
)
WRONG = st.one_of(
    _SCALARS,
    st.recursive(
        _SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(
                st.sampled_from(["type", "a", "$ref", "properties"]), inner, max_size=3
            ),
        ),
        max_leaves=8,
    ),
    # Half right: a list mixing what the keyword wants (type names, names) with what it does not.
    st.lists(
        st.sampled_from(["string", "null", "object", "integer", "a"])
        | _SCALARS
        | st.just({})
        | st.just([]),
        min_size=1,
        max_size=4,
    ),
    st.just([{}]),
    st.just([[]]),
    st.just([{"type": "string"}]),
    st.just({"type": ["string"]}),
    st.just([["string"]]),
    st.just({"a": {"a": {"a": [[[{}]]]}}}),
)


#: The golden cases `check` passes: drawn more often, since only those reach `generate`.
PASSING: set[str] = set()


def _golden_schemas() -> list[tuple[str, dict[str, Any]]]:
    """Every golden manifest with a settings schema, as its value tree (a TypeScript one is
    rewritten as JSON); those whose errors lie elsewhere still reach the settings checks."""
    found = []
    for path in sorted(GOLDEN.glob("*/backfill.config.*")):
        result = check_manifest(path)
        manifest = result.manifest
        if not result.has_errors:
            PASSING.add(path.parent.name)
        connection = manifest.get("connection") if isinstance(manifest, dict) else None
        schema = connection.get("settingsSchema") if isinstance(connection, dict) else None
        if isinstance(schema, dict):
            found.append((path.parent.name, manifest))
    return found


def _corpus_schemas(folder: str) -> list[tuple[str, dict[str, Any]]]:
    """For a long local campaign only (TYPE_CONFUSION_CORPUS=../shared/corpus/settings-schemas):
    real-world schemas, each put in the first golden manifest. Read there, never copied."""
    base = _golden_schemas()[0][1]
    found = []
    for path in sorted(Path(folder).glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(schema, dict) and path.name != "INDEX.json":
            manifest = copy.deepcopy(base)
            manifest["connection"]["settingsSchema"] = schema
            found.append((path.stem, manifest))
            PASSING.add(path.stem)
    return found


GOLDENS = _golden_schemas()
if os.environ.get("TYPE_CONFUSION_CORPUS"):
    GOLDENS += _corpus_schemas(os.environ["TYPE_CONFUSION_CORPUS"])


def _mappings(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every mapping inside the schema (subschemas, and maps of them)."""
    out: list[tuple[Any, ...]] = []
    if isinstance(node, dict):
        out.append(path)
        for key, value in node.items():
            out.extend(_mappings(value, (*path, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out.extend(_mappings(value, (*path, index)))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A golden manifest with 1 to 3 keyword values of its settings schema replaced or added:
    a keyword the mapping has, any keyword of the taxonomy, or one no metaschema types."""
    passing = [case for case in GOLDENS if case[0] in PASSING]
    name, manifest = draw(st.sampled_from(passing if draw(st.integers(0, 3)) else GOLDENS))
    manifest = json.loads(json.dumps(manifest))
    schema = manifest["connection"]["settingsSchema"]
    for _ in range(draw(st.integers(1, 3))):
        node = schema
        for step in draw(st.sampled_from(_mappings(schema))):
            node = node[step]
        wrong = copy.deepcopy(draw(WRONG))  # st.just's values are shared between draws
        # A value of the right kind with one wrong member (`"type": ["string", {}]` beside a
        # `writeOnly`), or a wrong value for a key the mapping has or a keyword it has not.
        if node and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(node)))
            value = node[key]
            if isinstance(value, dict) and value:
                value[draw(st.sampled_from(sorted(value)))] = wrong
            elif isinstance(value, list):
                value.insert(draw(st.integers(0, len(value))), wrong)
            else:  # `"type": "string"` -> `["string", {}]`
                node[key] = [value, wrong] if draw(st.booleans()) else [wrong, value]
            continue
        keys = st.sampled_from(KEYWORDS) | st.sampled_from(UNTYPED)
        if node:
            keys = st.sampled_from(sorted(node)) | keys
        node[draw(keys)] = wrong
    return name, manifest


def _write(directory: Path, manifest: dict[str, Any]) -> Path:
    path = directory / "backfill.config.json"
    path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return path


@given(mutated())
def test_wrongly_typed_keywords_never_crash(case: tuple[str, dict[str, Any]]) -> None:
    _, manifest = case
    with tempfile.TemporaryDirectory() as tmp:
        result = check_manifest(_write(Path(tmp), manifest))
    assert result.document is not None
    for diagnostic in result.diagnostics:
        assert diagnostic.code.startswith("BF"), diagnostic
    if result.has_errors:
        event("check: errors")
        return
    event("check passed: generated")
    # `check` passed (warnings at most): `generate` lowers and emits this schema.
    connector = lower(result.manifest)
    outputs = generate_module.outputs(connector, generate_module.EMITTERS)
    if "settings.py" in outputs:
        assert _imported(outputs["settings.py"]) <= SETTINGS_IMPORTS, outputs["settings.py"]


#: What a generated settings.py may import: pydantic, and the standard library modules of the
#: types JSON Schema formats map to. Nothing a schema names (the generator's `customTypePath`).
SETTINGS_IMPORTS = frozenset(
    {
        "__future__",
        "typing",
        "typing_extensions",
        "pydantic",
        "pydantic_core",
        "enum",
        "re",
        "datetime",
        "decimal",
        "uuid",
        "ipaddress",
        "pathlib",
    }
)


def _imported(code: str) -> set[str]:
    """The top-level modules `code` imports."""
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BACKFILL_CODEGEN_DEBUG"}
    env["PYTHONPATH"] = str(ROOT / "compiler")
    return subprocess.run(
        [sys.executable, "-m", "backfill_codegen", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )


@settings(max_examples=8)
@given(mutated())
def test_the_cli_exits_0_or_1_on_wrongly_typed_keywords(case: tuple[str, dict[str, Any]]) -> None:
    _, manifest = case
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), manifest)
        checked = _cli("check", "--format", "json", str(path))
        assert checked.returncode in (0, 1), checked.stderr
        assert "internal error" not in checked.stderr and "Traceback" not in checked.stderr
        json.loads(checked.stdout)
        generated = _cli("generate", "--no-cache", "-o", str(Path(tmp) / "out"), str(path))
        assert generated.returncode in (0, 1), generated.stderr
        assert "internal error" not in generated.stderr
        assert "Traceback" not in generated.stderr
        if checked.returncode == 0:  # warnings at most: generate writes
            assert generated.returncode == 0, (checked.stdout, generated.stderr)


def test_every_free_form_region_is_the_settings_schema() -> None:
    """The fuzzing above covers every region of the manifest whose values are arbitrary JSON:
    the manifest schema leaves only `settingsSchema` open."""
    document = json.loads((ROOT / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
    open_regions = []

    def walk(node: Any, path: tuple[str, ...]) -> None:
        if isinstance(node, dict):
            if node.get("additionalProperties") is True or (
                isinstance(node.get("additionalProperties"), dict)
                and not node["additionalProperties"]
            ):
                open_regions.append(path)
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, str(index)))

    walk(document, ())
    assert open_regions == [("$defs", "Connection", "properties", SETTINGS_PATH[-1])]
    assert len(GOLDENS) >= 20, [name for name, _ in GOLDENS]
