"""A synthetic monorepo of connectors for bench/scale.py, seeded: every run builds the same bytes.

Connector `i` depends only on the seed and `i`, so the monorepo of 10 is the first 10 of the
monorepo of 500. Each connector is a folder with a manifest (TypeScript, JSON or YAML, in turn)
and route files under `src/api/` that export the methods the manifest declares and call `Http`
only on the hosts `permissions.http` allows, each entry reached by at least one call. Settings
schemas are written from scratch here (3-25 properties: formats, patterns, enums, secrets,
bounded numbers, booleans, nested objects, arrays, `oneOf` auth choices, `$defs`), in the shapes
real connector schemas take. Every connector must pass `backfill-codegen check` with no
diagnostic: one that does not is a bug in this builder (or in the compiler).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthetic_render import render

FORMATS = ("ts", "json", "yaml")
MANIFEST_FILE = {
    "ts": "backfill.config.ts",
    "json": "backfill.config.json",
    "yaml": "backfill.config.yaml",
}

_VENDORS = (
    "acorn", "basalt", "cobalt", "dapple", "ember", "fjord", "garnet", "harbor", "indigo",
    "juniper", "kestrel", "lumen", "marble", "nimbus", "onyx", "pylon", "quartz", "raven",
    "sable", "tundra", "umber", "vesper", "willow", "xenon", "yarrow", "zephyr",
)  # fmt: skip
_PRODUCTS = (
    "crm", "billing", "helpdesk", "payroll", "ledger", "inventory", "shipping", "analytics",
    "calendar", "survey", "invoicing", "storefront", "telephony", "recruiting", "expenses",
)  # fmt: skip
_RESOURCES = (
    "orders", "invoices", "customers", "contacts", "tickets", "payouts", "refunds", "products",
    "employees", "shipments", "events", "accounts", "deals", "subscriptions", "payments",
)  # fmt: skip
_NOUNS = (
    "account", "workspace", "project", "region", "team", "store", "ledger", "warehouse", "site",
    "channel", "pipeline", "catalog", "report", "queue", "folder", "board", "tenant", "portal",
    "organization", "location", "department", "currency", "timezone", "batch", "sync", "export",
)  # fmt: skip
_SUFFIXES = {
    "string": ("name", "label", "slug", "reference", "code", "prefix", "handle"),
    "pattern": ("number", "key", "code", "identifier", "handle"),
    "secret": ("api_key", "secret", "password", "signing_secret", "private_key", "api_token"),
    "integer": ("limit", "size", "days", "retries", "interval", "timeout_seconds", "port"),
    "number": ("ratio", "threshold", "rate", "weight"),
    "boolean": ("enabled", "sandbox", "include_archived", "verbose", "dry_run", "backfill"),
    "object": ("options", "filters", "connection", "advanced", "mapping", "schedule"),
    "array": ("ids", "tags", "fields", "scopes", "statuses", "streams"),
}
# (format, an example value) for plain strings with a format.
_STRING_FORMATS = (
    ("email", "ops@example.com"),
    ("uri", "https://hooks.example.com/backfill"),
    ("date", "2024-01-01"),
    ("date-time", "2024-01-01T00:00:00Z"),
    ("hostname", "erp.example.com"),
    ("uuid", "4f7e2b9c-1d3a-4e6f-8a2b-9c0d1e2f3a4b"),
)
_FORMAT_NAMES = {
    "email": ("email", "contact_email", "notify_email"),
    "uri": ("url", "callback_url", "base_url"),
    "date": ("start_date", "since_date", "cutoff_date"),
    "date-time": ("since", "updated_after"),
    "hostname": ("host", "hostname"),
    "uuid": ("uuid", "external_uuid"),
}
# (ECMA-262 pattern, a value it matches): the kinds of identifiers providers hand out.
_PATTERNS = (
    ("^[A-Z]{2,4}-[0-9]{3,8}$", "ACME-1234"),
    ("^acct_[A-Za-z0-9]{8,24}$", "acct_1a2B3c4D"),
    ("^[a-z][a-z0-9_]{2,31}$", "main_ledger"),
    ("^[0-9]{6,12}$", "12345678"),
    ("^\\d{4}-\\d{2}-\\d{2}$", "2024-01-31"),
    ("^(?:[a-z0-9-]+\\.)*[a-z0-9-]+$", "eu.data"),
    ("^[A-Z]{3}$", "EUR"),
    ("^v[0-9]+(\\.[0-9]+){0,2}$", "v2.1"),
)
_SECRET_PATTERNS = ("^sk_(live|test)_[A-Za-z0-9]{16,64}$", "^[A-Fa-f0-9]{32,128}$", "^whsec_\\S+$")
# An enum setting's values, by the last word of its name (`team_region`, `sync_mode`).
_ENUMS = {
    "region": ("us", "eu", "ap", "ca"),
    "mode": ("full", "incremental", "append"),
    "level": ("debug", "info", "warning", "error"),
    "granularity": ("hourly", "daily", "weekly", "monthly"),
    "environment": ("sandbox", "production"),
    "tier": ("basic", "standard", "premium", "enterprise", "custom"),
    "timezone": ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"),
}
_KIND_WEIGHTS = {
    "string": 14, "format": 10, "pattern": 9, "enum": 12, "secret": 8, "integer": 12,
    "number": 4, "boolean": 11, "object": 6, "array": 7,
}  # fmt: skip
_DIALECTS = (
    "https://json-schema.org/draft/2020-12/schema",
    "https://json-schema.org/draft/2020-12/schema",
    "http://json-schema.org/draft-07/schema#",
    None,
)


@dataclass(frozen=True)
class Connector:
    """One synthetic connector: its folder name, manifest format, manifest value and files."""

    name: str
    format: str  # ts, json or yaml
    manifest: dict[str, Any]
    files: dict[str, str]  # path inside the connector folder -> text (the manifest included)

    @property
    def manifest_file(self) -> str:
        return MANIFEST_FILE[self.format]


def connector(index: int, seed: int = 0) -> Connector:
    """The `index`-th connector of the seeded monorepo; the same for any monorepo size."""
    rng = random.Random(f"backfill-bench:{seed}:{index}")  # str seeds do not depend on hashing
    vendor = _VENDORS[index % len(_VENDORS)]
    product = rng.choice(_PRODUCTS)
    name = f"{vendor}-{product}-{index:04d}"
    domain = f"{vendor}{index:04d}.example"
    routes = _Routes(rng, domain)
    with_oauth = rng.random() < 0.3
    dynamic_host = with_oauth and rng.random() < 0.4
    schema = _settings_schema(rng, with_oauth=with_oauth, dynamic_host=dynamic_host)
    manifest: dict[str, Any] = {
        "name": name,
        "displayName": f"{vendor.title()} {product}",
        "description": f"{rng.choice(_RESOURCES).title()} and more from {vendor.title()} "
        f"{product}, synced on a schedule.",
        "version": f"{rng.randint(0, 3)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
        "permissions": {"http": routes.allowlist},
    }
    test_route = rng.choice(("/setup/test_connection", "/setup/check", "/setup/verify"))
    test_method = "POST"  # the dashboard POSTs to testConnection (BF203)
    connection: dict[str, Any] = {"testConnection": {"route": test_route, "method": test_method}}
    webhook = None
    if rng.random() < 0.7:
        webhook = f"/webhooks/{rng.choice(_RESOURCES)}"
        query = "?connection_id=<connection_id>" + ("&v=2" if rng.random() < 0.2 else "")
        connection["setup"] = {
            "webhookUrlTemplate": f"/api/v1/extensions/<tenant_id>/{name}/routes{webhook}{query}",
            "instructions": _instructions(rng, vendor),
        }
    elif rng.random() < 0.5:
        connection["setup"] = {"instructions": _instructions(rng, vendor)}
    connection["settingsSchema"] = schema
    if with_oauth:
        connection["oauth"] = _oauth(rng, domain, dynamic_host, test_route, test_method)
    manifest["connection"] = connection

    files = routes.files(test_route, test_method, webhook, with_oauth)
    form = FORMATS[index % len(FORMATS)]
    files[MANIFEST_FILE[form]] = render(form, manifest)
    return Connector(name, form, manifest, files)


def build(root: Path, count: int, seed: int = 0) -> list[Connector]:
    """Write connectors 0..count-1 under `root/connectors/<name>/`; return them."""
    made = [connector(index, seed) for index in range(count)]
    for item in made:
        folder = root / "connectors" / item.name
        for relative, text in item.files.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return made


# --- settings schemas --------------------------------------------------------------------------


class _Names:
    """Unique snake_case property names within one object."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def take(self, suffixes: tuple[str, ...]) -> str:
        for _ in range(20):
            name = f"{self._rng.choice(_NOUNS)}_{self._rng.choice(suffixes)}"
            if name not in self._used:
                break
        while name in self._used:
            name += "_2"
        self._used.add(name)
        return name

    def reserve(self, name: str) -> None:
        self._used.add(name)


