"""settings.ts, routes.ts and the route stubs: emitted for several connectors into a tree laid out
as a connector's, type-checked with the pinned tsc (`--strict --noEmit`, ONE run for all of them)
against the documented SDK surface (tests/support/sdk/index.d.ts), shown to reject mistakes (so the
types are not `any`), and run in node to check that every literal evaluates to the manifest's value.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from backfill_codegen import ir
from backfill_codegen.domain import urls
from backfill_codegen.emit import routes, typescript_settings
from backfill_codegen.emit.header import NOTICE, has_notice
from backfill_codegen.emit.ts_names import property_key, ts_literal
from backfill_codegen.limits import MAX_DEPTH
from backfill_codegen.resources import example_dir
from tests.support import tsc_support
from tests.support.emit_connectors import (
    DRAFT7,
    HOSTILE,
    HOSTILE_MANIFEST,
    HOSTILE_NAMES,
    MODERN,
    OAUTH_SPLIT,
    SHOPIFY,
    WEBHOOK_ONLY,
    build,
    stripe,
)
from tests.support.tsc_support import CONFIGURATIONS, run_node, run_tsc, typecheck

#: No settings, no permissions, a POST route three levels down, its output outside `generated/`.
BARE: dict[str, Any] = {
    "name": "bare",
    "connection": {"testConnection": {"route": "/checks/deep/ping", "method": "POST"}},
}
BARE_GENERATED_DIR = "build/types"

#: Schemas the IR can carry but lowering is not needed for: `$ref` loops of every kind.
CYCLES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "$defs": {
        "a": {"oneOf": [{"$ref": "#/$defs/b"}, {"type": "string"}]},
        "b": {"anyOf": [{"$ref": "#/$defs/a"}, {"type": "integer"}]},
        "self": {"$ref": "#/$defs/self"},
        "list": {"type": "array", "items": {"$ref": "#/$defs/list"}},
        "obj": {"type": "object", "properties": {"next": {"$ref": "#/$defs/obj"}}},
        "mutual1": {"type": "object", "properties": {"other": {"$ref": "#/$defs/mutual2"}}},
        "mutual2": {"allOf": [{"$ref": "#/$defs/mutual1"}]},
    },
    "properties": {
        "a": {"$ref": "#/$defs/a"},
        "self": {"$ref": "#/$defs/self"},
        "list": {"$ref": "#/$defs/list"},
        "obj": {"$ref": "#/$defs/obj"},
        "mutual": {"$ref": "#/$defs/mutual2"},
        "root": {"$ref": "#"},
        "missing": {"$ref": "#/$defs/nowhere"},
    },
}


def direct_connector(name: str, schema: dict[str, Any]) -> ir.Connector:
    """An IR built by hand, for schemas whose lowering is not what is under test."""
    return ir.Connector(
        name=name,
        display_name=name,
        description=None,
        version=None,
        instructions=None,
        webhook=None,
        settings=ir.Settings(schema_json=json.dumps(schema), properties=()),
        oauth=None,
        routes=(),
        permissions=(),
    )


@pytest.fixture(scope="module")
def connectors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ir.Connector]:
    folder = tmp_path_factory.mktemp("manifests")
    built = {"stripe": stripe()}
    for manifest in (SHOPIFY, OAUTH_SPLIT, WEBHOOK_ONLY, DRAFT7, MODERN, HOSTILE_MANIFEST, BARE):
        built[manifest["name"]] = build(folder, manifest)
    built["cycles"] = direct_connector("cycles", CYCLES_SCHEMA)
    built["closed"] = direct_connector("closed", {"type": "object", "additionalProperties": False})
    built["open"] = direct_connector("open", {"type": "object", "title": "Anything"})
    return built


def generated_dir(name: str) -> str:
    return BARE_GENERATED_DIR if name == "bare" else "generated"


def connector_files(connector: ir.Connector) -> dict[str, str]:
    """Everything TypeScript we emit for `connector`, by path in its connector directory."""
    out = generated_dir(connector.name)
    files = {f"{out}/{path}": text for path, text in typescript_settings.emit(connector).items()}
    files.update({f"{out}/{path}": text for path, text in routes.emit(connector).items()})
    files.update(routes.emit_stubs(connector, generated_dir=out))
    return files


def _eq_proofs(out: str, proofs: list[tuple[str, str]]) -> str:
    """A file that type-checks only if each pair of types is equal."""
    lines = [
        f'import type * as S from "../{out}/settings.js";',
        f'import {{ settingsSchema }} from "../{out}/settings.js";',
        "type Eq<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;",
        "const same = <A, B>(proof: Eq<A, B>): Eq<A, B> => proof;",
        "export const proofs = [",
        *(f"  same<{a}, {b}>(true)," for a, b in proofs),
        "];",
    ]
    return "\n".join(lines) + "\n"


def _schema_type(*steps: str) -> str:
    return "(typeof settingsSchema)" + "".join(f"[{ts_literal(step)}]" for step in steps)


def _setting(name: str) -> str:
    return f"Exclude<S.Settings[{ts_literal(name)}], undefined>"


QUOTED = 'q"b\\'


def enum_checks() -> dict[str, str]:
    """Type-level proofs that the enum and const literal types are exactly the schema's values
    (node shows that the schema constant's values are exactly the manifest's)."""
    hostile = [
        (_setting("class"), _schema_type("properties", "class", "enum") + "[number]"),
        (_setting("__proto__"), _schema_type("properties", "__proto__", "enum") + "[number]"),
        ("S.Odd", _schema_type("$defs", "*/ odd", "enum") + "[number]"),
        (_setting(QUOTED), _schema_type("properties", QUOTED, "const")),
    ]
    stripe_proofs = [
        (
            "S.SettingsAccountCountry",
            _schema_type("properties", "account_country", "enum") + "[number]",
        )
    ]
    return {
        "hostile": _eq_proofs("generated", hostile),
        "stripe": _eq_proofs("generated", stripe_proofs),
    }


def hostile_sample() -> str:
    """A valid settings object for the hostile schema, as a TypeScript literal."""
    sample = {
        "api-key": "k",
        "class": "\u2028",
        "constructor": 1,
        "2fa": True,
        "*/": "x",
        "`${x}`": 1.5,
        "new\nline\u2028": None,
        'q"b\\': HOSTILE,
        "auth": {"kind": "key", "key": "k"},
        "tree": {"name": "n", "children": [{"children": []}]},
        "count": 3,
        "odd": HOSTILE,
        "map": {"a": 1},
        "mixed": {"fixed": "f", "other": 2},
        "nullable": None,
        "tuple": ["a", 1, True, False],
        "anything": {"any": ["thing"]},
    }
    members = [f"  {property_key(k)}: {json.dumps(v)}," for k, v in sample.items()]
    return (
        'import type { Settings } from "../generated/settings.js";\n'
        "export const sample: Settings = {\n" + "\n".join(members) + "\n};\n"
    )


@pytest.fixture(scope="module")
def tree(connectors: dict[str, ir.Connector], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The emitted files of every connector, laid out under <tree>/<connector>/..."""
    root = tmp_path_factory.mktemp("connectors")
    for name, connector in connectors.items():
        for path, text in connector_files(connector).items():
            target = root / name / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    for name, text in enum_checks().items():
        (root / name / "checks").mkdir()
        (root / name / "checks" / "enums.ts").write_text(text, encoding="utf-8")
    (root / "hostile" / "checks" / "sample.ts").write_text(hostile_sample(), encoding="utf-8")
    example = example_dir()
    for source in [example / "backfill.config.ts", *sorted(example.glob("src/**/*.ts"))]:
        target = root / "example" / source.relative_to(example)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    sdk_examples = tsc_support.SDK.parent / "spec_examples.ts"
    (root / "spec_examples.ts").write_text(sdk_examples.read_text(encoding="utf-8"), "utf-8")
    return root


