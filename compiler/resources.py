"""Where the data files that ship with the compiler live, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """`schemas` or `templates`: in the wheel under compiler/_data/, in a checkout at the top."""
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name


def example_dir() -> Path:
    """The bundled example connector (the spec's Stripe connector)."""
    return _PACKAGE / "example" / "stripe"
