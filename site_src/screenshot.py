"""Regenerate docs/site-example.png, the README's picture of the bundled example's page:

    .venv/bin/python site_src/screenshot.py

It builds the site with `backfill-codegen docs --example` into a temporary folder and takes a
full-page screenshot of the connector page in headless Chromium (Debian's `chromium`, through
Playwright, as the tests do), with an invalid API key typed so the validation shows.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "compiler"))

from backfill_codegen import cli  # noqa: E402


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        if cli.main(["docs", "--example", "-o", str(site)]) != 0:
            return 1
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=shutil.which("chromium") or "/usr/bin/chromium", headless=True
            )
            page = chromium.new_page(viewport={"width": 1000, "height": 800})
            page.goto((site / "connectors" / "stripe.html").as_uri())
            page.get_by_label("Secret API key").fill("pk_live_123")
            page.screenshot(path=str(ROOT / "docs" / "site-example.png"), full_page=True)
            chromium.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
