"""openapi.json: valid OpenAPI 3.1, one operation per declared route, Settings as a 2020-12
schema that accepts and rejects what the author's schema does, OAuth as an oauth2 scheme."""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from backfill_codegen import ir
from backfill_codegen.emit import openapi
from backfill_codegen.emit.header import NOTICE
from tests.support.emit_connectors import (
    DRAFT7,
    MODERN,
    OAUTH_SPLIT,
    SHOPIFY,
    WEBHOOK_ONLY,
    build,
    stripe,
)

COMPONENTS = "#/components/schemas/"


def connectors(tmp_path: Path) -> dict[str, ir.Connector]:
    built = {m["name"]: build(tmp_path, m) for m in (SHOPIFY, OAUTH_SPLIT, WEBHOOK_ONLY)}
    built.update({m["name"]: build(tmp_path, m) for m in (DRAFT7, MODERN)})
    built["stripe"] = stripe()
    return built


def emitted(connector: ir.Connector) -> dict[str, Any]:
    files = openapi.emit(connector)
    assert list(files) == ["openapi.json"]
    return json.loads(files["openapi.json"])


def test_every_document_is_valid_openapi_31(tmp_path: Path) -> None:
    for name, connector in connectors(tmp_path).items():
        doc = emitted(connector)
        validate(doc)  # raises on an invalid document
        assert doc["openapi"] == "3.1.0", name
        assert doc["x-generated"] == NOTICE
        assert doc == openapi.document(connector)  # the `openapi` command prints the same


def test_component_schemas_are_valid_2020_12_schemas(tmp_path: Path) -> None:
    for connector in connectors(tmp_path).values():
        for name, schema in emitted(connector)["components"]["schemas"].items():
            Draft202012Validator.check_schema(schema)
            assert "$schema" not in json.dumps(schema), name


