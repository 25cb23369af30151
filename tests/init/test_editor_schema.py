"""The exported schema (`backfill-codegen schema`) catches in the editor what a schema can: every
golden case whose defect is one of shape (a code in SHAPE) is rejected by check-jsonschema with
it, every case `check` finds no error in is accepted, and a case it rejects has an error. The
same holds for generated cases: each valid golden manifest with one value broken in a way that
`check` reports as a shape defect.

`check` reads TypeScript, check-jsonschema does not: each manifest is given to it as the JSON of
the value the compiler's front end reads. One check-jsonschema run judges all the files."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

from backfill_codegen.cli import main
from backfill_codegen.pipeline import check_manifest
from backfill_codegen.workspace import MANIFEST_NAMES
from tests.support.paths import GOLDEN, ROOT

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"

#: Rules whose every defect the schema states (types, keys, enums, patterns, the settings
#: schema's meta-schema). Cross-field rules (a webhook template naming another connector,
#: a `required` name with no property, a call no entry allows, ...) are for `check` alone.
SHAPE = frozenset(
    {
        "BF101",  # missing key
        "BF102",  # unknown key
        "BF103",  # wrong type
        "BF104",  # name pattern
        "BF201",  # route pattern
        "BF202",  # method enum
        "BF203",  # testConnection / postConnect: POST
        "BF301",  # the webhook template is a path
        "BF302",  # the webhook template's tokens
        "BF305",  # empty instructions
        "BF306",  # the route inside the webhook template
        "BF401",  # the settings schema against its dialect's meta-schema
        "BF402",  # the settings schema is `type: object`
        "BF408",  # `$schema` of the settings schema: a known dialect
        "BF501",  # oauth.type
        "BF507",  # scopes: no whitespace, unique
        "BF509",  # credentialKey pattern
        "BF601",  # permissions: https://
        "BF602",  # permissions: no `*` in the host
        "BF603",  # permissions: no userinfo
        "BF604",  # permissions: no query or fragment
    }
)


def _manifest(case: Path) -> Path | None:
    found = [case / n for n in MANIFEST_NAMES if (case / n).is_file() or (case / n).is_symlink()]
    return found[0] if len(found) == 1 and not found[0].is_symlink() else None


def _judged(values: dict[str, Any], tmp: Path) -> dict[str, bool]:
    """Whether check-jsonschema accepts each value, by name; one run for all."""
    schema = tmp / "manifest.schema.json"
    assert main(["schema", "-o", str(schema)]) == 0
    files = {}
    for name, value in values.items():
        files[name] = tmp / f"{name}.json"
        files[name].write_text(json.dumps(value), encoding="utf-8")
    done = subprocess.run(
        [
            str(CHECK_JSONSCHEMA),
            "--schemafile",
            str(schema),
            "-o",
            "json",
            *map(str, files.values()),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(done.stdout)
    assert not report.get("parse_errors"), report
    rejected = {Path(error["filename"]).name for error in report["errors"]}
    return {name: path.name not in rejected for name, path in files.items()}


@cache
def _golden() -> dict[str, tuple[Any, set[str]]]:
    """Every golden case the front end reads: its value and the codes of its errors."""
    cases = {}
    for case in sorted(path for path in GOLDEN.iterdir() if path.is_dir()):
        manifest = _manifest(case)
        if manifest is None:
            continue
        result = check_manifest(manifest)
        if result.document is None:
            continue
        errors = {d.code for d in result.diagnostics if d.severity == "error"}
        cases[case.name] = (result.manifest, errors)
    return cases


def test_golden_cases(tmp_path: Path) -> None:
    cases = _golden()
    judged = _judged({name: value for name, (value, _) in cases.items()}, tmp_path)
    shape_missed = [n for n, (_, e) in cases.items() if e & SHAPE and judged[n]]
    valid_rejected = [n for n, (_, e) in cases.items() if not e and not judged[n]]
    assert not shape_missed, f"shape defects the schema accepts: {shape_missed}"
    assert not valid_rejected, f"valid manifests the schema rejects: {valid_rejected}"
    shape_cases = [n for n, (_, e) in cases.items() if e & SHAPE]
    assert len(shape_cases) >= 20 and sum(not e for _, e in cases.values()) >= 10


#: One value broken per mutation: (path, replacement or a function of the manifest giving it),
#: applied where the path exists.
MUTATIONS: dict[str, tuple[tuple[str | int, ...], Any]] = {
    "lower-method": (("connection", "testConnection", "method"), "post"),
    "get-test-connection": (("connection", "testConnection", "method"), "GET"),
    "spaced-name": (("name",), "GitHub Connector"),
    "route-no-slash": (("connection", "testConnection", "route"), "setup/test"),
    "route-upper": (("connection", "testConnection", "route"), "/Setup/Test"),
    "http-entry": (("permissions", "http", 0), "http://api.example.com/*"),
    "schemeless-entry": (("permissions", "http", 0), "api.example.com/*"),
    "entry-query": (("permissions", "http", 0), "https://api.example.com/x?a=1"),
    "spaced-scope": (("connection", "oauth", "scopes", 0), "read write"),
    "implicit": (("connection", "oauth", "type"), "implicit"),
    "credential-key": (("connection", "oauth", "client", "credentialKey"), "Shop-OAuth"),
    "post-connect-put": (("connection", "oauth", "postConnect", "method"), "PUT"),
    "absolute-webhook": (
        ("connection", "setup", "webhookUrlTemplate"),
        "https://example.com/api/v1/extensions/<tenant_id>/x/routes/hook",
    ),
    "webhook-token": (
        ("connection", "setup", "webhookUrlTemplate"),
        "/api/v1/extensions/<tenantId>/x/routes/hook",
    ),
    "webhook-route": (
        ("connection", "setup", "webhookUrlTemplate"),
        lambda manifest: f"/api/v1/extensions/<tenant_id>/{manifest['name']}/routes/Hooks",
    ),
    "wildcard-host": (("permissions", "http", 0), "https://*.example.com/*"),
    "settings-array": (("connection", "settingsSchema", "type"), "array"),
    "empty-instructions": (("connection", "setup", "instructions"), "  "),
    "settings-type": (("connection", "settingsSchema", "type"), "objekt"),
    "settings-dialect": (("connection", "settingsSchema", "$schema"), "https://example.com/s"),
    "settings-bad-keyword": (("connection", "settingsSchema", "required"), "api_key"),
}


def _replaced(value: Any, path: tuple[str | int, ...], new: Any) -> Any | None:
    """A deep copy of `value` with `new` at `path`, or None when the path's parent is absent."""
    copy = json.loads(json.dumps(value))
    new = new(copy) if callable(new) else new
    node = copy
    for step in path[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    last = path[-1]
    if isinstance(node, dict) and (last in node or path[-1] in ("$schema", "type")):
        node[last] = new
        return copy
    if isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = new
        return copy
    return None


def test_generated_shape_defects(tmp_path: Path) -> None:
    """Each valid golden manifest, broken by each mutation where it applies: `check` reports a
    shape defect, and check-jsonschema rejects it."""
    values, applied = {}, dict.fromkeys(MUTATIONS, 0)
    for mutation, (path, new) in sorted(MUTATIONS.items()):
        for name, (value, errors) in _golden().items():
            mutated = _replaced(value, path, new) if not errors else None
            if mutated is None:
                continue
            folder = tmp_path / "cases" / f"{mutation}.{name}"
            folder.mkdir(parents=True)
            (folder / "backfill.config.json").write_text(json.dumps(mutated), encoding="utf-8")
            found = {d.code for d in check_manifest(folder / "backfill.config.json").diagnostics}
            assert found & SHAPE, f"{mutation} in {name}: check found {sorted(found)}"
            values[f"{mutation}.{name}"] = mutated
            applied[mutation] += 1
    assert all(applied.values()), f"mutations that apply to no golden case: {applied}"
    judged = _judged(values, tmp_path)
    assert not [name for name, accepted in judged.items() if accepted]


def test_every_key_has_a_human_title_an_example_and_markdown() -> None:
    schema = json.loads((ROOT / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
    bare = []
    objects = [schema, *schema["$defs"].values()]
    for node in objects:
        for key, sub in node["properties"].items():
            if node is schema["$defs"]["Connection"]["properties"]["settingsSchema"]:
                continue
            title = sub.get("title", "")
            if not (
                title and sub.get("examples") and "Example:" in sub.get("markdownDescription", "")
            ):
                bare.append(key)
            elif any(c.isupper() for c in key[1:]) and " " not in title:
                bare.append(f"{key}: {title}")  # pydantic's "Settingsschema", not a human title
    assert not bare, bare
