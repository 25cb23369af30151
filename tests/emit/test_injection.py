"""Hostile strings in every string-bearing field: a clear diagnostic, or generated code that
compiles and evaluates to exactly the original string.

Each hostile string gets a manifest with it in every free-text field (titles, descriptions,
enum values, defaults, property names, instructions, displayName, description, version); the
fields with a grammar (scopes, credential key, name, pattern, a permission's path, a `$defs`
name, an OAuth URL) get one manifest each. Every manifest is checked; those with an error
must have located diagnostics (exit 1), the others are generated in ONE `generate` run. Then:
Python imports settings.py and permissions.py and reads the models; ONE `tsc --strict --noEmit`
checks every generated TypeScript file and stub; ONE tsc run compiles settings.ts, routes.ts and
permissions.ts to JavaScript that node evaluates; openapi.json is loaded. Each must hold the
hostile string exactly where the manifest had it.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import typing
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote

import pytest

from backfill_codegen.emit import typescript_settings
from tests.support.golden_support import run_cli
from tests.support.tsc_support import run_node, run_tsc, typecheck

#: Every way out of a string, a comment, a template or a table, and the characters that hide
#: or reorder text. Named for the test ids.
HOSTILE: dict[str, str] = {
    "single-quote": "it's",
    "double-quote": 'say "hi"',
    "backtick": "`cmd`",
    "triple-single": "'''",
    "triple-double": '"""',
    "python-fstring": "{__import__('os').system('x')}",
    "comment-end": "*/ alert(1) /*",
    "line-comment": "// x\n# y",
    "template": "${process.exit(1)}",
    "template-backtick": "`${x}`",
    "jinja-expression": "{{ 7*7 }}",
    "jinja-statement": "{% raw %}{% endraw %}",
    "script-end": "</script><script>alert(1)</script>",
    "html-comment": "<!-- x -->",
    "markdown-table": "| a | b |\n|---|---|",
    "markdown-link": "[x](javascript:alert(1))",
    "backslashes": "\\ \\\\ \\n \\u0041 \\x41",
    "nul": "a\x00b",
    "control": "\x01\x07\x08\x0b\x0c\x1b[31m\x7f",
    "crlf": "a\r\nb\rc\nd",
    "line-separator": "a\u2028b",
    "paragraph-separator": "a\u2029b",
    "bidi-override": "abc\u202edcba\u202c",
    "bidi-isolate": "\u2066x\u2069\u2067y\u2069\u2068z\u2069",
    "zero-width": "a\u200bb\u200dc\ufeffd",
    "non-bmp": "\U0001f600 \U000e0001",
    "empty": "",
    "spaces": "   ",
    "proto": "__proto__",
    "constructor": "constructor",
    "keyword": "class",
    "digits": "2fa",
    "percent": "%s %d {0} %(x)s",
    "shell": "$(rm -rf /); `id`",
    "yaml-ish": "- a: &b *c !!python/object",
}
#: Strings that must be a diagnostic (they cannot be UTF-8 in any generated file).
UNREPRESENTABLE: dict[str, str] = {
    "lone-high-surrogate": "a\ud800b",
    "lone-low-surrogate": "\udfff",
}
MEGABYTE = "x" * (1 << 20) + "\u2028 */ `${x}` \"'"

WEBHOOK = "/api/v1/extensions/<tenant_id>/{name}/routes/hooks/in?connection_id=<connection_id>"


def _oauth(scopes: list[str], key: str = "acme_app", url: str | None = None) -> dict[str, Any]:
    return {
        "type": "authorization_code",
        "authorizationUrlTemplate": url or "https://auth.acme.example/oauth/authorize",
        "tokenUrlTemplate": "https://auth.acme.example/oauth/token",
        "scopes": scopes,
        "client": {"credentialKey": key},
        "postConnect": {"route": "/setup/test_connection", "method": "POST"},
    }


def instructions(text: str) -> str:
    """Instructions may not be blank (BF305): a blank hostile string gets words before it."""
    return text if text.strip() else f"Paste the URL.{text}"