def test_stripe_operations_parameters_and_bodies() -> None:
    doc = emitted(stripe())
    assert doc["info"] == {
        "title": "Stripe",
        "version": "1.0.0",
        "description": "Accounting events from Stripe: charges, refunds, payouts and invoices.",
    }
    base = "/api/v1/extensions/{tenant_id}/stripe/routes"
    assert list(doc["paths"]) == [f"{base}/setup/test_connection", f"{base}/webhooks/stripe"]
    test = doc["paths"][f"{base}/setup/test_connection"]
    hook = doc["paths"][f"{base}/webhooks/stripe"]
    for item in (test, hook):
        (tenant,) = item["parameters"]
        assert tenant["name"] == "tenant_id" and tenant["in"] == "path" and tenant["required"]
        assert tenant["schema"] == {"type": "string"}
    operation = test["post"]
    assert operation["operationId"] == "postSetupTestConnection"
    assert operation["tags"] == ["testConnection"]
    body = operation["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == {"$ref": COMPONENTS + "Settings"}
    assert "security" not in operation
    assert set(operation["responses"]) == {"200", "400"}
    bad = operation["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
    assert doc["components"]["schemas"][bad.removeprefix(COMPONENTS)]["required"] == ["error"]
    webhook = hook["post"]
    assert webhook["operationId"] == "postWebhooksStripe"
    assert webhook["tags"] == ["webhook"]
    assert webhook["parameters"] == [
        {
            "name": "connection_id",
            "in": "query",
            "required": True,
            "description": "The connection's ID.",
            "schema": {"type": "string"},
        }
    ]
    assert webhook["requestBody"]["content"]["application/json"]["schema"] == {}
    assert doc["x-backfill-webhook-url-template"].endswith("?connection_id=<connection_id>")
    assert doc["x-backfill-setup-instructions"].startswith("Create a Stripe webhook endpoint")
    assert [tag["name"] for tag in doc["tags"]] == ["testConnection", "webhook"]
    assert "securitySchemes" not in doc["components"]


def test_stripe_secrets_are_write_only_and_order_is_the_forms() -> None:
    settings = emitted(stripe())["components"]["schemas"]["Settings"]
    properties = settings["properties"]
    assert list(properties) == ["api_key", "webhook_signing_secret", "account_country"]
    assert properties["api_key"]["writeOnly"] is True
    assert properties["webhook_signing_secret"]["writeOnly"] is True
    assert "writeOnly" not in properties["account_country"]
    assert properties["account_country"]["default"] == "US"


def test_dynamic_host_oauth_scheme(tmp_path: Path) -> None:
    doc = emitted(build(tmp_path, SHOPIFY))
    scheme = doc["components"]["securitySchemes"]["oauth2"]
    assert scheme["type"] == "oauth2"
    flow = scheme["flows"]["authorizationCode"]
    templates = {
        "authorizationUrl": "https://<shop>.myshopify.com/admin/oauth/authorize",
        "tokenUrl": "https://<shop>.myshopify.com/admin/oauth/access_token",
    }
    allowed = set(string.ascii_letters + string.digits + ":/?#[]@!$&'()*+,;=-._~%")
    for key in templates:
        assert set(flow[key]) <= allowed, flow[key]  # a URI: nothing to escape left
    # A host cannot hold `%3C` (`new URL` rejects it): a placeholder under `.invalid` instead.
    assert flow["authorizationUrl"] == "https://shop.myshopify.com.invalid/admin/oauth/authorize"
    assert flow["tokenUrl"] == "https://shop.myshopify.com.invalid/admin/oauth/access_token"
    assert "placeholder" in scheme["description"]
    assert scheme["x-backfill-authorization-url-template"] == templates["authorizationUrl"]
    assert scheme["x-backfill-token-url-template"] == templates["tokenUrl"]
    assert flow["scopes"] == {"read_orders": "", "read_products": ""}
    # testConnection and postConnect share a route: OAuth is optional on it.
    (item,) = doc["paths"].values()
    operation = item["post"]
    assert operation["tags"] == ["postConnect", "testConnection"]
    assert operation["security"] == [{"oauth2": ["read_orders", "read_products"]}, {}]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": COMPONENTS + "Settings"}


def test_post_connect_alone_requires_oauth(tmp_path: Path) -> None:
    doc = emitted(build(tmp_path, OAUTH_SPLIT))
    base = "/api/v1/extensions/{tenant_id}/provider/routes/setup"
    post_connect = doc["paths"][f"{base}/post_connect"]["post"]
    test = doc["paths"][f"{base}/test_connection"]["post"]
    assert post_connect["security"] == [{"oauth2": ["orders.read", "orders.write"]}]
    assert "requestBody" not in post_connect
    assert "security" not in test
    # No settings schema: the form is still an object.
    assert test["requestBody"]["content"]["application/json"]["schema"] == {"type": "object"}
    flow = doc["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == "https://provider.example.com/oauth/authorize"


def test_webhook_only_connector(tmp_path: Path) -> None:
    doc = emitted(build(tmp_path, WEBHOOK_ONLY))
    assert doc["info"] == {"title": "Hooks", "version": "0.0.0"}
    assert list(doc["components"]["schemas"]) == ["BadRequest"]
    (path,) = doc["paths"]
    assert path == "/api/v1/extensions/{tenant_id}/hooks/routes/webhooks/events"
    operation = doc["paths"][path]["post"]
    assert [p["name"] for p in operation["parameters"]] == ["connection_id"]
    assert doc["x-backfill-setup-instructions"] == "Paste the URL into the provider."


def _validator(doc: dict[str, Any]) -> Draft202012Validator:
    """Validates against `Settings` with its component references resolved in the document."""
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(doc))
    return Draft202012Validator(
        {"$ref": "urn:openapi#/components/schemas/Settings"}, registry=registry
    )


DRAFT7_CASES: list[tuple[Any, bool]] = [
    ({"auth": {"key": "k"}, "region": "eu"}, True),
    ({"auth": {"user": "u", "password": "p"}, "region": "us"}, True),
    ({"auth": {"key": "k", "user": "u", "password": "p"}, "region": "eu"}, False),
    ({"auth": {"key": "k"}, "region": "xx"}, False),
    ({"auth": {"key": "k"}}, False),
    ({"auth": {"key": "k"}, "region": "eu", "retries": 0}, False),
    ({"auth": {"key": "k"}, "region": "eu", "retries": 3}, True),
    ({"auth": {"key": "k"}, "region": "eu", "window": [1, 2]}, True),
    ({"auth": {"key": "k"}, "region": "eu", "window": [1, 2, 3]}, False),
    ({"auth": {"key": "k"}, "region": "eu", "window": [1, "a"]}, False),
    ({"auth": {"key": "k"}, "region": "eu", "proxy": {"port": 1}}, False),
    ({"auth": {"key": "k"}, "region": "eu", "proxy": {"port": 1, "host": "h"}}, True),
    ({"auth": {"key": "k"}, "region": "eu", "proxy": {"token": "t"}}, False),
    ({"auth": {"key": "k"}, "region": "eu", "tags": ["eu", "us"]}, True),
    ({"auth": {"key": "k"}, "region": "eu", "tags": ["eu", "zz"]}, False),
]

MODERN_CASES: list[tuple[Any, bool]] = [
    ({"endpoint": {"url": "https://x"}}, True),
    ({"endpoint": {}}, False),
    ({"endpoint": {"url": "u"}, "mode": "fast"}, True),
    ({"endpoint": {"url": "u"}, "mode": "slow"}, False),
    ({"endpoint": {"url": "u"}, "url_copy": 3}, False),
    ({"endpoint": {"url": "u"}, "odd": "a"}, False),
    ({"endpoint": {"url": "u"}, "odd": "ab"}, True),
    ({"endpoint": {"url": "u"}, "flag": True}, True),
    ({"endpoint": {"url": "u"}, "flag": "yes"}, False),
    ({"endpoint": {"url": "u"}, "pair": ["a"]}, True),
    ({"endpoint": {"url": "u"}, "pair": ["a", "b"]}, False),
    ({"endpoint": {"url": "u"}, "tree": {"children": [{"endpoint": {"url": "v"}}]}}, True),
    ({"endpoint": {"url": "u"}, "tree": {"children": [{}]}}, False),
]


@pytest.mark.parametrize(
    ("manifest", "original", "cases"),
    [(DRAFT7, Draft7Validator, DRAFT7_CASES), (MODERN, Draft202012Validator, MODERN_CASES)],
    ids=["draft-07", "2020-12"],
)
def test_settings_component_means_what_the_authors_schema_means(
    tmp_path: Path, manifest: dict[str, Any], original: Any, cases: list[tuple[Any, bool]]
) -> None:
    doc = emitted(build(tmp_path, manifest))
    validate(doc)
    converted = _validator(doc)
    author = original(manifest["connection"]["settingsSchema"])
    for instance, expected in cases:
        assert author.is_valid(instance) is expected, instance  # the case itself is right
        assert converted.is_valid(instance) is expected, instance


def test_draft7_is_rewritten_to_2020_12(tmp_path: Path) -> None:
    schemas = emitted(build(tmp_path, DRAFT7))["components"]["schemas"]
    assert sorted(schemas) == [
        "BadRequest",
        "Settings",
        "SettingsApiKey",
        "SettingsBasic",
        "SettingsNode_with_space",
        "SettingsRegion",
    ]
    settings = schemas["Settings"]
    assert "definitions" not in settings and "$schema" not in settings
    properties = settings["properties"]
    assert properties["auth"]["oneOf"] == [
        {"$ref": COMPONENTS + "SettingsApiKey"},
        {"$ref": COMPONENTS + "SettingsBasic"},
    ]
    # draft-07 ignores `$ref`'s siblings: the annotation stays, the assertion goes.
    assert properties["region"] == {
        "$ref": COMPONENTS + "SettingsRegion",
        "description": "Where the account lives.",
    }
    assert properties["retries"] == {"$ref": COMPONENTS + "SettingsNode_with_space"}
    assert schemas["SettingsNode_with_space"]["$anchor"] == "spaced"
    assert properties["window"] == {
        "type": "array",
        "prefixItems": [{"type": "integer"}, {"type": "integer"}],
        "items": {"not": {}},  # `false` as an object: consumers choke on booleans
    }
    assert properties["proxy"]["dependentRequired"] == {"port": ["host"]}
    assert properties["proxy"]["dependentSchemas"] == {"token": {"required": ["host"]}}
    assert "additionalItems" not in properties["tags"]
    # `format: password` is a secret: writeOnly, and its default is not echoed.
    key = schemas["SettingsApiKey"]["properties"]["key"]
    assert key == {"type": "string", "format": "password", "writeOnly": True}


def test_2020_12_refs_into_definitions_and_odd_names(tmp_path: Path) -> None:
    doc = emitted(build(tmp_path, MODERN))
    schemas = doc["components"]["schemas"]
    properties = schemas["Settings"]["properties"]
    # "Endpoint" and "endpoint" both clean to SettingsEndpoint: sorted order decides.
    assert properties["flag"] == {"$ref": COMPONENTS + "SettingsEndpoint"}
    assert properties["endpoint"]["$ref"] == COMPONENTS + "SettingsEndpoint_2"
    assert properties["mode"] == {"$ref": COMPONENTS + "SettingsEndpoint_2/properties/mode"}
    assert properties["url_copy"] == {"$ref": COMPONENTS + "SettingsEndpoint_2/properties/url"}
    assert properties["odd"] == {"$ref": COMPONENTS + "SettingsOdd_name_x"}
    assert properties["tree"]["properties"]["children"]["items"] == {
        "$ref": COMPONENTS + "Settings"
    }
    assert properties["token"] == {"type": "string", "writeOnly": True}
    assert "tok_dont_echo" not in openapi.emit(build(tmp_path / "again", MODERN))["openapi.json"]


def test_paths_and_components_sorted_and_bytes_deterministic(tmp_path: Path) -> None:
    for connector in connectors(tmp_path).values():
        text = openapi.emit(connector)["openapi.json"]
        assert text.endswith("}\n") and not text.endswith("\n\n")
        doc = json.loads(text)
        assert list(doc["paths"]) == sorted(doc["paths"])
        assert list(doc["components"]["schemas"]) == sorted(doc["components"]["schemas"])
        assert list(doc)[:3] == ["openapi", "info", "x-generated"]
        assert openapi.emit(connector)["openapi.json"] == text
    # The same manifest from another folder gives the same bytes: no path leaks in.
    first = openapi.emit(build(tmp_path / "a", MODERN))
    second = openapi.emit(build(tmp_path / "b" / "c", MODERN))
    assert first == second


def test_hostile_strings_survive_as_json(tmp_path: Path) -> None:
    hostile = 'a|b `x` </script> */ """ ${x} {{ y }} \u2028 \u202e \n end'
    manifest = {
        "name": "hostile",
        "displayName": hostile,
        "description": hostile,
        "connection": {
            "testConnection": {"route": "/setup/test_connection", "method": "POST"},
            "setup": {"instructions": hostile},
            "settingsSchema": {
                "type": "object",
                "properties": {hostile: {"type": "string", "description": hostile}},
            },
        },
    }
    doc = emitted(build(tmp_path, manifest))
    validate(doc)
    assert doc["info"]["title"] == hostile and doc["info"]["description"] == hostile
    assert doc["x-backfill-setup-instructions"] == hostile
    assert doc["components"]["schemas"]["Settings"]["properties"][hostile]["description"] == hostile
