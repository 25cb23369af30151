"""A setting in an OAuth URL's port is never dropped silently from openapi.json (red-team
finding J): the flow's URL shows the placeholder port `0` under a placeholder `.invalid` host,
the scheme's description says so, and the `x-` extension keeps the real template. Templates
are generated: fixed, dynamic and IPv6 hosts, userinfo, whole and partial port tokens."""

from __future__ import annotations

import json
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from backfill_codegen import ir
from backfill_codegen.emit import openapi

hosts = st.sampled_from(
    ["api.example.com", "<shop>.example.com", "[::1]", "127.0.0.1", "x.y.z", "<host>"]
)
ports = st.sampled_from(["<port>", "80<p>", "<p>0", "<a><b>"])
tails = st.sampled_from(["", "/auth", "/o/<id>/token?x=<y>", "/a#f"])
userinfo = st.sampled_from(["", "u@", "u:p@"])


def scheme(auth: str, token: str = "https://acme.example/token") -> dict[str, object]:
    oauth = ir.OAuth("authorization_code", auth, token, ("a",), "acme_app", ("port",), True)
    return openapi._oauth_scheme(oauth)


@hypothesis_settings(max_examples=200, deadline=None)
@given(userinfo, hosts, ports, tails)
def test_a_port_token_gives_placeholders_and_says_so(
    user: str, host: str, port: str, tail: str
) -> None:
    template = f"https://{user}{host}:{port}{tail}"
    url = openapi.oauth_url(template)
    parts = urlsplit(url)
    assert parts.port == 0, url
    assert parts.hostname is not None and parts.hostname.endswith(".invalid"), url
    found = scheme(template)
    assert found["x-backfill-authorization-url-template"] == template
    assert "placeholder port `0`" in str(found["description"])


@pytest.mark.parametrize("port", ["", ":8443"])
def test_a_fixed_port_is_kept_and_not_explained(port: str) -> None:
    template = f"https://api.example.com{port}/auth"
    assert openapi.oauth_url(template) == template
    assert "placeholder port" not in str(scheme(template)["description"])


def test_the_red_team_example() -> None:
    url = openapi.oauth_url("https://api.example.com:<port>/auth")
    assert url == "https://api.example.com.invalid:0/auth"


def test_node_parses_the_placeholder_urls() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    urls = [
        openapi.oauth_url(f"https://{h}:{p}/x")
        for h in ("api.example.com", "<s>.e.com", "[::1]")
        for p in ("<port>", "80<p>")
    ]
    script = (
        "for (const u of JSON.parse(process.argv[1])) { const x = new URL(u);"
        " if (x.port !== '0' || !x.hostname.endsWith('.invalid')) throw new Error(u) }"
    )
    subprocess.run([node, "-e", script, json.dumps(urls)], check=True, timeout=60)
