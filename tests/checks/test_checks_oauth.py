"""The `connection.oauth` checks (BF501-BF511)."""

from __future__ import annotations

import re
import string
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from backfill_codegen.checks import oauth
from backfill_codegen.checks.oauth import looks_like_oauth_token
from backfill_codegen.diagnostics.model import Finding
from backfill_codegen.diagnostics.registry import rule
from backfill_codegen.domain import ecma, ecma_translate
from backfill_codegen.domain.oauth_template import parse_template
from tests.support import ecma_patterns

OA = ("connection", "oauth")
S = ("connection", "settingsSchema")
AUTH = (*OA, "authorizationUrlTemplate")
TOKEN = (*OA, "tokenUrlTemplate")
SHOP_PATTERN = "^[a-z0-9][a-z0-9-]*$"
#: What a host label may hold (the oracle, written independently of the checks).
HOST_CHARACTERS = set(string.ascii_letters + string.digits + "-._")


def settings(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": sorted(properties), "properties": properties}


def shop(**constraints: Any) -> dict[str, Any]:
    return settings(shop={"type": "string", **constraints})


def manifest(
    schema: Any = None,
    auth: str = "https://acme.example/oauth/authorize",
    token: str = "https://acme.example/oauth/token",
    **changes: Any,
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "authorization_code",
        "authorizationUrlTemplate": auth,
        "tokenUrlTemplate": token,
        "scopes": ["orders.read"],
        "client": {"credentialKey": "acme_app"},
        **changes,
    }
    connection: dict[str, Any] = {"oauth": block}
    if schema is not None:
        connection["settingsSchema"] = schema
    return {"name": "acme", "connection": connection}


def run(m: dict[str, Any]) -> list[Finding]:
    return [finding for check in oauth.CHECKS for finding in check.run(m)]


def codes(m: dict[str, Any]) -> list[str]:
    return sorted(finding.code for finding in run(m))


def test_a_good_oauth_block_is_clean() -> None:
    assert run(manifest()) == []
    m = manifest(
        shop(pattern=SHOP_PATTERN),
        "https://<shop>.myshopify.com/admin/oauth/authorize",
        "https://<shop>.myshopify.com/admin/oauth/access_token",
    )
    assert run(m) == []


@pytest.mark.parametrize("code", [f"BF5{n:02d}" for n in range(1, 12)])
def test_every_rule_is_registered_with_examples(code: str) -> None:
    registered = rule(code)
    assert registered.bad and registered.good and registered.explanation


def test_checks_read_narrow_paths() -> None:
    reads = {check.name: check.reads for check in oauth.CHECKS}
    assert reads["oauth-type"] == ((*OA, "type"),)
    assert reads["oauth-authorization-url"] == (AUTH,)
    assert reads["oauth-authorization-url-settings"] == (AUTH, S)
    assert reads["oauth-token-url"] == (TOKEN,)
    assert reads["oauth-token-url-settings"] == (TOKEN, S)
    assert reads["oauth-pasted-tokens"] == (S,)


def test_a_structurally_broken_settings_schema_does_not_hide_url_syntax() -> None:
    # The pipeline skips checks that read a structurally broken path; the URL syntax check
    # reads only its URL, so it still runs.
    syntax = {check.name: check for check in oauth.CHECKS}["oauth-authorization-url"]
    m = manifest("not a schema", auth="http://acme.example/a")
    assert [f.code for f in syntax.run(m)] == ["BF502"]


# --- BF501. -----------------------------------------------------------------------------------


def test_bf501_unsupported_type() -> None:
    (finding,) = run(manifest(type="client_credentials"))
    assert finding.code == "BF501" and finding.at.path == (*OA, "type")
    assert finding.help == 'use `"type": "authorization_code"`'


# --- BF502. -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://acme.example/oauth/authorize",
        "acme.example/oauth/authorize",
        "/oauth/authorize",
        "https:///oauth/authorize",
        "https://user:pw@acme.example/oauth/authorize",
        "https://acme.example/oauth/authorize#frag",
        "https://acme .example/oauth",
        "https://acme..example/oauth",
        "https://acme.example:99999/oauth",
        "https://acme.example/<>/x",
        "https://acme.example/<oops/x",
        "https://acme.example/oops>/x",
        "https://acme.example/<shop domain>/x",
        "https://{shop}.acme.example/oauth",
        "https://acme.example\\@evil.example/",
    ],
)
def test_bf502_invalid_urls(url: str) -> None:
    assert "BF502" in codes(manifest(shop(enum=["a"]), auth=url))