def ts_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.ts"))


@pytest.mark.parametrize("configuration", sorted(CONFIGURATIONS))
def test_every_emitted_file_type_checks_in_one_strict_run(tree: Path, configuration: str) -> None:
    """One tsc run per module setting: nodenext needs `./settings.js` (TS2835 without it)."""
    files = ts_files(tree)
    assert len([f for f in files if "/src/api/" in f]) >= 9  # the stubs are in it
    done = typecheck(tree, files, configuration)
    assert done.returncode == 0, done.output


# --- Mistakes tsc must catch: the types are real, not `any`. ------------------------------------

#: (connector, file body); every line ending in `// !` must hold an error, no other line may.
MISTAKES: dict[str, tuple[str, str]] = {
    "wrong_enum": (
        "stripe",
        'import type { Settings } from "../generated/settings";\n'
        'export const s: Settings = { api_key: "k", account_country: "XX" }; // !\n',
    ),
    "missing_required": (
        "stripe",
        'import type { Settings } from "../generated/settings";\n'
        'export const s: Settings = { account_country: "US" }; // !\n',
    ),
    "wrong_type": (
        "stripe",
        'import type { Settings } from "../generated/settings";\n'
        "export const s: Settings = { api_key: 1 }; // !\n",
    ),
    "hostile_key_type": (
        "hostile",
        'import type { Settings } from "../generated/settings";\n'
        'export const k: Settings["api-key"] = 1; // !\n'
        'export const c: Settings["class"] = "\\u2029"; // !\n'
        'export const d: Settings["class"] = "\\u2028";\n'
        'export const e: Settings["class"] = "*\\\\/";\n'
        'export const a: Settings["auth"] = { kind: "key" }; // !\n'
        'export const b: Settings["auth"] = { kind: "basic", key: "k" }; // !\n'
        'export const t: Settings["tuple"] = []; // !\n'
        'export const n: Settings["nothing"] = 1; // !\n'
        'export const m: Settings["map"] = { a: "x" }; // !\n',
    ),
    "unknown_payload": (
        "stripe",
        'import type { PostWebhooksStripeRequest } from "../generated/routes";\n'
        "export function f(event: PostWebhooksStripeRequest): unknown {\n"
        "  return event.type; // !\n"
        "}\n",
    ),
    "route_table": (
        "stripe",
        'import { routes } from "../generated/routes";\n'
        'export const m: (typeof routes)[0]["method"] = "GET"; // !\n'
        'export const r: (typeof routes)[1]["roles"][0] = "testConnection"; // !\n',
    ),
    "sdk_surface": (
        "stripe",
        'import { api, Http, Secrets, OAuth } from "@backfill-io/sdk";\n'
        'Http.fetch("https://api.stripe.com/"); // !\n'
        'export const n: number = Secrets.get("x").length; // !\n'
        "export const t: string = OAuth.accessToken(); // !\n"
        "export const POST = api(async () => ({ ok: true })); // !\n"
        'export const r = Http.get("https://api.stripe.com/", { auth: { bearer: 1 } }); // !\n',
    ),
}


