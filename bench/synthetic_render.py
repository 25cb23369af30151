"""A manifest value written out as the source an author would write: TypeScript (`defineConfig`,
a `NAME` constant used in the webhook template, long strings joined with `+`), JSON, or block
YAML that YAML 1.2's core schema reads back as the same value."""

from __future__ import annotations

import json
import re
from typing import Any


def render(form: str, manifest: dict[str, Any]) -> str:
    """The manifest's source text in `form`: ts, json or yaml."""
    if form == "json":
        return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    if form == "yaml":
        return f"# {manifest['displayName']}: a synthetic connector.\n{_yaml(manifest, 0)}"
    return _typescript(manifest)


_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def _ts_value(value: Any, indent: int, name: str) -> str:
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = []
        for key, item in value.items():
            shown = key if _IDENTIFIER.fullmatch(key) else json.dumps(key)
            rendered = _ts_value(item, indent + 1, name)
            gap = "" if rendered.startswith("\n") else " "
            lines.append(f"{pad}  {shown}:{gap}{rendered},")
        return "{\n" + "\n".join(lines) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if all(not isinstance(v, (dict, list)) for v in value) and len(str(value)) < 60:
            return "[" + ", ".join(_ts_value(v, indent, name) for v in value) + "]"
        return (
            "[\n"
            + "".join(f"{pad}  {_ts_value(v, indent + 1, name)},\n" for v in value)
            + pad
            + "]"
        )
    if isinstance(value, str) and name in value and value.startswith("/api/v1/extensions/"):
        return "`" + value.replace(name, "${NAME}") + "`"  # as authors write it: one name
    if isinstance(value, str) and "\n" in value:  # one literal per line, joined with `+`
        lines = value.split("\n")
        parts = [json.dumps(line + "\n", ensure_ascii=False) for line in lines[:-1]]
        parts.append(json.dumps(lines[-1], ensure_ascii=False))
        return "\n" + "".join(f"{pad}  {part} +\n" for part in parts[:-1]) + f"{pad}  {parts[-1]}"
    return json.dumps(value, ensure_ascii=False)


def _typescript(manifest: dict[str, Any]) -> str:
    name = manifest["name"]
    body = dict(manifest)
    rendered = _ts_value({k: v for k, v in body.items() if k != "name"}, 0, name)
    return (
        f"// {manifest['displayName']}: a synthetic connector.\n"
        'import { defineConfig } from "@backfill-io/sdk";\n\n'
        f"const NAME = {json.dumps(name)};\n\n"
        f"export default defineConfig({{\n  name: NAME,\n{rendered[2:]});\n"
    )


# YAML: block style; a string is plain only when YAML 1.2's core schema reads it back as the
# same string (no number, boolean, null or timestamp look-alikes, no indicator characters).
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _./(),;'→*-]*[A-Za-z0-9).]")
_RESERVED = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"})


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if _PLAIN.fullmatch(value) and value.lower() not in _RESERVED:
        return value
    return json.dumps(value, ensure_ascii=False)


def _yaml(value: Any, indent: int) -> str:
    pad = "  " * indent
    out = []
    if isinstance(value, dict):
        for key, item in value.items():
            shown = _yaml_scalar(key)
            if isinstance(item, (dict, list)) and item:
                out.append(f"{pad}{shown}:\n{_yaml(item, indent + 1)}")
            elif isinstance(item, str) and "\n" in item:
                block = "\n".join(f"{pad}  {line}" for line in item.split("\n"))
                out.append(f"{pad}{shown}: |-\n{block}\n")
            else:
                out.append(f"{pad}{shown}: {_yaml_flow(item)}\n")
    else:
        for item in value:
            if isinstance(item, (dict, list)) and item:
                nested = _yaml(item, indent + 1)
                out.append(f"{pad}- {nested.lstrip()}")
            else:
                out.append(f"{pad}- {_yaml_flow(item)}\n")
    return "".join(out)


def _yaml_flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _yaml_scalar(value)
