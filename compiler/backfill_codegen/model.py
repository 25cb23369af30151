"""The manifest's shape as strict pydantic models: the SOURCE of schemas/manifest.schema.json.

`manifest_json_schema()` exports the JSON Schema; the checked-in schemas/manifest.schema.json is
its output (tests/cli/test_schema.py compares the two; `pytest --update-golden` rewrites the file).
Nothing imports this module at run time: `check` validates against that JSON copy with
jsonschema-rs (pydantic never loads for `check`), and `backfill-codegen schema` prints it. The
module stays here rather than in schemas/, which is package data (linked from the top-level
schemas/ folder and read through resources.data_dir), not a Python package.

The *shape* lives here (which keys exist, their types, which are required), and for editors
what a schema can say about values (methods, patterns of names and routes, `https://` entries,
the settings schema against its dialect's meta-schema), with titles, examples and Markdown.
`check` validates only the shape (checks/structure.py drops the editor-only keywords,
`EDITOR_ONLY`): what a value means is checked by backfill_codegen/checks/, where a rule can
explain itself with a code, a location and a fix.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from backfill_codegen.domain.settings_schema import KNOWN_DIALECTS

#: Patterns for editors (ECMA-262 and Python `re` read them alike: ASCII classes only). `check`
#: decides the same with a located diagnostic and a fix; these only let an editor see it early.
NAME_PATTERN = r"^[a-z][a-z0-9-]*$"
ROUTE_PATTERN = r"^(/[a-z0-9_-]{1,128})+$"
CREDENTIAL_KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
HTTPS_ENTRY_PATTERN = r"^https://[^/?#@*\s]+(/[^?#\s]*)?$"
HTTPS_TEMPLATE_PATTERN = r"^https://[^/?#\s]+([/?][^\s#]*)?$"
SCOPE_PATTERN = r"^\S+$"
WEBHOOK_PATTERN = (
    r"^/api/v1/extensions/<tenant_id>/[a-z][a-z0-9-]*/routes(/[a-z0-9_-]+)+"
    r"(\?([^<>#\s]|<tenant_id>|<connection_id>)*)?$"
)


def _doc(description: str, example: Any, title: str, **extra: Any) -> dict[str, Any]:
    """Field arguments: a human title, the description, and for editors that render Markdown
    (VS Code) the description with an example of the value; `extra` joins the field's schema."""
    shown = json.dumps(example, ensure_ascii=False)
    markdown = f"{description}\n\nExample: `{shown}`"
    return {
        "title": title,
        "description": description,
        "examples": [example],
        "json_schema_extra": {"markdownDescription": markdown, **extra},
    }


def _titled(title: str) -> ConfigDict:
    return ConfigDict(strict=True, extra="forbid", frozen=True, title=title)


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]


class RouteRef(_Strict):
    """A route of the connector: a file under `src/api/` and the HTTP method it exports."""

    model_config = _titled("Route")

    route: str = Field(
        pattern=ROUTE_PATTERN,
        max_length=1024,
        **_doc(
            "Route path: `/setup/test_connection` is the file "
            "`src/api/setup/test_connection.ts`. Lowercase segments of `[a-z0-9_-]`.",
            "/setup/test_connection",
            "Route path",
        ),
    )
    method: Method = Field(
        **_doc("HTTP method: GET, POST, PUT, PATCH or DELETE (upper case).", "POST", "Method")
    )


class PostRouteRef(RouteRef):
    """A route the platform calls with POST (`testConnection`, `oauth.postConnect`)."""

    model_config = _titled("POST route")

    method: Literal["POST"] = Field(
        **_doc("HTTP method: always POST for this route.", "POST", "Method")
    )


