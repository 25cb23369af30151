"""The `permissions.http` check (BF601-BF610), on plain manifest values."""

from __future__ import annotations

import time
from typing import Any

import pytest

from backfill_codegen.checks import permissions
from backfill_codegen.diagnostics.model import Finding, Pointer
from backfill_codegen.diagnostics.registry import rule

HTTP = ("permissions", "http")


def run(*entries: Any) -> list[Finding]:
    manifest = {"name": "acme", "permissions": {"http": list(entries)}}
    return [finding for check in permissions.CHECKS for finding in check.run(manifest)]


def codes(*entries: Any) -> list[str]:
    return [finding.code for finding in run(*entries)]


def test_the_check_reads_permissions() -> None:
    (check,) = permissions.CHECKS
    assert check.name == "permissions"
    assert check.reads == (("permissions",),)


@pytest.mark.parametrize(
    ("bad", "good", "code"),
    [
        ("http://api.acme.example/*", "https://api.acme.example/*", "BF601"),
        ("api.acme.example/*", "https://api.acme.example/*", "BF601"),
        ("https://*.acme.example/*", "https://eu.acme.example/*", "BF602"),
        ("https://key:secret@api.acme.example/*", "https://api.acme.example/*", "BF603"),
        ("https://api.acme.example/v1/items?limit=5", "https://api.acme.example/v1/items", "BF604"),
        ("https://api.acme.example/v1#docs", "https://api.acme.example/v1", "BF604"),
        ("https://api..acme.example/*", "https://api.acme.example/*", "BF605"),
        ("https://api.acme.example:0/*", "https://api.acme.example:1/*", "BF605"),
        ("https://", "https://api.acme.example/*", "BF605"),
        ("https://api.acme.example", "https://api.acme.example/*", "BF607"),
        ("https://api.acme.example/", "https://api.acme.example/v1", "BF607"),
        ("https://localhost/*", "https://api.acme.example/*", "BF608"),
        ("https://192.168.0.10/*", "https://api.acme.example/*", "BF608"),
        ("https://[::1]/*", "https://api.acme.example/*", "BF608"),
        ("https://api.acme.example/a/../b", "https://api.acme.example/b", "BF610"),
        ("https://api.acme.example/50%", "https://api.acme.example/50%25", "BF610"),
    ],
)
def test_each_entry_rule_fires_and_its_fix_is_clean(bad: str, good: str, code: str) -> None:
    assert codes(bad) == [code]
    assert codes(good) == []


@pytest.mark.parametrize("code", [f"BF6{n:02d}" for n in range(1, 11)])
def test_every_rule_is_registered_with_examples(code: str) -> None:
    registered = rule(code)
    assert registered.bad and registered.good and registered.explanation
    assert registered.name.startswith(("permission-", "duplicate-permission"))


def test_rule_examples_trigger_their_rule() -> None:
    import json

    for n in range(1, 11):
        registered = rule(f"BF6{n:02d}")
        bad = json.loads(registered.bad)["http"]
        good = json.loads(registered.good)["http"]
        assert registered.code in codes(*bad), registered.code
        assert codes(*good) == [], registered.code


def test_severities() -> None:
    warnings = {"BF607", "BF608", "BF609"}
    for n in range(1, 11):
        code = f"BF6{n:02d}"
        assert (rule(code).severity.value == "warning") is (code in warnings)


def test_a_problem_points_inside_the_value() -> None:
    (finding,) = run("https://api.acme.example", "https://u@api.acme.example/*")[1:]
    assert finding.code == "BF603"
    assert finding.at == Pointer((*HTTP, 1), within=(8, 10))
    (scheme,) = run("http://api.acme.example/*")
    assert scheme.at.within == (0, 4)
    assert scheme.help == "write `https://api.acme.example/*`"


def test_a_problem_about_the_whole_entry_points_at_the_whole_value() -> None:
    (finding,) = run("https://api.acme.example")
    assert finding.at == Pointer((*HTTP, 0))
    assert finding.help == "write `https://api.acme.example/*` to allow every path on this host"


def test_duplicates_point_at_the_first_entry() -> None:
    findings = run(
        "https://api.acme.example/*",
        "https://files.acme.example/*",
        "https://API.acme.example:443/*",
        "https://api.acme.example/*",
    )
    assert [(f.code, f.at.path) for f in findings] == [
        ("BF606", (*HTTP, 2)),
        ("BF606", (*HTTP, 3)),
    ]
    for finding in findings:
        assert finding.related == (Pointer((*HTTP, 0), message="first listed here"),)
    assert "written another way" in findings[0].message
    assert "written another way" not in findings[1].message


def test_idna_duplicates() -> None:
    assert codes("https://bücher.example/*", "https://xn--bcher-kva.example/*") == [
        "BF611",
        "BF606",
    ]


def test_a_non_ascii_host_is_a_warning_that_gives_the_ascii_entry() -> None:
    (finding,) = run("https://Bücher.example:8443/katalog/*")
    assert finding.code == "BF611" and "`xn--bcher-kva.example`" in finding.message
    assert (
        finding.help
        == "write `https://xn--bcher-kva.example:8443/katalog/*`, and call the host by that name"
    )
    assert rule("BF611").severity.value == "warning"


