"""BF705 on a URL known only up to a prefix, against the allowlist's own matcher (domain/urls.py).

Hypothesis draws entries and prefixes on one host from the same pieces, and continuations of
the prefix: an *allowed* prefix must have every continuation allowed by `urls.is_allowed`, a
*blocked* one none, and an *undecided* one must name an entry that allows some continuation.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from backfill_codegen.domain import urls
from backfill_codegen.route_files.outbound import StaticUrl, judge

HOST = "https://api.x.example"
PIECES = ("v2", "v3", "a", "/", "-", ".json")
entry_paths = st.lists(st.sampled_from((*PIECES, "*")), max_size=5).map(lambda p: "/" + "".join(p))
prefixes = st.lists(st.sampled_from(PIECES), max_size=4).map(lambda p: HOST + "/" + "".join(p))
rests = st.lists(st.sampled_from(("", "x", *PIECES)), max_size=4).map("".join)


def _entries(paths: list[str]) -> list[urls.AllowEntry]:
    parsed = [urls.parse_entry(HOST + path).entry for path in paths]
    return [entry for entry in parsed if entry is not None]


def _witness(pattern: str, known: str) -> str:
    """A rest after `known` that `pattern` matches, when the verdict says one exists."""
    filled = pattern.replace("*", "x")
    if filled.startswith(known):
        return filled[len(known) :]
    return "x" + pattern.partition("*")[2].replace("*", "x")


@given(paths=st.lists(entry_paths, min_size=1, max_size=3), prefix=prefixes, data=st.data())
def test_prefix_verdict_agrees_with_the_matcher(
    paths: list[str], prefix: str, data: st.DataObject
) -> None:
    entries = _entries(paths)
    verdict = judge(StaticUrl(prefix, False), entries)
    assert verdict is not None  # the prefix reaches past the host
    samples = [data.draw(rests) for _ in range(8)]
    allowed = [urls.is_allowed(entries, prefix + rest) for rest in samples]
    if verdict.allowed:
        assert all(allowed), (prefix, paths, samples)
    elif verdict.undecided is None:
        assert not any(allowed), (prefix, paths, samples)
    else:
        original, _ = verdict.undecided
        [entry] = [e for e in entries if e.original == original][:1]
        rest = _witness(entry.path_pattern, prefix[len(HOST) :])
        assert urls.is_allowed([entry], prefix + rest), (prefix, original, rest)


def test_a_prefix_ending_at_a_segment_boundary_is_allowed() -> None:
    entries = _entries(["/v2/*"])
    assert judge(StaticUrl(HOST + "/v2/", False), entries).allowed
    undecided = judge(StaticUrl(HOST + "/v2", False), entries)
    assert not undecided.allowed
    assert undecided.undecided == (HOST + "/v2/*", "starts with `/`")
