"""One session of cells: planned from cases and interpreters, ordered longest first, run by the scheduler with the
run's signals handled, and recorded with the host it ran on. `mpmatrix run` (harness.lifecycle), the pytest plugin
and bless all run their cells through a Session."""

from __future__ import annotations

import contextlib
import os
import platform as host_platform
import signal
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from harness import __version__, environments, execute
from harness.casefile import Case, CaseError
from harness.display import now_iso
from harness.model import Interpreter, Result, Run
from harness.plan import Planned, plan
from harness.results import TERMINATING_SIGNALS
from harness.runner import Landed, Progress, job_limits, order_longest_first, run_all
from harness.timings import Timings


@dataclass
class Session:
    """The cells of one run, in the order they start, and how many may run at once."""

    planned: List[Planned]
    interpreters: Sequence[Interpreter]
    jobs: Optional[int] = None  # None: the CPU count, more while the running cells leave CPUs idle
    cap: int = execute.DEFAULT_CAP
    timings: Timings = field(default_factory=dict)
    repeat: int = 1
    started: str = field(default_factory=now_iso)

    @classmethod
    def assemble(cls, cases: Sequence[Case], broken: Sequence[Tuple[str, CaseError]],
                 interpreters: Sequence[Interpreter], start_methods: Optional[Sequence[str]] = None, repeat: int = 1,
                 jobs: Optional[int] = None, cap: int = execute.DEFAULT_CAP,
                 timings: Optional[Timings] = None, report: Callable[[str], None] = lambda line: None) -> "Session":
        """Plan the cells, once the environments of the cases with dependencies are ready (made where the cache
        has none, each told to `report`): a cell's identity holds the versions its environment resolved to."""
        timings = timings or {}
        ready = environments.prepare(environments.requests_for(cases, interpreters), report)
        planned = order_longest_first(plan(cases, broken, interpreters, start_methods, repeat, ready), timings)
        return cls(planned, interpreters, jobs, cap, timings, repeat)

    @property
    def job_limits(self) -> Tuple[int, int]:
        """(jobs, max_jobs): an explicit count is exact; by default idle cores take more."""
        return job_limits(self.jobs)

    def run(self, progress: Progress = lambda result: None, stop: Optional[threading.Event] = None,
            landed: Optional[Landed] = None, keep: bool = True) -> Tuple[List[Result], bool]:
        """Run every planned cell; returns the results (none without `keep`: the caller keeps what it needs of each
        from `progress`) and whether all of them ran. Ctrl+C (and, within `signals_as_interrupt`, SIGTERM and
        SIGHUP) ends the running cells' trees before it propagates."""
        jobs, max_jobs = self.job_limits
        return run_all(self.planned, jobs, progress, cap_bytes=self.cap, stop=stop, max_jobs=max_jobs, landed=landed,
                       timings=self.timings, keep=keep)

    def host(self, **extra: Any) -> Dict[str, Any]:
        """Where the session ran, as every results file records it."""
        jobs, max_jobs = self.job_limits
        host = {"platform": sys.platform, "os": host_platform.platform(), "machine": host_platform.machine(),
                "cpu_count": os.cpu_count(), "jobs": jobs, "max_jobs": max_jobs, "repeat": self.repeat,
                "cell_environment": dict(execute.CELL_ENV)}
        host.update(extra)
        return host

    def record(self, results: Sequence[Result], complete: bool, **host: Any) -> Run:
        """The session's results as a run."""
        return Run(results=tuple(results), started=self.started, finished=now_iso(), complete=complete,
                   host=self.host(**host), interpreters=tuple(i.to_json() for i in self.interpreters),
                   harness_version=__version__)


@contextlib.contextmanager
def signals_as_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP (a closed terminal) end a session as Ctrl+C does: the running cells' trees are ended and
    what was observed is kept. Their default action would end the harness alone (the keeper would still end every
    cell, but the results in flight would be lost). A tool's handler is replaced too (coverage's sigterm one kills
    the process) and put back afterwards. Only the main thread can set handlers: elsewhere this does nothing."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    with _handled(tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)), interrupt):
        yield


@contextlib.contextmanager
def second_signal_kills(exit_code: Optional[int] = None) -> Iterator[None]:
    """While the cells of an interrupted session are being ended, another Ctrl+C, SIGTERM (tox sends both) or SIGHUP kills
    them at once instead of interrupting their ending half-way; with `exit_code`, the harness then exits at once
    with it (the keeper ends whatever is left when this process is gone)."""

    def kill(signum: int, frame: Any) -> None:
        execute.kill_all()
        if exit_code is not None:
            os._exit(exit_code)

    with _handled(TERMINATING_SIGNALS, kill):
        yield


@contextlib.contextmanager
def _handled(signals: Sequence[int], handler: Callable[[int, Any], None]) -> Iterator[None]:
    """`handler` for each of `signals` that is not ignored, the previous handlers put back afterwards; in the main
    thread only (elsewhere nothing changes: only it can set handlers)."""
    previous: Dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in signals:
            if signal.getsignal(sig) != signal.SIG_IGN:
                previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
