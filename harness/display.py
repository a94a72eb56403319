"""Progress while a run goes: a rich progress bar on a terminal, nothing when output is not a terminal."""

from __future__ import annotations

import sys
import time
from typing import Any, Optional

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from harness.model import Result


class QuietDisplay:
    """Shows nothing: used when stderr is not a terminal, or with --quiet."""

    def start(self, total: int) -> None:
        pass

    def update(self, result: Result) -> None:
        pass

    def stop(self) -> None:
        pass


class BarDisplay:
    """done/total, failures so far and time left, on stderr."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None
        self.failures = 0
        self.done = 0

    def start(self, total: int) -> None:
        self._progress = Progress(
            TextColumn("[bold]cells"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[failures]} failing"),
            TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(), console=Console(stderr=True), transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("cells", total=total, failures=0)

    def update(self, result: Result) -> None:
        self.done += 1
        if result.status.is_failure:
            self.failures += 1
        self._progress.update(self._task, advance=1, failures=self.failures)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()


def make_display(quiet: bool = False, stream: Optional[Any] = None) -> Any:
    stream = stream or sys.stderr
    if quiet or not getattr(stream, "isatty", lambda: False)():
        return QuietDisplay()
    return BarDisplay()


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
