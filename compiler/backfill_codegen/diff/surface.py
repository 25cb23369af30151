"""The connection and platform surface: what installed connections and providers hold on to.

The name and the webhook URL are in every installation's URLs and in the webhooks registered at
providers; the OAuth client, hosts and scopes are baked into stored tokens; declared routes
have callers outside the platform.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from backfill_codegen.diagnostics.model import JsonPath
from backfill_codegen.diff.change import Change
from backfill_codegen.rules import diff as rules

_SETUP = ("connection", "setup", "webhookUrlTemplate")
_OAUTH = ("connection", "oauth")
_ROUTES = (
    ("testConnection", ("connection", "testConnection")),
    ("postConnect", (*_OAUTH, "postConnect")),
)


def get(manifest: Any, path: JsonPath) -> Any:
    for step in path:
        if not isinstance(manifest, dict) or step not in manifest:
            return None
        manifest = manifest[step]
    return manifest


def compare(old: Any, new: Any) -> Iterator[Change]:
    """Every surface change, old and new being two checked manifests."""
    if old.get("name") != new.get("name"):
        yield Change(
            rules.CONNECTOR_RENAMED,
            f"the connector is renamed from `{old.get('name')}` to `{new.get('name')}`",
            "new",
            ("name",),
            "keep the name; publish a new connector (and migrate tenants) to change it",
        )
    before, after = get(old, _SETUP), get(new, _SETUP)
    if before is not None and before != after:
        yield Change(
            rules.WEBHOOK_URL_CHANGED,
            f"the webhook URL template changed from `{before}`"
            + ("" if after is None else f" to `{after}`"),
            "new" if after is not None else "old",
            _SETUP,
            "keep the old webhook route; add a new route instead of moving the webhook",
        )
    yield from _oauth(get(old, _OAUTH), get(new, _OAUTH))
    yield from _routes(old, new)


def _host(template: Any) -> str:
    return (urlsplit(template).netloc if isinstance(template, str) else "").lower()


def _oauth(old: Any, new: Any) -> Iterator[Change]:
    if not isinstance(old, dict):
        return
    if not isinstance(new, dict):
        yield Change(
            rules.OAUTH_REMOVED,
            "OAuth was removed: every connection's stored token is abandoned",
            "old",
            _OAUTH,
            "keep OAuth until every tenant has moved to the new credentials",
        )
        return
    key = ("client", "credentialKey")
    if get(old, key) != get(new, key):
        yield Change(
            rules.CREDENTIAL_KEY_CHANGED,
            f"the OAuth client changed from `{get(old, key)}` to `{get(new, key)}`: stored "
            "tokens were issued to the old client",
            "new",
            (*_OAUTH, *key),
            "keep the credential key; change the client's secret inside the credential instead",
        )
    for field in ("authorizationUrlTemplate", "tokenUrlTemplate"):
        if _host(old.get(field)) != _host(new.get(field)):
            yield Change(
                rules.OAUTH_HOST_CHANGED,
                f"the host of `{field}` changed from `{_host(old.get(field))}` to "
                f"`{_host(new.get(field))}`: stored tokens belong to the old server",
                "new",
                (*_OAUTH, field),
                "keep the host, or plan a re-consent of every connection",
            )
    had = set(old.get("scopes") or ())
    added = [s for s in new.get("scopes") or () if s not in had]
    if added:
        yield Change(
            rules.OAUTH_SCOPES_ADDED,
            f"OAuth scopes added: {', '.join(added)}; existing tokens lack them",
            "new",
            (*_OAUTH, "scopes"),
            "handle the missing-scope error and ask admins to reconnect",
        )


def _routes(old: Any, new: Any) -> Iterator[Change]:
    for label, path in _ROUTES:
        before, after = get(old, path), get(new, path)
        if not isinstance(before, dict):
            continue
        # a method change is not compared: both versions passed `check`, whose BF203 holds
        # these routes to POST
        if not isinstance(after, dict) or after.get("route") != before.get("route"):
            yield Change(
                rules.ROUTE_REMOVED,
                f"`{label}` no longer uses the route `{before.get('route')}`",
                "new" if isinstance(after, dict) else "old",
                (*path, "route") if isinstance(after, dict) else path,
                "keep the old route file beside the new one while callers move",
            )