class Setup(_Strict):
    """Provider-side setup shown to the admin during install."""

    model_config = _titled("Setup")

    webhookUrlTemplate: str | None = Field(
        default=None,
        pattern=WEBHOOK_PATTERN,
        **_doc(
            "Per-installation webhook URL the admin pastes into the provider: "
            "`/api/v1/extensions/<tenant_id>/<name>/routes/<webhook route>`. The platform "
            "replaces the tokens `<tenant_id>` and `<connection_id>` at install time.",
            "/api/v1/extensions/<tenant_id>/stripe/routes/webhooks/stripe"
            "?connection_id=<connection_id>",
            "Webhook URL template",
        ),
    )
    instructions: str | None = Field(
        default=None,
        pattern=r"\S",
        **_doc(
            "Free-form admin-facing copy (Markdown) explaining what to do on the provider side.",
            "Create a webhook for the URL below, then paste its signing secret here.",
            "Setup instructions",
        ),
    )


class OAuthClient(_Strict):
    """The OAuth client the host uses: a platform credential holding its id and secret."""

    model_config = _titled("OAuth client")

    credentialKey: str = Field(
        pattern=CREDENTIAL_KEY_PATTERN,
        **_doc(
            "Key of the platform credential holding the OAuth client id and secret "
            "(`^[a-z][a-z0-9_]*$`).",
            "shopify_oauth",
            "Credential key",
        ),
    )


class OAuth(_Strict):
    """OAuth 2.0 authorization-code flow run by the host: redirects, state, token exchange,
    encrypted token storage, refresh, disconnect and reauth."""

    model_config = _titled("OAuth")

    type: Literal["authorization_code"] = Field(
        **_doc(
            "Grant type. `authorization_code` is the only one.", "authorization_code", "Grant type"
        )
    )
    authorizationUrlTemplate: str = Field(
        pattern=HTTPS_TEMPLATE_PATTERN,
        **_doc(
            "`https://` authorize endpoint. A `<setting>` token is replaced by a required "
            "string setting.",
            "https://<shop>.myshopify.com/admin/oauth/authorize",
            "Authorization URL template",
        ),
    )
    tokenUrlTemplate: str = Field(
        pattern=HTTPS_TEMPLATE_PATTERN,
        **_doc(
            "`https://` token endpoint, with the same `<setting>` tokens.",
            "https://<shop>.myshopify.com/admin/oauth/access_token",
            "Token URL template",
        ),
    )
    scopes: list[str] = Field(
        **_doc(
            "Scopes requested: unique, each without spaces.",
            ["read_orders"],
            "Scopes",
            uniqueItems=True,
            items={"type": "string", "pattern": SCOPE_PATTERN},
        ),
    )
    client: OAuthClient = Field(
        **_doc("The OAuth client credential.", {"credentialKey": "shopify_oauth"}, "Client")
    )
    postConnect: PostRouteRef | None = Field(
        default=None,
        **_doc(
            "Route run after the token exchange; it should call `OAuth.accessToken()`, verify "
            "the provider account and return stable metadata.",
            {"route": "/oauth/post_connect", "method": "POST"},
            "Post-connect route",
        ),
    )


def _settings_schema_dialects() -> dict[str, Any]:
    """`settingsSchema` checked against its dialect's meta-schema, chosen by its `$schema`
    (2020-12 when there is none). check-jsonschema ships these meta-schemas: nothing is fetched."""
    branches: list[dict[str, Any]] = []
    for uri in KNOWN_DIALECTS:
        if "draft-03" in uri:
            continue  # no meta-schema editors know; `check` still reads it
        spellings = [uri, f"{uri}#"]
        chosen: dict[str, Any] = {
            "properties": {"$schema": {"enum": spellings}},
            "required": ["$schema"],
        }
        if uri.endswith("2020-12/schema"):
            chosen = {"anyOf": [chosen, {"not": {"required": ["$schema"]}}]}
        ref = uri if "draft/" in uri else f"{uri}#"
        branches.append({"if": chosen, "then": {"$ref": ref}})
    known = [spelling for uri in KNOWN_DIALECTS for spelling in (uri, f"{uri}#")]
    return {
        "allOf": branches,
        "properties": {
            "$schema": {"description": "The settings schema's dialect.", "enum": known},
            "type": {
                "description": "Settings are named fields: `object`.",
                "anyOf": [{"const": "object"}, {"const": ["object"]}],
            },
        },
    }