def test_bf502_nango_style_token_is_converted_in_the_help() -> None:
    m = manifest(shop(pattern=SHOP_PATTERN), auth="https://${connectionConfig.shop}.x.example/a")
    (finding,) = run(m)
    assert finding.code == "BF502" and finding.help == "write `<shop>`"
    assert finding.at.path == AUTH and finding.at.within == (8, 32)


def test_bf502_a_setting_cannot_be_the_scheme() -> None:
    m = manifest(settings(instance_url={"type": "string"}), auth="<instance_url>/oauth/authorize")
    assert "BF502" in codes(m)


# --- BF503 / BF504. ---------------------------------------------------------------------------


def test_bf503_no_settings_schema_at_all() -> None:
    (finding,) = run(manifest(None, auth="https://acme.example/<region>/authorize"))
    assert finding.code == "BF503" and "no `settingsSchema`" in finding.message
    assert finding.at.within == (21, 29)


def test_bf503_unknown_setting_did_you_mean() -> None:
    m = manifest(settings(shop_domain={"type": "string"}), auth="https://x.example/<shopDomain>/a")
    (finding,) = run(m)
    assert finding.code == "BF503" and finding.help == "did you mean `<shop_domain>`?"


def test_bf503_through_a_root_ref() -> None:
    schema = {"$ref": "#/$defs/root", "$defs": {"root": shop(pattern=SHOP_PATTERN)}}
    assert run(manifest(schema, auth="https://<shop>.myshopify.com/a")) == []


@pytest.mark.parametrize(
    ("schema", "why"),
    [
        ({"type": "object", "properties": {"region": {"type": "string"}}}, "not required"),
        (settings(region={"type": "integer"}), "not `type: string`"),
        (
            {"type": "object", "properties": {"region": {"type": ["string", "null"]}}},
            "not required and not `type: string`",
        ),
    ],
)
def test_bf504_setting_not_required_string(schema: dict[str, Any], why: str) -> None:
    (finding,) = run(manifest(schema, auth="https://acme.example/<region>/authorize"))
    assert finding.code == "BF504" and finding.message.endswith(why)
    (defined,) = finding.related
    assert defined.path == (*S, "properties", "region") and defined.part == "key"


def test_a_token_in_the_path_needs_no_host_constraint() -> None:
    m = manifest(settings(region={"type": "string"}), auth="https://acme.example/<region>/a")
    assert run(m) == []


def test_one_token_in_both_urls_is_reported_for_each() -> None:
    m = manifest(None, auth="https://<shop>.x.example/a", token="https://<shop>.x.example/t")
    assert [(f.code, f.at.path) for f in run(m)] == [("BF503", AUTH), ("BF503", TOKEN)]


# --- BF505 / BF506: dynamic hosts. ------------------------------------------------------------

HOST_AUTH = "https://<shop>.myshopify.com/admin/oauth/authorize"


def host_codes(**constraints: Any) -> list[str]:
    return codes(manifest(shop(**constraints), auth=HOST_AUTH))


@pytest.mark.parametrize(
    "constraints",
    [
        {"enum": ["acme", "beta"]},
        {"const": "acme"},
        {"pattern": SHOP_PATTERN},
        {"pattern": "^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$"},
        {"pattern": "^(?:eu|us)$|^[a-z]{2}-[0-9]$"},
        {"pattern": "^[a-z0-9.-]+$", "format": "hostname"},
    ],
)
def test_a_pinned_dynamic_host_is_fine(constraints: dict[str, Any]) -> None:
    assert host_codes(**constraints) == []


