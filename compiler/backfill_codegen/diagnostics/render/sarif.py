"""SARIF 2.1.0: one run, every registered rule, one result per diagnostic.

Columns count code points (`run.columnKind` says so) and `endColumn` is exclusive, as SARIF
defines it. Paths are relative URIs against `%SRCROOT%`. No time stamps or absolute paths: the
same diagnostics give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from backfill_codegen import __version__
from backfill_codegen.diagnostics.model import Diagnostic, Label, Rule
from backfill_codegen.diagnostics.registry import all_rules
from backfill_codegen.diagnostics.render.display import path_bytes
from backfill_codegen.diagnostics.render.locate import locate

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "backfill-codegen"


def _rule_help(rule: Rule) -> dict[str, str]:
    bad = rule.bad or "(an empty file)"
    text = f"{rule.explanation}\n\nBad:\n{bad}\n\nGood:\n{rule.good}"
    markdown = f"{rule.explanation}\n\nBad:\n\n```\n{bad}\n```\n\nGood:\n\n```\n{rule.good}\n```"
    return {"text": text, "markdown": markdown}


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": _rule_help(rule),
        "defaultConfiguration": {"level": rule.severity.value},
    }


def _artifact(path: str) -> dict[str, str]:
    # Percent-encode the OS's bytes: a path that is not UTF-8 still names its file exactly.
    uri = quote(path_bytes(path), safe="/")
    if path.startswith("/"):
        return {"uri": "file://" + uri}
    return {"uri": uri, "uriBaseId": "%SRCROOT%"}


def _location(label: Label) -> dict[str, Any]:
    where = locate(label)
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": _artifact(where.raw_path),
            "region": {
                "startLine": where.line,
                "startColumn": where.column,
                "endLine": where.end_line,
                "endColumn": where.end_column,
            },
        }
    }
    if label.message:
        location["message"] = {"text": label.message}
    return location


def _result(diagnostic: Diagnostic, index: dict[str, int]) -> dict[str, Any]:
    text = diagnostic.message
    if diagnostic.help is not None:
        text += f"\nhelp: {diagnostic.help}"
    result: dict[str, Any] = {"ruleId": diagnostic.code}
    if diagnostic.code in index:
        result["ruleIndex"] = index[diagnostic.code]
    result["level"] = diagnostic.severity.value
    result["message"] = {"text": text}
    if diagnostic.primary is not None:
        result["locations"] = [_location(diagnostic.primary)]
    if diagnostic.secondary:
        result["relatedLocations"] = [
            {"id": number, **_location(label)} for number, label in enumerate(diagnostic.secondary)
        ]
    return result


def sarif_log(diagnostics: Sequence[Diagnostic]) -> dict[str, Any]:
    rules = list(all_rules().values())
    index = {rule.code: number for number, rule in enumerate(rules)}
    driver = {
        "name": TOOL_NAME,
        "version": __version__,
        "rules": [_rule(rule) for rule in rules],
    }
    run = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "results": [_result(diagnostic, index) for diagnostic in diagnostics],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render_sarif(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps(sarif_log(diagnostics), indent=2, ensure_ascii=True) + "\n"
