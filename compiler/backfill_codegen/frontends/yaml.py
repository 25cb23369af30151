"""The YAML front end: safe YAML 1.2 text -> located value tree, or located diagnostics.

ruamel.yaml's pure-Python *event* parser (`YAML(typ="safe", pure=True).parse`) reads the text;
this module builds the plain value from the events itself, with an explicit stack. Why events and
not `compose()`: ruamel's composer (and every constructor) recurses once per nesting level, so a
deeply nested file would hit RecursionError long before any check of ours could run, and it
expands nothing lazily; the event stream is flat, carries `start_mark`/`end_mark` whose `index`
counts characters (code points) when the parser is fed a `str`, and lets us stop at the first
event that crosses a limit. PyYAML's events would serve as well, but PyYAML is a YAML 1.1 library
and not a dependency; ruamel.yaml is.

Semantics, decided here and not by the library's resolver:

- Plain scalars resolve by the YAML 1.2 core schema: `null`/`~`/empty, `true`/`false` (three
  spellings each), integers `[-+]?[0-9]+` (so `0777` is 777), `0o17`, `0x1F`, floats. Everything
  else is a string: `yes`, `no`, `on`, `off`, `1_000` and `1:30` are strings, as in YAML 1.2.
- BF008 (unsupported value), after which the document is still returned: `.inf`/`.nan` (kept as
  `None`, as JSON front end does for NaN); a plain scalar that YAML 1.1 tools read as a timestamp
  (`2024-01-01`: kept as the string written, but reported, since the manifest must be the same
  object for every reader); any tag but the core schema's `!!str !!int !!float !!bool !!null !!map
  !!seq` (`!!binary`, `!!timestamp`, `!!python/...`, `!Custom`: the value is built as if the tag
  were absent); a key that is not a string (`1:`, `null:`, `true:`, `[a]:`, `{a: b}:`: the member is
  dropped).
- Merge keys (`<<`) are rejected with BF008 and the member dropped: YAML 1.2 has no merge key
  (there `<<` would be an ordinary string key, which is never what the author meant).
- Aliases are expanded, counting every value produced (literal nodes and expansions alike); an
  alias that takes the count past limits.MAX_VALUES is BF006 at the alias, so a billion-laughs
  file stops after about MAX_VALUES steps. An alias to a node still being built (`a: &a [*a]`) is
  BF006 too. Values under an alias are copies; their inner paths keep the spans of the anchored
  text, the alias path itself spans the `*alias`.
- Duplicate keys: BF003 at the second key, "first defined here" at the first; the later value wins.
- One document per file: a second document is BF001 at its start. No document, or a document
  that is empty (comments, `---` alone) is BF007. A `%YAML` directive does not change the schema.
- Nesting deeper than limits.MAX_DEPTH is BF006 at the first too-deep collection; syntax errors
  are BF001 at ruamel's problem mark, with its message rewritten without Python reprs.

Speed: ruamel's pure-Python scanner is the bottleneck, about 0.4 MB/s (a 10 MB block-style manifest
takes about 25 s; see tests/frontends/test_frontend_yaml.py), and a flow collection nested 10,000
deep costs about 0.7 s before the depth limit stops it (the scanner looks up to 1,024 characters
ahead for implicit keys). A C event parser (ruamel.yaml.clib, libyaml-based) would be far faster; it
is not a dependency today.
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Iterator
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
)
from ruamel.yaml.reader import ReaderError

from backfill_codegen.diagnostics.model import Diagnostic, JsonPath, Label, Rule
from backfill_codegen.diagnostics.registry import make_diagnostic
from backfill_codegen.frontends.base import FrontendResult, LocatedDocument
from backfill_codegen.frontends.tree import (
    duplicate_key,
    iter_paths,
    prune_spans,
    too_deep,
    too_many,
)
from backfill_codegen.limits import MAX_DEPTH, MAX_PARSED_VALUES, MAX_VALUES
from backfill_codegen.rules.source import (
    EMPTY_MANIFEST,
    SYNTAX_ERROR,
    TOO_COMPLEX,
    UNSUPPORTED_VALUE,
)
from backfill_codegen.source import SourceFile, Span

_CORE = "tag:yaml.org,2002:"
_NULL = re.compile(r"(?:null|Null|NULL|~)?")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_BREAKS = "\x85\u2028\u2029"
_DROP = object()  # the key of a member that is not kept (non-string key, merge key)

# ruamel token names in error messages -> words a user knows.
_TOKENS = {
    "<stream end>": "the end of the file",
    "<stream start>": "the start of the file",
    "<document start>": "a document start ('---')",
    "<document end>": "a document end ('...')",
    "<directive>": "a directive",
    "<block sequence start>": "a '-' list item",
    "<block mapping start>": "a new mapping",
    "<block end>": "the end of the indented block",
    "<alias>": "an alias",
    "<anchor>": "an anchor",
    "<tag>": "a tag",
    "<scalar>": "a scalar",
    "<comment>": "a comment",
    "?": "a mapping key",
}


class _Fail(Exception):
    """Ends the parse with one BF001/BF006 diagnostic (internal; never escapes `parse`)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class _Frame:
    """An open mapping or sequence."""

    __slots__ = (
        "anchor",
        "container",
        "count_start",
        "end",
        "flow",
        "is_map",
        "key",
        "keys",
        "kstart",
        "path",
        "start",
        "vstart",
    )

    def __init__(
        self,
        is_map: bool,
        path: JsonPath | None,
        start: int,
        end: int,
        flow: bool,
        anchor: str | None,
    ) -> None:
        self.is_map = is_map
        self.container: Any = {} if is_map else []
        self.path = path  # None: the node is built but not kept (a non-string key, say)
        self.start = start
        self.end = end  # end of the text seen so far (a block collection has no closing mark)
        self.flow = flow
        self.anchor = anchor
        self.key: Any = None  # None: a key comes next; else the key whose value comes next
        self.keys: dict[str, Span] = {}
        self.vstart = 0  # where this node's span records begin
        self.kstart = 0
        self.count_start = 0


