"""The docs site in a real browser: Debian's Chromium, headless, driven by Playwright with
`executable_path` (no browser download). One browser for the module, one page reused.

For every golden connector's page and the catalogue: no console error, no request outside
`file://`, no serious or critical axe-core finding. On each settings form: one labelled control
per leaf setting, secrets as password inputs, an invalid value shows the schema's constraint
and a valid one clears it, `oneOf` switching shows the chosen option's fields. The hostile
connector shows its strings as text and runs none of them.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backfill_codegen.emit import settings_doc
from tests.support.site_support import ROOT, build_site, hostile_strings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["index", "helpdesk", "hostile", "ledger", "minimal", "pager", "shopify-orders"]
PAGES += ["stripe", "warehouse", "draft4", "draft2019"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("docs"))


class Browser:
    """One page, with what it logged and requested since the last `open`."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def open(self, path: Path) -> Any:
        self.errors.clear()
        self.requests.clear()
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        return self.page


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (apt-get install -y chromium)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        # The pages' own Content-Security-Policy would stop an injected script too: bypassed
        # here, so that what is proven is that nothing in a page is markup or script.
        context = chromium.new_context(bypass_csp=True)
        yield Browser(context.new_page())
        chromium.close()


def page_path(site: Path, name: str) -> Path:
    return site / "index.html" if name == "index" else site / "connectors" / f"{name}.html"


def shown_leaves(field: settings_doc.Field) -> list[settings_doc.Field]:
    """The leaves the form shows before any row is added: an array's rows are its default's."""
    if field.kind in settings_doc.LEAF_KINDS:
        return [field]
    if field.kind == "array":
        default = json.loads(field.default_json) if field.default_json else []
        return shown_leaves(field.children[0]) * (len(default) if isinstance(default, list) else 0)
    return [leaf for child in field.children for leaf in shown_leaves(child)]


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_without_errors_and_passes_axe(
    site: Path, browser: Browser, name: str
) -> None:
    page = browser.open(page_path(site, name))
    assert browser.errors == []
    assert all(url.startswith("file://") for url in browser.requests), browser.requests
    page.add_script_tag(path=str(AXE))
    for scheme in ("light", "dark"):  # the contrast of both colour schemes
        page.emulate_media(color_scheme=scheme)
        found = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ["violations"], preload: false}))
                .violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "))"""
        )
        assert found == [], scheme


def embedded_tree(page: Any) -> settings_doc.Field:
    schema = json.loads(page.text_content("#settings-schema"))
    return settings_doc.tree(schema)


FORMS = [name for name in PAGES if name not in ("index", "minimal", "ledger", "pager")]
FORMS = [name for name in FORMS if not name.startswith("draft")]


@pytest.mark.parametrize("name", FORMS)
def test_one_labelled_control_per_leaf_and_secrets_are_passwords(
    site: Path, browser: Browser, name: str
) -> None:
    page = browser.open(page_path(site, name))
    leaves = shown_leaves(embedded_tree(page))
    controls = page.evaluate(
        """() => [...document.querySelectorAll("form.settings .control")].map(c => ({
            labels: c.labels.length, text: c.labels.length ? c.labels[0].innerText.trim() : "",
            type: c.type, kind: c.closest(".field").dataset.kind}))"""
    )
    assert len(controls) == len(leaves)
    for control, leaf in zip(controls, leaves, strict=True):
        assert control["labels"] == 1 and control["text"], control
        assert control["kind"] == leaf.kind
        if leaf.secret and leaf.kind == "string":
            assert control["type"] == "password"
    secrets = [leaf for leaf in leaves if leaf.secret and leaf.kind == "string"]
    assert sum(c["type"] == "password" for c in controls) == len(secrets)


#: (page, control index, invalid value, the constraint shown, a valid value)
CONSTRAINTS = [
    ("stripe", 0, "nope", "must match pattern", "sk_live_abc123"),
    ("stripe", 1, "nope", "must match pattern", "whsec_abc123"),
    ("helpdesk", 0, "9bad", "must match pattern", "acme"),
    ("helpdesk", 2, "500", "must be <= 100", "20"),
    ("warehouse", 1, "70000", "must be <= 65535", "5432"),
    ("shopify-orders", 0, "-bad", "must match pattern", "my-shop"),
    ("hostile", 0, "ab", "must NOT have fewer than 3 characters", "abc"),
    ("draft4", 0, "10", "must be <= 9", "9"),
    ("draft2019", 0, "10", "must be <= 9", "9"),
]


