"""`routes.ts` (the route table and each route's request/response types) and the route stubs
(`src/api/<route>.ts`, scaffolded once; the lead's writer never overwrites an existing file).

Decisions:
- Request types: testConnection receives the settings form (`Settings`); the webhook the
  provider's payload (`unknown`); postConnect nothing documented (`unknown`); a route that is
  both testConnection and postConnect `Settings | undefined`; a webhook role wins over the others
  (as in openapi.json). Every response is `unknown`: any JSON a handler answers with.
- Type names come from the route's operationId: `postSetupTestConnection` ->
  `PostSetupTestConnectionRequest` / `...Response`.
- Stubs use only the SDK surface the spec pages document (declared in sdk/index.d.ts) and
  import their types from the generated files by a path relative to the stub, ending in
  `.js` (see IMPORT_SUFFIX), as `routes.ts` imports `./settings.js`. `Http` calls
  are synchronous as the spec shows them; `OAuth.accessToken()`, whose return type the spec
  does not give, is awaited, which is right either way. No `export const config`: the spec
  shows one value for one route (`auth: "api_key"`) without defining it.
- testConnection calls `Http.get` on the first allowlist entry, its `*`s dropped (an empty run
  is still a match) and percent-encoded where a URL needs it; it sends the first required
  string secret as a bearer token. postConnect (alone or with testConnection: one stub serves
  both) sends `OAuth.accessToken()` instead and answers stable metadata. The webhook reads
  the signing secret (a secret setting whose name says `sign`/`webhook`, else the first secret,
  else a placeholder) and marks where its signature must be verified.
"""

from __future__ import annotations

import posixpath
import textwrap
from dataclasses import dataclass
from urllib.parse import quote

from backfill_codegen import ir
from backfill_codegen.emit.templating import render
from backfill_codegen.emit.ts_names import comment, property_access, ts_literal

OUTPUT = "routes.ts"
#: What a relative import of a generated module ends with. `./settings.js` names `settings.ts`
#: under every resolution tsc has (nodenext and node16 require the extension, TS2835; bundler
#: and node10 accept it); an extensionless `./settings` fails under nodenext.
IMPORT_SUFFIX = ".js"
SCAFFOLD_NOTE = (
    "// Scaffolded by backfill-codegen from backfill.config; this file is yours to edit."
)
ROLES = (ir.ROLE_TEST_CONNECTION, ir.ROLE_POST_CONNECT, ir.ROLE_WEBHOOK)
PLACEHOLDER_SECRET = "webhook_signing_secret"
#: Characters a URL path may hold as they are; everything else in a pattern is escaped.
_PATH_SAFE = "/!$&'()*+,;=:@-._~"


# --- routes.ts --------------------------------------------------------------------------------


def type_name(route: ir.Route, suffix: str) -> str:
    return route.operation_id[:1].upper() + route.operation_id[1:] + suffix


def request_type(route: ir.Route) -> str:
    roles = set(route.roles)
    if ir.ROLE_WEBHOOK in roles:
        return "unknown"
    if ir.ROLE_TEST_CONNECTION in roles:
        return "Settings | undefined" if ir.ROLE_POST_CONNECT in roles else "Settings"
    return "unknown"


def _request_doc(route: ir.Route) -> str:
    roles = set(route.roles)
    if ir.ROLE_WEBHOOK in roles:
        return "The provider's event payload, as delivered: verify its signature before use."
    if ir.ROLE_TEST_CONNECTION in roles and ir.ROLE_POST_CONNECT in roles:
        return (
            "The settings form when the dashboard tests the connection; nothing documented "
            "when the platform calls it after OAuth (postConnect)."
        )
    if ir.ROLE_TEST_CONNECTION in roles:
        return "The settings form the admin filled in (`connection.settingsSchema`)."
    if ir.ROLE_POST_CONNECT in roles:
        return "Nothing documented: the platform calls it after the OAuth code exchange."
    return "Not described by the manifest."


@dataclass(frozen=True)
class _RouteEntry:
    """One route for routes.ts: every field already a TypeScript literal or name."""

    route: str
    platform_path: str
    method: str
    roles: str
    file: str
    operation_id: str
    operation_key: str
    summary: str
    request_name: str
    request_type: str
    request_doc: str
    response_name: str


def _entry(route: ir.Route) -> _RouteEntry:
    roles = ", ".join(route.roles) or "no role"
    return _RouteEntry(
        route=ts_literal(route.route),
        platform_path=ts_literal(route.readable_path),
        method=ts_literal(route.method),
        roles="[" + ", ".join(ts_literal(role) for role in route.roles) + "]",
        file=ts_literal(route.file),
        operation_id=ts_literal(route.operation_id),
        operation_key=route.operation_id,
        summary=comment(f"`{route.method} {route.route}` ({roles})"),
        request_name=type_name(route, "Request"),
        request_type=request_type(route),
        request_doc=comment(_request_doc(route)),
        response_name=type_name(route, "Response"),
    )


def emit(connector: ir.Connector) -> dict[str, str]:
    entries = [_entry(route) for route in connector.routes]
    text = render(
        "typescript/routes.ts.j2",
        connector=comment(connector.name),
        roles=" | ".join(ts_literal(role) for role in ROLES),
        entries=entries,
        imports_settings=any("Settings" in entry.request_type for entry in entries),
    )
    return {OUTPUT: text}


# --- Stubs ------------------------------------------------------------------------------------


def probe_url(entry: ir.Permission) -> str:
    """A URL the allowlist entry allows: its path pattern with each `*` matching nothing."""
    path = quote(entry.path_pattern.replace("*", ""), safe=_PATH_SAFE) or "/"
    port = "" if entry.port == 443 else f":{entry.port}"
    return f"{entry.scheme}://{entry.host}{port}{path}"


