"""The record `generate` keeps in each output directory: which files it wrote there.

A file in an output directory is backfill-codegen's (to overwrite, or to remove once no longer
produced) only when the record of the previous run into that directory lists it AND it carries
the generated-code header exactly where the emitters put it
(`backfill_codegen.emit.header.has_header`).
A file that merely quotes the notice, or another connector's output elsewhere in the tree, is
never touched. The record is part of the output: deterministic (sorted, no time stamps, no
absolute paths), committed with the generated files, and compared by `generate --check`.

It decides ownership only, never whether outputs are fresh: `--check` compares every file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path

from backfill_codegen import safe_read
from backfill_codegen.emit.header import NOTICE
from backfill_codegen.workspace import RECORD_NAME

#: The cache file earlier versions kept in the output directory; theirs by name, so removed.
LEGACY_CACHE_NAME = ".backfill-cache.json"
FORMAT = 1
_MAX_BYTES = 1 << 20
_HEX64 = re.compile(r"[0-9a-f]{64}")
#: Every name an emitter can write in an output directory (compiler/generate.py's EMITTERS; a
#: test holds the two together). Only these are ever overwritten or removed there: a record
#: entry naming anything else (another name, a subfolder) is ignored, whatever its digest.
OUTPUT_NAMES = frozenset(
    {
        "CONNECTOR.md",
        "openapi.json",
        "permissions.json",
        "permissions.py",
        "permissions.ts",
        "routes.ts",
        "settings.py",
        "settings.ts",
    }
)


def producible(path: str) -> bool:
    """Whether `generate` can write `path` (relative to an output directory) at all."""
    return path in OUTPUT_NAMES


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dump(connector: str, files: Mapping[str, str]) -> str:
    """The record's text for `files` (relative `/`-separated path -> text written)."""
    document = {
        "$comment": NOTICE,
        "about": "The files backfill-codegen generate wrote in this folder: only these are "
        "ever overwritten or removed by it. Commit this file with them.",
        "connector": connector,
        "files": {path: sha256(text.encode("utf-8")) for path, text in sorted(files.items())},
        "format": FORMAT,
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def load(output_dir: Path) -> dict[str, str] | None:
    """relative path -> sha256 of what the previous run wrote; None when there is no valid
    record (a symlink, a folder, too large, not JSON, another format, an unsafe path)."""
    try:
        data = safe_read.read_bounded(output_dir / RECORD_NAME, _MAX_BYTES, follow=False)
        document = json.loads(data)
    except (OSError, ValueError, RecursionError):
        return None
    if len(data) > _MAX_BYTES or not isinstance(document, dict):
        return None
    files = document.get("files")
    if document.get("format") != FORMAT or not isinstance(files, dict):
        return None
    for path, digest in files.items():
        if not (_safe(path) and isinstance(digest, str) and _HEX64.fullmatch(digest)):
            return None
    return dict(files)


def _safe(path: str) -> bool:
    """A relative `/`-separated path below the output directory, not the record itself."""
    if not path or path.startswith("/") or "\\" in path or "\0" in path:
        return False
    parts = path.split("/")
    return path != RECORD_NAME and not any(part in ("", ".", "..") for part in parts)


def union(old: str | None, new: str) -> str:
    """A record listing the files of both `old` and `new` (new digests win): written first when
    files are replaced one by one, so a crash midway leaves every file on disk recorded."""
    try:
        before = json.loads(old or "{}").get("files") or {}
        document = json.loads(new)
    except (ValueError, AttributeError):
        return new
    if not isinstance(before, dict):
        return new
    kept = {
        p: d for p, d in before.items() if _safe(p) and isinstance(d, str) and _HEX64.fullmatch(d)
    }
    document["files"] = dict(sorted({**kept, **document["files"]}.items()))
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