class _Anchor:
    __slots__ = ("count", "kend", "kstart", "path", "value", "vend", "vstart")

    def __init__(self, value: Any, path: JsonPath | None, count: int) -> None:
        self.value = value
        self.path = path
        self.count = count
        self.vstart = self.vend = self.kstart = self.kend = 0


def parse(source: SourceFile) -> FrontendResult:
    builder = _Builder(source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ruamel warns about reused anchors and the like
            return builder.run()
    except _Fail as failure:
        diagnostics = [*builder.diagnostics, failure.diagnostic]
        return FrontendResult(None, sorted(diagnostics, key=Diagnostic.sort_key))
    except RecursionError:  # pragma: no cover - nothing here recurses; a last resort
        diagnostic = make_diagnostic(
            TOO_COMPLEX, "the YAML is nested too deeply", Label(source, Span(0, 0))
        )
        return FrontendResult(None, [diagnostic])


class _Builder:
    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.text = source.text
        self.diagnostics: list[Diagnostic] = []
        # Span records in document order; later ones win when the dicts are built.
        self.vrecords: list[tuple[JsonPath, Span]] = []
        self.krecords: list[tuple[JsonPath, Span]] = []
        self.stack: list[_Frame] = []
        self.anchors: dict[str, _Anchor] = {}
        self.open_anchors: dict[str, int] = {}
        self.count = 0
        self.root: Any = None
        self.root_empty = False
        self.replaced_container = False
        self.unmask: dict[int, int] = {}

    def masked_text(self) -> str:
        """The text with NEL, LS and PS swapped for unused private-use characters.

        ruamel follows YAML 1.1 there and breaks lines at U+0085/U+2028/U+2029; in YAML 1.2 they
        are ordinary characters. A one-for-one swap keeps every offset; `resolve` swaps back.
        """
        text = self.text
        present = [char for char in _NOT_BREAKS if char in text]
        if not present:
            return text
        used = set(text)
        free: list[str] = []
        for code in itertools.chain(range(0xE000, 0xF900), range(0xF0000, 0xFFFFE)):
            if chr(code) not in used:
                free.append(chr(code))
                if len(free) == len(present):
                    break
        else:  # pragma: no cover - a text that uses every private-use character
            return text
        mask = {ord(char): ord(free[index]) for index, char in enumerate(present)}
        self.unmask = {masked: original for original, masked in mask.items()}
        return text.translate(mask)

    # -- the event loop ----------------------------------------------------------------------

    def run(self) -> FrontendResult:
        documents = 0
        finished = False
        for event in self.events():
            if isinstance(event, ScalarEvent):
                self.scalar(event)
            elif isinstance(event, CollectionStartEvent):
                self.start_collection(event)
            elif isinstance(event, AliasEvent):
                self.alias(event)
            elif isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    start = event.start_mark.index
                    end = event.end_mark.index if event.explicit else start + 1
                    self.fail(
                        self.span(start, end),
                        "a manifest holds one YAML document; a second one starts here",
                        help="remove the '---' line and what follows, or merge the two documents",
                    )
            elif isinstance(event, StreamEndEvent):
                finished = True
            elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                self.end_collection(event)
        if not finished:  # pragma: no cover - the parser always ends with StreamEndEvent
            self.fail(self.span(len(self.text), len(self.text)), "unexpected end of the YAML")
        if documents == 0 or self.root_empty:
            return FrontendResult(
                None,
                [
                    make_diagnostic(
                        EMPTY_MANIFEST,
                        "the manifest is empty",
                        Label(self.source, Span(0, 0), "no YAML value in this file"),
                        help="write at least `name: ...`",
                    )
                ],
            )
        value_spans = dict(self.vrecords)
        key_spans = dict(self.krecords)
        if self.replaced_container:
            value_spans, key_spans = prune_spans(self.root, value_spans, key_spans)
        document = LocatedDocument(self.source, self.root, value_spans, key_spans)
        return FrontendResult(document, sorted(self.diagnostics, key=Diagnostic.sort_key))

    def events(self) -> Iterator[Event]:
        """ruamel's events, with every error it can raise turned into a BF001 diagnostic."""
        stream = YAML(typ="safe", pure=True).parse(self.masked_text())
        while True:
            try:
                event = next(stream)
            except StopIteration:
                return
            except MarkedYAMLError as error:
                raise _Fail(self.syntax_error(error)) from None
            except ReaderError as error:
                position = error.position if isinstance(error.position, int) else 0
                char = error.character
                shown = f"U+{char:04X}" if isinstance(char, int) else "a character"
                self.fail(
                    self.span(position, position + 1),
                    f"{shown} is not allowed in a YAML file",
                    help="YAML allows only printable characters; escape it in a "
                    'double-quoted string ("\\x07")',
                )
            except RecursionError:
                self.fail(Span(0, 0), "the YAML is nested too deeply", rule=TOO_COMPLEX)
            except Exception as error:  # the library's own faults (YAMLError or a bug): no crash
                self.fail(Span(0, 0), f"the YAML could not be read: {_clean(str(error))}")
            yield event

    # -- nodes -------------------------------------------------------------------------------

    def child_path(self) -> JsonPath | None:
        """The path of the node that starts now; None when it will not be kept."""
        if not self.stack:
            return ()
        parent = self.stack[-1]
        if parent.path is None:
            return None
        if parent.is_map:
            if parent.key is None or parent.key is _DROP:
                return None  # a key, or the value of a dropped member
            return (*parent.path, parent.key)
        return (*parent.path, len(parent.container))

    def scalar(self, event: ScalarEvent) -> None:
        span = self.span(event.start_mark.index, event.end_mark.index)
        path = self.child_path()
        value = self.resolve(event, span)
        self.count += 1
        if self.count > MAX_PARSED_VALUES:  # (aliases are held to MAX_VALUES, below)
            raise _Fail(too_many(self.source, span, MAX_PARSED_VALUES))
        if not self.stack and value is None and not event.value and event.implicit[0]:
            self.root_empty = event.tag is None
        vstart, kstart = len(self.vrecords), len(self.krecords)
        self.complete(value, span, path, event)
        if event.anchor is not None:
            self.remember(event.anchor, value, path, 1, vstart, kstart)

    def start_collection(self, event: CollectionStartEvent) -> None:
        start = event.start_mark.index
        if len(self.stack) >= MAX_DEPTH:
            raise _Fail(too_deep(self.source, self.span(start, start + 1), MAX_DEPTH))
        is_map = isinstance(event, MappingStartEvent)
        path = self.child_path()
        frame = _Frame(
            is_map, path, start, event.end_mark.index, bool(event.flow_style), event.anchor
        )
        frame.vstart = len(self.vrecords)
        frame.kstart = len(self.krecords)
        frame.count_start = self.count
        tag = event.tag
        if tag is not None and tag != "!" and tag != _CORE + ("map" if is_map else "seq"):
            wrong_kind = tag == _CORE + ("seq" if is_map else "map")
            self.unsupported_tag(tag, self.span(start, event.end_mark.index), wrong_kind)
        if event.anchor is not None:
            self.open_anchors[event.anchor] = self.open_anchors.get(event.anchor, 0) + 1
        self.stack.append(frame)

    def end_collection(self, event: Event) -> None:
        frame = self.stack.pop()
        end = event.end_mark.index if frame.flow else frame.end
        span = self.span(frame.start, max(end, frame.start))
        self.count += 1
        if self.count > MAX_PARSED_VALUES:
            start = self.span(frame.start, frame.start + 1)
            raise _Fail(too_many(self.source, start, MAX_PARSED_VALUES))
        self.complete(frame.container, span, frame.path, None)
        if frame.anchor is not None:
            self.open_anchors[frame.anchor] -= 1
            if not self.open_anchors[frame.anchor]:
                del self.open_anchors[frame.anchor]
            count = self.count - frame.count_start
            self.remember(
                frame.anchor, frame.container, frame.path, count, frame.vstart, frame.kstart
            )

    def remember(
        self, name: str, value: Any, path: JsonPath | None, count: int, vstart: int, kstart: int
    ) -> None:
        """Keep an anchored node, and where its span records are, for aliases to copy."""
        anchor = _Anchor(value, path, count)
        anchor.vstart, anchor.vend = vstart, len(self.vrecords)
        anchor.kstart, anchor.kend = kstart, len(self.krecords)
        self.anchors[name] = anchor

    def alias(self, event: AliasEvent) -> None:
        name = event.anchor
        span = self.span(event.start_mark.index, event.end_mark.index)
        if name in self.open_anchors:
            self.fail(
                span,
                f"the alias *{name} refers to the node that contains it",
                rule=TOO_COMPLEX,
                help="a recursive structure has no JSON equivalent",
            )
        anchor = self.anchors.get(name)
        if anchor is None:
            self.fail(span, f"the alias *{name} has no anchor &{name} before it")
        self.count += anchor.count
        if self.count > MAX_VALUES:
            self.fail(
                span,
                f"expanding the alias *{name} makes more than {MAX_VALUES:,} values",
                rule=TOO_COMPLEX,
                help="YAML aliases that expand to huge documents are not allowed",
            )
        value = _copy(anchor.value)
        path = self.child_path()
        if path is not None:
            if anchor.path is not None:
                cut = len(anchor.path)
                for inner, inner_span in self.vrecords[anchor.vstart : anchor.vend]:
                    self.vrecords.append(((*path, *inner[cut:]), inner_span))
                for inner, inner_span in self.krecords[anchor.kstart : anchor.kend]:
                    self.krecords.append(((*path, *inner[cut:]), inner_span))
            else:  # the anchored text was not kept: point everything at the alias
                for inner, is_member in iter_paths(value):
                    self.vrecords.append(((*path, *inner), span))
                    if is_member:
                        self.krecords.append(((*path, *inner), span))
        self.complete(value, span, path, event)

    def complete(self, value: Any, span: Span, path: JsonPath | None, event: Event | None) -> None:
        """A node is built: record its span and put it into its parent."""
        if not self.stack:
            self.root = value
            self.vrecords.append(((), span))
            return
        parent = self.stack[-1]
        parent.end = max(parent.end, span.end)
        if parent.is_map and parent.key is None:
            parent.key = self.key(value, span, event)
            return
        if path is not None:
            self.vrecords.append((path, span))
        if parent.is_map:
            key = parent.key
            parent.key = None
            if key is _DROP:
                return
            container = parent.container
            if isinstance(container.get(key), (dict, list)):
                self.replaced_container = True
            container[key] = value
        else:
            parent.container.append(value)

    def key(self, value: Any, span: Span, event: Event | None) -> Any:
        """The key a mapping member goes under, or _DROP (after a diagnostic)."""
        parent = self.stack[-1]
        if (
            isinstance(event, ScalarEvent)
            and event.value == "<<"
            and event.implicit[0]
            and event.tag is None
        ):
            self.unsupported(
                span,
                "merge keys (<<) are not supported",
                help="YAML 1.2 has no merge key; write the keys out",
            )
            return _DROP
        if not isinstance(value, str):
            kind = _kind(value)
            self.unsupported(
                span,
                f"a mapping key must be a string, not {kind}",
                help="quote the key",
            )
            return _DROP
        first = parent.keys.get(value)
        if first is not None:
            self.diagnostics.append(duplicate_key(self.source, value, span, first))
        else:
            parent.keys[value] = span
        if parent.path is not None:
            self.krecords.append(((*parent.path, value), span))
        return value

    # -- scalars -----------------------------------------------------------------------------

    def resolve(self, event: ScalarEvent, span: Span) -> Any:
        """The JSON value of a scalar under the YAML 1.2 core schema (BF008 for the rest)."""
        text = event.value
        tag = event.tag
        if self.unmask:
            text = text.translate(self.unmask)
        if _SURROGATE.search(text):
            text = self.join_surrogates(text, span)
        if tag is None:
            if event.implicit[0]:  # plain
                return self.plain(text, span)
            return text
        if tag == "!" or tag == _CORE + "str":
            return text
        if tag in (_CORE + "int", _CORE + "float", _CORE + "bool", _CORE + "null"):
            kind = tag[len(_CORE) :]
            value = self.plain(text, span)
            if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
                return float(value)
            if (
                (kind == "int" and (isinstance(value, bool) or not isinstance(value, int)))
                or (kind == "float" and not isinstance(value, float) and value is not None)
                or (kind == "bool" and not isinstance(value, bool))
                or (kind == "null" and value is not None)
            ):
                self.unsupported(span, f"'{_clip(text)}' is not a valid !!{kind}")
                return text
            return value
        self.unsupported_tag(tag, span)
        if event.style is not None:  # quoted or block: a string
            return text
        reported = len(self.diagnostics)
        value = self.plain(text, span)
        del self.diagnostics[reported:]  # one diagnostic for the node: the tag's
        return value

    def join_surrogates(self, text: str, span: Span) -> str:
        """JSON-style pairs ("\\ud83d\\ude00") are one character, as YAML 1.2 reads JSON; a lone
        half is BF008 (no UTF-8 file can hold it) and becomes U+FFFD."""
        raw = text.encode("utf-16-le", "surrogatepass")
        try:
            return raw.decode("utf-16-le")
        except UnicodeDecodeError:
            self.unsupported(
                span,
                "this string holds a lone UTF-16 surrogate escape, which is no character",
                help="write the character itself",
            )
            return raw.decode("utf-16-le", "replace")

    def plain(self, text: str, span: Span) -> Any:
        if _NULL.fullmatch(text):
            return None
        if text in _BOOL:
            return _BOOL[text]
        first = text[:1]
        if first and (first in "+-.0123456789"):
            if _INT.fullmatch(text):
                try:
                    return int(text)
                except ValueError:  # longer than the interpreter's int conversion limit
                    self.fail(span, "this integer has too many digits", rule=TOO_COMPLEX)
            if _OCT.fullmatch(text):
                return int(text[2:], 8)
            if _HEX.fullmatch(text):
                return int(text[2:], 16)
            if _FLOAT.fullmatch(text):
                number = float(text)
                if number not in (float("inf"), float("-inf")):
                    return number
                self.unsupported(span, "this number is too large for a 64-bit float")
                return None
            if _INF.fullmatch(text) or _NAN.fullmatch(text):
                self.unsupported(
                    span,
                    f"{text} has no JSON equivalent",
                    help="JSON has no NaN or infinity; use null or a string",
                )
                return None
            if _TIMESTAMP.fullmatch(text):
                self.unsupported(
                    span,
                    f"{text} is a timestamp to YAML 1.1 readers",
                    help=f'quote it to make it a string: "{text}"',
                )
        return text

    # -- diagnostics -------------------------------------------------------------------------

    def unsupported_tag(self, tag: str, node: Span, wrong_kind: bool = False) -> None:
        # Point at the tag as written (`!Foo`, `!!binary`), not the whole node.
        text = self.text
        bang = text.find("!", node.start, node.end)
        span = node
        if bang >= 0:
            end = bang
            while end < node.end and text[end] not in " \t\r\n,[]{}":
                end += 1
            span = Span(bang, end)
        shown = "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
        if wrong_kind:
            what = "mapping" if shown == "!!seq" else "sequence"
            self.unsupported(span, f"the tag {shown} does not fit a {what}", help="remove the tag")
            return
        self.unsupported(
            span,
            f"the tag {_clip(shown)} has no JSON equivalent",
            help="remove the tag; a manifest holds only strings, numbers, booleans, null, "
            "lists and mappings",
        )

    def unsupported(self, span: Span, message: str, help: str | None = None) -> None:
        self.diagnostics.append(
            make_diagnostic(UNSUPPORTED_VALUE, message, Label(self.source, span), help=help)
        )

    def syntax_error(self, error: MarkedYAMLError) -> Diagnostic:
        mark = error.problem_mark or error.context_mark
        offset = mark.index if mark is not None else 0
        problem = _clean(error.problem or error.context or "invalid YAML")
        if problem.startswith("expected a document start ('---'), but found "):
            problem = "unexpected " + problem.rsplit("but found ", 1)[1] + " after the document"

        secondary: tuple[Label, ...] = ()
        context_mark = error.context_mark
        if error.context and context_mark is not None and context_mark.index != offset:
            secondary = (
                Label(
                    self.source,
                    self.span(context_mark.index, context_mark.index + 1),
                    _context(error.context),
                ),
            )
        return make_diagnostic(
            SYNTAX_ERROR,
            problem,
            Label(self.source, self.span(offset, offset + 1)),
            secondary=secondary,
            help=_syntax_help(problem),
        )

    def fail(
        self, span: Span, message: str, *, rule: Rule = SYNTAX_ERROR, help: str | None = None
    ) -> Any:
        raise _Fail(make_diagnostic(rule, message, Label(self.source, span), help=help))

    def span(self, start: int, end: int) -> Span:
        """A span clamped to the text (ruamel's marks may point at its end-of-input sentinel)."""
        length = len(self.text)
        start = max(0, min(start, length))
        return Span(start, max(start, min(end, length)))


def _copy(value: Any) -> Any:
    """A deep copy of a plain value, without recursion."""
    if not isinstance(value, (dict, list)):
        return value
    top: Any = {} if isinstance(value, dict) else []
    stack: list[tuple[Any, Any]] = [(value, top)]
    while stack:
        source, target = stack.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, child in items:
            if isinstance(child, (dict, list)):
                copied: Any = {} if isinstance(child, dict) else []
                stack.append((child, copied))
            else:
                copied = child
            if isinstance(target, dict):
                target[key] = copied
            else:
                target.append(copied)
    return top


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a value of another type"


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


_REPR = re.compile(r"""\('((?:[^'\\]|\\.)*)',\)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)\"""")
_NO_TOKEN = re.compile(r"found character (.+) that cannot start any token")


def _clean(message: str) -> str:
    """ruamel's message without Python reprs: token names in words, characters as U+XXXX."""

    def word(match: re.Match[str]) -> str:
        inner = next(group for group in match.groups() if group is not None)
        if inner in _TOKENS:
            return _TOKENS[inner]
        if inner.startswith("\\"):
            try:
                char = inner.encode("latin-1", "backslashreplace").decode("unicode_escape")
            except UnicodeDecodeError:
                return inner
            if char == "\t":
                return "a tab character"
            if len(char) == 1:
                return f"U+{ord(char):04X}"
        return f"'{inner}'"

    message = message.replace("<block end>", "the end of the indented block")
    message = message.replace("end of stream", "end of the file")
    message = _REPR.sub(word, message)
    message = _NO_TOKEN.sub(
        lambda found: "unexpected " + found.group(1).removeprefix("a "), message
    )
    message = message.replace("found unexpected", "unexpected").replace("but got", "but found")
    message = message.replace("\n", " ").strip()
    return message[:1].lower() + message[1:] if message else "invalid YAML"


def _context(context: str) -> str:
    match = re.match(r"while (?:parsing|scanning) (.*)", context)
    if match:
        return f"{match.group(1)} starts here"
    return _clean(context)


def _syntax_help(problem: str) -> str | None:
    if "'@'" in problem or "'`'" in problem:
        return "'@' and '`' are reserved in YAML: quote a value that starts with them"
    if "a tab character" in problem:
        return "YAML indents with spaces, never tabs"
    if "mapping values are not allowed here" in problem:
        return "quote a value that contains ': ', or check the indentation"
    if "end of the indented block" in problem:
        return "check the indentation of this line against the lines above"
    return None
