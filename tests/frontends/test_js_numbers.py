"""TypeScript manifests: number literals, unary `-`, `+` and ToString evaluate exactly as in
JavaScript (IEEE 754 doubles), proved against Node on generated expressions (issue 10, class 11).

A value JavaScript would make `Infinity` is not static (BF004), never an exception.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from backfill_codegen.frontends import ts_literals
from backfill_codegen.frontends.typescript import parse
from backfill_codegen.source import SourceFile
from tests.support.tsc_support import run_node

_HEX = "0123456789abcdef"

#: Integers around the places doubles lose precision or overflow.
_EDGES = [2**53 - 1, 2**53, 2**53 + 1, 2**63, 2**64 + 1, 2**1023, 2**1024 - 2**970, 2**1024]


def _decimal_int() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(0, 10**6).map(str),
        st.sampled_from(_EDGES).flatmap(lambda n: st.integers(-3, 3).map(lambda d: str(n + d))),
        st.integers(15, 330).flatmap(lambda k: st.integers(10 ** (k - 1), 10**k - 1).map(str)),
    )


def _radix_int() -> st.SearchStrategy[str]:
    hex_digits = st.text(_HEX, min_size=1, max_size=280)
    return st.one_of(
        hex_digits.map(lambda digits: "0x" + digits),
        st.just("0x" + "f" * 256),  # just below and just above the largest double
        st.just("0x" + "f" * 257),
        st.just("0x" + "fffffffffffff8" + "0" * 242),
        st.text("01234567", min_size=1, max_size=40).map(lambda digits: "0o" + digits),
        st.text("01", min_size=1, max_size=80).map(lambda digits: "0b" + digits),
    )


def _float_literal() -> st.SearchStrategy[str]:
    finite = st.floats(allow_nan=False, allow_infinity=False, min_value=0)
    return st.one_of(
        finite.map(repr),
        st.tuples(st.integers(0, 999), st.integers(0, 999), st.integers(-330, 330)).map(
            lambda parts: f"{parts[0]}.{parts[1]}e{parts[2]}"
        ),
        st.sampled_from(["0.1", "0.2", "1.7976931348623157e308", "5e-324", "1e21", "1e-7"]),
    )


def _literal() -> st.SearchStrategy[str]:
    plain = st.one_of(_decimal_int(), _radix_int(), _float_literal())
    return st.tuples(st.booleans(), plain).map(lambda t: f"-{t[1]}" if t[0] else t[1])


def _expression() -> st.SearchStrategy[str]:
    return st.lists(_literal(), min_size=1, max_size=4).map(lambda terms: " + ".join(terms))


def _ours(expression: str) -> tuple[str, object]:
    """('value', v) or ('not-static', message), from our front end."""
    source = SourceFile("backfill.config.ts", f"export default {{ x: {expression} }};\n")
    result = parse(source)
    if result.diagnostics:
        codes = {d.code for d in result.diagnostics}
        assert codes == {"BF004"}, [(d.code, d.message) for d in result.diagnostics]
        return "not-static", result.diagnostics[0].message
    assert result.document is not None
    value = result.document.value
    assert isinstance(value, dict)
    return "value", value["x"]


_NODE = """
const chunks = [];
process.stdin.on("data", (c) => chunks.push(c));
process.stdin.on("end", () => {
  const expressions = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const out = expressions.map((e) => {
    const v = eval("(" + e + ")");
    const t = eval("`${" + e + "}`");
    return Number.isFinite(v) ? [JSON.stringify(v), t] : null;
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def _assert_agree(expressions: list[str]) -> None:
    answers = run_node(_NODE, expressions)
    for expression, answer in zip(expressions, answers, strict=True):
        kind, ours = _ours(expression)
        if answer is None:
            assert kind == "not-static", (expression, ours)
            continue
        assert kind == "value", (expression, ours)
        assert isinstance(ours, int | float) and not isinstance(ours, bool)
        expected = json.loads(answer[0])
        assert float(ours) == float(expected), (expression, ours, expected)
        assert not isinstance(ours, int) or ours == int(float(ours)), expression
        assert ts_literals.number_to_string(ours) == answer[1], (expression, ours)
        template = _ours(f"`${{{expression}}}`")
        assert template == ("value", answer[1]), expression


@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # shrinking would run Node hundreds of times
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(_expression(), min_size=40, max_size=40))
def test_numbers_follow_javascript_doubles(expressions: list[str]) -> None:
    _assert_agree(expressions)


@pytest.mark.parametrize(
    "expression",
    [
        "9007199254740992 + 1",
        "9007199254740993",
        "0x20000000000001 + 0",
        "0.1 + 0.2",
        "1 + 2",
        "-0 + 0",
        "1e21 + 1",
        "0x" + "f" * 256 + " + 0x" + "f" * 256,  # was an OverflowError
        "1.7976931348623157e308 + 1e292",
        "-1.7976931348623157e308 + -1e292",
        "0x" + "f" * 257,
        "12345678901234567890 + 0.5",
    ],
)
def test_known_members(expression: str) -> None:
    _assert_agree([expression])


def test_the_examples_of_the_issue() -> None:
    assert _ours("9007199254740992 + 1") == ("value", 9007199254740992)
    kind, message = _ours("0x" + "f" * 256 + " + 0x" + "f" * 256)
    assert kind == "not-static" and "largest JavaScript number" in str(message)
    assert ts_literals.add(2**53, 1) == 2**53
    assert math.isclose(ts_literals.add(0.1, 0.2), 0.30000000000000004, rel_tol=0)