@pytest.mark.parametrize(
    ("pattern", "shown"),
    [
        ("^[^/]+$", "`\\`"),
        ("^[a-z.#]+$", "`#`"),
        ("^[a-z.?]+$", "`?`"),
        ("^[a-z.\\\\]+$", "`\\`"),
        ("^[a-z.@]+$", "`@`"),
        ("^[a-z.]+(:[0-9]+)?$", "`:`"),
        ("^[a-z ]+$", "U+0020 (space)"),
        ("^[a-z\\t]+$", "U+0009"),
        ("^[a-z/.]+$", "`/`"),
        ("^[a-z%.]+$", "`%`"),
        ("^[a-zé]+$", "`é`"),
        ("^.+$", "`/`"),
        ("^\\S+$", "`/`"),
        # The issue's example: a delimiter only in an optional suffix.
        ("^[a-z0-9.-]+(/[a-z0-9]+)?$", "`/`"),
        ("^[a-z0-9-]+(?:\\.[a-z]+)*(#x)?$", "`#`"),
        # Backreferences replay text a look-ahead captured: not analysed, so not trusted.
        ("^(?=([^]*))\\1$", "backreference"),
        ("^\\p{L}+$", "Unicode property escape"),
        ("^" + "[a-z]" * 1000 + "$", "longer than 4,096 characters"),
    ],
)
def test_bf505_pattern_admitting_a_delimiter_names_it(pattern: str, shown: str) -> None:
    (finding,) = run(manifest(shop(pattern=pattern), auth=HOST_AUTH))
    assert finding.code == "BF505" and shown in finding.message, finding.message
    pattern_at, defined = finding.related
    assert pattern_at.path == (*S, "properties", "shop", "pattern")
    assert defined.path == (*S, "properties", "shop")


def test_bf505_unanchored_pattern_is_searched_like_regexp_test() -> None:
    (finding,) = run(manifest(shop(pattern="[a-z0-9-]+"), auth=HOST_AUTH))
    assert finding.code == "BF505" and "not anchored" in finding.message


def test_bf505_unanchored_pattern_of_the_provider_shape() -> None:
    # Only the provider's shape is accepted, but nothing stops text after it.
    m = manifest(shop(pattern="^[a-z]+\\.amazon\\.com", examples=["eu.amazon.com"]), auth=HOST_AUTH)
    (finding,) = run(m)
    assert finding.code == "BF505" and "not anchored" in finding.message


def test_bf505_no_constraint() -> None:
    (finding,) = run(manifest(shop(), auth=HOST_AUTH))
    assert finding.code == "BF505" and "no `enum` or `pattern`" in finding.message
    assert finding.at.within == (8, 14)


def test_bf505_half_anchored_patterns() -> None:
    assert host_codes(pattern="^[a-z0-9-]+") == ["BF505"]
    assert host_codes(pattern="[a-z0-9-]+$") == ["BF505"]
    assert host_codes(pattern="^a$|[a-z]+") == ["BF505"]
    assert host_codes(pattern="(?:^a$)?") == ["BF505"]


@pytest.mark.parametrize(
    "pattern",
    [
        "^[a-z0-9_-]+$",  # `_` is no host delimiter
        "^\\w+$",
        "^(?!-)[a-z0-9-]{1,63}(?<!-)$",  # look-arounds only restrict
        "^(?:[a-z]+|\\d+)$|^x$",
        "^[a-z]+(?:-[a-z]+)*$",
    ],
)
def test_patterns_of_host_characters_pin_a_label(pattern: str) -> None:
    assert host_codes(pattern=pattern) == []


def test_all_patterns_of_a_setting_must_match_so_their_alphabets_intersect() -> None:
    schema = settings(
        shop={
            "type": "string",
            "allOf": [{"pattern": "^[^/#]+$"}, {"pattern": "[a-z]"}],
            "pattern": "^[a-z0-9-]*$",
        }
    )
    assert codes(manifest(schema, auth=HOST_AUTH)) == []


def test_a_catastrophic_pattern_is_decided_without_running_it() -> None:
    started = time.monotonic()
    (finding,) = run(manifest(shop(pattern="^(?:(?:[^#]*)*)*$"), auth=HOST_AUTH))
    assert finding.code == "BF505" and "`/`" in finding.message
    assert host_codes(pattern="^(?:(?:[a-z]*)*)*$") == []
    assert time.monotonic() - started < 1.0  # no child process: nothing is matched


