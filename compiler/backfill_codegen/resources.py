"""Where the data files that ship inside the package live."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """`schemas` or `templates` (the top-level folders of a checkout link here)."""
    return _PACKAGE / name


def example_dir() -> Path:
    """The bundled example connector (the spec's Stripe connector)."""
    return _PACKAGE / "example" / "stripe"