@pytest.mark.parametrize(("name", "index", "invalid", "message", "valid"), CONSTRAINTS)
def test_invalid_value_shows_the_constraint_and_a_valid_one_clears_it(
    site: Path, browser: Browser, name: str, index: int, invalid: str, message: str, valid: str
) -> None:
    page = browser.open(page_path(site, name))
    control = page.locator("form.settings .control").nth(index)
    error = page.locator(f"#{control.get_attribute('id')}-error")
    control.fill(invalid)
    assert message in error.inner_text()
    assert control.get_attribute("aria-invalid") == "true"
    control.fill(valid)
    assert error.inner_text() == ""
    assert browser.errors == []


def test_every_constrained_golden_field_is_exercised(site: Path, browser: Browser) -> None:
    """CONSTRAINTS covers each golden form field with a length, pattern or bound."""
    covered = {(name, index) for name, index, *_ in CONSTRAINTS}
    for name in [name for name in FORMS if name != "hostile"]:  # the golden ones
        leaves = shown_leaves(embedded_tree(browser.open(page_path(site, name))))
        for index, leaf in enumerate(leaves):
            if any(not words.startswith("format") for words, _ in leaf.constraints):
                assert (name, index) in covered, (name, index, leaf)


def test_the_catalogue_filters_by_name(site: Path, browser: Browser) -> None:
    page = browser.open(page_path(site, "index"))
    rows = page.locator("tbody tr")
    total = rows.count()
    page.get_by_label("Search by name").fill("stri")
    visible = [row for row in rows.all() if row.is_visible()]
    assert len(visible) == 1 and "Stripe" in visible[0].inner_text()
    page.get_by_label("Search by name").fill("")
    assert sum(row.is_visible() for row in rows.all()) == total
    assert browser.errors == []


def test_oneof_switching_shows_the_chosen_fields(site: Path, browser: Browser) -> None:
    page = browser.open(page_path(site, "warehouse"))
    choose = page.get_by_label("Which one")
    assert page.get_by_label("password").is_visible()
    assert not page.get_by_label("private_key").is_visible()
    choose.select_option(label="Key pair")
    assert page.get_by_label("private_key").is_visible()
    assert not page.get_by_label("password").is_visible()
    page.get_by_label("private_key").fill("k")
    page.get_by_role("button", name="Check these settings").click()
    # Only the chosen option's errors: nothing about the hidden password option's fields.
    errors = page.locator(".error").all_inner_texts()
    assert not any("password" in text or "username" in text for text in errors), errors
    assert browser.errors == []


def test_array_rows_can_be_added_and_removed(site: Path, browser: Browser) -> None:
    page = browser.open(page_path(site, "warehouse"))
    before = page.locator("form.settings .control").count()
    page.get_by_role("button", name=re.compile("^Add")).first.click()
    page.get_by_role("button", name=re.compile("^Add")).first.click()
    assert page.locator("form.settings .control").count() == before + 2
    ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids))
    row = page.locator("form.settings .row .control").first
    page.get_by_role("button", name="Check these settings").click()
    row_error = page.locator(f"#{row.get_attribute('id')}-error")
    assert "must NOT have fewer than 1 characters" in row_error.inner_text()  # minLength: 1
    row.fill("public")
    assert row_error.inner_text() == ""
    page.get_by_role("button", name="Remove").first.click()
    assert page.locator("form.settings .control").count() == before + 1
    assert browser.errors == []


def test_hostile_strings_are_text_and_never_run(site: Path, browser: Browser) -> None:
    page = browser.open(page_path(site, "hostile"))
    text = page.inner_text("body")
    for value in hostile_strings():
        assert " ".join(value.split()) in " ".join(text.split())
    assert page.locator("main img, main script:not(#settings-schema)").count() == 0
    control = page.locator("form.settings .control").first
    control.fill("<img src=x onerror=window.__pwned=1>")
    page.get_by_role("button", name="Check these settings").click()
    page.get_by_label("Which one").select_option(index=1)
    assert page.evaluate("() => window.__pwned") is None
    assert all(url.startswith("file://") for url in browser.requests), browser.requests
    assert browser.errors == []


def test_an_array_default_is_its_rows(site: Path, browser: Browser) -> None:
    page = browser.open(page_path(site, "hostile"))
    rows = page.locator("form.settings .row .control")
    assert rows.count() == 2
    assert rows.nth(0).input_value().startswith("First <img")
    assert rows.nth(1).input_value() == "second"
    page.get_by_role("button", name="Check these settings").click()
    assert page.evaluate("() => window.__pwned") is None
