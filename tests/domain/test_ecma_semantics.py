"""Pattern semantics: generated validators accept exactly what `new RegExp(p, "u").test` does.

One corpus: every pattern in the goldens and in the real schemas and OAuth providers of
../shared/corpus (109 patterns, when present), patterns generated from a grammar of ECMA-262 pieces
(tests/support/ecma_patterns.py) and the issue's examples, each with tricky strings (a trailing
`\\n`, U+2028, Unicode digits, astral characters, `_`, the empty string) and strings sampled from
the pattern itself. Node evaluates all of it in one process; the Python translation
(domain/ecma_translate.py, under `re.search`) and the generated `settings.py` (a plain field, a
secret's `_secret_pattern` helper and a `patternProperties` key) must give the same verdicts.

One known V8 deviation is left out: V8 tries a zero-width match *inside* a surrogate pair in `u`
mode (`/\\B/u.test("a😀b")` is true, at index 2), which no code-point engine can reproduce; the
Node side reports such matches and they are skipped.
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import shutil
import signal
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import ValidationError

from backfill_codegen.domain import ecma, ecma_syntax, ecma_translate
from backfill_codegen.domain.settings_schema import walk
from backfill_codegen.emit import python_settings
from backfill_codegen.pipeline import parse, read_source
from tests.support import ecma_patterns
from tests.support.paths import ROOT, SHARED_CORPUS

#: Reads `[[pattern, [text, ...]], ...]` on stdin; writes, per pattern, null (not a valid `u`
#: pattern) or per text true / false / "split" (V8 matched inside a surrogate pair).
_NODE = r"""
let data = "";
process.stdin.on("data", (chunk) => (data += chunk));
process.stdin.on("end", () => {
  const out = JSON.parse(data).map(([pattern, texts]) => {
    let regex;
    try { regex = new RegExp(pattern, "u"); } catch (e) { return null; }
    return texts.map((text) => {
      const m = regex.exec(text);
      if (m === null) return false;
      const i = m.index, lead = text.charCodeAt(i - 1), trail = text.charCodeAt(i);
      const split = i > 0 && lead >= 0xd800 && lead <= 0xdbff && trail >= 0xdc00 && trail <= 0xdfff;
      return split ? "split" : true;
    });
  });
  process.stdout.write(JSON.stringify(out));
});
"""

#: The issue's examples and the classic differences between engines.
EXAMPLES = (
    "^sk_live_[a-z]+$",
    "^\\d+$",
    "^\\w+$",
    "^.$",
    "^\\s$",
    "\\bword\\b",
    "^[^]$",
    "^[]?$",
    "^(?<year>\\d{4})-\\d{2}$",
    "^\\u{1F600}$",
    "^[\\u{1F600}-\\u{1F64F}]+$",
    "^\\uD83D\\uDE00$",
    "^[a-z0-9.-]+(/[a-z0-9]+)?$",
    "^\\cJ$",
    "^\\0$",
    "^[\\b]$",
    "^a{2,}$",
    "(?<=\\$)\\d+",
    "^(?!-)[a-z0-9-]{1,63}(?<!-)$",
    # Backreferences: to a group set once (or not at all), before it, inside it.
    "^(a)?\\1b$",
    "^(?<q>['\"]).*\\k<q>$",
    "^\\1(a)$",
    "^(a\\1)b$",
    "(a)|\\1x",
    "^([ab])\\1{3}$",
    "^(?:(a)|b)\\1$",
    "^(?:(a)|(b))\\1\\2$",
    # Look-behinds of variable but bounded width.
    "(?<=a|bc)d",
    "(?<!\\d{1,3})x",
)


def golden_patterns() -> list[str]:
    found: list[str] = []
    for manifest in sorted(ROOT.glob("golden/*/backfill.config.*")):
        source, problems = read_source(manifest, manifest.name)
        document = None if problems else parse(source, manifest.suffix.lower()).document
        value = None if document is None else document.value
        schema = (
            value.get("connection", {}).get("settingsSchema") if isinstance(value, dict) else None
        )
        if not isinstance(schema, dict):
            continue
        for sub in walk(schema):
            if isinstance(sub.schema.get("pattern"), str):
                found.append(sub.schema["pattern"])
            keyed = sub.schema.get("patternProperties")
            if isinstance(keyed, dict):
                found.extend(k for k in keyed if isinstance(k, str))
    return found


def _sample(node: ecma_syntax.Node, rng: random.Random) -> str:
    """A string `node` is likely to match (assertions and look-arounds are ignored)."""
    if isinstance(node, ecma_syntax.Chars):
        if not node.ranges:
            return ""
        low, high = rng.choice(node.ranges)
        return chr(rng.choice((low, high, rng.randint(low, min(high, low + 300)))))
    if isinstance(node, ecma_syntax.Seq):
        return "".join(_sample(item, rng) for item in node.items)
    if isinstance(node, ecma_syntax.Alt):
        return _sample(rng.choice(node.items), rng)
    if isinstance(node, ecma_syntax.Group):
        return _sample(node.body, rng)
    if isinstance(node, ecma_syntax.Repeat):
        count = rng.randint(
            node.min, node.min + 2 if node.max is None else min(node.max, node.min + 2)
        )
        return "".join(_sample(node.body, rng) for _ in range(count))
    return ""


def _texts(pattern: str, rng: random.Random) -> list[str]:
    texts = list(ecma_patterns.TRICKY_STRINGS)
    try:
        tree = ecma_syntax.parse(pattern)
    except ecma_syntax.Unsupported:
        return texts
    for _ in range(4):
        sample = _sample(tree, rng)
        texts += [sample, sample + "\n", "\n" + sample, sample + "\u2028", sample + "x"]
        if sample:
            at = rng.randrange(len(sample))
            for swap in ("\u0663", "\u2028", "\n", "_", "\U0001f600"):
                texts.append(sample[:at] + swap + sample[at + 1 :])
    # Lone surrogates cannot cross into pydantic's Rust core; the engines agree on them anyway.
    return list(dict.fromkeys(t for t in texts if not any(0xD800 <= ord(c) <= 0xDFFF for c in t)))


#: Real connectors' settings schemas and OAuth providers, beside the repository when present.


def _patterns_in(value: Any) -> list[str]:
    """Every `pattern` string and `patternProperties` key anywhere in a JSON value."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("pattern"), str):
                found.append(item["pattern"])
            if isinstance(item.get("patternProperties"), dict):
                found.extend(k for k in item["patternProperties"] if isinstance(k, str))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def shared_patterns() -> list[str]:
    found: list[str] = []
    for path in sorted(SHARED_CORPUS.glob("**/*.json")):
        try:
            found.extend(_patterns_in(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
    return sorted(set(found))


@cache
def corpus() -> tuple[tuple[str, tuple[str, ...]], ...]:
    rng = random.Random(12)
    patterns = [
        *golden_patterns(),
        *shared_patterns(),
        *EXAMPLES,
        *ecma_patterns.seeded_patterns(400, seed=12),
    ]
    valid = [p for p in dict.fromkeys(patterns) if ecma.compile_error(p) is None]
    return tuple((p, tuple(_texts(p, rng))) for p in valid)


@cache
def node_verdicts() -> tuple[tuple[bool | str, ...] | None, ...]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    job = json.dumps([[p, list(t)] for p, t in corpus()])
    done = subprocess.run(
        [node, "-e", _NODE], input=job, capture_output=True, text=True, check=True, timeout=120
    )
    return tuple(None if v is None else tuple(v) for v in json.loads(done.stdout))


def _shares_a_group_name(pattern: str) -> bool:
    names = re.findall(r"\(\?<([^=!>][^>]*)>", pattern)
    return len(names) != len(set(names))


def _python_is_quick(pattern: str, texts: tuple[str, ...]) -> bool:
    """Whether Python's `re` decides every text within a moment: a generated pattern can
    backtrack catastrophically (in every backtracking engine), and that is not what is tested."""

    def stop(*_: object) -> None:
        raise TimeoutError

    compiled = re.compile(ecma_translate.to_python(pattern))
    previous = signal.signal(signal.SIGALRM, stop)
    try:
        for text in texts:
            signal.setitimer(signal.ITIMER_REAL, 0.2)
            compiled.search(text)
    except TimeoutError:
        return False
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return True


@cache
def _agreeing_cases() -> list[tuple[int, str, tuple[str, ...], tuple[bool | str, ...]]]:
    cases = []
    for index, ((pattern, texts), verdicts) in enumerate(
        zip(corpus(), node_verdicts(), strict=True)
    ):
        if verdicts is None:
            # Node 20 predates ES2025's duplicate group names (in separate alternatives), which
            # regress and current browsers accept; nothing else may differ.
            assert _shares_a_group_name(pattern), f"regress accepts {pattern!r}, V8 does not"
            continue
        if ecma_translate.untranslatable(pattern) is None and _python_is_quick(pattern, texts):
            cases.append((index, pattern, texts, verdicts))
    return cases


def test_the_corpus_is_large_and_mostly_translatable() -> None:
    cases = _agreeing_cases()
    assert len(corpus()) >= 250 and len(cases) >= 0.7 * len(corpus())
    assert {p for p, _ in corpus()} >= set(golden_patterns()) - {
        p for p in golden_patterns() if ecma.compile_error(p)
    }


def test_what_cannot_be_translated_is_only_the_documented_constructs() -> None:
    for pattern, _ in corpus():
        why = ecma_translate.untranslatable(pattern)
        if why is not None:
            assert any(
                reason in why for reason in ("backreference", "Unicode property", "look-behind")
            ), (pattern, why)


def test_the_python_translation_agrees_with_node() -> None:
    wrong = []
    for _, pattern, texts, verdicts in _agreeing_cases():
        compiled = re.compile(ecma_translate.to_python(pattern))
        for text, verdict in zip(texts, verdicts, strict=True):
            if verdict != "split" and (compiled.search(text) is not None) != verdict:
                wrong.append((pattern, text, verdict))
    assert not wrong, wrong[:10]


def _load(code: str, tmp_path: Path, name: str) -> ModuleType:
    path = tmp_path / f"{name}.py"
    path.write_text(code, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def _schema(cases: list[tuple[int, str, tuple[str, ...], Any]]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for index, pattern, _, _ in cases:
        properties[f"p{index}"] = {"type": "string", "pattern": pattern}
        properties[f"s{index}"] = {"type": "string", "writeOnly": True, "pattern": pattern}
        properties[f"m{index}"] = {
            "type": "object",
            "patternProperties": {pattern: {"type": "string"}},
            "additionalProperties": False,
        }
    return {"type": "object", "properties": properties}


def _accepts(model: Any, data: dict[str, Any]) -> bool:
    try:
        model.model_validate(data)
    except ValidationError:
        return False
    return True


def test_generated_validators_agree_with_node(tmp_path: Path) -> None:
    cases = _agreeing_cases()
    code = python_settings.generate_settings_module(_schema(cases))
    assert "Not checked by these models" not in code, code[:2000]
    model = _load(code, tmp_path, "ecma_semantics_settings").Settings
    wrong = []
    for index, pattern, texts, verdicts in cases:
        for text, verdict in zip(texts, verdicts, strict=True):
            if verdict == "split":
                continue
            for field, value in (
                (f"p{index}", text),
                (f"s{index}", text),
                (f"m{index}", {text: ""}),
            ):
                if _accepts(model, {field: value}) != verdict:
                    wrong.append((field, pattern, text, verdict))
    assert not wrong, wrong[:10]


def test_the_issue_examples(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "key": {"type": "string", "writeOnly": True, "pattern": "^sk_live_[a-z]+$"},
            "digits": {"type": "string", "pattern": "^\\d+$"},
            "word": {"type": "string", "pattern": "^\\w+$"},
            "one": {"type": "string", "pattern": "^.$"},
        },
    }
    model = _load(python_settings.generate_settings_module(schema), tmp_path, "issue12").Settings
    assert _accepts(model, {"key": "sk_live_abc"})
    assert not _accepts(model, {"key": "sk_live_abc\n"})
    assert _accepts(model, {"digits": "123"}) and not _accepts(model, {"digits": "\u0663"})
    assert not _accepts(model, {"word": "\u00e9"}) and _accepts(model, {"word": "a_1"})
    assert _accepts(model, {"one": "\U0001f600"}) and not _accepts(model, {"one": "\u2028"})
