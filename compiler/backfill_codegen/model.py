"""The manifest's shape as strict pydantic models: the SOURCE of schemas/manifest.schema.json.

`manifest_json_schema()` exports the JSON Schema; the checked-in schemas/manifest.schema.json is
its output (tests/cli/test_schema.py compares the two; `pytest --update-golden` rewrites the file).
Nothing imports this module at run time: `check` validates against that JSON copy with
jsonschema-rs (pydantic never loads for `check`), and `backfill-codegen schema` prints it. The
module stays here rather than in schemas/, which is package data (linked from the top-level
schemas/ folder and read through resources.data_dir), not a Python package.

Only the *shape* lives here (which keys exist, their types, which are required). What a value
means — a route path's syntax, a URL's host, a schema's validity — is checked by
backfill_codegen/checks/, where a rule can explain itself with a code and a location.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class RouteRef(_Strict):
    """A route of the connector: a file under `src/api/` and the HTTP method it exports."""

    route: str = Field(
        description="Route path: `/setup/test_connection` is the file "
        "`src/api/setup/test_connection.ts`. Lowercase segments of `[a-z0-9_-]`.",
    )
    method: str = Field(description="HTTP method: GET, POST, PUT, PATCH or DELETE.")


class Setup(_Strict):
    """Provider-side setup shown to the admin during install."""

    webhookUrlTemplate: str | None = Field(
        default=None,
        description="Per-installation webhook URL the admin pastes into the provider: "
        "`/api/v1/extensions/<tenant_id>/<name>/routes/<webhook route>`. The platform replaces "
        "the tokens `<tenant_id>` and `<connection_id>` at install time.",
    )
    instructions: str | None = Field(
        default=None,
        description="Free-form admin-facing copy (Markdown) explaining what to do on the "
        "provider side.",
    )


class OAuthClient(_Strict):
    """The OAuth client the host uses: a platform credential holding its id and secret."""

    credentialKey: str = Field(
        description="Key of the platform credential holding the OAuth client id and secret "
        "(`^[a-z][a-z0-9_]*$`).",
    )


class OAuth(_Strict):
    """OAuth 2.0 authorization-code flow run by the host: redirects, state, token exchange,
    encrypted token storage, refresh, disconnect and reauth."""

    type: str = Field(description="Grant type. `authorization_code` is the only one.")
    authorizationUrlTemplate: str = Field(
        description="`https://` authorize endpoint. A `<setting>` token is replaced by a "
        "required string setting, e.g. `https://<shop>.myshopify.com/admin/oauth/authorize`.",
    )
    tokenUrlTemplate: str = Field(
        description="`https://` token endpoint, with the same `<setting>` tokens.",
    )
    scopes: list[str] = Field(description="Scopes requested, unique, without spaces.")
    client: OAuthClient = Field(description="The OAuth client credential.")
    postConnect: RouteRef | None = Field(
        default=None,
        description="Route run after the token exchange; it should call "
        "`OAuth.accessToken()`, verify the provider account and return stable metadata.",
    )


class Connection(_Strict):
    """How the dashboard tests credentials, walks the admin through setup and runs OAuth."""

    testConnection: RouteRef | None = Field(
        default=None,
        description='The route the dashboard calls when the admin clicks "Test connection". '
        "Return 200 if the credentials work, an explicit error response otherwise.",
    )
    setup: Setup | None = Field(default=None, description="Setup instructions and webhook URL.")
    settingsSchema: dict[str, Any] | None = Field(
        default=None,
        description="JSON Schema (draft-07 or 2020-12) of the settings form, `type: object`. "
        "Secrets are properties with `writeOnly: true` or `format: password`.",
    )
    oauth: OAuth | None = Field(default=None, description="OAuth, when the provider expects it.")


class Permissions(_Strict):
    """What the connector may reach at run time. Every outbound call must match an entry."""

    http: list[str] = Field(
        default_factory=list,
        description="Allowlist of outbound calls: `https://` URLs with an explicit host; `*` "
        "in the path matches any run of characters. A request no entry allows is blocked.",
    )


class Manifest(_Strict):
    """A Backfill connector manifest (`backfill.config.ts`, `.json`, `.yaml`)."""

    schema_uri: str | None = Field(
        default=None,
        alias="$schema",
        title="JSON Schema",
        description="The manifest's JSON Schema, for editors; ignored by the compiler.",
    )
    name: str = Field(
        description="Connector slug, `^[a-z][a-z0-9-]*$`: the `<name>` in platform URLs.",
    )
    displayName: str | None = Field(default=None, description="Human-readable name.")
    description: str | None = Field(default=None, description="What the connector does.")
    version: str | None = Field(default=None, description="The connector's version.")
    permissions: Permissions | None = Field(
        default=None, description="What the connector may reach at run time."
    )
    connection: Connection | None = Field(
        default=None,
        description="Credentials test, setup instructions, settings form and OAuth.",
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
