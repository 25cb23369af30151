"""The manifest's shape, checked by the pydantic model; its errors become located findings.

Returns the findings and the paths that are structurally broken, so the pipeline can skip exactly
the semantic checks that read them and run all the others.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from compiler.checks.base import get_path
from compiler.diagnostics.model import Finding, Path, Pointer
from compiler.diagnostics.text import quoted
from compiler.model import Manifest

_TYPE_NAMES = {
    "string_type": "a string",
    "list_type": "an array",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "bool_type": "a boolean",
    "int_type": "an integer",
}


def describe(value: Any) -> str:
    """The JSON type of a value, for messages: 'a string', 'null', ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _model_at(path: Path) -> type[BaseModel] | None:
    """The pydantic model describing the object at `path`, to list its known keys."""
    model: type[BaseModel] | None = Manifest
    for step in path:
        if model is None or isinstance(step, int):
            return None
        by_alias = {f.alias or n: f for n, f in model.model_fields.items()}
        field = by_alias.get(str(step))
        if field is None:
            return None
        candidates = [
            arg
            for arg in getattr(field.annotation, "__args__", (field.annotation,))
            if isinstance(arg, type) and issubclass(arg, BaseModel)
        ]
        model = candidates[0] if candidates else None
    return model


def check_shape(value: Any) -> tuple[list[Finding], list[Path]]:
    if not isinstance(value, dict):
        finding = Finding(
            "BF103",
            f"the manifest must be an object, found {describe(value)}",
            Pointer(()),
            help="write the manifest as an object: { name: ..., connection: ... }",
        )
        return [finding], [()]
    try:
        Manifest.model_validate(value)
    except ValidationError as error:
        findings = [_finding(value, item) for item in error.errors(include_url=False)]
        return findings, [tuple(item["loc"]) for item in error.errors(include_url=False)]
    return [], []


def _finding(root: Any, error: Any) -> Finding:
    path: Path = tuple(error["loc"])
    kind = error["type"]
    if kind == "missing":
        key = path[-1]
        parent = path[:-1]
        where = "the manifest" if not parent else f"`{'.'.join(map(str, parent))}`"
        return Finding(
            "BF101",
            f"{where} is missing the required key `{key}`",
            Pointer(parent, "key" if parent else "start"),
            help=f"add `{key}`",
        )
    if kind == "extra_forbidden":
        key = str(path[-1])
        model = _model_at(path[:-1])
        known = sorted(f.alias or n for n, f in model.model_fields.items()) if model else []
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        close += [k for k in known if k.lower() == key.lower() and k not in close]
        if close:
            help_text = f"did you mean `{close[0]}`?"
        elif known:
            help_text = "known keys here: " + ", ".join(f"`{k}`" for k in known)
        else:
            help_text = None
        return Finding("BF102", f"unknown key {quoted(key)}", Pointer(path, "key"), help=help_text)
    expected = _TYPE_NAMES.get(kind, "another type")
    found = describe(get_path(root, path))
    return Finding(
        "BF103",
        f"expected {expected}, found {found}",
        Pointer(path),
    )
