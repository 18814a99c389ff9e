#!/usr/bin/env python3
"""`kubelint lsp` responsiveness, measured with a real LSP client over stdio.

Usage: ``python3 bench/lsp_latency.py [WORKSPACE] [FILE] [--bursts N]``
(defaults: ../shared/corpus and its 306-line kubernetes__dashboard/aio/deploy/recommended.yaml).

1. The server starts with WORKSPACE as its folder; FILE is opened at once,
   while the workspace index is being built in the background: the time to
   the first diagnostics, and keystroke latencies *during* indexing.
2. After the index is in (the server republishes diagnostics with the
   cross-object findings): the indexing time as the server logs it.
3. Typing: bursts of 5 keystrokes 20 ms apart (each a didChange with a new
   version), latency = last keystroke -> publishDiagnostics for that version
   (debounce included).  p50, p95, max over the bursts.
4. Baselines in the same run: ``kubelint check FILE`` in-process
   (runner.run, stages built per run; best of 5) and as a process (what an
   editor plugin that runs the CLI on every change would wait; best of 3).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = "/work/shared/corpus"


class Client(LanguageClient):
    def __init__(self):
        super().__init__("kubelint-bench", "1")
        self.published = {}  # version -> monotonic time
        self.events = asyncio.Queue()
        self.logs = []


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("workspace", nargs="?", default=CORPUS)
    ap.add_argument(
        "file", nargs="?", default=os.path.join(CORPUS, "kubernetes__dashboard/aio/deploy/recommended.yaml")
    )
    ap.add_argument("--bursts", type=int, default=30)
    args = ap.parse_args()
    text = open(args.file, encoding="utf-8").read()
    uri = "file://" + os.path.abspath(args.file)

    client = Client()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diags(params: types.PublishDiagnosticsParams):
        client.published[params.version] = time.monotonic()
        client.events.put_nowait((params.version, len(params.diagnostics), time.monotonic()))

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(params: types.LogMessageParams):
        client.logs.append(params.message)

    env = dict(os.environ, PYTHONPATH=HERE)
    await client.start_io(sys.executable, "-m", "kubelint", "lsp", env=env)
    t0 = time.monotonic()
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri="file://" + os.path.abspath(args.workspace),
            workspace_folders=[types.WorkspaceFolder(uri="file://" + os.path.abspath(args.workspace), name="ws")],
        )
    )
    client.initialized(types.InitializedParams())
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)
        )
    )
    version, n, t = await client.events.get()
    print(f"first diagnostics after open (index still building): {1000 * (t - t0):.0f} ms, {n} diagnostics")

    lines = text.split("\n")
    target = next(i for i, line in enumerate(lines) if line.strip().startswith("replicas:"))
    version = [1]

    async def burst() -> float:
        last = None
        for k in range(5):
            version[0] += 1
            lines[target] = lines[target].rstrip("0123456789 ") + " " + str(1 + (version[0] + k) % 3)
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version[0]),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text="\n".join(lines))],
                )
            )
            last = time.monotonic()
            if k < 4:
                await asyncio.sleep(0.02)
        want = version[0]
        while True:
            v, _n, t = await client.events.get()
            if v == want:
                return 1000 * (t - last)

    during = []
    indexed = False
    t_index = time.monotonic()
    while not indexed and len(during) < 200:
        during.append(await burst())
        await asyncio.sleep(0.1)
        status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="kubelint.status"))
        indexed = bool(status and status.get("indexed"))
    status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="kubelint.status"))
    print(
        f"workspace index: {status['files']} files, {status['objects']} objects in {status['seconds']:.1f} s "
        f"(wall {time.monotonic() - t_index:.1f} s since the first burst), editor answering throughout"
    )
    if during:
        print(
            f"keystroke -> diagnostics while indexing: {len(during)} bursts, p50 {statistics.median(during):.0f} ms, "
            f"max {max(during):.0f} ms"
        )
    after = [await burst() for _ in range(args.bursts)]
    after.sort()
    status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="kubelint.status"))
    p95 = after[min(len(after) - 1, int(0.95 * len(after)))]
    print(
        f"keystroke -> diagnostics ({len(lines)}-line manifest, index in): {len(after)} bursts, "
        f"p50 {statistics.median(after):.0f} ms, p95 {p95:.0f} ms, max {after[-1]:.0f} ms "
        f"(debounce {status['debounce_ms']:.0f} ms included)"
    )
    server = [t for t in status.get("timings", [])][-len(after) :]
    if server:
        inside = sorted(t[1] for t in server)
        checking = sorted(t[2] for t in server)
        print(
            f"  inside the server (debounce fired -> published): p50 {statistics.median(inside):.0f} ms, "
            f"max {inside[-1]:.0f} ms; of which checking: p50 {statistics.median(checking):.0f} ms, "
            f"max {checking[-1]:.0f} ms"
        )
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()

    # Baseline: kubelint check FILE in-process, as the CLI runs it (stages built per run).
    sys.path.insert(0, HERE)
    from kubelint import runner
    from kubelint import settings as settings_mod

    best = None
    for _ in range(5):
        t = time.perf_counter()
        runner.run([args.file], settings_mod.build(None, jobs=1, color=False, progress=False))
        best = min(best or 1e9, time.perf_counter() - t)
    print(
        f"baseline A, `kubelint check FILE` in-process, stages built per run, no workspace context: "
        f"best {1000 * best:.0f} ms"
    )
    import subprocess

    cli = None
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "kubelint", "check", "--no-progress", "-q", args.file],
            cwd=HERE,
            env=env,
            capture_output=True,
        )
        cli = min(cli or 1e9, time.perf_counter() - t)
    print(
        f"baseline B, `kubelint check FILE` as a process (what an editor running the CLI per change pays): "
        f"best {1000 * cli:.0f} ms; server p50 / B = {statistics.median(after) / (1000 * cli):.2f}"
    )


if __name__ == "__main__":
    asyncio.run(main())
