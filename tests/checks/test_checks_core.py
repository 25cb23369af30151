"""The shape, name, route and setup rules, on plain manifest values."""

from __future__ import annotations

from typing import Any

import pytest

from backfill_codegen.checks import project, routes, setup
from backfill_codegen.checks.structure import check_shape
from backfill_codegen.diagnostics.model import Finding
from backfill_codegen.domain.routes import route_problem, suggest_route


def _run(module: Any, manifest: dict[str, Any]) -> list[Finding]:
    return [finding for check in module.CHECKS for finding in check.run(manifest)]


def _codes(findings: list[Finding]) -> list[str]:
    return [finding.code for finding in findings]


@pytest.mark.parametrize(
    "route",
    ["/setup/test_connection", "/a", "/webhooks/stripe-v2", "/a/b/c/d_e-f/0"],
)
def test_valid_routes(route: str) -> None:
    assert route_problem(route) is None


@pytest.mark.parametrize(
    ("route", "fragment", "within"),
    [
        ("setup", "starts with `/`", (0, 1)),
        ("/setup/", "no trailing `/`", (6, 7)),
        ("/setup//x", "no empty segment", (6, 8)),
        ("/setup/../x", "no `..` segment", (7, 9)),
        ("/setup/./x", "no `.` segment", (7, 8)),
        ("/Setup", "lowercase", (1, 6)),
        ("/a?x=1", "no query", (2, 6)),
        ("/a#x", "no query or fragment", (2, 4)),
        ("/a b", "` ` is not allowed", (1, 4)),
        ("/a.ts", "`.` is not allowed", (1, 5)),
        ("/", "names no route file", None),
        ("", "starts with `/`", (0, 0)),
    ],
)
def test_invalid_routes(route: str, fragment: str, within: tuple[int, int] | None) -> None:
    problem = route_problem(route)
    assert problem is not None
    assert fragment in problem[0]
    assert problem[1] == within


def test_route_suggestions() -> None:
    assert suggest_route("setup/Test_Connection/") == "/setup/test_connection"
    assert suggest_route("/a b") is None


def test_shape_reports_missing_unknown_and_wrong_types_with_paths() -> None:
    findings, broken = check_shape(
        {
            "permisions": {},
            "version": 2,
            "connection": {"testConnection": {"route": "/a"}, "oauth": "x"},
        }
    )
    by_code = {(f.code, f.at.path, f.at.part) for f in findings}
    assert ("BF101", (), "start") in by_code  # name missing: points at the root
    assert ("BF101", ("connection", "testConnection"), "key") in by_code
    assert ("BF102", ("permisions",), "key") in by_code
    assert ("BF103", ("version",), "value") in by_code
    assert ("BF103", ("connection", "oauth"), "value") in by_code
    assert ("connection", "oauth") in broken
    unknown = next(f for f in findings if f.code == "BF102")
    assert unknown.help == "did you mean `permissions`?"


def test_shape_of_a_non_object_root() -> None:
    findings, broken = check_shape(["name"])
    assert _codes(findings) == ["BF103"] and broken == [()]
    assert "found an array" in findings[0].message


def test_shape_accepts_schema_key_and_valid_manifest() -> None:
    assert check_shape({"$schema": "./x.json", "name": "a"}) == ([], [])


def test_name_slug() -> None:
    assert _run(project, {"name": "stripe-2"}) == []
    (finding,) = _run(project, {"name": "Stripe Payments"})
    assert finding.code == "BF104" and finding.help == "did you mean `stripe-payments`?"
    (finding,) = _run(project, {"name": "123"})
    assert "lowercase letters" in (finding.help or "")


def test_route_refs_and_methods() -> None:
    manifest = {
        "name": "a",
        "connection": {
            "testConnection": {"route": "/setup/x", "method": "post"},
            "oauth": {"postConnect": {"route": "setup/x", "method": "PUT"}},
        },
    }
    findings = _run(routes, manifest)
    assert [(f.code, f.at.path) for f in findings] == [
        ("BF202", ("connection", "testConnection", "method")),
        ("BF201", ("connection", "oauth", "postConnect", "route")),
        ("BF203", ("connection", "oauth", "postConnect", "method")),
    ]
    assert findings[0].help == "write `POST`"


def _webhook(template: str, name: str = "acme") -> list[Finding]:
    return _run(setup, {"name": name, "connection": {"setup": {"webhookUrlTemplate": template}}})


GOOD = "/api/v1/extensions/<tenant_id>/acme/routes/webhooks/acme?connection_id=<connection_id>"


def test_good_webhook_template() -> None:
    assert _webhook(GOOD) == []


def test_webhook_absolute_url() -> None:
    assert "BF301" in _codes(_webhook("https://x.example" + GOOD))


def test_webhook_unknown_and_unbalanced_tokens() -> None:
    findings = _webhook(GOOD.replace("<connection_id>", "<connection>") + "&x=<tenant_id")
    codes = _codes(findings)
    # BF304 follows from the misspelt `<connection>`: the pipeline drops it as derived
    # (derived.py; tests/cause/test_derived_examples.py), the check still finds it
    assert codes.count("BF302") == 2 and "BF304" in codes
    unknown = next(f for f in findings if f.code == "BF302" and "connection" in f.message)
    assert unknown.help == "did you mean `<connection_id>`?"
    start = GOOD.index("<connection_id>")
    assert unknown.at.within == (start, start + len("<connection>"))


def test_webhook_prefix_and_name() -> None:
    findings = _webhook(GOOD, name="other")
    assert _codes(findings) == ["BF303"]
    start = GOOD.index("acme")
    assert findings[0].at.within == (start, start + 4)


def test_webhook_route_problems() -> None:
    template = GOOD.replace("webhooks/acme", "Webhooks/acme/")
    (finding,) = _webhook(template)
    assert finding.code == "BF306"
    start = template.index("Webhooks")
    assert finding.at.within == (start, start + len("Webhooks"))
    assert "BF306" in _codes(_webhook(GOOD + "#frag"))


def test_webhook_missing_connection_id_is_only_a_warning_finding() -> None:
    findings = _webhook("/api/v1/extensions/<tenant_id>/acme/routes/hook")
    assert _codes(findings) == ["BF304"]


def test_empty_instructions() -> None:
    manifest = {"name": "a", "connection": {"setup": {"instructions": " \n"}}}
    assert _codes(_run(setup, manifest)) == ["BF305"]
    manifest["connection"]["setup"]["instructions"] = "Do this."
    assert _run(setup, manifest) == []
