"""The JSON Schema dialects a settings schema may declare, and where their metaschemas live.

The one list of dialects: checks (meta-validation, the jsonschema-rs shortcut, the keyword
vocabulary) and emitters (the OpenAPI converter's rewrite of older dialects) all read it here.
Imports nothing of ours and nothing slow: `check` loads it for every manifest.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

DRAFT3 = "http://json-schema.org/draft-03/schema"
DRAFT4 = "http://json-schema.org/draft-04/schema"
DRAFT6 = "http://json-schema.org/draft-06/schema"
DRAFT7 = "http://json-schema.org/draft-07/schema"
DRAFT2019 = "https://json-schema.org/draft/2019-09/schema"
DRAFT2020 = "https://json-schema.org/draft/2020-12/schema"

DEFAULT_DIALECT = DRAFT2020

#: Dialect URIs, oldest first, as written in `$schema` (with or without the empty fragment `#`),
#: and the name of the validator class for each, in Python's jsonschema and in jsonschema-rs
#: alike (imported only when needed).
KNOWN_DIALECTS: dict[str, str] = {
    DRAFT3: "Draft3Validator",
    DRAFT4: "Draft4Validator",
    DRAFT6: "Draft6Validator",
    DRAFT7: "Draft7Validator",
    DRAFT2019: "Draft201909Validator",
    DRAFT2020: "Draft202012Validator",
}
#: The dialects jsonschema-rs has (no draft-03).
RS_DIALECTS: tuple[str, ...] = tuple(uri for uri in KNOWN_DIALECTS if uri != DRAFT3)
#: Dialects in which a `$ref` replaces its whole schema (siblings ignored): up to draft-07.
LEGACY_DIALECTS: tuple[str, ...] = (DRAFT3, DRAFT4, DRAFT6, DRAFT7)

#: Dialect URI -> its folder in the `jsonschema_specifications` package's `schemas/`.
_SPECIFICATION_FOLDERS = {
    DRAFT3: "draft3",
    DRAFT4: "draft4",
    DRAFT6: "draft6",
    DRAFT7: "draft7",
    DRAFT2019: "draft201909",
    DRAFT2020: "draft202012",
}


def rank(uri: str) -> int:
    """The dialect's position, oldest first; an unknown URI ranks after every known one."""
    order = list(KNOWN_DIALECTS)
    return order.index(uri) if uri in order else len(order)


def specifications() -> Path | None:
    """jsonschema_specifications' schema folder, found without importing the package."""
    spec = importlib.util.find_spec("jsonschema_specifications")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "schemas"


def metaschema_documents(uri: str) -> tuple[Any, list[Any]] | None:
    """The metaschema Python's jsonschema uses for dialect `uri` and the vocabulary documents it
    refers to (none before 2019-09), as stored; None when they cannot be read."""
    folder = specifications()
    if folder is None or uri not in _SPECIFICATION_FOLDERS:
        return None
    root = folder / _SPECIFICATION_FOLDERS[uri]
    try:
        meta = json.loads((root / "metaschema.json").read_text(encoding="utf-8"))
        vocabularies = root / "vocabularies"
        parts = sorted(vocabularies.iterdir()) if vocabularies.is_dir() else []
        return meta, [json.loads(part.read_text(encoding="utf-8")) for part in parts]
    except (OSError, ValueError):
        return None