def _title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _kind(rng: random.Random, nested: bool) -> str:
    kinds = [k for k in _KIND_WEIGHTS if not (nested and k in ("object", "array"))]
    return rng.choices(kinds, weights=[_KIND_WEIGHTS[k] for k in kinds])[0]


def _property(
    rng: random.Random, kind: str, names: _Names, depth: int
) -> tuple[str, dict[str, Any]]:
    """One property's name and schema; `default` only where it validates against the schema."""
    schema: dict[str, Any]
    form, example = rng.choice(_STRING_FORMATS)
    suffix = rng.choice(tuple(_ENUMS))
    if kind == "format":
        name = names.take(_FORMAT_NAMES[form])
    else:
        name = names.take((suffix,) if kind == "enum" else _SUFFIXES[kind])
    if kind == "string":
        schema = {"type": "string", "minLength": 1}
        if rng.random() < 0.4:
            schema["maxLength"] = rng.choice((32, 64, 255))
        if rng.random() < 0.3:
            schema["default"] = name.split("_")[0]
    elif kind == "format":
        schema = {"type": "string", "format": form, "examples": [example]}
    elif kind == "pattern":
        pattern, example = rng.choice(_PATTERNS)
        schema = {"type": "string", "pattern": pattern}
        if rng.random() < 0.5:
            schema["examples"] = [example]
        elif rng.random() < 0.5:
            schema["default"] = example
    elif kind == "enum":
        choices = list(_ENUMS[suffix])
        schema = {"type": "string", "enum": choices[: rng.randint(2, len(choices))]}
        if rng.random() < 0.6:
            schema["default"] = rng.choice(schema["enum"])
    elif kind == "secret":
        schema = {"type": "string"}
        if rng.random() < 0.5:
            schema["writeOnly"] = True
        else:
            schema["format"] = "password"
        if rng.random() < 0.35:
            schema["pattern"] = rng.choice(_SECRET_PATTERNS)
    elif kind == "integer":
        low = rng.choice((0, 1, 1, 10))
        high = low + rng.choice((10, 100, 1000, 65535))
        schema = {"type": "integer", "minimum": low, "maximum": high}
        if rng.random() < 0.6:
            schema["default"] = rng.randint(low, high)
    elif kind == "number":
        schema = {"type": "number", "minimum": 0, "maximum": 1}
        if rng.random() < 0.5:
            schema["default"] = rng.choice((0.1, 0.25, 0.5, 0.9))
    elif kind == "boolean":
        schema = {"type": "boolean", "default": rng.random() < 0.5}
    elif kind == "object":
        schema = _object(rng, rng.randint(2, 5), depth + 1, names=_Names(rng))
        if rng.random() < 0.5:
            schema["additionalProperties"] = False
    else:  # array
        if rng.random() < 0.5:
            items: dict[str, Any] = {"type": "string", "minLength": 1}
        else:
            items = {"type": "string", "enum": list(_ENUMS[suffix])}
        schema = {"type": "array", "items": items, "uniqueItems": True}
        if rng.random() < 0.5:
            schema["minItems"] = 1
        else:
            schema["default"] = []
    if rng.random() < 0.85:
        schema = {"title": _title(name), **schema}
    if rng.random() < 0.6:
        schema["description"] = _description(rng, name, kind)
    return name, schema


