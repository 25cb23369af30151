"""Small manifests for the OpenAPI and docs emitter tests, lowered to the IR through the real
front half (check_manifest + lower)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from backfill_codegen import ir
from backfill_codegen.diagnostics.model import Severity
from backfill_codegen.lower import lower
from backfill_codegen.pipeline import check_manifest
from backfill_codegen.resources import example_dir


def lowered(path: Path) -> ir.Connector:
    result = check_manifest(path)
    # BF409 (a secret's value in the manifest) is let through: fixtures hold such values on
    # purpose, to prove that no emitter writes them.
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR and d.code != "BF409"]
    assert not errors, [d.message for d in errors]
    assert result.manifest is not None
    return lower(result.manifest)


def build(tmp_path: Path, manifest: dict[str, Any]) -> ir.Connector:
    folder = tmp_path / manifest["name"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "backfill.config.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return lowered(path)


def stripe() -> ir.Connector:
    return lowered(example_dir() / "backfill.config.ts")


SHOPIFY: dict[str, Any] = {
    "name": "shopify",
    "displayName": "Shopify",
    "description": "Orders and products from a Shopify store.",
    "version": "2.1.0",
    "permissions": {"http": ["https://api.shopify.example/admin/*"]},
    "connection": {
        "testConnection": {"route": "/setup/test_connection", "method": "POST"},
        "settingsSchema": {
            "type": "object",
            "required": ["shop"],
            "properties": {
                "shop": {
                    "type": "string",
                    "title": "Shop",
                    "description": "The part of your admin URL before .myshopify.com",
                    "pattern": "^[a-z0-9][a-z0-9-]*$",
                }
            },
        },
        "oauth": {
            "type": "authorization_code",
            "authorizationUrlTemplate": "https://<shop>.myshopify.com/admin/oauth/authorize",
            "tokenUrlTemplate": "https://<shop>.myshopify.com/admin/oauth/access_token",
            "scopes": ["read_orders", "read_products"],
            "client": {"credentialKey": "shopify_app"},
            "postConnect": {"route": "/setup/test_connection", "method": "POST"},
        },
    },
}

#: postConnect on its own route: it alone requires the OAuth scheme.
OAUTH_SPLIT: dict[str, Any] = {
    "name": "provider",
    "connection": {
        "testConnection": {"route": "/setup/test_connection", "method": "POST"},
        "oauth": {
            "type": "authorization_code",
            "authorizationUrlTemplate": "https://provider.example.com/oauth/authorize",
            "tokenUrlTemplate": "https://provider.example.com/oauth/token",
            "scopes": ["orders.read", "orders.write"],
            "client": {"credentialKey": "provider_public_app"},
            "postConnect": {"route": "/setup/post_connect", "method": "POST"},
        },
    },
}

WEBHOOK_ONLY: dict[str, Any] = {
    "name": "hooks",
    "displayName": "Hooks",
    "connection": {
        "setup": {
            "webhookUrlTemplate": (
                "/api/v1/extensions/<tenant_id>/hooks/routes/webhooks/events"
                "?connection_id=<connection_id>"
            ),
            "instructions": "Paste the URL into the provider.",
        }
    },
}

#: draft-07: `definitions`, tuple `items`, `dependencies`, `$ref` with siblings, oneOf choices.
DRAFT7: dict[str, Any] = {
    "name": "legacy",
    "connection": {
        "testConnection": {"route": "/setup/test_connection", "method": "POST"},
        "settingsSchema": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "required": ["auth", "region"],
            "definitions": {
                "region": {"type": "string", "enum": ["eu", "us"]},
                "apiKey": {
                    "type": "object",
                    "title": "API key",
                    "required": ["key"],
                    "properties": {
                        "key": {"type": "string", "format": "password", "default": "sk_dont_echo"}
                    },
                    "additionalProperties": False,
                },
                "basic": {
                    "type": "object",
                    "title": "User and password",
                    "required": ["user", "password"],
                    "properties": {
                        "user": {"type": "string"},
                        "password": {"type": "string", "writeOnly": True},
                    },
                    "additionalProperties": False,
                },
                "node with space": {"$id": "#spaced", "type": "integer", "minimum": 1},
            },
            "properties": {
                "auth": {
                    "oneOf": [{"$ref": "#/definitions/apiKey"}, {"$ref": "#/definitions/basic"}]
                },
                "region": {
                    "$ref": "#/definitions/region",
                    "description": "Where the account lives.",
                    "maxLength": 1,
                },
                "retries": {"$ref": "#spaced"},
                "window": {
                    "type": "array",
                    "items": [{"type": "integer"}, {"type": "integer"}],
                    "additionalItems": False,
                },
                "proxy": {
                    "type": "object",
                    "properties": {
                        "host": {"type": "string"},
                        "port": {"type": "integer"},
                        "token": {"type": "string"},
                    },
                    "dependencies": {
                        "port": ["host"],
                        "token": {"required": ["host"]},
                    },
                },
                "tags": {
                    "type": "array",
                    "items": {"$ref": "#/definitions/region"},
                    "additionalItems": {"type": "string"},
                },
            },
        },
    },
}

#: 2020-12: `$defs` (one with a name that is no component name), `$anchor`, a reference into a
#: definition's inside, nested objects, arrays, enums, defaults and a secret with a default.
MODERN: dict[str, Any] = {
    "name": "modern",
    "displayName": "Modern",
    "connection": {
        "testConnection": {"route": "/setup/test_connection", "method": "POST"},
        "settingsSchema": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "required": ["endpoint"],
            "$defs": {
                "endpoint": {
                    "type": "object",
                    "properties": {
                        "url": {"type": "string", "format": "uri"},
                        "mode": {"$anchor": "mode", "enum": ["fast", "safe"], "default": "safe"},
                    },
                    "required": ["url"],
                },
                "odd/name~x": {"type": "string", "minLength": 2},
                "Endpoint": {"type": "boolean"},
            },
            "properties": {
                "endpoint": {"$ref": "#/$defs/endpoint", "description": "Where to send."},
                "mode": {"$ref": "#mode"},
                "url_copy": {"$ref": "#/$defs/endpoint/properties/url"},
                "odd": {"$ref": "#/$defs/odd~1name~0x"},
                "flag": {"$ref": "#/$defs/Endpoint"},
                "pair": {"type": "array", "prefixItems": [{"type": "string"}], "items": False},
                "token": {"type": "string", "writeOnly": True, "default": "tok_dont_echo"},
                "limit": {"type": "integer", "default": 10},
                "tree": {
                    "type": "object",
                    "properties": {"children": {"type": "array", "items": {"$ref": "#"}}},
                },
            },
        },
    },
}


#: The TypeScript emitter's hostile strings (also run through `generate` by
#: tests/writer/test_generate.py): every character that could end a comment, a string or a
#: template, or hide code.
HOSTILE = (
    'a */ b `tick` ${x} \n new \u2028 sep \u2029 " q \\ bs \u202e rtl \u2066 </script> | pipe '
    "{{ c }} \r\n \U0001f600 \u00a0 \U000e0001 \ufeff end"
)
HOSTILE_NAMES = (
    "*/",
    "`${x}`",
    "new\nline\u2028",
    'q"b\\',
    "class",
    "constructor",
    "2fa",
    "api-key",
    "__proto__",
)

HOSTILE_MANIFEST: dict[str, Any] = {
    "name": "hostile",
    "displayName": 'Hostile */ `${x}` "co"\u2028\u202e',
    "permissions": {
        "http": ["https://api.hostile.example:8443/v1/*/items", "https://b.example/a%20b/*"]
    },
    "connection": {
        "testConnection": {"route": "/setup/test_connection", "method": "POST"},
        "setup": {
            "webhookUrlTemplate": (
                "/api/v1/extensions/<tenant_id>/hostile/routes/webhooks/in"
                "?connection_id=<connection_id>"
            ),
            "instructions": HOSTILE,
        },
        "settingsSchema": {
            "type": "object",
            "title": HOSTILE,
            "description": HOSTILE,
            "required": ["api-key", "class", "auth", "constructor"],
            "$defs": {
                "node": {
                    "type": "object",
                    "title": HOSTILE,
                    "properties": {
                        "name": {"type": "string"},
                        "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                    },
                },
                "*/ odd": {"enum": [HOSTILE, "a | b", "x & y", "", "__proto__", "constructor"]},
                "Node": {"type": "integer", "description": "clashes with `node` once cased"},
            },
            "properties": {
                "api-key": {
                    "type": "string",
                    "writeOnly": True,
                    "title": HOSTILE,
                    "description": HOSTILE,
                },
                "class": {
                    "type": "string",
                    "title": "*/ class",
                    "enum": ["*/", "`", "${a}", "\n", "\u2028", '"', "\\", "\u202e", "*\\/"],
                },
                "constructor": {"type": "integer", "description": "*/"},
                "2fa": {"type": "boolean", "default": False},
                "__proto__": {"type": "string", "enum": ["__proto__", "toString"]},
                "*/": {"type": "string", "description": "/* nested */ */ */", "default": HOSTILE},
                "`${x}`": {"type": "number"},
                "new\nline\u2028": {"type": "null"},
                'q"b\\': {"const": HOSTILE},
                "auth": {
                    "title": HOSTILE,
                    "oneOf": [
                        {
                            "type": "object",
                            "title": "Key */",
                            "required": ["kind", "key"],
                            "properties": {
                                "kind": {"const": "key"},
                                "key": {"type": "string", "writeOnly": True, "default": "sk_x"},
                            },
                            "additionalProperties": False,
                        },
                        {
                            "type": "object",
                            "title": "Basic",
                            "required": ["kind"],
                            "properties": {
                                "kind": {"const": "basic"},
                                "user": {"type": "string"},
                            },
                        },
                    ],
                },
                "tree": {"$ref": "#/$defs/node"},
                "count": {"$ref": "#/$defs/Node"},
                "odd": {"$ref": "#/$defs/*~1 odd"},
                "map": {"type": "object", "additionalProperties": {"type": "integer"}},
                "mixed": {
                    "type": "object",
                    "properties": {"fixed": {"type": "string"}},
                    "additionalProperties": {"type": "integer"},
                },
                "nullable": {"type": "string", "nullable": True},
                "tuple": {
                    "type": "array",
                    "prefixItems": [{"type": "string"}, {"type": "integer"}],
                    "minItems": 1,
                    "items": {"type": "boolean"},
                },
                "anything": {},
                "nothing": False,
            },
        },
    },
}
