"""The normalized connector that every emitter reads: frozen, sorted, no source text.

Lowering (backfill_codegen/lower.py) builds it from a manifest that checked without errors. Emitters
and templates see only this, never the raw manifest or diagnostics.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

ROLE_TEST_CONNECTION = "testConnection"
ROLE_POST_CONNECT = "postConnect"
ROLE_WEBHOOK = "webhook"


@dataclass(frozen=True)
class Route:
    """One endpoint: a route file's method, and why the platform calls it."""

    route: str  # "/setup/test_connection"
    method: str  # "POST"
    roles: tuple[str, ...]  # sorted; () for a route file the manifest does not name
    platform_path: str  # "/api/v1/extensions/{tenant_id}/stripe/routes/setup/test_connection"
    file: str  # "src/api/setup/test_connection.ts", relative to the connector directory
    operation_id: str  # "postSetupTestConnection": unique per connector, an identifier

    @property
    def readable_path(self) -> str:
        return readable_path(self.platform_path)


def readable_path(platform_path: str) -> str:
    """A platform path with the manifest's `<tenant_id>` spelling, for every page a person
    reads: `{tenant_id}` (OpenAPI's path-parameter syntax) there invites writing it so in the
    manifest. openapi.json alone keeps `{tenant_id}`."""
    return platform_path.replace("/{tenant_id}/", "/<tenant_id>/", 1)


@dataclass(frozen=True)
class Setting:
    """A root property of the settings schema, as the docs and OpenAPI describe it."""

    name: str
    json_type: str | None  # "string", "integer", ...: one plain type; None for an enum, a
    # constant, a choice, several types or none (the docs' words: emit/settings_doc.py)
    required: bool
    secret: bool
    default_json: str | None  # the default as JSON text, None when there is none
    title: str | None
    description: str | None


@dataclass(frozen=True)
class Settings:
    schema_json: str  # the settings JSON Schema as compact JSON text, in the author's key order
    properties: tuple[Setting, ...]  # in the schema's order: the form's order

    @cached_property
    def schema(self) -> dict[str, Any]:
        """A fresh dict each emitter may read (never mutate the cached one: copy it)."""
        return json.loads(self.schema_json)


@dataclass(frozen=True)
class OAuth:
    type: str
    authorization_url_template: str
    token_url_template: str
    scopes: tuple[str, ...]  # the manifest's order: the order they are requested in
    credential_key: str
    setting_tokens: tuple[str, ...]  # sorted names of `<setting>` tokens in either template
    dynamic_host: bool  # a token sits in the host of either template


@dataclass(frozen=True)
class Webhook:
    template: str  # as written: "/api/v1/extensions/<tenant_id>/stripe/routes/webhooks/stripe?..."
    route: str  # "/webhooks/stripe"
    tokens: tuple[str, ...]  # sorted token names used: ("connection_id", "tenant_id")


@dataclass(frozen=True)
class Permission:
    original: str  # as written in the manifest
    scheme: str
    host: str  # lowercase, IDNA-encoded
    port: int
    path_pattern: str  # percent-decoded once; `*` matches any run of characters


@dataclass(frozen=True)
class Connector:
    name: str
    display_name: str  # the manifest's displayName, or its name
    description: str | None
    version: str | None
    instructions: str | None
    webhook: Webhook | None
    settings: Settings | None
    oauth: OAuth | None
    routes: tuple[Route, ...]  # sorted by (route, method)
    permissions: tuple[Permission, ...]  # sorted by (host, port, path_pattern)