def _description(rng: random.Random, name: str, kind: str) -> str:
    subject = name.replace("_", " ")
    where = rng.choice(
        ("Settings → API", "the admin console", "Developer settings", "your profile")
    )
    if kind == "secret":
        return f"The {subject} from {where}. Stored encrypted and never shown again."
    if kind == "integer":
        return f"How many ({subject}); the provider caps it."
    if kind == "boolean":
        return f"Turn on to use {subject}."
    return f"The {subject}, as shown in {where}."


def _object(
    rng: random.Random, count: int, depth: int, names: _Names, *, nested: bool = True
) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for _ in range(count):
        name, schema = _property(rng, _kind(rng, nested=nested or depth > 1), names, depth)
        properties[name] = schema
    optional = [n for n, s in properties.items() if "default" not in s]
    required = [n for n in optional if rng.random() < 0.5]
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _auth_choice(rng: random.Random) -> dict[str, Any]:
    """A `oneOf` of credential shapes, told apart by a `const` method."""
    return {
        "title": "Authentication",
        "description": "How Backfill signs in to the provider.",
        "oneOf": [
            {
                "title": "API key",
                "type": "object",
                "required": ["method", "api_key"],
                "properties": {
                    "method": {"const": "api_key"},
                    "api_key": {"type": "string", "writeOnly": True, "minLength": 16},
                },
            },
            {
                "title": "Username and password",
                "type": "object",
                "required": ["method", "username", "password"],
                "properties": {
                    "method": {"const": "basic"},
                    "username": {"type": "string", "minLength": 1},
                    "password": {"type": "string", "format": "password"},
                },
            },
        ][: rng.choice((2, 2, 1))],
    }


