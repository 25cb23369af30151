"""`backfill-codegen explain`: a rule's documentation as text, and the rule list."""

from __future__ import annotations

from backfill_codegen.diagnostics.model import Rule
from backfill_codegen.diagnostics.registry import all_rules


def explain_rule(rule: Rule) -> str:
    lines = [
        f"{rule.code} {rule.name} ({rule.severity.value})",
        "",
        rule.summary,
        "",
        rule.explanation,
        "",
        "Bad:",
        *(f"    {line}" for line in (rule.bad or "(an empty file)").splitlines()),
        "",
        "Good:",
        *(f"    {line}" for line in rule.good.splitlines()),
        "",
        *([f"Fixable: `check --fix` will {rule.fix}.", ""] if rule.fix else []),
        f"Silence it with `--ignore {rule.code}`.",
    ]
    return "\n".join(lines) + "\n"


def list_rules() -> str:
    rules = all_rules().values()
    width = max(len(rule.name) for rule in rules)
    return "".join(
        f"{rule.code}  {rule.name:<{width}}  {rule.severity.value:<7}  {rule.summary}\n"
        for rule in rules
    )


def rules_markdown_table() -> str:
    """The README's rules table, generated from the registry (a test keeps the README in sync)."""
    rows = [
        "| code | name | severity | fix | what it reports |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in all_rules().values():
        summary = rule.summary.replace("|", "\\|")
        fix = "yes" if rule.fix else ""
        rows.append(f"| {rule.code} | {rule.name} | {rule.severity.value} | {fix} | {summary} |")
    return "\n".join(rows) + "\n"
