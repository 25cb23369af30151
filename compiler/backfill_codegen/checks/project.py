"""The manifest's top-level identity: `name`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from backfill_codegen.checks.base import Check, Manifest
from backfill_codegen.diagnostics.model import Finding, Pointer
from backfill_codegen.diagnostics.text import quoted
from backfill_codegen.rules.manifest import INVALID_NAME

SLUG = re.compile(r"[a-z][a-z0-9-]*")


def suggest_slug(name: str) -> str | None:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    slug = slug.lstrip("0123456789-")
    return slug if slug and SLUG.fullmatch(slug) else None


def _check_name(manifest: Manifest) -> Iterator[Finding]:
    name = manifest["name"]
    if SLUG.fullmatch(name):
        return
    suggestion = suggest_slug(name)
    yield Finding(
        INVALID_NAME,
        f"{quoted(name)} is not a connector slug (`^[a-z][a-z0-9-]*$`)",
        Pointer(("name",)),
        help=f"did you mean `{suggestion}`?"
        if suggestion
        else "use lowercase letters, digits and `-`, starting with a letter",
    )


CHECKS = (Check("name", (("name",),), _check_name, emits=(INVALID_NAME,)),)