def free_text(name: str, text: str) -> dict[str, Any]:
    """`text` in every field that takes any string."""
    return {
        "name": name,
        "displayName": text,
        "description": text,
        "version": text,
        "permissions": {"http": ["https://api.acme.example/v1/*"]},
        "connection": {
            "testConnection": {"route": "/setup/test_connection", "method": "POST"},
            "setup": {
                "webhookUrlTemplate": WEBHOOK.format(name=name),
                "instructions": instructions(text),
            },
            "settingsSchema": {
                "type": "object",
                "title": text,
                "description": text,
                "required": [text],
                "properties": {
                    text: {"type": "string", "title": text, "description": text, "default": text},
                    "plain": {
                        "type": "string",
                        "enum": [text, "other"],
                        "default": text,
                        "description": text,
                        "examples": [text],
                    },
                    "nested": {
                        "type": "object",
                        "title": text,
                        "properties": {text: {"type": "integer", "description": text}},
                    },
                    "secret": {"type": "string", "writeOnly": True, "description": text},
                },
            },
            "oauth": _oauth(["read"]),
        },
    }


def light(name: str, text: str) -> dict[str, Any]:
    """`text` (a megabyte) in a few fields, so the outputs stay a few megabytes."""
    manifest = free_text(name, "short")
    manifest["description"] = text
    manifest["connection"]["setup"]["instructions"] = text
    manifest["connection"]["settingsSchema"]["properties"]["plain"]["enum"] = [text, "other"]
    manifest["connection"]["settingsSchema"]["properties"]["plain"]["default"] = "other"
    return manifest


def _pointer(name: str) -> str:
    escaped = name.replace("~", "~0").replace("/", "~1")
    return "#/$defs/" + quote(escaped, safe="", errors="surrogatepass")


#: The fields with a grammar: a manifest for one field holding `text`.
def constrained(field: str, name: str, text: str) -> dict[str, Any]:
    manifest = free_text(name, "plain text")
    connection = manifest["connection"]
    if field == "scope":
        connection["oauth"] = _oauth(["read", text])
    elif field == "credential-key":
        connection["oauth"] = _oauth(["read"], key=text)
    elif field == "oauth-url":
        connection["oauth"] = _oauth(["read"], url=f"https://auth.acme.example/{text}")
    elif field == "pattern":
        connection["settingsSchema"]["properties"]["plain"] = {"type": "string", "pattern": text}
    elif field == "permission":
        manifest["permissions"]["http"].append(f"https://api.acme.example/{text}/*")
    elif field == "defs-name":
        schema = connection["settingsSchema"]
        schema["$defs"] = {text: {"type": "string", "description": text}}
        schema["properties"]["plain"] = {"$ref": _pointer(text)}
    elif field == "name":
        manifest["name"] = text
        del connection["setup"]
    return manifest


CONSTRAINED = ("scope", "credential-key", "oauth-url", "pattern", "permission", "defs-name", "name")


@dataclass
class Variant:
    key: str  # "free:backtick", "scope:backtick", ...
    name: str  # the connector's folder
    field: str
    text: str
    manifest: dict[str, Any]
    clean: bool = False

    @property
    def out(self) -> str:
        """The folder `generate -o OUT` gives it: OUT/<the manifest's name>."""
        return str(self.manifest["name"])


def _variants() -> list[Variant]:
    variants: list[Variant] = []

    def add(field: str, label: str, text: str, build: Any) -> None:
        name = f"v{len(variants):03d}"
        variants.append(Variant(f"{field}:{label}", name, field, text, build(name, text)))

    for label, text in {**HOSTILE, **UNREPRESENTABLE}.items():
        add("free", label, text, free_text)
    add("light", "megabyte", MEGABYTE, light)
    for field in CONSTRAINED:
        for label, text in {**HOSTILE, **UNREPRESENTABLE}.items():
            add(field, label, text, lambda name, text, field=field: constrained(field, name, text))
    return variants


