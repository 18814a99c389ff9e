"""A progress indicator on stderr for long runs.

The CLI creates one only when stderr is a terminal, the format is ``text``
and ``--no-progress`` is not given; machine formats never get one.  It
stays invisible for the first second (most runs end before), redraws at
most ten times a second, and erases itself when the run ends, so the
report that follows starts on a clean line.
"""

from __future__ import annotations

import os
import time

DELAY = 1.0  # seconds before the first draw (KUBELINT_PROGRESS_DELAY overrides, for tests)
INTERVAL = 0.1  # seconds between redraws


class Progress:
    def __init__(self, stream, delay: float = None, interval: float = INTERVAL, clock=time.monotonic):
        if delay is None:
            try:
                delay = float(os.environ.get("KUBELINT_PROGRESS_DELAY", DELAY))
            except ValueError:
                delay = DELAY
        self.stream = stream
        self.delay = delay
        self.interval = interval
        self.clock = clock
        self.start = clock()
        self.last = None
        self.shown = False
        self.phase = "checking"

    def __call__(self, done: int, total: int, phase: str = None) -> None:
        if phase:
            self.phase = phase
        now = self.clock()
        if now - self.start < self.delay:
            return
        if self.last is not None and now - self.last < self.interval and done < total:
            return
        self.last = now
        pct = int(100 * done / total) if total else 100
        line = f"kubelint: {self.phase} {done}/{total} files ({pct}%)"
        try:
            self.stream.write("\r" + line + "\033[K")
            self.stream.flush()
        except (OSError, ValueError):  # pragma: no cover - closed terminal
            return
        self.shown = True

    def close(self) -> None:
        if self.shown:
            try:
                self.stream.write("\r\033[K")
                self.stream.flush()
            except (OSError, ValueError):  # pragma: no cover
                pass
            self.shown = False
