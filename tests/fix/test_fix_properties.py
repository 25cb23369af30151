"""The class, not the examples: valid golden manifests broken by a mutation a fix targets; after
the fixes, the manifest still parses, `check` reports strictly fewer errors, and no more
diagnostics than the manifest had before it was broken (a fixed key can bring back a warning the
misspelling hid, so raw counts are compared with the unbroken manifest, errors with the broken)."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from backfill_codegen.fixes import fix_manifest
from backfill_codegen.pipeline import ManifestResult, check_text
from tests.support.paths import ROOT


def _valid_manifests() -> list[Path]:
    found = []
    for case in sorted((ROOT / "golden").iterdir()):
        expected = case / "expected" / "diagnostics.txt"
        if expected.exists() and expected.read_text(encoding="utf-8").endswith("status: 0\n"):
            found.extend(sorted(case.glob("backfill.config.*")))
    return found


MANIFESTS = _valid_manifests()
KEYS = ("permissions", "connection", "testConnection", "displayName", "settingsSchema", "setup")
#: (pattern to break, how to break it): each the kind of slip one fix repairs.
ROUTE = re.compile(r"""(\broute["']?\s*:\s*["']?)(/[a-z0-9_/-]+)""")
YAML_ENTRY = re.compile(r"\n[ \t]+- https://[^\n]*(?=\n)")
DRAFT_07 = re.compile(r"http://json-schema\.org/draft-07/schema#")
MUTATIONS = {
    "key": (re.compile(r"\b(" + "|".join(KEYS) + r")\b(?=\"?'?\s*:)"), lambda m: m[0][:-1]),
    "key-case": (re.compile(r"\b(" + "|".join(KEYS) + r")\b(?=\"?'?\s*:)"), lambda m: m[0].lower()),
    "http": (re.compile(r"https://(?=[a-z0-9.-]+/)"), lambda m: "http://"),
    "method": (re.compile(r"\b(POST|GET|PUT|PATCH|DELETE)\b"), lambda m: m[0].lower()),
    "tenant": (re.compile(r"<tenant_id>"), lambda m: "{tenant_id}"),
    "tenant-camel": (re.compile(r"<tenant_id>"), lambda m: "<tenantId>"),
    "dialect": (
        re.compile(r"http://json-schema.org/draft-07/schema#"),
        lambda m: f"https{m[0][4:]}",
    ),
}


def _mutate(text: str, kind: str, pick: int) -> str | None:
    pattern, how = MUTATIONS[kind]
    matches = list(pattern.finditer(text))
    if not matches:
        return None
    match = matches[pick % len(matches)]
    return text[: match.start()] + how(match) + text[match.end() :]


def _errors(result: ManifestResult) -> int:
    return sum(d.severity == "error" for d in result.diagnostics)


def _fixed(path: Path, broken: str) -> tuple[int, int, bool] | None:
    """(errors before, after) when a fix applies, after checking that it parses and has no more
    diagnostics than the unbroken manifest; None when no fix applies."""
    before = check_text(path, broken)
    text, count = fix_manifest(before, before.diagnostics)
    if not count:
        assert text == broken
        return None
    after = check_text(path, text)
    assert after.document is not None, text
    assert len(after.diagnostics) <= len(check_text(path, path.read_text("utf-8")).diagnostics)
    return _errors(before), _errors(after)


@settings(deadline=None)
@given(
    st.sampled_from(MANIFESTS),
    st.sampled_from(sorted(MUTATIONS)),
    st.integers(min_value=0, max_value=50),
)
def test_a_fix_leaves_strictly_fewer_diagnostics(path: Path, kind: str, pick: int) -> None:
    broken = _mutate(path.read_text(encoding="utf-8"), kind, pick)
    if broken is None:
        return
    outcome = _fixed(path, broken)
    if outcome is not None:
        before, after = outcome
        assert after < before


def test_every_mutation_is_fixed_somewhere() -> None:
    """The property above is not vacuous: each kind of slip is repaired on some manifest."""
    for kind in MUTATIONS:
        fixed = 0
        for path in MANIFESTS:
            broken = _mutate(path.read_text(encoding="utf-8"), kind, 0)
            outcome = None if broken is None else _fixed(path, broken)
            fixed += outcome is not None and outcome[1] < outcome[0]
        assert fixed, kind
