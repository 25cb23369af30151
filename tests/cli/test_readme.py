"""The README stays true: its rules table comes from the registry, its test command is CI's."""

from __future__ import annotations

import re

from backfill_codegen.diagnostics.explain import rules_markdown_table
from tests.support.paths import ROOT

README = ROOT / "README.md"
START, END = "<!-- rules:start -->\n", "<!-- rules:end -->"


def test_rules_table_matches_the_registry(update_golden: bool) -> None:
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    wanted = head + START + rules_markdown_table() + END + tail
    if update_golden:
        README.write_text(wanted, encoding="utf-8")
    assert text == wanted, "README rules table is stale; run pytest --update-golden"


def _commands() -> list[str]:
    return re.findall(r"```sh\n(.*?)\n```", README.read_text(encoding="utf-8"), re.S)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test_command = next(c for c in _commands() if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci


def test_readme_run_command_uses_the_bundled_example() -> None:
    run_command = _commands()[0]
    assert "backfill-codegen" in run_command
    assert "--example" in run_command


def test_readme_excerpts_are_in_the_generated_example() -> None:
    text = README.read_text(encoding="utf-8")
    excerpts = re.findall(r"<!-- excerpt: (\S+) -->\n```\w*\n(.*?)\n```", text, re.S)
    assert len(excerpts) == 8
    generated = ROOT / "golden" / "gen-stripe" / "expected" / "generated"
    for name, excerpt in excerpts:
        assert excerpt in (generated / name).read_text(encoding="utf-8"), name


def test_limits_table_states_the_limits_the_code_enforces() -> None:
    from backfill_codegen import limits
    from backfill_codegen.domain import ecma

    text = README.read_text(encoding="utf-8")
    table = text.split("### Limits", 1)[1].split("###", 1)[0]
    rows = {line.split("|")[1].strip(): line for line in table.splitlines() if line.startswith("|")}

    def row(label: str) -> str:
        return next(line for name, line in rows.items() if name.startswith(label))

    assert f"| {limits.MAX_MANIFEST_BYTES // 2**20} MiB |" in row("manifest size")
    assert f"| {limits.MAX_DEPTH} levels |" in row("nesting")
    assert f"| {limits.MAX_PARSED_VALUES:,} |" in row("values in a JSON or YAML")
    assert f"| {limits.MAX_VALUES:,} |" in row("values after YAML alias")
    assert f"| {limits.MAX_VALUES:,} |" in row("TypeScript evaluation steps")
    assert f"| {limits.MAX_ENUM_VALUES:,} |" in row("values in one `enum`")
    assert f"| {limits.MAX_ENUM_VALUES_TOTAL:,} |" in row("values in all the `enum`s")
    assert f"| {limits.MAX_SETTINGS_SUBSCHEMAS:,} |" in row("subschemas in the settings")
    assert f"| {limits.MAX_REGEX_SECONDS:g} s," in row("regular-expression time")
    assert f"| {limits.MAX_UNFOLDED_CHOICES:,} |" in row("schemas one settings subschema unfolds")
    steps, seconds = limits.MAX_DEFAULT_STEPS, limits.MAX_DEFAULT_SECONDS
    defaults = row("checking the settings schema's defaults")
    assert f"| {steps:,} keyword applications and {seconds:g} s" in defaults
    route = row("a route path")
    assert f"{limits.MAX_ROUTE_CHARS:,} characters, {limits.MAX_SEGMENT_CHARS} per segment" in route
    pattern = row("a regular expression")
    assert f"{limits.MAX_PATTERN_CHARS:,} characters" in pattern
    assert f"at most {ecma.CHILD_TIMEOUT_SECONDS:g} s" in pattern
    files = row("route files read")
    size = limits.MAX_ROUTE_FILE_BYTES // 2**20
    assert f"{limits.MAX_ROUTE_FILES:,} files of at most {size} MiB each" in files