def test_bf506_hostname_only() -> None:
    m = manifest(
        settings(host={"type": "string", "format": "hostname"}),
        auth="https://<host>/oauth/authorize",
        token="https://<host>/oauth/token",
    )
    assert [(f.code, f.at.path) for f in run(m)] == [("BF506", AUTH), ("BF506", TOKEN)]


def test_a_token_in_the_port_is_a_dynamic_host() -> None:
    m = manifest(settings(port={"type": "string"}), auth="https://acme.example:<port>/a")
    assert codes(m) == ["BF505"]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("^[0-9]{1,5}$", []),
        ("^\\d+$", []),
        ("^[0-9a-z]+$", ["BF505"]),  # `:1@evil.example` cannot form, but a port is digits
        ("^[0-9]+(/x)?$", ["BF505"]),
    ],
)
def test_a_port_token_may_produce_only_digits(pattern: str, expected: list[str]) -> None:
    m = manifest(
        settings(port={"type": "string", "pattern": pattern}), auth="https://acme.example:<port>/a"
    )
    assert codes(m) == expected


# --- BF511: the token is the domain. ------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://<host>/oauth/authorize",
        "https://<host>:8443/oauth/authorize",
        "https://api.<host>/oauth/authorize",
        "https://<host>.com/oauth/authorize",
        "https://<host>.example.com.<tld>/oauth/authorize",
    ],
)
def test_bf511_a_token_that_picks_the_domain_is_warned_about(url: str) -> None:
    schema = settings(
        host={"type": "string", "pattern": "^[a-z0-9.-]+$"},
        tld={"type": "string", "enum": ["com", "eu"]},
    )
    findings = run(manifest(schema, auth=url))
    assert [f.code for f in findings] == ["BF511"]
    assert rule("BF511").severity.value == "warning"
    (finding,) = findings
    assert finding.at.within is not None and url[slice(*finding.at.within)].startswith("<")


@pytest.mark.parametrize(
    "url",
    [
        "https://<host>.myshopify.com/admin/oauth/authorize",
        "https://<region>-api.example.com/oauth",
        "https://<a>.<b>.example.com/oauth",
        "https://<host>.example.com./oauth",
    ],
)
def test_a_token_under_a_fixed_domain_is_no_bf511(url: str) -> None:
    schema = settings(
        host={"type": "string", "pattern": "^[a-z0-9-]+$"},
        region={"type": "string", "pattern": "^[a-z0-9-]+$"},
        a={"type": "string", "pattern": "^[a-z]+$"},
        b={"type": "string", "pattern": "^[a-z]+$"},
    )
    assert codes(manifest(schema, auth=url)) == []


def test_an_enum_pins_a_whole_host() -> None:
    schema = settings(host={"type": "string", "enum": ["eu.example.com", "us.example.com"]})
    assert codes(manifest(schema, auth="https://<host>/oauth/authorize")) == []


def test_a_hostname_format_whole_host_keeps_bf506_only() -> None:
    schema = settings(host={"type": "string", "format": "hostname"})
    assert codes(manifest(schema, auth="https://<host>/oauth/authorize")) == ["BF506"]


# --- The class: an accepted pattern never lets a value out of the host. -------------------------

#: Values that try each way out of a host, for the patterns the sampler cannot draw from.
_ESCAPES = [
    f"{prefix}{char}{suffix}"
    for char in "/\\#?@:% \t\n\r.-_é\u2028"
    for prefix in ("", "a", "evil.example")
    for suffix in ("", "x", "1")
]


@hypothesis_settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(pattern=ecma_patterns.host_patterns(), data=st.data())
def test_an_accepted_host_pattern_matches_only_host_characters(
    pattern: str, data: st.DataObject
) -> None:
    assume(ecma.compile_error(pattern) is None)
    if "BF505" in host_codes(pattern=pattern):
        return
    samples = list(_ESCAPES) + list(ecma_patterns.TRICKY_STRINGS)
    try:
        translated = re.compile(ecma_translate.to_python(pattern))
        strategy = st.from_regex(translated)
        samples += [data.draw(strategy) for _ in range(5)]
    except (ecma_translate.Untranslatable, Exception):
        pass  # no sampler for it: the probes above still run
    matched = ecma.search_many(pattern, samples)
    assert matched is not None
    for sample, hit in zip(samples, matched, strict=True):
        if hit:
            assert set(sample) <= HOST_CHARACTERS, (pattern, sample)


