"""Syntax `regress` accepts but Node 20 refuses is BF407 (`ecma.compile_error`): ES2025 pattern
modifiers `(?i:...)` and duplicate named groups (red-team finding J). Generated members of both
classes, plus a differential run against the installed `node` on generated patterns."""

from __future__ import annotations

import json
import random
import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from backfill_codegen.checks import settings
from backfill_codegen.domain import ecma

ATOMS = ["a", "\\d", ".", "[a-z]", "[(?i:]", "\\(", "(?:b)", "(?=c)", "(?<=d)", "(?<!e)", "x*"]


@st.composite
def modifiers(draw: st.DrawFn) -> str:
    """`(?on-off:` with disjoint, non-repeating flag sets, at least one flag."""
    flags = draw(st.permutations("ims"))
    cut = draw(st.integers(0, 3))
    end = draw(st.integers(cut, 3))
    on, off = "".join(flags[:cut]), "".join(flags[cut:end])
    if not on and not off:
        on = "i"
    return f"(?{on}-{off}:" if off else f"(?{on}:"


contexts = st.lists(st.sampled_from(ATOMS), max_size=3).map("".join)


@hypothesis_settings(max_examples=200, deadline=None)
@given(contexts, modifiers(), contexts, contexts)
def test_pattern_modifiers_are_refused(before: str, group: str, body: str, after: str) -> None:
    pattern = f"^{before}{group}{body}){after}$"
    assert ecma.compile_error(pattern) is not None, pattern


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    st.from_regex(r"[a-z][a-z0-9]{0,3}", fullmatch=True),
    contexts,
    contexts,
    st.booleans(),
)
def test_a_group_name_used_twice_is_refused(name: str, one: str, two: str, escaped: bool) -> None:
    first = "".join(f"\\u{ord(c):04x}" for c in name) if escaped else name
    pattern = f"(?<{first}>{one})|(?<{name}>{two})"
    assert ecma.compile_error(pattern) is not None, pattern
    assert ecma.compile_error(f"(?<{name}>{one})|(?<{name}x>{two})") is None


@pytest.mark.parametrize("pattern", ["^(?i:a)$", "(?-m:a)", "(?<a>x)|(?<a>y)"])
def test_the_examples_are_bf407(pattern: str) -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string", "pattern": pattern}}}
    manifest = {"name": "acme", "connection": {"settingsSchema": schema}}
    found = [f.code for check in settings.CHECKS for f in check.run(manifest)]
    assert "BF407" in found


def test_valid_for_us_exactly_when_valid_for_node() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
    if not version.startswith("v20."):
        pytest.skip(f"the oracle is Node 20, not {version.strip()}")
    tokens = ["(?i:", "(?-i:", "(?m-s:", "(?<a>", "(?<b>", "(?<\\u0061>", "(?:", "(?=", "(?<=",
              "(?!", ")", "|", "a", "\\k<a>", "[", "]", "\\b", "*", "+", "{2}", "^", "$",
              "\\p{L}", "\\p{RGI_Emoji}", "\\q{x}", "--", "&&", "\\u{61}", "-", "\\1"]  # fmt: skip
    rng = random.Random(20)
    patterns = sorted({"".join(rng.choices(tokens, k=rng.randint(1, 6))) for _ in range(3000)})
    script = (
        "const ps=JSON.parse(require('fs').readFileSync(0,'utf8'));"
        "console.log(JSON.stringify(ps.map(p=>{try{new RegExp(p,'u');return true}"
        "catch(e){return false}})))"
    )
    run = subprocess.run(
        [node, "-e", script], input=json.dumps(patterns), capture_output=True, text=True
    )
    verdicts = json.loads(run.stdout)
    wrong = [
        p for p, ok in zip(patterns, verdicts, strict=True) if (ecma.compile_error(p) is None) != ok
    ]
    assert wrong == []