@dataclass
class World:
    root: Path
    out: Path
    variants: list[Variant]
    diagnostics: dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("injection")
    variants = _variants()
    diagnostics: dict[str, list[dict[str, Any]]] = {}
    for variant in variants:
        folder = root / "connectors" / variant.name
        folder.mkdir(parents=True)
        # ensure_ascii: lone surrogates reach the front end as JSON escapes, as an author
        # could write them.
        text = json.dumps(variant.manifest, ensure_ascii=True)
        (folder / "backfill.config.json").write_text(text, encoding="utf-8")
        status, stdout, stderr = run_cli(["check", "--format", "json", "."], folder)
        assert status in (0, 1) and stderr == "", (variant.key, stderr)
        found = json.loads(stdout)
        diagnostics[variant.key] = found
        blocking = [d for d in found if d["severity"] == "error" and d["code"] != "BF701"]
        variant.clean = not blocking
    clean = [v for v in variants if v.clean]
    out = root / "out"
    status, _, stderr = run_cli(
        ["generate", "-o", str(out), *(f"connectors/{v.name}" for v in clean)], root
    )
    assert status == 0, stderr
    return World(root, out, variants, diagnostics)


def _by_key(world: World) -> dict[str, Variant]:
    return {variant.key: variant for variant in world.variants}


def test_rejected_variants_have_located_diagnostics(world: World) -> None:
    for variant in world.variants:
        if variant.clean:
            continue
        errors = [d for d in world.diagnostics[variant.key] if d["severity"] == "error"]
        assert errors, variant.key
        for diagnostic in errors:
            assert diagnostic["file"] == "backfill.config.json"
            assert diagnostic["line"] >= 1 and diagnostic["column"] >= 1, variant.key
            assert diagnostic["code"].startswith("BF")


def test_what_must_be_accepted_and_what_must_be_rejected(world: World) -> None:
    variants = _by_key(world)
    for label in HOSTILE:
        assert variants[f"free:{label}"].clean, world.diagnostics[f"free:{label}"]
    assert variants["light:megabyte"].clean
    for label in UNREPRESENTABLE:
        for field in ("free", *CONSTRAINED):
            assert not variants[f"{field}:{label}"].clean, f"{field}:{label}"
            codes = {d["code"] for d in world.diagnostics[f"{field}:{label}"]}
            assert "BF008" in codes, (field, label, codes)
    # Grammar fields: a credential key is an identifier, a name a slug.
    assert not variants["credential-key:template"].clean
    assert not variants["name:backtick"].clean
    # ... and what the grammar allows is accepted (and so evaluated below).
    assert variants["scope:template"].clean
    assert variants["pattern:single-quote"].clean
    assert variants["defs-name:comment-end"].clean