def _settings_schema(rng: random.Random, *, with_oauth: bool, dynamic_host: bool) -> dict[str, Any]:
    count = int(rng.triangular(3, 25, 8))
    names = _Names(rng)
    extra: dict[str, Any] = {}
    required: list[str] = []
    if dynamic_host:
        # The setting an OAuth URL's host is built from: required, and pinned by an anchored
        # pattern that admits one DNS label only.
        names.reserve("subdomain")
        extra["subdomain"] = {
            "type": "string",
            "title": "Subdomain",
            "description": "The part of your account's address before the provider's domain.",
            "pattern": "^[a-z0-9][a-z0-9-]{0,61}$",
            "examples": ["acme"],
        }
        required.append("subdomain")
        count -= 1
    if not with_oauth and rng.random() < 0.2:
        names.reserve("auth")
        extra["auth"] = _auth_choice(rng)
        required.append("auth")
        count -= 1
    schema = _object(rng, max(1, count), 0, names, nested=False)
    schema["properties"] = {**extra, **schema["properties"]}
    schema["required"] = required + schema.get("required", [])
    if not schema["required"]:
        del schema["required"]
    if rng.random() < 0.2:
        _add_defs(rng, schema, names)
    dialect = rng.choice(_DIALECTS)
    head: dict[str, Any] = {"$schema": dialect} if dialect else {}
    head["type"] = "object"
    if rng.random() < 0.7:
        head["title"] = "Settings"
    if dialect and "draft-07" in dialect and "$defs" in schema:
        schema["definitions"] = schema.pop("$defs")
        for value in schema["properties"].values():
            if "$ref" in value:
                value["$ref"] = value["$ref"].replace("$defs", "definitions")
    return {**head, **{k: v for k, v in schema.items() if k != "type"}}


def _add_defs(rng: random.Random, schema: dict[str, Any], names: _Names) -> None:
    """A shared definition, referenced by one or two properties."""
    window = {
        "type": "object",
        "title": "Date window",
        "properties": {
            "start": {"type": "string", "format": "date"},
            "end": {"type": "string", "format": "date"},
        },
        "required": ["start"],
    }
    schema["$defs"] = {"date_window": window}
    for _ in range(rng.randint(1, 2)):
        name = names.take(_SUFFIXES["object"])
        schema["properties"][name] = {"$ref": "#/$defs/date_window"}


# --- manifest parts ------------------------------------------------------------------------------


def _instructions(rng: random.Random, vendor: str) -> str:
    steps = [
        f"In {vendor.title()}, open **Settings → API** and create a key with read access.",
        "Paste the key below and click **Test connection**.",
        "Add a webhook pointing at the URL below, then copy its signing secret here.",
        "Pick the *region* your account lives in.",
    ]
    chosen = steps[: rng.randint(2, 4)]
    return "\n".join(f"{i}. {step}" for i, step in enumerate(chosen, 1))


