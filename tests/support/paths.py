"""Where the tests find the project: computed once here, so a test's depth in tests/ never
matters (no `Path(__file__).parents[N]` in test files)."""

from __future__ import annotations

from pathlib import Path

#: The project root (the folder holding pyproject.toml).
ROOT = Path(__file__).resolve().parents[2]
#: The golden cases, golden/<case>/.
GOLDEN = ROOT / "golden"
#: The shared real-world data beside the project (../shared/corpus), read there, never copied;
#: tests that use it skip its absence only where they say so.
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
#: The test helpers' own folder (the SDK declaration, the URL corpus).
SUPPORT = Path(__file__).resolve().parent
