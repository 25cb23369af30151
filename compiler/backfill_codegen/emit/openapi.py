"""`openapi.json`: the connector's declared endpoints as an OpenAPI 3.1 document.

Decisions:
- One operation per declared route, at its platform path, with the `tenant_id` path parameter;
  the webhook operation takes the query parameters its URL template fills in (the
  `connection_id=<connection_id>` one, as a required string).
- Request bodies: testConnection receives the settings form (`Settings`, required); the
  webhook receives the provider's payload (any JSON); postConnect receives none. A route with
  both the webhook and another role takes any JSON.
- Responses: 200 (`api.json(...)`, any JSON) and 400 (`api.badRequest(message, extra)`:
  `BadRequest`, an object whose `error` is the message, other fields from `extra`).
- OAuth: an `oauth2` scheme with the `authorizationCode` flow. The flow's URLs are URLs that
  `new URL` accepts (see `oauth_url`): a token in the path or query percent-encoded
  (`%3Cshop%3E`), a dynamic host replaced by a placeholder under `.invalid` (a setting in the
  port too, with the placeholder port `0`, said in the description); the templates are
  kept whole in `x-backfill-authorization-url-template` / `x-backfill-token-url-template`. A scope's
  description is "" (the manifest gives none). postConnect runs after OAuth: it requires
  `oauth2`; a route that is also testConnection or the webhook makes it optional.
- The webhook operation has `security: []`: the provider calls it without any of our
  credentials (it proves itself by the payload's signature).
- Root extensions: `x-generated` (the notice), `x-backfill-connector`,
  `x-backfill-setup-instructions`, `x-backfill-webhook-url-template` (when present).
- Key order: the root's is fixed (openapi, info, x-generated, x-backfill-*, tags, paths,
  components); everywhere else keys are sorted, except inside the settings schemas, which keep
  the author's order (the form's order). Paths, components and tags are sorted.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any
from urllib.parse import quote, unquote

import idna

from backfill_codegen import ir
from backfill_codegen.domain import webhook
from backfill_codegen.emit.header import NOTICE
from backfill_codegen.emit.openapi_schema import COMPONENTS, SETTINGS, components

OUTPUT = "openapi.json"
BAD_REQUEST = "BadRequest"
SCHEME = "oauth2"
#: Characters a URI may hold as they are (RFC 3986 reserved, unreserved and `%`).
_URI_SAFE = ":/?#[]@!$&'()*+,;=-._~%"
#: What a placeholder host label may not hold (a token's `_`, `<`, `>`, ...).
_LABEL_JUNK = re.compile(r"[^a-z0-9-]+")

_ROLE_TEXT = {
    ir.ROLE_TEST_CONNECTION: (
        "Test the connection's settings",
        'The dashboard calls it with the settings form when the admin clicks "Test connection".',
    ),
    ir.ROLE_POST_CONNECT: (
        "Verify the OAuth connection",
        "The platform calls it after the OAuth code exchange, to verify the provider account.",
    ),
    ir.ROLE_WEBHOOK: (
        "Receive webhook deliveries",
        "The provider delivers events to the per-installation URL the setup screen shows.",
    ),
}
_TOKEN_TEXT = {
    "tenant_id": "The installing workspace's tenant ID.",
    "connection_id": "The connection's ID.",
}


def emit(connector: ir.Connector) -> dict[str, str]:
    return {OUTPUT: render(document(connector))}


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def document(connector: ir.Connector) -> dict[str, Any]:
    """The OpenAPI document as plain JSON data, keys in their final order."""
    schemas = components(connector.settings.schema) if connector.settings else {}
    component_map: dict[str, Any] = {
        "schemas": {**_sorted(_bad_request_schemas()), **schemas},
    }
    if connector.oauth is not None:
        component_map["securitySchemes"] = {SCHEME: _sorted(_oauth_scheme(connector.oauth))}
    component_map["schemas"] = dict(sorted(component_map["schemas"].items()))

    info: dict[str, Any] = {
        "title": connector.display_name,
        "version": connector.version or "0.0.0",
    }
    if connector.description is not None:
        info["description"] = connector.description
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": _sorted(info),
        "x-generated": NOTICE,
        "x-backfill-connector": connector.name,
    }
    if connector.instructions is not None:
        doc["x-backfill-setup-instructions"] = connector.instructions
    if connector.webhook is not None:
        doc["x-backfill-webhook-url-template"] = connector.webhook.template
    roles = sorted({role for route in connector.routes for role in route.roles})
    if roles:
        doc["tags"] = [{"description": _ROLE_TEXT[r][1], "name": r} for r in roles]
    doc["paths"] = _paths(connector, SETTINGS in schemas)
    doc["components"] = component_map
    return doc


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def _bad_request_schemas() -> dict[str, Any]:
    return {
        BAD_REQUEST: {
            "type": "object",
            "description": "`api.badRequest(message, extra)`: the message, and extra's fields.",
            "properties": {"error": {"type": "string", "description": "What went wrong."}},
            "required": ["error"],
            "additionalProperties": True,
        }
    }


def _paths(connector: ir.Connector, has_settings: bool) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in connector.routes:
        item = paths.setdefault(route.platform_path, {"parameters": [_tenant_parameter()]})
        item[route.method.lower()] = _sorted(_operation(connector, route, has_settings))
    return {path: _sorted(paths[path]) for path in sorted(paths)}


def _tenant_parameter() -> dict[str, Any]:
    return {
        "name": "tenant_id",
        "in": "path",
        "required": True,
        "description": _TOKEN_TEXT["tenant_id"],
        "schema": {"type": "string"},
    }


def _operation(connector: ir.Connector, route: ir.Route, has_settings: bool) -> dict[str, Any]:
    texts = [_ROLE_TEXT[role] for role in route.roles if role in _ROLE_TEXT]
    operation: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": "; ".join(t[0] for t in texts) or f"{route.method} {route.route}",
        "description": " ".join(t[1] for t in texts) + f" Handled by `{route.file}`.",
        "responses": _responses(),
    }
    operation["description"] = operation["description"].strip()
    if route.roles:
        operation["tags"] = list(route.roles)
    if ir.ROLE_WEBHOOK in route.roles and connector.webhook is not None:
        parameters = _query_parameters(connector.webhook, connector.name)
        if parameters:
            operation["parameters"] = parameters
        operation["requestBody"] = _body({}, "The provider's event payload.")
    elif ir.ROLE_TEST_CONNECTION in route.roles:
        schema = {"$ref": COMPONENTS + SETTINGS} if has_settings else {"type": "object"}
        operation["requestBody"] = _body(schema, "The settings form as the admin filled it in.")
    if ir.ROLE_POST_CONNECT in route.roles and connector.oauth is not None:
        requirement = {SCHEME: list(connector.oauth.scopes)}
        called_without = {ir.ROLE_TEST_CONNECTION, ir.ROLE_WEBHOOK} & set(route.roles)
        operation["security"] = [requirement, {}] if called_without else [requirement]
    elif ir.ROLE_WEBHOOK in route.roles:
        operation["security"] = []  # the provider calls it, with none of our credentials
    return operation


def _body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "description": description,
        "required": True,
        "content": {"application/json": {"schema": schema}},
    }


def _responses() -> dict[str, Any]:
    return {
        "200": {
            "description": "Success: the route's `api.json(...)` body.",
            "content": {"application/json": {"schema": {}}},
        },
        "400": {
            "description": "Rejected: the route's `api.badRequest(...)` body.",
            "content": {"application/json": {"schema": {"$ref": COMPONENTS + BAD_REQUEST}}},
        },
    }


def _query_parameters(hook: ir.Webhook, name: str) -> list[dict[str, Any]]:
    """One parameter per `key=value` of the template's query: a string when the value holds a
    token (the platform fills it in), a constant otherwise."""
    parts = webhook.split(hook.template, name)
    if parts is None or not parts.query:
        return []
    found: dict[str, dict[str, Any]] = {}
    for pair in parts.query.split("&"):
        key, _, value = pair.partition("=")
        key = unquote(key)
        if not key or key in found:
            continue
        tokens = [t.name for t in webhook.tokens(value)[0]]
        if tokens:
            text = " ".join(_TOKEN_TEXT.get(t, f"The `{t}` token.") for t in tokens)
            schema: dict[str, Any] = {"type": "string"}
        else:
            text, schema = "A constant of the webhook URL.", {"const": unquote(value)}
        found[key] = {
            "name": key,
            "in": "query",
            "required": True,
            "description": text,
            "schema": schema,
        }
    return [found[key] for key in sorted(found)]


def oauth_url(template: str) -> str:
    """The template as a URL that WHATWG `new URL` and RFC 3986 parsers both accept.

    A token in the path or query is percent-encoded (`<id>` -> `%3Cid%3E`: it decodes back to
    the template). A host cannot hold `%3C`, so a token in the host (a dynamic host) makes the
    whole host a placeholder under the reserved `.invalid` domain, which never resolves:
    `https://<shop>.myshopify.com/x` -> `https://shop.myshopify.com.invalid/x`. The real
    template is in the scheme's `x-backfill-*-url-template`. A token in the port makes the
    host such a placeholder too, and the port the placeholder `0` (a port no server listens
    on), so the URL still shows there is a port: `https://api.example.com:<port>/auth` ->
    `https://api.example.com.invalid:0/auth`."""
    head, authority, tail = _split(template)
    host, port = _host_and_port(authority)
    return f"{head}://{host}{port}{quote(tail, safe=_URI_SAFE)}"


def _split(template: str) -> tuple[str, str, str]:
    """Scheme, host-and-port (no userinfo), and the rest of a URL template."""
    head, _, rest = template.partition("://")
    end = next((i for i, c in enumerate(rest) if c in "/?#\\"), len(rest))
    return head, rest[:end].rpartition("@")[2], rest[end:]


def _port_of(authority: str) -> str:
    if authority.startswith("[") and "]" in authority:
        return authority.partition("]")[2].removeprefix(":")
    return authority.rpartition(":")[2] if ":" in authority else ""


def _port_is_a_setting(template: str) -> bool:
    port = _port_of(_split(template)[1])
    return "<" in port or ">" in port


def _host_and_port(authority: str) -> tuple[str, str]:
    if authority.startswith("[") and "]" in authority:  # an IPv6 literal, kept as written
        host, _, port = authority.partition("]")
        host += "]"
        port = port.removeprefix(":")
    else:
        host, colon, port = authority.rpartition(":")
        if not colon:
            host, port = authority, ""
    if "<" in port or ">" in port:  # a setting in the port: placeholders, never a real place
        return _placeholder_host(host), ":0"
    port = f":{port}" if port.isascii() and port.isdigit() else ""
    if host.startswith("[") and "<" not in host:
        return host, port
    if "<" not in host and ">" not in host:
        try:
            ascii_host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            ascii_host = ""  # not a host a URL can name: stand in a placeholder
        if ascii_host and _whatwg_host(ascii_host):
            return ascii_host, port
    return _placeholder_host(host), port


def _placeholder_host(host: str) -> str:
    labels = [_LABEL_JUNK.sub("-", label.lower()).strip("-")[:63] for label in host.split(".")]
    return ".".join([label for label in labels if label] + ["invalid"])


def _whatwg_host(host: str) -> bool:
    """Whether WHATWG's host parser takes `host`: a last label that is a number makes it an
    IPv4 address (`u.0` is refused), so only a real dotted quad may end in one."""
    last = host.rstrip(".").rsplit(".", 1)[-1]
    if last.isdigit() or last.lower().startswith("0x"):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return False
    return True


def _oauth_scheme(oauth: ir.OAuth) -> dict[str, Any]:
    description = f"OAuth 2.0 ({oauth.type}); client credential `{oauth.credential_key}`."
    if oauth.setting_tokens:
        tokens = ", ".join(f"`{t}`" for t in oauth.setting_tokens)
        description += (
            " The URLs are templates: each `<name>` is filled from the setting of that name"
            f" ({tokens})."
        )
    if oauth.dynamic_host:
        description += (
            " The host comes from a setting, so the flow's URLs name a placeholder host under"
            " `.invalid` (never resolved); `x-backfill-authorization-url-template` and"
            " `x-backfill-token-url-template` hold the real templates."
        )
    templates = (oauth.authorization_url_template, oauth.token_url_template)
    if any(_port_is_a_setting(template) for template in templates):
        description += (
            " The port comes from a setting too: the URLs show the placeholder port `0` and a"
            " placeholder host, and the templates hold the real ones."
        )
    return {
        "type": "oauth2",
        "description": description,
        "flows": {
            "authorizationCode": {
                "authorizationUrl": oauth_url(oauth.authorization_url_template),
                "tokenUrl": oauth_url(oauth.token_url_template),
                "scopes": {scope: "" for scope in oauth.scopes},
            }
        },
        "x-backfill-authorization-url-template": oauth.authorization_url_template,
        "x-backfill-token-url-template": oauth.token_url_template,
        "x-backfill-credential-key": oauth.credential_key,
        "x-backfill-dynamic-host": oauth.dynamic_host,
    }