@pytest.mark.parametrize("host", ["faß.de", "FAẞ.de", "ςa.example", "a\u200db.example"])
def test_a_deviation_character_in_a_host_is_an_error(host: str) -> None:
    findings = run(f"https://{host}/*")
    assert [f.code for f in findings] in (["BF612"], ["BF605"])  # ZWJ: IDNA's CONTEXTJ may refuse
    assert rule("BF612").severity.value == "error"


def test_different_ports_or_paths_are_not_duplicates() -> None:
    assert codes("https://api.acme.example/v1", "https://api.acme.example:8443/v1") == []
    assert codes("https://api.acme.example/v1", "https://api.acme.example/v2") == []


def test_covered_entries_point_at_the_covering_one() -> None:
    findings = run(
        "https://api.acme.example/v1/*",
        "https://api.acme.example/v1/customers",
        "https://api.acme.example/*",
        "https://files.acme.example/v1/customers",
    )
    assert [(f.code, f.at.path, f.related[0].path) for f in findings] == [
        ("BF609", (*HTTP, 0), (*HTTP, 2)),
        ("BF609", (*HTTP, 1), (*HTTP, 0)),
    ]
    assert findings[0].related[0].message


def test_equivalent_patterns_report_only_the_later_entry() -> None:
    findings = run("https://api.acme.example/**", "https://api.acme.example/*")
    assert [(f.code, f.at.path, f.related[0].path) for f in findings] == [
        ("BF609", (*HTTP, 1), (*HTTP, 0)),
    ]


def test_a_duplicate_is_not_also_reported_as_covered() -> None:
    assert codes("https://api.acme.example/*", "https://api.acme.example:443/*") == ["BF606"]
    assert codes(
        "https://api.acme.example/*",
        "https://api.acme.example/v1",
        "https://api.acme.example/v1",
    ) == ["BF609", "BF606"]


def test_coverage_is_not_claimed_falsely() -> None:
    assert codes("https://api.acme.example/v1/a*/x", "https://api.acme.example/v1/*/x") == ["BF609"]
    assert codes("https://api.acme.example/v1/*/x", "https://api.acme.example/v1/*/y") == []
    assert codes("https://api.acme.example/v1/*", "https://api.acme.example/v1") == []


def test_broken_entries_take_no_part_in_duplicates_or_coverage() -> None:
    assert codes("https://*.acme.example/*", "https://*.acme.example/*") == ["BF602", "BF602"]
    assert codes("http://api.acme.example/*", "https://api.acme.example/v1") == ["BF601"]


def test_one_bad_entry_hides_nothing_else() -> None:
    findings = run(
        "http://user@*.acme.example/v1?x",
        "https://api.acme.example",
        "https://localhost/*",
        "https://ok.acme.example/*",
        "https://ok.acme.example/x",
    )
    assert [(f.at.path[-1], f.code) for f in findings] == [
        (0, "BF601"),
        (0, "BF603"),
        (0, "BF602"),
        (0, "BF604"),
        (1, "BF607"),
        (2, "BF608"),
        (4, "BF609"),
    ]


def test_nothing_to_check() -> None:
    (check,) = permissions.CHECKS
    assert list(check.run({"name": "acme"})) == []
    assert list(check.run({"name": "acme", "permissions": {}})) == []
    assert list(check.run({"name": "acme", "permissions": {"http": []}})) == []
    assert list(check.run({"name": "acme", "permissions": {"http": "x"}})) == []
    assert codes(3, None, "https://api.acme.example/*") == []


def test_output_is_deterministic() -> None:
    entries = [f"https://h{n % 7}.acme.example/{'*' if n % 3 else 'x'}{n}" for n in range(60)]
    assert run(*entries) == run(*entries)
    assert run(*entries) == sorted(
        run(*entries), key=lambda f: (f.at.path, f.at.within or (-1,), f.code)
    )


def test_many_entries_stay_fast() -> None:
    entries = [f"https://api.acme.example/v{n}/*" for n in range(2_000)]
    started = time.perf_counter()
    assert codes(*entries) == []
    entries = [f"https://h{n}.acme.example/*" for n in range(20_000)]
    assert codes(*entries) == []
    assert time.perf_counter() - started < 5.0


@pytest.mark.parametrize(
    ("bad", "fixed"),
    [
        ("http://api.acme.example/*", "https://api.acme.example/*"),
        ("HTTP://api.acme.example/*", "https://api.acme.example/*"),
        ("http:api.acme.example/*", "https://api.acme.example/*"),
        ("wss://api.acme.example/*", "https://api.acme.example/*"),
        ("api.acme.example/*", "https://api.acme.example/*"),
        ("//api.acme.example/*", "https://api.acme.example/*"),
    ],
)
def test_not_https_suggests_the_https_entry(bad: str, fixed: str) -> None:
    (finding,) = run(bad)
    assert finding.code == "BF601"
    assert finding.help == f"write `{fixed}`"
    assert codes(fixed) == []
