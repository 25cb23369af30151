"""The docs site without a browser: deterministic bytes, written by the writer (a second run
writes nothing, a hand-written file is never overwritten), the command line, the vendored Ajv
is exactly what the locked npm packages build, and for generated connectors every page is
escaped text with only our own markup."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings

from backfill_codegen import cli
from backfill_codegen.emit.site import pages
from backfill_codegen.emit.site.build import build
from backfill_codegen.resources import data_dir
from tests.support.docs_manifests import Page, connectors
from tests.support.paths import ROOT


def test_docs_example_writes_the_site_once(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    site = tmp_path / "out"
    assert cli.main(["docs", "--example", "-o", str(site)]) == 0
    names = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert names == [
        ".backfill-generated.json",
        "assets/ajv.js",
        "assets/site.css",
        "assets/site.js",
        "connectors/stripe.html",
        "connectors/stripe.openapi.json",
        "index.html",
    ]
    first = {name: (site / name).read_bytes() for name in names}
    assert str(tmp_path).encode() not in b"".join(first.values())  # no absolute path
    capsys.readouterr()
    assert cli.main(["docs", "--example", "-o", str(site)]) == 0
    assert "Nothing to write" in capsys.readouterr().out
    assert {name: (site / name).read_bytes() for name in names} == first


def test_a_hand_written_file_is_never_overwritten(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>mine</p>\n", encoding="utf-8")
    (site / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert cli.main(["docs", "--example", "-o", str(site)]) == 2
    assert (site / "index.html").read_text(encoding="utf-8") == "<p>mine</p>\n"
    assert not (site / "connectors").exists()


def test_errors_stop_the_site(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "backfill.config.json").write_text('{"name": "Bad Name"}', encoding="utf-8")
    assert cli.main(["docs", str(bad), "-o", str(tmp_path / "site")]) == 1
    assert "BF104" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_the_vendored_validator_is_the_locked_build(tmp_path: Path) -> None:
    subprocess.run(["sh", str(ROOT / "site_src" / "build_ajv.sh"), str(tmp_path)], check=True)
    vendored = data_dir("site_assets")
    for name in ("ajv.js", "ajv.LICENSE"):
        assert (tmp_path / name).read_bytes() == (vendored / name).read_bytes(), name
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/ajv"]["version"]
    assert f"// Ajv {version} " in (vendored / "ajv.js").read_text(encoding="utf-8")


ALLOWED_TAGS = set(
    [
        "html",
        "head",
        "meta",
        "title",
        "link",
        "script",
        "body",
        "nav",
        "header",
        "main",
        "section",
        "h1",
        "h2",
        "h3",
        "p",
        "code",
        "pre",
        "ul",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "blockquote",
        "form",
        "div",
        "fieldset",
        "legend",
        "label",
        "input",
        "select",
        "option",
        "textarea",
        "template",
        "button",
        "span",
    ]
)


@settings(deadline=None, max_examples=60)
@given(connectors())
def test_generated_connector_pages_are_text_with_our_markup_only(case) -> None:
    connector, plain = case
    document = json.dumps({"paths": {}})
    html = pages.connector_page(connector, json.loads(document), "x.openapi.json")
    assert html == pages.connector_page(connector, json.loads(document), "x.openapi.json")
    page = Page(html)
    for tag, attrs in page.tags:
        assert tag in ALLOWED_TAGS, tag
        for key, value in attrs:
            assert not key.startswith("on"), (tag, key)
            if key in ("href", "src"):
                assert re.fullmatch(r"(\.\./)?[a-z0-9./-]+", value or ""), value
    scripts = [dict(attrs) for tag, attrs in page.tags if tag == "script"]
    assert all(s.get("type") == "application/json" or s.get("src") for s in scripts)
    shown = page.text()
    for value in plain:  # an enum value is shown as itself, the Markdown shows its JSON
        raw = _json_string(value)
        assert "".join(value.split()) in shown or "".join(raw.split()) in shown, value


def _json_string(value: str) -> str:
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return decoded if isinstance(decoded, str) else value


def test_the_site_is_the_same_bytes_for_the_same_connectors(tmp_path: Path) -> None:
    from tests.support.emit_connectors import stripe

    assert build([stripe()]) == build([stripe()])


def test_a_connector_gone_from_the_tree_loses_its_page(tmp_path: Path) -> None:
    from tests.support.site_support import golden_connectors

    cases = {path.name: path for path in golden_connectors()}
    site = tmp_path / "site"
    both = [str(cases["gen-minimal-json"]), str(cases["gen-webhook-only"])]
    assert cli.main(["docs", *both, "-o", str(site), "-j", "1"]) == 0
    assert (site / "connectors" / "pager.html").is_file()
    (site / "mine.txt").write_text("mine\n", encoding="utf-8")
    assert cli.main(["docs", both[0], "-o", str(site), "-j", "1"]) == 0
    assert not (site / "connectors" / "pager.html").exists()
    assert not (site / "connectors" / "pager.openapi.json").exists()
    assert (site / "connectors" / "minimal.html").is_file()
    assert (site / "mine.txt").read_text(encoding="utf-8") == "mine\n"
