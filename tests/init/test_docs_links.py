"""The user documentation holds together: every relative link in README.md, CONTRIBUTING.md and
docs/*.md names a file that exists and, with `#anchor`, a heading in it (GitHub's slugs); no
internal planning words reach the pages users read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.paths import ROOT

PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as `-`."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = _FENCE.sub("", page.read_text(encoding="utf-8"))
    return {_slug(m) for m in re.findall(r"^#+ (.*)$", text, re.M)}


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_relative_links_resolve(page: Path) -> None:
    text = _FENCE.sub("", page.read_text(encoding="utf-8"))
    broken = []
    for target in _LINK.findall(text):
        if re.match(r"^[a-z]+:", target):
            continue  # https:, mailto:
        path_part, _, anchor = target.partition("#")
        linked = (page.parent / path_part).resolve() if path_part else page
        missing_anchor = anchor and linked.suffix == ".md" and anchor not in _anchors(linked)
        if not linked.exists() or missing_anchor:
            broken.append(target)
    assert not broken, broken


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_no_planning_words(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    found = re.findall(r"issue \d+|\bMISSED\b|targets of issue|connector-directory mode", text)
    assert not found


def test_the_readme_is_for_users() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    # ~300 lines of prose, plus the rules table, which grows one line a rule
    table = text.count("\n| BF")
    assert len(text.splitlines()) - table <= 280
    for section in ("## Command line", "## Rules", "## Quick start", "## Editors"):
        assert f"\n{section}\n" in text


def test_the_command_line_section_has_a_line_per_command() -> None:
    """A `backfill-codegen COMMAND` line for every subcommand the parser has, and no other."""
    import argparse

    from backfill_codegen.arguments import parser as make_parser

    parser = make_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Command line\n", 1)[1].split("```\n", 2)[1]
    listed = [
        line.split()[1] for line in block.splitlines() if line.startswith("backfill-codegen ")
    ]
    assert sorted(set(listed)) == sorted(commands.choices)  # a command may take two lines