def _oauth(
    rng: random.Random, domain: str, dynamic_host: bool, route: str, method: str
) -> dict[str, Any]:
    host = f"<subdomain>.{domain}" if dynamic_host else f"auth.{domain}"
    scopes = rng.sample(
        ["read_orders", "read_customers", "read_invoices", "offline_access", "reports.read"],
        rng.randint(1, 3),
    )
    block: dict[str, Any] = {
        "type": "authorization_code",
        "authorizationUrlTemplate": f"https://{host}/oauth/authorize",
        "tokenUrlTemplate": f"https://{host}/oauth/token",
        "scopes": scopes,
        "client": {"credentialKey": f"{domain.split('.')[0]}_app"},
    }
    if rng.random() < 0.7:
        block["postConnect"] = {"route": route, "method": method}
    return block


class _Routes:
    """The allowlist, and the route files that reach every entry of it."""

    def __init__(self, rng: random.Random, domain: str) -> None:
        self._rng = rng
        self._domain = domain
        version = rng.choice(("v1", "v2", "v3", "2024-01"))
        self.api = f"https://api.{domain}/{version}"
        self.allowlist = [f"{self.api}/*"]
        self.uploads = None
        if rng.random() < 0.4:
            self.uploads = f"https://files.{domain}/exports"
            self.allowlist.append(f"{self.uploads}/*")
        self.resources = rng.sample(_RESOURCES, rng.randint(1, 4))

    def files(
        self, test_route: str, test_method: str, webhook: str | None, with_oauth: bool
    ) -> dict[str, str]:
        files = {f"src/api{test_route}.ts": self._test_connection(test_method, with_oauth)}
        if webhook is not None:
            files[f"src/api{webhook}.ts"] = _webhook_file()
        for position, resource in enumerate(self.resources):
            uploads = self.uploads if position == 0 else None
            files[f"src/api/sync/{resource}.ts"] = self._sync(resource, with_oauth, uploads)
        return files

    def _test_connection(self, method: str, with_oauth: bool) -> str:
        if with_oauth:
            return f"""import {{ api, Http, OAuth }} from "@backfill-io/sdk";

export const config = {{ auth: "oauth" }};

export const {method} = api(async (request) => {{
  const token = await OAuth.accessToken();
  const res = Http.get("{self.api}/me", {{ auth: {{ bearer: token }}, timeout: 10_000 }});
  if (!res.ok) {{
    return api.badRequest("The provider refused the connection", {{ status: res.status }});
  }}
  return api.json({{ ok: true, account: res.body.id }});
}});
"""
        return f"""import {{ api, Http }} from "@backfill-io/sdk";

export const config = {{ auth: "api_key" }};

export const {method} = api(async (request) => {{
  const apiKey = request.body.api_key;
  const res = Http.get("{self.api}/me", {{
    auth: {{ bearer: apiKey }},
    timeout: 10_000,
  }});
  if (!res.ok) {{
    return api.badRequest("Invalid credentials", {{ status: res.status }});
  }}
  return api.json({{ ok: true, account: res.body.account_id }});
}});
"""

    def _sync(self, resource: str, with_oauth: bool, uploads: str | None) -> str:
        auth = "{ oauth: true }" if with_oauth else '{ bearer: Secrets.get("api_key")! }'
        imports = "api, Http, Log" if with_oauth else "api, Http, Log, Secrets"
        export = ""
        if uploads is not None:
            export = f"""
  const file = Http.post("{uploads}/{resource}.jsonl", page.body, {{ auth: {auth} }});
  Log.info("exported", {{ status: file.status }});"""
        return f"""import {{ {imports} }} from "@backfill-io/sdk";

const BASE = "{self.api}";

export const GET = api(async (request) => {{
  const cursor = request.body.cursor ?? "";
  const page = Http.get(`${{BASE}}/{resource}?cursor=${{cursor}}`, {{ auth: {auth} }});
  if (!page.ok) {{
    Log.error("{resource} page failed", {{ status: page.status }});
    return api.badRequest("upstream error", {{ status: page.status }});
  }}{export}
  return api.json({{ items: page.body.data, next: page.body.next_cursor }});
}});
"""


def _webhook_file() -> str:
    return """import { api, Log, Secrets } from "@backfill-io/sdk";

export const config = { auth: "none" };

// The provider delivers events by POST to the URL from setup.webhookUrlTemplate.
export const POST = api(async (request) => {
  const secret = Secrets.get("webhook_secret");
  if (!secret) {
    return api.badRequest("The connection has no webhook secret");
  }
  Log.info("event received", { type: request.body.type });
  return api.json({ received: true });
});
"""
