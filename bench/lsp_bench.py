"""The language server's latency and memory on the bundled example, through a real client.

Latency: from sending `didChange` to receiving `publishDiagnostics` for that version, the
debounce set to 0 (`initializationOptions.debounceMs`), median and p95 over the edits, after
warm-up. Memory: the server's resident set after 10 edits and after 1,000 (the ratio should stay
near 1: nothing grows per edit). The issue's targets are printed beside the figures.

    .venv/bin/python bench/lsp_bench.py [--edits 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "compiler"))

from backfill_codegen.resources import example_dir  # noqa: E402


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def _run(edits: int) -> None:
    folder = Path(tempfile.mkdtemp()) / "stripe"
    shutil.copytree(example_dir(), folder)
    manifest = folder / "backfill.config.ts"
    text = manifest.read_text(encoding="utf-8")
    client = LanguageClient("lsp-bench", "1")
    arrived: asyncio.Queue[float] = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _published(params: types.PublishDiagnosticsParams) -> None:
        if params.uri == manifest.as_uri():
            arrived.put_nowait(time.perf_counter())

    await client.start_io(sys.executable, "-m", "backfill_codegen", "lsp")
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(), initialization_options={"debounceMs": 0}
        )
    )
    client.initialized(types.InitializedParams())
    uri = manifest.as_uri()
    item = types.TextDocumentItem(uri, "typescript", 0, text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(item))
    await asyncio.wait_for(arrived.get(), 60)
    pid = client._server.pid  # the server process pygls started
    latencies, memory = [], {}
    for version in range(1, edits + 1):
        edited = text.replace('"1.0.0"', f'"1.0.{version % 7}"')
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [types.TextDocumentContentChangeWholeDocument(edited)],
            )
        )
        latencies.append(await asyncio.wait_for(arrived.get(), 60) - sent)
        if version in (10, edits):
            memory[version] = _rss_kib(pid)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    warm = sorted(latencies[10:]) or sorted(latencies)
    median = statistics.median(warm) * 1000
    p95 = warm[int(len(warm) * 0.95) - 1] * 1000
    ratio = memory[edits] / memory[10]
    print(f"didChange -> publishDiagnostics, bundled example, {len(warm)} warm edits:")
    print(f"  median {median:6.1f} ms   (target <= 30 ms)")
    print(f"  p95    {p95:6.1f} ms   (target <= 60 ms)")
    print(f"server RSS after 10 edits {memory[10] / 1024:.1f} MiB, after {edits} edits "
          f"{memory[edits] / 1024:.1f} MiB: ratio {ratio:.3f} (target <= 1.10)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=1000)
    asyncio.run(_run(max(parser.parse_args().edits, 11)))


if __name__ == "__main__":
    main()