class Connection(_Strict):
    """How the dashboard tests credentials, walks the admin through setup and runs OAuth."""

    model_config = _titled("Connection")

    testConnection: PostRouteRef | None = Field(
        default=None,
        **_doc(
            'The route the dashboard calls when the admin clicks "Test connection". Return 200 '
            "if the credentials work, an explicit error response otherwise.",
            {"route": "/setup/test_connection", "method": "POST"},
            "Test connection route",
        ),
    )
    setup: Setup | None = Field(
        default=None,
        **_doc(
            "Setup instructions and webhook URL.",
            {"instructions": "Paste your API key from the provider's settings page."},
            "Setup",
        ),
    )
    settingsSchema: dict[str, Any] | None = Field(
        default=None,
        **_doc(
            "JSON Schema of the settings form (draft-04 to 2020-12, by its `$schema`; "
            "2020-12 when absent), `type: object`. Secrets are properties with "
            "`writeOnly: true` or `format: password`.",
            {
                "type": "object",
                "required": ["api_key"],
                "properties": {"api_key": {"type": "string", "writeOnly": True}},
            },
            "Settings schema",
            **_settings_schema_dialects(),
        ),
    )
    oauth: OAuth | None = Field(
        default=None,
        **_doc(
            "OAuth, when the provider expects it.",
            {"type": "authorization_code", "scopes": ["read"]},
            "OAuth",
        ),
    )


class Permissions(_Strict):
    """What the connector may reach at run time. Every outbound call must match an entry."""

    model_config = _titled("Permissions")

    http: list[str] = Field(
        default_factory=list,
        **_doc(
            "Allowlist of outbound calls: `https://` URLs with an explicit host; `*` in the "
            "path matches any run of characters. A request no entry allows is blocked.",
            ["https://api.stripe.com/*"],
            "HTTP allowlist",
            items={"type": "string", "pattern": HTTPS_ENTRY_PATTERN},
        ),
    )


class Manifest(_Strict):
    """A Backfill connector manifest (`backfill.config.ts`, `.json`, `.yaml`)."""

    model_config = _titled("Backfill connector manifest")

    schema_uri: str | None = Field(
        default=None,
        alias="$schema",
        **_doc(
            "The manifest's JSON Schema, for editors; ignored by the compiler.",
            "./manifest.schema.json",
            "JSON Schema",
        ),
    )
    name: str = Field(
        pattern=NAME_PATTERN,
        **_doc(
            "Connector slug, `^[a-z][a-z0-9-]*$`: the `<name>` in platform URLs.",
            "stripe",
            "Name",
        ),
    )
    displayName: str | None = Field(
        default=None, **_doc("Human-readable name.", "Stripe", "Display name")
    )
    description: str | None = Field(
        default=None,
        **_doc(
            "What the connector does.", "Charges, refunds and payouts from Stripe.", "Description"
        ),
    )
    version: str | None = Field(
        default=None, **_doc("The connector's version.", "1.0.0", "Version")
    )
    permissions: Permissions | None = Field(
        default=None,
        **_doc(
            "What the connector may reach at run time.",
            {"http": ["https://api.stripe.com/*"]},
            "Permissions",
        ),
    )
    connection: Connection | None = Field(
        default=None,
        **_doc(
            "Credentials test, setup instructions, settings form and OAuth.",
            {"testConnection": {"route": "/setup/test_connection", "method": "POST"}},
            "Connection",
        ),
    )


def manifest_json_schema() -> dict[str, Any]:
    """The JSON Schema of the manifest: for editors, `backfill-codegen schema`, and the shape
    check itself (backfill_codegen/checks/structure.py validates against the checked-in copy).

    Optional keys are optional, not nullable: `"setup": null` is a type error rather than a
    silent "no setup", so pydantic's `X | None` becomes plain `X` here.
    """
    schema = _without_null(Manifest.model_json_schema(by_alias=True))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def _without_null(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_null(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _without_null(value) for key, value in node.items()}
    choices = node.get("anyOf")
    if isinstance(choices, list) and {"type": "null"} in choices:
        rest = [choice for choice in choices if choice != {"type": "null"}]
        del node["anyOf"]
        if len(rest) == 1:
            node = {**rest[0], **node}
        else:
            node["anyOf"] = rest
        if node.get("default", 0) is None:
            del node["default"]
    return node
