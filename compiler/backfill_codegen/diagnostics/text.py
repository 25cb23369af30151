"""Quoting user text inside diagnostic messages."""

from __future__ import annotations

_LIMIT = 60


def quoted(text: str, limit: int = _LIMIT) -> str:
    """`text` in backticks, shortened in the middle when long, so a 1 MB value stays one line."""
    if len(text) > limit:
        half = (limit - 1) // 2
        text = text[:half] + "…" + text[-half:]
    return f"`{text}`"
