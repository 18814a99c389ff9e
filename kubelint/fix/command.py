"""The command-line side of fixes (``kubelint fix``, ``check --fix``,
``--diff``, ``--check``, ``--unsafe-fixes``), kept out of cli.py.

``FixRun.execute()`` runs before the check: with ``--fix`` it edits the
files (the check that follows reports what is left); with ``--diff`` it
prints a unified diff and with ``--check`` one line per fixable file, writes
nothing, and the command exits 1 when fixes are available (0 otherwise).
Standard input (``-``): the fixed text goes to stdout and the report of
what is left to stderr.
"""

from __future__ import annotations

import io
import sys
from typing import List, Optional

import click

from ..loader import STDIN
from .files import FileOutcome, fix_paths, unified_diff


class FixRun:
    def __init__(self, paths, settings, *, unsafe: bool = False, diff: bool = False, check: bool = False):
        self.paths = list(paths)
        self.settings = settings
        self.unsafe = unsafe
        self.diff = diff
        self.check = check
        self.outcomes: List[FileOutcome] = []
        self.stdin_text: Optional[str] = None  # fixed standard input
        self.stdin = None  # a stream with the fixed stdin, for the check that follows
        self.done = False  # --diff / --check: no check follows
        self.exit_code = 0

    @property
    def uses_stdin(self) -> bool:
        return STDIN in self.paths

    def execute(self, stdin=None) -> None:
        data_stream = None
        if self.uses_stdin:
            raw = (stdin or sys.stdin.buffer).read()
            data_stream = io.BytesIO(raw)
        write = not (self.diff or self.check)
        self.outcomes = fix_paths(self.paths, self.settings, unsafe=self.unsafe, write_files=write, stdin=data_stream)
        changed = [o for o in self.outcomes if o.changed]
        for o in self.outcomes:
            if o.skipped and not o.skipped.startswith("it does not load") and "Helm" not in o.skipped:
                click.echo(f"kubelint: {o.path}: not fixed: {o.skipped}", err=True)
        if self.diff or self.check:
            self.done = True
            if self.diff:
                mask = _masker_text(self.outcomes)
                out = "".join(unified_diff(o, mask) for o in changed)
                if out:
                    click.echo(out, nl=False)
            else:
                for o in changed:
                    click.echo(f"{o.path}: {len(o.applied)} fix{'es' if len(o.applied) != 1 else ''} available")
            n = sum(len(o.applied) for o in changed)
            if n:
                click.echo(
                    f"kubelint: {n} fix{'es' if n != 1 else ''} available in {len(changed)} "
                    f"file{'s' if len(changed) != 1 else ''} (run `kubelint fix` to apply)",
                    err=True,
                )
            self.exit_code = 1 if changed else 0
            return
        for o in self.outcomes:
            if o.path in ("<stdin>",):
                self.stdin_text = o.text if o.text or not o.skipped else o.original
                raw_text = self.stdin_text
                self.stdin = io.BytesIO(raw_text.encode("utf-8"))
        if self.uses_stdin and self.stdin is None and data_stream is not None:
            self.stdin = io.BytesIO(data_stream.getvalue())
            self.stdin_text = data_stream.getvalue().decode("utf-8", "replace")

    def summary(self) -> str:
        fixed = sum(len(o.applied) for o in self.outcomes if o.changed and (o.written or o.path == "<stdin>"))
        files = sum(1 for o in self.outcomes if o.changed and (o.written or o.path == "<stdin>"))
        return f"kubelint: fixed {fixed} finding{'s' if fixed != 1 else ''} in {files} file{'s' if files != 1 else ''}"


def _masker_text(outcomes):
    """Mask secret values in diff lines: the secrets of the fixed texts."""
    from .. import mask as mask_mod
    from ..loader import parse_text
    from ..model import objects_from_document

    masker = mask_mod.Masker()
    for o in outcomes:
        if not o.changed:
            continue
        for text in (o.original, o.text):
            loaded = parse_text(text, o.path)
            for doc in loaded.documents:
                objs, _ = objects_from_document(doc)
                for obj in objs:
                    masker.add(o.path, mask_mod.collect(obj))
    return masker.text
