"""Lowering: a manifest that checked without errors -> the frozen, sorted IR
(backfill_codegen/ir.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from backfill_codegen import ir
from backfill_codegen.domain import settings_schema, webhook
from backfill_codegen.domain.oauth_template import parse_template
from backfill_codegen.domain.schema_values import declared_types
from backfill_codegen.domain.urls import parse_entry

if TYPE_CHECKING:
    from backfill_codegen.route_files import RouteFile

_PLATFORM_PREFIX = "/api/v1/extensions/{tenant_id}/"
_LABEL_DEPTH = 4


def platform_path(name: str, route: str) -> str:
    return f"{_PLATFORM_PREFIX}{name}/routes{route}"


def operation_id(method: str, route: str) -> str:
    """`POST /setup/test_connection` -> `postSetupTestConnection`."""
    words = [w for w in re.split(r"[^a-zA-Z0-9]+", route) if w]
    return method.lower() + "".join(w[:1].upper() + w[1:] for w in words)


def lower(manifest: Mapping[str, Any], route_files: Iterable[RouteFile] = ()) -> ir.Connector:
    """The IR of a checked manifest; `route_files` (found under `src/api/`) add the endpoints the
    manifest does not name, with no roles."""
    name: str = manifest["name"]
    connection: Mapping[str, Any] = manifest.get("connection") or {}
    setup: Mapping[str, Any] = connection.get("setup") or {}
    hook = _webhook(setup.get("webhookUrlTemplate"), name)
    return ir.Connector(
        name=name,
        display_name=manifest.get("displayName") or name,
        description=manifest.get("description"),
        version=manifest.get("version"),
        instructions=setup.get("instructions"),
        webhook=hook,
        settings=_settings(connection.get("settingsSchema")),
        oauth=_oauth(connection.get("oauth")),
        routes=_routes(name, connection, hook, route_files),
        permissions=_permissions((manifest.get("permissions") or {}).get("http") or []),
    )


def _webhook(template: str | None, name: str) -> ir.Webhook | None:
    if template is None:
        return None
    parts = webhook.split(template, name)
    if parts is None:  # the checks made sure it has the connector's prefix
        raise ValueError("lowering a webhook template that did not check")
    found, _ = webhook.tokens(template)
    return ir.Webhook(
        template=template,
        route=parts.route,
        tokens=tuple(sorted({token.name for token in found})),
    )


def _routes(
    name: str,
    connection: Mapping[str, Any],
    hook: ir.Webhook | None,
    route_files: Iterable[RouteFile] = (),
) -> tuple[ir.Route, ...]:
    roles: dict[tuple[str, str], set[str]] = {}
    test = connection.get("testConnection")
    if test:
        roles.setdefault((test["route"], test["method"]), set()).add(ir.ROLE_TEST_CONNECTION)
    post = (connection.get("oauth") or {}).get("postConnect")
    if post:
        roles.setdefault((post["route"], post["method"]), set()).add(ir.ROLE_POST_CONNECT)
    if hook is not None:  # providers deliver webhooks by POST
        roles.setdefault((hook.route, "POST"), set()).add(ir.ROLE_WEBHOOK)
    for found in route_files:  # the other endpoints: every exported method of every route file
        for method in found.methods:
            roles.setdefault((found.route, method), set())
    keys = sorted(roles)
    ids = unique_operation_ids(keys)
    return tuple(
        ir.Route(
            route=route,
            method=method,
            roles=tuple(sorted(roles[route, method])),
            platform_path=platform_path(name, route),
            file=f"src/api{route}.ts",
            operation_id=ids[route, method],
        )
        for route, method in keys
    )


def unique_operation_ids(keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """An operation id per (route, method), unique: routes that differ only in separators
    (`/a-b`, `/a_b`, `/a/b`) would share one, and ids name TypeScript types and OpenAPI
    operations. The first in sorted order keeps the plain id; the others get the smallest free
    number, so adding a route renames only routes that clash with it."""
    plain = {key: operation_id(key[1], key[0]) for key in keys}
    taken = set(plain.values())
    ids: dict[tuple[str, str], str] = {}
    seen: set[str] = set()
    for key in sorted(keys):
        candidate = plain[key]
        if candidate in seen:
            number = 2
            while f"{candidate}{number}" in taken:
                number += 1
            candidate = f"{candidate}{number}"
            taken.add(candidate)
        seen.add(candidate)
        ids[key] = candidate
    return ids


def _settings(schema: Any) -> ir.Settings | None:
    if not isinstance(schema, Mapping):
        return None
    # No emitter sees a secret's value (a default, example, const or enum on a secret, or one
    # inside an object's default): BF409 reports them, and no output may echo them.
    schema = settings_schema.without_secret_values(schema)
    required = settings_schema.root_required(schema)
    properties = []
    for prop in settings_schema.root_properties(schema).values():
        # A property may be a `$ref` to its real definition: read it through its views.
        views = [view for _, view in settings_schema.views(schema, prop.schema)] or [prop.schema]
        properties.append(
            ir.Setting(
                name=prop.name,
                type_label=type_label(schema, prop.schema),
                required=prop.name in required,
                secret=settings_schema.is_secret_schema(schema, prop.schema, prop.path),
                default_json=_first(views, _default_json),
                title=_first(views, lambda view: _text(view, "title")),
                description=_first(views, lambda view: _text(view, "description")),
            )
        )
    return ir.Settings(schema_json=canonical_json(schema), properties=tuple(properties))


def _first(views: list[Any], read: Callable[[Any], str | None]) -> str | None:
    return next((found for view in views if (found := read(view)) is not None), None)


def canonical_json(value: Any) -> str:
    # Key order is kept: it is the form's order, and the same in every input format.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _text(schema: Any, key: str) -> str | None:
    value = schema.get(key) if isinstance(schema, Mapping) else None
    return value if isinstance(value, str) else None


def _default_json(schema: Any) -> str | None:
    if not isinstance(schema, Mapping) or "default" not in schema:
        return None
    return json.dumps(schema["default"], ensure_ascii=False, sort_keys=True)


def type_label(root: Any, schema: Any, depth: int = 0) -> str:
    """A short human description of a property's type, for the docs' settings table."""
    if depth > _LABEL_DEPTH:  # a `$ref` cycle through oneOf/anyOf/items
        return "…"
    views = [s for _, s in settings_schema.views(root, schema)] or [schema]
    for view in views:
        if isinstance(view, Mapping) and isinstance(view.get("enum"), list):
            return "one of: " + ", ".join(json.dumps(v, ensure_ascii=False) for v in view["enum"])
        if isinstance(view, Mapping) and "const" in view:
            return "constant " + json.dumps(view["const"], ensure_ascii=False)
    for view in views:
        if not isinstance(view, Mapping):
            continue
        for choice in ("oneOf", "anyOf"):
            if isinstance(view.get(choice), list):
                labels = [type_label(root, option, depth + 1) for option in view[choice]]
                titled = [
                    option.get("title") if isinstance(option, Mapping) else None
                    for option in view[choice]
                ]
                names = [
                    t if isinstance(t, str) else lbl for t, lbl in zip(titled, labels, strict=True)
                ]
                return "one of: " + " | ".join(names)
        kind = view.get("type")
        kinds = declared_types(view)
        if isinstance(kind, list):
            return " or ".join(kinds or ())
        if kind == "array":
            items = view.get("items")
            if isinstance(items, Mapping):
                return "array of " + type_label(root, items, depth + 1)
            return "array"
        if isinstance(kind, str):
            return kind
    return "any"


def _oauth(oauth: Any) -> ir.OAuth | None:
    if not isinstance(oauth, Mapping):
        return None
    templates = [parse_template(oauth[k]) for k in ("authorizationUrlTemplate", "tokenUrlTemplate")]
    tokens = [token for template in templates for token in template.tokens]
    return ir.OAuth(
        type=oauth["type"],
        authorization_url_template=oauth["authorizationUrlTemplate"],
        token_url_template=oauth["tokenUrlTemplate"],
        scopes=tuple(oauth["scopes"]),
        credential_key=oauth["client"]["credentialKey"],
        setting_tokens=tuple(sorted({token.name for token in tokens})),
        dynamic_host=any(token.in_host for token in tokens),
    )


def _permissions(entries: list[str]) -> tuple[ir.Permission, ...]:
    lowered = set()
    for text in entries:
        entry = parse_entry(text).entry
        if entry is None:  # the checks made sure every entry parses
            raise ValueError(f"lowering an allowlist entry that did not check: {text!r}")
        lowered.add(ir.Permission(text, entry.scheme, entry.host, entry.port, entry.path_pattern))
    return tuple(sorted(lowered, key=lambda p: (p.host, p.port, p.path_pattern, p.original)))