def _bearer_setting(connector: ir.Connector) -> ir.Setting | None:
    """The first required string secret: what a testConnection most likely sends."""
    if connector.settings is None:
        return None
    return next(
        (
            s
            for s in connector.settings.properties
            if s.secret and s.required and s.json_type == "string"
        ),
        None,
    )


def signing_secret(connector: ir.Connector) -> tuple[str | None, bool]:
    """The secret setting that most likely holds the webhook signing secret, and whether its
    name says so (`sign`, `webhook`); else the first secret; (None, False) without one."""
    if connector.settings is None:
        return None, False
    secrets = [s.name for s in connector.settings.properties if s.secret]
    named = [n for n in secrets if "sign" in n.lower() or "webhook" in n.lower()]
    if named:
        return named[0], True
    return (secrets[0] if secrets else None), False


def _relative_import(stub_file: str, target: str) -> str:
    relative = posixpath.relpath(target, posixpath.dirname(stub_file))
    return relative if relative.startswith(("./", "../")) else "./" + relative


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(comment(text), width=96, break_on_hyphens=False)


_ROLE_NAMES = {
    ir.ROLE_TEST_CONNECTION: "connection.testConnection",
    ir.ROLE_POST_CONNECT: "connection.oauth.postConnect",
    ir.ROLE_WEBHOOK: "the webhook",
}
_ROLE_TEXTS = {
    ir.ROLE_TEST_CONNECTION: (
        'The dashboard posts the settings form here when the admin clicks "Test connection": '
        "answer 200 when the credentials work, an error otherwise."
    ),
    ir.ROLE_POST_CONNECT: (
        "The platform calls it after the OAuth code exchange: verify the provider account "
        "with the access token and answer stable metadata about it."
    ),
    ir.ROLE_WEBHOOK: (
        "The provider delivers events here, to the URL that "
        "connection.setup.webhookUrlTemplate gives the admin."
    ),
}


def _about(route: ir.Route) -> list[str]:
    roles = [role for role in ROLES if role in route.roles]
    names = " and ".join(_ROLE_NAMES[role] for role in roles) or "a route of this connector"
    texts = [_ROLE_TEXTS[role] for role in roles]
    return _wrap(" ".join([f"{route.method} {route.route}: {names}.", *texts]))


@dataclass(frozen=True)
class _Stub:
    kind: str  # "webhook", "connect" (postConnect, maybe with testConnection), "test", "plain"
    sdk: list[str]
    type_imports: list[tuple[str, str]]  # (type name, module path literal)
    about: list[str]
    method: str
    parameter: str
    settings_type: str
    url: str | None
    bearer: str | None
    failure: str
    provider: str
    secret_name: str
    secret_is_placeholder: bool
    secret_is_guess: bool
    request_type_name: str


def _stub_kind(route: ir.Route) -> str:
    if ir.ROLE_WEBHOOK in route.roles:
        return "webhook"
    if ir.ROLE_POST_CONNECT in route.roles:
        return "connect"
    if ir.ROLE_TEST_CONNECTION in route.roles:
        return "test"
    return "plain"


def _stub(connector: ir.Connector, route: ir.Route, generated: str) -> str:
    kind = _stub_kind(route)
    url = probe_url(connector.permissions[0]) if connector.permissions else None
    reads_settings = ir.ROLE_TEST_CONNECTION in route.roles and kind != "webhook"
    type_imports = []
    if reads_settings:
        path = _relative_import(route.file, posixpath.join(generated, "settings" + IMPORT_SUFFIX))
        type_imports.append(("Settings", ts_literal(path)))
    if kind == "webhook":
        path = _relative_import(route.file, posixpath.join(generated, "routes" + IMPORT_SUFFIX))
        type_imports.append((type_name(route, "Request"), ts_literal(path)))
    sdk = {"webhook": ["api", "Log", "Secrets"], "connect": ["api", "OAuth"]}.get(kind, ["api"])
    if url is not None and kind in ("test", "connect"):
        sdk.append("Http")
    bearer = _bearer_setting(connector)
    secret, named = signing_secret(connector)
    stub = _Stub(
        kind=kind,
        sdk=sorted(sdk, key=str.lower),
        type_imports=type_imports,
        about=_about(route),
        method=route.method,
        parameter="request" if reads_settings or kind == "webhook" else "",
        settings_type="Settings | undefined" if kind == "connect" else "Settings",
        url=ts_literal(url) if url is not None else None,
        bearer=property_access("settings", bearer.name) if bearer is not None else None,
        failure=ts_literal(
            f"{connector.display_name} did not accept the OAuth access token"
            if kind == "connect"
            else f"{connector.display_name} did not accept the credentials"
        ),
        provider=ts_literal(connector.name),
        secret_name=ts_literal(secret if secret is not None else PLACEHOLDER_SECRET),
        secret_is_placeholder=secret is None,
        secret_is_guess=secret is not None and not named,
        request_type_name=type_name(route, "Request"),
    )
    return render("typescript/stub.ts.j2", stub=stub, note=SCAFFOLD_NOTE)


def emit_stubs(connector: ir.Connector, generated_dir: str = "generated") -> dict[str, str]:
    """A stub for every declared route, keyed by its file relative to the connector directory.
    `generated_dir` is the output directory relative to the connector directory."""
    generated = posixpath.normpath(generated_dir.replace("\\", "/"))
    if posixpath.isabs(generated):
        raise ValueError("generated_dir must be relative to the connector directory")
    return {route.file: _stub(connector, route, generated) for route in connector.routes}
