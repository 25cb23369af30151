"""The pygls wiring: documents in, diagnostics, hovers, completions and code actions out.

Every check is `Session.check` (pipeline.check_text). `didOpen` and `didSave` check at once;
`didChange` waits `debounce` seconds of quiet first (initializationOptions.debounceMs, default
150), so a burst of keystrokes costs one check of the connector.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from backfill_codegen import __version__
from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.diagnostics.registry import rule
from backfill_codegen.fixes import edits_for
from backfill_codegen.lsp import assist
from backfill_codegen.lsp.convert import RULES_URL, to_lsp
from backfill_codegen.lsp.positions import offset, range_of
from backfill_codegen.lsp.session import Checked, Session, manifest_of, real
from backfill_codegen.pipeline import parse
from backfill_codegen.source import SourceFile, Span
from backfill_codegen.workspace import MANIFEST_NAMES


class BackfillServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("backfill-codegen", __version__)
        self.session = Session()
        self.uris: dict[Path, str] = {}  # real path -> the URI the editor named it by
        self.debounce = 0.15
        self.rules_url = RULES_URL
        self.pending: dict[Path, asyncio.Task[None]] = {}
        #: What was last published per file: (lsp diagnostic, compiler diagnostic) pairs.
        self.published: dict[Path, list[tuple[types.Diagnostic, Diagnostic]]] = {}

    def uri(self, path: Path) -> str:
        return self.uris.get(real(path), path.absolute().as_uri())

    def recheck(self, path: Path) -> None:
        manifest = manifest_of(path, self.session.is_open)
        if manifest is None:
            return
        try:
            checked = self.session.check(manifest)
        except Exception as error:  # a bug must not end the session; the editor shows it
            self.window_log_message(
                types.LogMessageParams(types.MessageType.Error, f"check failed: {error!r}")
            )
            return
        if checked is not None:
            self.publish(checked)

    def publish(self, checked: Checked) -> None:
        root = self.session.root
        manifest = real(checked.result.path)
        # the manifest last: a client that waits for it has every file's diagnostics
        for path, diagnostics in sorted(checked.by_file.items(), key=lambda i: i[0] == manifest):
            pairs = [(to_lsp(d, root, self.rules_url), d) for d in diagnostics]
            self.published[path] = pairs
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(self.uri(path), [lsp for lsp, _ in pairs])
            )

    def schedule(self, path: Path) -> None:
        key = real(path)
        if key in self.pending:
            self.pending[key].cancel()
        self.pending[key] = asyncio.ensure_future(self._later(path, key))

    async def _later(self, path: Path, key: Path) -> None:
        await asyncio.sleep(self.debounce)
        self.pending.pop(key, None)
        self.recheck(path)


SERVER = BackfillServer()


def _path(uri: str) -> Path:
    return Path(to_fs_path(uri) or uri)


def _remember(server: BackfillServer, uri: str, text: str) -> Path:
    path = _path(uri)
    server.uris[real(path)] = uri
    server.session.texts[real(path)] = text
    return path


@SERVER.feature(types.INITIALIZE)
def _initialize(server: BackfillServer, params: types.InitializeParams) -> None:
    options = params.initialization_options or {}
    if isinstance(options, dict):
        debounce = options.get("debounceMs")
        if isinstance(debounce, int | float) and debounce >= 0:
            server.debounce = debounce / 1000
        if isinstance(options.get("rulesUrl"), str):
            server.rules_url = options["rulesUrl"]


@SERVER.feature(types.TEXT_DOCUMENT_DID_OPEN)
def _opened(server: BackfillServer, params: types.DidOpenTextDocumentParams) -> None:
    path = _remember(server, params.text_document.uri, params.text_document.text)
    server.recheck(path)


@SERVER.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def _changed(server: BackfillServer, params: types.DidChangeTextDocumentParams) -> None:
    document = server.workspace.get_text_document(params.text_document.uri)
    path = _remember(server, params.text_document.uri, document.source)
    server.schedule(path)


@SERVER.feature(types.TEXT_DOCUMENT_DID_SAVE)
def _saved(server: BackfillServer, params: types.DidSaveTextDocumentParams) -> None:
    server.recheck(_path(params.text_document.uri))


@SERVER.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def _closed(server: BackfillServer, params: types.DidCloseTextDocumentParams) -> None:
    path = _path(params.text_document.uri)
    server.session.texts.pop(real(path), None)
    server.recheck(path)  # the saved text counts again


def _source(server: BackfillServer, uri: str) -> tuple[Path, SourceFile]:
    path = _path(uri)
    return path, SourceFile(path.name, server.workspace.get_text_document(uri).source)


def _document(path: Path, source: SourceFile):
    if path.name not in MANIFEST_NAMES:
        return None
    return parse(source, path.suffix.lower()).document


@SERVER.feature(types.TEXT_DOCUMENT_HOVER)
def _hover(server: BackfillServer, params: types.HoverParams) -> types.Hover | None:
    path, source = _source(server, params.text_document.uri)
    at = offset(source, params.position)
    diagnostics = [d for _, d in server.published.get(real(path), [])]
    text = assist.hover(source.text, at, _document(path, source), diagnostics)
    if text is None:
        return None
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text))


@SERVER.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=["<", '"', "'", "/", " "]),
)
def _complete(server: BackfillServer, params: types.CompletionParams) -> types.CompletionList:
    path, source = _source(server, params.text_document.uri)
    document = _document(path, source)
    if document is None:
        checked = server.session.at(path)
        document = checked.document if checked else None  # the last text that parsed
    found = assist.completions(source.text, offset(source, params.position), document, path.parent)
    items = [
        types.CompletionItem(label, insert_text=insert, detail=detail)
        for label, insert, detail in found
    ]
    return types.CompletionList(is_incomplete=False, items=items)


@SERVER.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
def _actions(server: BackfillServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    path = _path(params.text_document.uri)
    checked = server.session.at(path)
    if checked is None:
        return []
    result = checked.result
    actions = []
    for lsp, diagnostic in server.published.get(real(path), []):
        if not _overlaps(lsp.range, params.range):
            continue
        edits = edits_for(result, diagnostic)
        if not edits:
            continue
        changes = [
            types.TextEdit(range_of(result.source, Span(e.start, e.end)), e.text) for e in edits
        ]
        actions.append(
            types.CodeAction(
                title=f"Fix {diagnostic.code}: {rule(diagnostic.code).fix}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[lsp],
                is_preferred=True,
                edit=types.WorkspaceEdit(changes={server.uri(result.path): changes}),
            )
        )
    return actions


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def serve() -> None:
    SERVER.start_io()
