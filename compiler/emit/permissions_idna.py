"""What a generated matcher needs to read a non-ASCII request host exactly as compiler/urls.py does.

compiler/urls.py maps a non-ASCII host with the `idna` package (UTS-46 mapping, NFC, then the
IDNA 2008 checks of each label). The generated matchers have no `idna` package, and they do not
need all of it: they only have to decide whether a host spells one of THIS connector's entry
hosts. So we ship, per connector:

* `hosts`: the entry hosts that a non-ASCII spelling can reach at all (an entry host with a label
  that IDNA 2008 rejects, like `under_score`, or an IP literal in brackets, cannot be reached);
* `labels`: the U-label -> A-label pairs of those hosts (`bücher` -> `xn--bcher-kva`);
* `runs`: the UTS-46 mapping of every non-ASCII character that can take part in spelling them.

A character is needed exactly when the canonical decomposition (NFD) of its mapping uses only
characters found in the hosts (as written, and in the NFD of their U-labels): any other character
leaves a trace in the NFD of the mapped host, so that host cannot equal an entry's (NFC and NFD
are canonically equivalent). A character missing from `runs` therefore means "no entry can
match", which is also what compiler/urls.py concludes, either by refusing the host or by
normalizing it to a host that no entry has.

The generated matcher then: lowercases ASCII, maps each other character through `runs` (missing:
no match), applies NFC, splits on `.`, replaces each non-ASCII label by its A-label (missing: no
match), and accepts the result only if it is one of `hosts`. A host longer than `max_input`
characters is refused first, as the `idna` package does.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import idna

_VALID, _MAPPED, _DEVIATION, _IGNORED = "V", "M", "D", "I"


@dataclass(frozen=True)
class IdnaRun:
    """Code points `first`..`last` all map to `mapping` (step 0), or each maps to the character
    `code - first` places after `mapping`, a single character (step 1)."""

    first: int
    last: int
    mapping: str
    step: int


@dataclass(frozen=True)
class IdnaTables:
    hosts: tuple[str, ...]  # sorted
    labels: tuple[tuple[str, str], ...]  # (U-label, A-label), sorted
    runs: tuple[IdnaRun, ...]  # sorted by first, disjoint
    max_input: int | None  # the `idna` package's limit on a host's length, in characters


def _rows() -> Iterator[tuple[int, int, str, str | None]]:
    """(first, last, status, replacement) for every row of the `idna` package's UTS-46 table,
    with std3_rules=False and non-transitional processing, as `idna.encode(..., uts46=True)`."""
    try:
        from idna.uts46data import (  # idna >= 3.11
            uts46_replacements,
            uts46_starts,
            uts46_statuses,
        )
    except ImportError:  # older layout: a tuple of (start, status[, replacement]) rows
        from idna.uts46data import uts46data  # type: ignore[attr-defined]

        rows = list(uts46data)
        for index, row in enumerate(rows):
            last = rows[index + 1][0] - 1 if index + 1 < len(rows) else 0x10FFFF
            status, replacement = row[1], (row[2] if len(row) == 3 else None)
            if status == "3":  # disallowed_STD3_*: allowed when std3_rules is False
                status = _VALID if replacement is None else _MAPPED
            yield row[0], last, status, replacement
        return
    for index, first in enumerate(uts46_starts):
        last = uts46_starts[index + 1] - 1 if index + 1 < len(uts46_starts) else 0x10FFFF
        yield first, last, chr(uts46_statuses[index]), uts46_replacements[index]


def _special_rows() -> Iterator[tuple[range, str, str]]:
    """Every non-ASCII code point that is mapped, ignored, or kept but decomposable, with its
    mapping and the mapping's NFD (the characters it needs), in code point order: consecutive
    code points with the same mapping (a row of the UTS-46 table) as one range."""
    normalize = unicodedata.normalize
    for first, last, status, replacement in _rows():
        if last < 0x80:
            continue
        codes = range(max(first, 0x80), last + 1)
        if status == _MAPPED:
            mapping = replacement or ""
            yield codes, mapping, normalize("NFD", mapping)
        elif status == _IGNORED:
            yield codes, "", ""
        elif status in (_VALID, _DEVIATION):
            for code, decomposed in _decompositions(codes):
                yield range(code, code + 1), chr(code), decomposed


#: Code points tested together by `_decompositions` (most blocks decompose nowhere).
_BLOCK = 256


def _decompositions(codes: range) -> Iterator[tuple[int, str]]:
    """(code point, its NFD) for each code point of `codes` that NFD changes.

    A block is first tested whole: NFD(s) is a reordering of the full decompositions of s's
    characters, each of which decomposes to itself, so NFD(s) == s only when no character of s
    changes, and such a block is skipped without a test per code point."""
    normalize, normalized = unicodedata.normalize, unicodedata.is_normalized
    for start in range(codes.start, codes.stop, _BLOCK):
        block = range(start, min(start + _BLOCK, codes.stop))
        if len(block) > 8 and normalized("NFD", "".join(map(chr, block))):
            continue
        for code in block:
            char = chr(code)
            decomposed = normalize("NFD", char)
            if decomposed != char:
                yield code, decomposed


def _special() -> tuple[tuple[int, str, frozenset[str]], ...]:
    """`_special_rows()` one code point at a time, each with the set of characters it needs
    (the long way round that `_special_index` shortens; the tests compare the two)."""
    return tuple(
        (code, mapping, frozenset(needs))
        for codes, mapping, needs in _special_rows()
        for code in codes
    )


@dataclass(frozen=True)
class _SpecialIndex:
    """`_special_rows()` arranged for a connector's small alphabet: the code points that need
    no character (ignored), and the others under the highest character they need (an entry
    can only qualify when that character is in the alphabet)."""

    always: tuple[tuple[int, str], ...]
    by_char: dict[str, list[tuple[range, str, str]]]


@cache
def _special_index() -> _SpecialIndex:
    """Built once per process (about 25 ms)."""
    always: list[tuple[int, str]] = []
    by_char: dict[str, list[tuple[range, str, str]]] = defaultdict(list)
    for codes, target, needs in _special_rows():
        if needs:
            by_char[max(needs)].append((codes, target, needs))
        else:
            always.extend((code, target) for code in codes)
    return _SpecialIndex(tuple(always), dict(by_char))


def warm_up() -> None:
    """Build the per-process tables now (before workers fork, so they share them)."""
    _special_index()
    _status_index()
    unicode_form("xn--bcher-kva.example")


@cache
def _status_index() -> tuple[list[int], list[str]]:
    firsts: list[int] = []
    statuses: list[str] = []
    for first, _last, status, _replacement in _rows():
        firsts.append(first)
        statuses.append(status)
    return firsts, statuses


def _status(code: int) -> str:
    firsts, statuses = _status_index()
    return statuses[bisect.bisect_right(firsts, code) - 1]


def unicode_form(host: str) -> str | None:
    """The host with each A-label decoded, when a non-ASCII spelling of it can reach it under
    compiler/urls.py (mapping that spelling gives this text, and `idna` encodes it back to
    `host`); None otherwise."""
    if host.startswith("["):
        return None
    labels: list[str] = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                labels.append(idna.decode(label))
            except (idna.IDNAError, UnicodeError, ValueError):
                return None
        else:
            labels.append(label)
    text = ".".join(labels)
    try:
        encoded = idna.encode(text, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return None
    return text if encoded == host else None


def tables(hosts: Iterable[str]) -> IdnaTables:
    """The tables for a connector whose entries have these (normalized) hosts."""
    return _tables(tuple(sorted(set(hosts))))


@lru_cache(maxsize=1024)  # connectors of a monorepo often share their hosts
def _tables(hosts: tuple[str, ...]) -> IdnaTables:
    reachable: dict[str, str] = {}
    for host in hosts:
        form = unicode_form(host)
        if form is not None:
            reachable[host] = form
    labels: set[tuple[str, str]] = set()
    alphabet: set[str] = set()
    for host, form in reachable.items():
        alphabet.update(host)
        alphabet.update(unicodedata.normalize("NFD", form))
        for a_label, u_label in zip(host.split("."), form.split("."), strict=True):
            if a_label != u_label:
                labels.add((u_label, a_label))
    mapping: dict[int, str] = {}
    if reachable:
        alphabet.add(".")
        for char in alphabet:
            if ord(char) >= 0x80 and _status(ord(char)) in (_VALID, _DEVIATION):
                mapping[ord(char)] = char
        # Then every code point whose mapping is spelled with the alphabet alone (each code
        # point is in `_special()` once, so the order of these writes does not matter).
        index = _special_index()
        mapping.update(index.always)
        for char in alphabet:
            for codes, target, needs in index.by_char.get(char, ()):
                if alphabet.issuperset(needs):
                    mapping.update(dict.fromkeys(codes, target))
    max_input = getattr(idna.core, "_max_input_length", None)
    return IdnaTables(
        hosts=tuple(reachable),
        labels=tuple(sorted(labels)),
        runs=_runs(mapping),
        max_input=max_input if isinstance(max_input, int) else None,
    )


def _runs(mapping: dict[int, str]) -> tuple[IdnaRun, ...]:
    """Consecutive code points with the same mapping, or mapping to consecutive characters."""
    runs: list[IdnaRun] = []
    for code in sorted(mapping):
        target = mapping[code]
        if runs and runs[-1].last == code - 1:
            run = runs[-1]
            if run.step == 0 and target == run.mapping:
                runs[-1] = IdnaRun(run.first, code, run.mapping, 0)
                continue
            if (
                (run.step == 1 or run.first == run.last)
                and len(target) == len(run.mapping) == 1
                and ord(target) == ord(run.mapping) + code - run.first
            ):
                runs[-1] = IdnaRun(run.first, code, run.mapping, 1)
                continue
        runs.append(IdnaRun(code, code, target, 0))
    return tuple(runs)


def lookup(runs: tuple[IdnaRun, ...], code: int) -> str | None:
    """What the generated matchers do with `runs` (kept here so the tests can check it)."""
    index = bisect.bisect_right([run.first for run in runs], code) - 1
    if index < 0 or runs[index].last < code:
        return None
    run = runs[index]
    return chr(ord(run.mapping) + code - run.first) if run.step else run.mapping