def _import(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _fields(model: Any) -> dict[str, Any]:
    fields = model.model_fields.items()
    return {(name if field.alias is None else field.alias): field for name, field in fields}


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    for inner in typing.get_args(annotation):
        found = _model_in(inner)
        if found is not None:
            return found
    return None


def test_python_settings_hold_the_strings(world: World) -> None:
    for variant in world.variants:
        if not variant.clean or variant.field not in ("free", "light"):
            continue
        module = _import(world.out / variant.out / "settings.py", f"inj_{variant.name}")
        fields = _fields(module.Settings)
        text = variant.text
        plain = fields["plain"]
        if variant.field == "light":
            assert [member.value for member in type(plain.default)] == [text, "other"]
            continue
        assert set(fields) == {text, "plain", "nested", "secret"}, variant.key
        assert (fields[text].title, fields[text].description) == (text, text), variant.key
        assert fields[text].is_required()  # `required` names it: no default in the model
        assert plain.description == text, variant.key
        assert plain.default.value == text, variant.key
        assert [member.value for member in type(plain.default)] == [text, "other"], variant.key
        nested = _model_in(fields["nested"].annotation)
        assert _fields(nested)[text].description == text, variant.key
        assert fields["secret"].description == text, variant.key
        # Validation by the original (alias) names works, and the secret is hidden.
        parsed = module.Settings.model_validate({text: text, "secret": "s3cret"})
        assert parsed.model_dump(by_alias=True)[text] == text
        assert "s3cret" not in repr(parsed)


def test_python_permissions_hold_the_entries(world: World) -> None:
    for variant in world.variants:
        if not variant.clean or variant.field != "permission":
            continue
        module = _import(world.out / variant.out / "permissions.py", f"injp_{variant.name}")
        originals = [entry.original for entry in module.ALLOWLIST]
        assert f"https://api.acme.example/{variant.text}/*" in originals, variant.key


def _openapi(world: World, variant: Variant) -> dict[str, Any]:
    text = (world.out / variant.out / "openapi.json").read_text(encoding="utf-8")
    return json.loads(text)


def test_openapi_holds_the_strings(world: World) -> None:
    for variant in world.variants:
        if not variant.clean:
            continue
        document = _openapi(world, variant)
        text = variant.text
        settings = document["components"]["schemas"]["Settings"]
        if variant.field == "free":
            info = document["info"]
            assert info["description"] == text
            if text:  # an empty displayName or version falls back to the name and 0.0.0
                assert (info["title"], info["version"]) == (text, text)
            assert document["x-backfill-setup-instructions"] == instructions(text)
            assert (settings["title"], settings["description"]) == (text, text)
            assert settings["required"] == [text]
            assert settings["properties"][text]["default"] == text
            assert settings["properties"]["plain"]["enum"] == [text, "other"]
            assert settings["properties"]["nested"]["properties"][text]["description"] == text
        elif variant.field == "light":
            assert document["info"]["description"] == text
            assert document["x-backfill-setup-instructions"] == text
        elif variant.field == "scope":
            flows = document["components"]["securitySchemes"]["oauth2"]["flows"]
            assert text in flows["authorizationCode"]["scopes"], variant.key
        elif variant.field == "credential-key":
            scheme = document["components"]["securitySchemes"]["oauth2"]
            assert scheme["x-backfill-credential-key"] == text
        elif variant.field == "pattern":
            assert settings["properties"]["plain"]["pattern"] == text


_RUNNER = """
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const out = {};
for (const [name, files] of Object.entries(input)) {
  out[name] = {
    schema: require(files.settings).settingsSchema,
    routes: require(files.routes).routes,
    allowlist: require(files.permissions).allowlist.map((entry) => entry.original),
  };
}
process.stdout.write(JSON.stringify(out));
"""


def _ts_files(world: World) -> list[str]:
    files = []
    for variant in world.variants:
        if variant.clean:
            for kind in ("settings", "routes", "permissions"):
                files.append(f"out/{variant.out}/{kind}.ts")
            stubs = (world.root / "connectors" / variant.name / "src" / "api").rglob("*.ts")
            files.extend(stub.relative_to(world.root).as_posix() for stub in sorted(stubs))
    return files


def test_one_strict_tsc_run_over_every_generated_file(world: World) -> None:
    files = _ts_files(world)
    assert len(files) > 100
    done = typecheck(world.root, files)
    assert done.returncode == 0, done.output[:5000]


def test_typescript_evaluates_to_the_strings(world: World) -> None:
    clean = [variant for variant in world.variants if variant.clean]
    kinds = ("settings", "routes", "permissions")
    sources = [f"out/{v.out}/{kind}.ts" for v in clean for kind in kinds]
    done = run_tsc(world.root, sources, out_dir="js")
    assert done.returncode == 0, done.output[:5000]
    modules = {
        v.name: {kind: str(world.root / "js" / "out" / v.out / f"{kind}.js") for kind in kinds}
        for v in clean
    }
    evaluated = run_node(_RUNNER, modules)
    for variant in clean:
        got = evaluated[variant.name]
        expected = typescript_settings.without_secret_values(
            variant.manifest["connection"]["settingsSchema"]
        )
        assert got["schema"] == expected, variant.key  # every title, enum, default, name
        assert [route["route"] for route in got["routes"]] == [
            "/hooks/in",
            "/setup/test_connection",
        ] or variant.field == "name", variant.key
        if variant.field == "permission":
            assert f"https://api.acme.example/{variant.text}/*" in got["allowlist"]
