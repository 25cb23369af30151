"""`backfill-codegen lsp`: the language server (pygls), on stdin and stdout."""

from __future__ import annotations


def serve() -> None:
    # start-up: pygls and lsprotocol load only when the server runs
    from backfill_codegen.lsp.server import serve as run

    run()