def test_tsc_rejects_mistakes(tree: Path, tmp_path: Path) -> None:
    for name, (connector, body) in MISTAKES.items():
        folder = tree / connector / "mistakes"
        folder.mkdir(exist_ok=True)
        (folder / f"{name}.ts").write_text(body, encoding="utf-8")
    files = [f"{c}/mistakes/{name}.ts" for name, (c, _) in MISTAKES.items()]
    done = typecheck(tree, files)
    assert done.returncode != 0
    found: dict[str, set[int]] = {}
    for error in done.errors:
        found.setdefault(Path(error.file).stem, set()).add(error.line)
    for name, (_, body) in MISTAKES.items():
        marked = {i for i, line in enumerate(body.splitlines(), 1) if line.endswith("// !")}
        assert found.get(name) == marked, (name, done.output)


# --- Values, evaluated. -------------------------------------------------------------------------

_RUNNER = """
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const out = {};
for (const [name, files] of Object.entries(input)) {
  const settings = require(files.settings);
  const table = require(files.routes);
  out[name] = {
    schema: settings.settingsSchema,
    protoIsOwn: settings.settingsSchema !== null &&
      Object.getPrototypeOf(settings.settingsSchema.properties ?? {}) === Object.prototype,
    routes: table.routes,
  };
}
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def evaluated(tree: Path, connectors: dict[str, ir.Connector]) -> dict[str, Any]:
    """settings.ts and routes.ts of every connector compiled to JS (one tsc run), run in node."""
    sources = [
        f"{name}/{generated_dir(name)}/{file}"
        for name in connectors
        for file in ("settings.ts", "routes.ts")
    ]
    done = run_tsc(tree, sources, out_dir="js")
    assert done.returncode == 0, done.output
    modules = {
        name: {
            kind: str(tree / "js" / name / generated_dir(name) / f"{kind}.js")
            for kind in ("settings", "routes")
        }
        for name in connectors
    }
    return run_node(_RUNNER, modules)


def test_settings_schema_constant_is_the_schema(
    evaluated: dict[str, Any], connectors: dict[str, ir.Connector]
) -> None:
    for name, connector in connectors.items():
        got = evaluated[name]["schema"]
        if connector.settings is None:
            assert got is None
            continue
        expected = typescript_settings.without_secret_values(connector.settings.schema)
        assert got == expected, name
    # The hostile strings came back exactly, `__proto__` as an own property.
    hostile = evaluated["hostile"]["schema"]
    assert hostile["title"] == HOSTILE
    assert set(HOSTILE_NAMES) <= set(hostile["properties"])
    assert hostile["properties"]["__proto__"] == {
        "type": "string",
        "enum": ["__proto__", "toString"],
    }
    assert evaluated["hostile"]["protoIsOwn"]
    assert hostile["$defs"]["*/ odd"]["enum"][0] == HOSTILE


def test_secret_values_are_never_echoed(connectors: dict[str, ir.Connector]) -> None:
    for name, secret in (("legacy", "sk_dont_echo"), ("modern", "tok_dont_echo")):
        text = typescript_settings.emit(connectors[name])["settings.ts"]
        assert secret not in text
    hostile = typescript_settings.emit(connectors["hostile"])["settings.ts"]
    assert '"sk_x"' not in hostile


def test_route_table_evaluates_to_the_ir(
    evaluated: dict[str, Any], connectors: dict[str, ir.Connector]
) -> None:
    for name, connector in connectors.items():
        expected = [
            {
                "route": route.route,
                "platformPath": route.platform_path,
                "method": route.method,
                "roles": list(route.roles),
                "file": route.file,
                "operationId": route.operation_id,
            }
            for route in connector.routes
        ]
        assert evaluated[name]["routes"] == expected, name


# --- settings.ts: shape. ------------------------------------------------------------------------


def settings_ts(connector: ir.Connector) -> str:
    return typescript_settings.emit(connector)["settings.ts"]


def test_stripe_settings_types(connectors: dict[str, ir.Connector]) -> None:
    text = settings_ts(connectors["stripe"])
    assert text.startswith(f"// {NOTICE}\n")
    assert "export interface Settings {" in text
    assert "  api_key: string;\n" in text  # required
    assert "  webhook_signing_secret?: string;\n" in text  # optional
    assert "  account_country?: SettingsAccountCountry;\n" in text
    assert 'export type SettingsAccountCountry = "US" | "GB" | "DE" | "FR" | "AU";' in text
    secret_doc = text.split("  api_key: string;")[0].rsplit("/**", 1)[1]
    assert "Secret API key" in secret_doc
    assert "@secret write-only: never echoed" in secret_doc
    assert '@default "US"' in text


def test_nested_oneof_enum_defs_names(connectors: dict[str, ir.Connector]) -> None:
    text = settings_ts(connectors["legacy"])
    assert "  auth: ApiKey | Basic;\n" in text
    assert "  region: Region;\n" in text
    assert "  window?: [number?, number?];\n" in text
    assert "  tags?: Region[];\n" in text
    assert "export interface SettingsProxy {" in text
    modern = settings_ts(connectors["modern"])
    assert "  endpoint: Endpoint;\n" in modern
    assert "export type Endpoint2 = boolean;" in modern  # `Endpoint` cased again: numbered
    assert "  children?: Settings[];\n" in modern  # `$ref: "#"` is the root
    assert "  pair?: [string?];\n" in modern
    hostile = settings_ts(connectors["hostile"])
    assert "  auth: SettingsAuthOption1 | SettingsAuthOption2;\n" in hostile
    assert '  "api-key": string;\n' in hostile
    assert "  constructor: number;\n" in hostile
    assert '  "2fa"?: boolean;\n' in hostile
    assert "  [key: string]: number | string | undefined;\n" in hostile
    assert "  map?: { [key: string]: number };\n" in hostile
    assert "  nullable?: string | null;\n" in hostile
    assert "  tuple?: [string, number?, ...boolean[]];\n" in hostile
    assert "  anything?: unknown;\n" in hostile
    assert "  nothing?: never;\n" in hostile
    assert "export interface Node {" in hostile and "export type Node2 = number;" in hostile


def test_ref_cycles_are_named_once_and_alias_loops_end_in_unknown(
    connectors: dict[str, ir.Connector],
) -> None:
    text = settings_ts(connectors["cycles"])
    assert text.count("export type A =") == 1 and text.count("export type B =") == 1
    assert "export type A = B | string;" in text
    assert "export type B = unknown;" in text  # its `$ref` back to A would be circular
    assert "export type Self = unknown;" in text
    assert "export type List = List[];" in text
    assert "  next?: Obj;\n" in text
    assert "  root?: Settings;\n" in text
    assert "  missing?: unknown;\n" in text


def test_no_invisible_or_line_breaking_character_is_emitted_raw(
    connectors: dict[str, ir.Connector],
) -> None:
    for connector in connectors.values():
        for path, text in connector_files(connector).items():
            for char in "\u2028\u2029\u202e\u2066\u00a0\r\U000e0001\ufeff":
                assert char not in text, (path, hex(ord(char)))


def code_only(text: str) -> str:
    """`text` without its comments and string literals, scanned as JavaScript does (a block
    comment ends at the first `*/`; a string at its unescaped quote)."""
    out: list[str] = []
    index = 0
    while index < len(text):
        if text.startswith("/*", index):
            index = text.index("*/", index + 2) + 2
        elif text.startswith("//", index):
            index = text.find("\n", index)
            index = len(text) if index == -1 else index
        elif text[index] == '"':
            match = re.compile(r'"(?:[^"\\\n]|\\.)*"').match(text, index)
            assert match is not None, text[index : index + 40]
            out.append('""')
            index = match.end()
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def test_comments_cannot_be_ended_by_manifest_text(connectors: dict[str, ir.Connector]) -> None:
    """No manifest text escapes its comment or string into the code."""
    for connector in (connectors["hostile"], connectors["stripe"]):
        for path, text in connector_files(connector).items():
            code = code_only(text)
            for fragment in ("tick", "pipe", "nested", "restricted", "whsec", "class */"):
                assert fragment not in code, (path, fragment)
    assert "*\\/ b `tick`" in settings_ts(connectors["hostile"])  # the title, escaped


def json_depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(json_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(json_depth, value), default=0)
    return 0


def deepest(kind: str) -> Any:
    """A schema of `kind`'s shape as deep as a manifest can hold one (the front ends stop at
    MAX_DEPTH levels, and the schema starts two levels down)."""
    schema: Any = {"type": "string"}
    while True:
        deeper = {
            "items": {"type": "array", "items": schema},
            "anyOf": {"anyOf": [schema, {"type": "null"}]},
            "allOf": {"allOf": [schema]},
            "properties": {"type": "object", "properties": {"x": schema}},
            "union beside": {"properties": {"x": schema}, "oneOf": [{"$ref": "#"}, True]},
            "const": {"const": [schema]},
        }[kind]
        if json_depth(deeper) > MAX_DEPTH - 2:
            return schema
        schema = deeper


@pytest.mark.parametrize(
    "kind", ["items", "anyOf", "allOf", "properties", "union beside", "const", "refs"]
)
def test_deep_schemas_do_not_overflow_the_stack(kind: str) -> None:
    """Typed down to MAX_NESTING levels, `unknown` below, and never a RecursionError."""
    if kind == "refs":
        chain = {f"d{i}": {"$ref": f"#/$defs/d{i + 1}"} for i in range(MAX_DEPTH)}
        schema: Any = {"$defs": chain, "properties": {"x": {"$ref": "#/$defs/d0"}}}
    else:
        schema = deepest(kind)
    text = typescript_settings.emit(direct_connector("deep", schema))["settings.ts"]
    assert "export " in text and "settingsSchema" in text


def test_objects_without_properties(connectors: dict[str, ir.Connector]) -> None:
    assert "export interface Settings {\n  [key: string]: never;\n}" in settings_ts(
        connectors["closed"]
    )
    assert "export interface Settings {\n  [key: string]: unknown;\n}" in settings_ts(
        connectors["open"]
    )


def test_no_settings_schema(connectors: dict[str, ir.Connector]) -> None:
    text = settings_ts(connectors["bare"])
    assert "export type Settings = { [key: string]: never };" in text
    assert "export const settingsSchema = null;" in text


# --- routes.ts and the stubs. -------------------------------------------------------------------


def test_routes_ts_request_types(connectors: dict[str, ir.Connector]) -> None:
    stripe_routes = routes.emit(connectors["stripe"])["routes.ts"]
    assert stripe_routes.startswith(f"// {NOTICE}\n")
    assert 'import type { Settings } from "./settings.js";' in stripe_routes
    assert "export type PostSetupTestConnectionRequest = Settings;" in stripe_routes
    assert "export type PostWebhooksStripeRequest = unknown;" in stripe_routes
    assert 'export type RouteRole = "testConnection" | "postConnect" | "webhook";' in stripe_routes
    shopify = routes.emit(connectors["shopify"])["routes.ts"]
    assert "export type PostSetupTestConnectionRequest = Settings | undefined;" in shopify
    split = routes.emit(connectors["provider"])["routes.ts"]
    assert "export type PostSetupPostConnectRequest = unknown;" in split
    hooks = routes.emit(connectors["hooks"])["routes.ts"]
    assert "import type" not in hooks  # nothing takes the settings form


def test_a_stub_for_every_declared_route(connectors: dict[str, ir.Connector]) -> None:
    for connector in connectors.values():
        stubs = routes.emit_stubs(connector)
        assert sorted(stubs) == sorted(route.file for route in connector.routes)
        for route in connector.routes:
            text = stubs[route.file]
            assert text.startswith(routes.SCAFFOLD_NOTE + "\n")
            assert not has_notice(text)  # the writer must never treat a stub as generated
            assert f"export const {route.method} = api(async (" in text


def test_stub_contents(connectors: dict[str, ir.Connector]) -> None:
    stripe_stubs = routes.emit_stubs(connectors["stripe"])
    test = stripe_stubs["src/api/setup/test_connection.ts"]
    assert 'import type { Settings } from "../../../generated/settings.js";' in test
    assert "const settings: Settings = request.body;" in test
    assert 'Http.get("https://api.stripe.com/", {' in test
    assert "auth: { bearer: settings.api_key }" in test
    assert "return api.badRequest(" in test and "return api.json({ ok: true });" in test
    hook = stripe_stubs["src/api/webhooks/stripe.ts"]
    assert 'Secrets.get("webhook_signing_secret")' in hook
    assert "verify this delivery's signature" in hook
    shopify = routes.emit_stubs(connectors["shopify"])
    assert list(shopify) == ["src/api/setup/test_connection.ts"]  # one stub, both roles
    both = shopify["src/api/setup/test_connection.ts"]
    assert "await OAuth.accessToken()" in both and "const settings: Settings | undefined" in both
    assert 'Http.get("https://api.shopify.example/admin/"' in both
    split = routes.emit_stubs(connectors["provider"])["src/api/setup/post_connect.ts"]
    assert "OAuth.accessToken()" in split
    assert 'import { api, OAuth } from "@backfill-io/sdk";' in split  # no allowlist: no Http
    hooks = routes.emit_stubs(connectors["hooks"])["src/api/webhooks/events.ts"]
    assert f'Secrets.get("{routes.PLACEHOLDER_SECRET}")' in hooks and "TODO" in hooks
    hostile = routes.emit_stubs(connectors["hostile"])["src/api/setup/test_connection.ts"]
    assert 'bearer: settings["api-key"]' in hostile


def test_stub_urls_are_allowed_by_the_allowlist(connectors: dict[str, ir.Connector]) -> None:
    for connector in connectors.values():
        entries = [urls.parse_entry(p.original).entry for p in connector.permissions]
        for permission in connector.permissions:
            url = routes.probe_url(permission)
            assert urls.is_allowed([e for e in entries if e is not None], url), url
    hostile = connectors["hostile"].permissions
    assert [routes.probe_url(p) for p in hostile] == [
        "https://api.hostile.example:8443/v1//items",
        "https://b.example/a%20b/",
    ]


@pytest.mark.parametrize(
    ("generated", "expected"),
    [
        ("generated", "../../../generated/settings.js"),
        ("build/types", "../../../build/types/settings.js"),
        (".", "../../../settings.js"),
        ("../out/x", "../../../../out/x/settings.js"),
        ("src/api/setup", "./settings.js"),
    ],
)
def test_stub_imports_are_relative_to_the_stub(
    connectors: dict[str, ir.Connector], generated: str, expected: str
) -> None:
    stub = routes.emit_stubs(connectors["stripe"], generated_dir=generated)
    assert f'from "{expected}";' in stub["src/api/setup/test_connection.ts"]


def test_absolute_generated_dir_is_refused(connectors: dict[str, ir.Connector]) -> None:
    with pytest.raises(ValueError, match="relative"):
        routes.emit_stubs(connectors["stripe"], generated_dir="/abs/generated")


# --- Determinism. -------------------------------------------------------------------------------


def test_same_manifest_same_bytes(tmp_path: Path, connectors: dict[str, ir.Connector]) -> None:
    for manifest in (HOSTILE_MANIFEST, MODERN, SHOPIFY):
        again = build(tmp_path / "again", manifest)
        assert again == connectors[manifest["name"]]
        assert connector_files(again) == connector_files(connectors[manifest["name"]])
        assert connector_files(again) == connector_files(again)


# --- The tsc harness itself. --------------------------------------------------------------------


def test_missing_tsc_fails_under_ci_and_skips_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tsc_support, "TSC", Path("/nonexistent/tsc"))
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="npm ci"):
        tsc_support.require_tsc()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="npm ci"):
        tsc_support.require_tsc()