def test_dynamic_host_constraint_through_a_ref() -> None:
    schema = {
        **settings(shop={"$ref": "#/$defs/shop"}),
        "$defs": {"shop": {"type": "string", "pattern": SHOP_PATTERN}},
    }
    assert run(manifest(schema, auth=HOST_AUTH)) == []


def test_an_invalid_settings_schema_does_not_break_the_url_checks() -> None:
    schema = {
        "type": "object",
        "required": ["shop", 5],
        "properties": {"shop": {"type": "string", "pattern": "(?P<x>"}, "bad": {"$ref": "#"}},
        "$ref": "#/nope",
    }
    assert codes(manifest(schema, auth=HOST_AUTH)) == []  # BF407 reports the pattern
    schema["properties"] = "not an object"
    assert codes(manifest(schema, auth=HOST_AUTH)) == ["BF503"]


# --- BF507 / BF508. ---------------------------------------------------------------------------


def test_bf507_invalid_scopes() -> None:
    findings = run(manifest(scopes=["read write", "", "a", "a"]))
    assert [(f.code, f.at.path[-1]) for f in findings] == [
        ("BF507", 0),
        ("BF507", 1),
        ("BF507", 3),
    ]
    assert findings[0].help == 'scopes are separate list items: "read", "write"'
    (first,) = findings[2].related
    assert first.path == (*OA, "scopes", 2) and first.message == "first listed here"


def test_bf508_no_scopes() -> None:
    (finding,) = run(manifest(scopes=[]))
    assert finding.code == "BF508" and finding.at.path == (*OA, "scopes")


# --- BF509. -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [("Shopify-App", "shopify_app"), ("shopifyApp", "shopify_app"), ("1app", "key_1app")],
)
def test_bf509_invalid_credential_key(key: str, suggestion: str) -> None:
    m = manifest(client={"credentialKey": key})
    (finding,) = run(m)
    assert finding.code == "BF509" and finding.help == f"did you mean `{suggestion}`?"
    assert run(manifest(client={"credentialKey": suggestion})) == []


# --- BF510. -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "access_token",
        "refresh_token",
        "oauth_token",
        "bearer_token",
        "id_token",
        "accessToken",
        "refreshToken",
        "api_access_token",
        "OAUTH-TOKEN",
        "accesstoken",
        "oauth2AccessToken",
    ],
)
def test_bf510_token_names(name: str) -> None:
    assert looks_like_oauth_token(name)


@pytest.mark.parametrize(
    "name",
    ["token_url", "webhook_signing_secret", "api_key", "token", "paid_token", "access_key_id"],
)
def test_bf510_not_token_names(name: str) -> None:
    assert not looks_like_oauth_token(name)


def test_bf510_at_any_depth_only_with_oauth() -> None:
    schema = settings(
        auth={"oneOf": [settings(refresh_token={"type": "string"})]},
        access_token={"type": "string"},
    )
    findings = run(manifest(schema))
    assert [(f.code, f.at.path[2:], f.at.part) for f in findings] == [
        ("BF510", ("properties", "access_token"), "key"),
        ("BF510", ("properties", "auth", "oneOf", 0, "properties", "refresh_token"), "key"),
    ]
    assert "--ignore BF510" in (findings[0].help or "")
    no_oauth = {"name": "acme", "connection": {"settingsSchema": schema}}
    assert run(no_oauth) == []


# --- Robustness. ------------------------------------------------------------------------------


def test_parse_template_tokens_and_host_part() -> None:
    template = parse_template("https://<shop>.example.com:<port>/a/<region>?x=<y>")
    assert [(t.name, t.in_host) for t in template.tokens] == [
        ("shop", True),
        ("port", True),
        ("region", False),
        ("y", False),
    ]
    assert template.problems == ()


@given(st.text(max_size=40))
def test_nothing_raises_on_arbitrary_urls(url: str) -> None:
    m = manifest(shop(pattern=SHOP_PATTERN), auth=url, token=url)
    for finding in run(m):
        assert finding.code.startswith("BF50")
