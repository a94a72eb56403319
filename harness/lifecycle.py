"""A run from start to end: check the output folder and lock it, plan, resume, run the cells, journal each result,
act on Ctrl+C, SIGTERM and SIGHUP, and write the results wherever they can still go. The CLI parses and prints.

What a run guarantees about its output folder (`--out DIR`):
- one run at a time: a second run into DIR is refused while the first holds DIR/.mpmatrix.lock (an OS file lock,
  released by the kernel when its run dies, so a dead run's lock is recognised and taken over);
- the journal (DIR/results.partial.jsonl) names its run and holds every result of it, those carried over by
  `--resume` included, so a resumed run reads only the journal when there is one, never an older results.json;
- `--resume` runs again every cell whose case file changed since it was recorded (by SHA-256 of the file);
- results that cannot be written (a full disk) go to the first of the temporary folder or the home folder that
  takes them; the run then says where they are and exits 2.
"""

from __future__ import annotations

import os
import platform as host_platform
import signal
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from harness import execute, results as results_io, timings as timings_io
from harness.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError
from harness.model import Result, Run

DEFAULT_CASES = "cases"
LOCK_NAME = ".mpmatrix.lock"

Warn = Callable[[str], None]


@dataclass(frozen=True)
class RunRequest:
    """What to run, as the command line says it."""

    paths: Tuple[str, ...] = (DEFAULT_CASES,)
    pythons: Optional[Tuple[str, ...]] = None
    start_methods: Optional[Tuple[str, ...]] = None
    out: str = "results"
    resume: bool = False  # `out` is then the folder of the run to finish
    jobs: Optional[int] = None  # None: the CPU count, more while the CPUs are mostly idle
    repeat: int = 1
    cap: int = execute.DEFAULT_CAP


@dataclass(frozen=True)
class RunOutcome:
    """How a run ended: its results, where they were written, and what went wrong on the way."""

    run: Run
    results_path: Optional[Path]  # None when they could be written nowhere
    elapsed_s: float
    interrupted: bool = False
    problem: str = ""  # the results could not be written where asked (a full disk): exit 2
    notes: Tuple[str, ...] = field(default=())

    @property
    def exit_code(self) -> int:
        if self.problem:
            return EXIT_USAGE
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_FAILED if self.run.failed else EXIT_OK


class _Stop(Exception):
    """The run stops early for a reason other than the user (the results can no longer be written)."""


def run_matrix(request: RunRequest, display: Any, warn: Warn) -> RunOutcome:
    """Own one run from start to end; raises UsageError for bad input, before anything is run or written."""
    from harness.interpreters import interpreter_info, select_interpreters
    from harness.plan import load_cases, plan
    from harness.runner import order_longest_first, run_all

    out_dir = Path(request.out)
    option = "--resume" if request.resume else "--out"
    if request.resume and not out_dir.is_dir():
        raise UsageError(f"--resume {out_dir}: no such folder; expected the --out folder of an interrupted run")
    paths = list(request.paths) or [DEFAULT_CASES]
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:  # a mistyped path is a usage error, not an `error` cell in a results file
        raise UsageError(f"no such file or folder: {', '.join(missing)}; expected case files or folders of them")
    cases, broken = load_cases(paths)
    if not cases and not broken:
        raise UsageError(f"no case files under {', '.join(paths)}; a case is a .py file with a `# /// case` block")
    for _, error in broken:
        warn(f"mpmatrix: {error}")
    interpreters = select_interpreters(list(request.pythons) if request.pythons else None, warn)
    planned = plan(cases, broken, interpreters, list(request.start_methods) if request.start_methods else None,
                   request.repeat)

    lock = OutLock.acquire(out_dir, option, warn)  # from here on, the folder is ours until the run ends
    try:
        results_io.remove_stale_temporaries(out_dir)  # an earlier run killed while writing its results
        results_path = out_dir / results_io.RESULTS_NAME
        journal_path = out_dir / results_io.JOURNAL_NAME
        digests = {item.case.name: item.case.digest for item in planned}  # broken cases' placeholders included
        run_id, started, carried = _recorded(request, results_path, journal_path, digests, warn)
        if request.resume:  # cells recorded before the interruption are kept, not run again
            recorded = {r.key for r in carried}
            planned = [item for item in planned if item.cell.key not in recorded]
        known = timings_io.known_timings(results_path)
        planned = order_longest_first(planned, known)
        journal = results_io.Journal(journal_path, run_id, started, carried)
        return _execute(request, planned, carried, journal, run_id, started, results_path, out_dir, display, warn,
                        interpreters=[interpreter_info(i) for i in interpreters], run_all=run_all, timings=known)
    except results_io.ResultsNotWritten as exc:
        raise UsageError(f"{option} {out_dir}: {exc.strerror}") from None
    finally:
        lock.release()


def _recorded(request: RunRequest, results_path: Path, journal_path: Path, digests: Dict[str, str],
              warn: Warn) -> Tuple[str, str, List[Result]]:
    """The run's id, its start, and the results a resumed run carries over (none for a new run).

    The journal, when there is one, is the whole record of the newest run; results.json only when there is not."""
    from harness.display import now_iso

    if not request.resume:
        return uuid.uuid4().hex[:12], now_iso(), []
    try:
        if journal_path.exists():
            journaled = results_io.read_journal(journal_path)
            run_id, started, results = journaled.run_id, journaled.started, list(journaled.results)
        elif results_path.exists():
            previous = results_io.read_run(results_path)
            run_id, started, results = str(previous.host.get("run_id") or uuid.uuid4().hex[:12]), previous.started, list(previous.results)
        else:
            raise UsageError(f"--resume {results_path.parent}: neither {results_io.JOURNAL_NAME} nor "
                             f"{results_io.RESULTS_NAME} there; expected the --out folder of an interrupted run")
    except results_io.ResultsError as exc:
        raise UsageError(str(exc)) from None
    changed: Dict[str, int] = {}
    kept = []
    for result in results:
        if result.case in digests and result.case_digest != digests[result.case]:
            changed[result.case] = changed.get(result.case, 0) + 1
        else:
            kept.append(result)
    for name, count in sorted(changed.items()):
        warn(f"mpmatrix: {name}: the case file changed since it was recorded; its {count} recorded {'cell runs' if count == 1 else 'cells run'} again")
    return run_id, started, kept


def _execute(request: RunRequest, planned: List[Any], carried: List[Result], journal: results_io.Journal, run_id: str,
             started: str, results_path: Path, out_dir: Path, display: Any, warn: Warn, interpreters: List[Dict[str, Any]],
             run_all: Any, timings: Optional[timings_io.Timings] = None) -> RunOutcome:
    from harness.display import now_iso
    from harness.results import combine_by_cell

    from harness.runner import job_limits

    jobs, max_jobs = job_limits(request.jobs)  # an explicit --jobs is exact; by default idle cores take more
    collected: List[Result] = list(carried)
    stop = threading.Event()
    stopped_because = []

    def progress(result: Result) -> None:
        if stop.is_set():
            return  # cells ended by an interruption are not observations
        collected.append(result)
        display.update(result)
        try:
            journal.append(result)
        except results_io.ResultsNotWritten as exc:
            stopped_because.append(f"{exc.strerror}; the run stopped there")
            raise _Stop() from None

    clock = time.monotonic()
    interrupted = False
    complete = False
    restore = _interrupt_on_termination()
    display.start(len(planned))
    try:
        _, complete = run_all(planned, jobs, progress, cap_bytes=request.cap, stop=stop, max_jobs=max_jobs,
                              timings=timings)
    except (KeyboardInterrupt, _Stop) as exc:
        interrupted = isinstance(exc, KeyboardInterrupt)
        stop.set()
        hurried = {sig: signal.signal(sig, _hurry) for sig in results_io.TERMINATING_SIGNALS  # a second signal
                   if signal.getsignal(sig) != signal.SIG_IGN}
        execute.end_all()
        for sig, handler in hurried.items():
            signal.signal(sig, handler)
    finally:
        held = results_io.HeldSignals()  # from here a signal ends the run once its results are written
        display.stop()
        journal.close()
    elapsed = time.monotonic() - clock
    timings_io.save_timings(timings_io.from_results(collected[len(carried):]), timings_io.cache_path())
    run = Run(
        results=tuple(combine_by_cell(collected)), started=started, finished=now_iso(),
        complete=complete and not interrupted and not stopped_because,
        host={"platform": sys.platform, "os": host_platform.platform(), "machine": host_platform.machine(),
              "cpu_count": os.cpu_count(), "jobs": jobs, "max_jobs": max_jobs, "repeat": request.repeat,
              "cell_environment": dict(execute.CELL_ENV), "run_id": run_id},
        interpreters=tuple(interpreters), harness_version=_version(),
    )
    problems = list(stopped_because)
    try:
        written, problem = results_io.write_run_somewhere(run, results_path, _fallbacks(out_dir))
    except results_io.ResultsNotWritten as exc:
        written, problem = None, f"{exc.strerror}; the journal {journal.path} keeps what it could"
    if problem:
        problems.append(problem + (f"; the results are in {written}" if written else ""))
    if run.complete and written == results_path:
        try:
            journal.path.unlink()
        except OSError:
            pass
    if held.release(deliver=False):
        interrupted = True  # it came while the results were written: they are complete, the exit says it came
    restore()
    notes = ()
    if interrupted and run.complete:
        notes = (f"interrupted while the results were written: they are complete, in {written}",)
    elif interrupted:
        notes = (f"interrupted: partial results in {written}; finish with `mpmatrix run --resume {out_dir}`",)
    return RunOutcome(run, written, elapsed, interrupted, "; ".join(problems), notes)


def _fallbacks(out_dir: Path) -> List[Path]:
    """Where results go when the output folder cannot take them (a full disk): other file systems, likely."""
    candidates = [Path(tempfile.gettempdir()), Path.home()]
    return [c for c in candidates if c.is_dir() and c.resolve() != out_dir.resolve()]


def _hurry(signum: int, frame: Any) -> None:
    """A second Ctrl+C: kill at once; the keeper ends whatever is left when this process is gone."""
    execute.kill_all()
    os._exit(EXIT_INTERRUPTED)


def _interrupt_on_termination() -> Callable[[], None]:
    """SIGTERM and SIGHUP (a closed terminal) end a run as Ctrl+C does: cells ended, partial results written.

    Their default action would end the harness alone (the keeper would still end every cell, but the results in
    flight would be lost). Returns what puts the previous handlers back."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous: Dict[int, Any] = {}
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        # Replaces a tool's handler too (coverage's sigterm one kills the process): the run then ends normally.
        if sig is not None and signal.getsignal(sig) != signal.SIG_IGN:
            previous[sig] = signal.signal(sig, interrupt)

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore


def _version() -> str:
    from harness import __version__

    return __version__


# -- the lock on the output folder ----------------------------------------------------------------------------


class OutLock:
    """An exclusive OS lock on DIR/.mpmatrix.lock for the whole run. The file stays (removing it would let two
    runs lock two different files); the kernel releases the lock when the run's process ends, however it ends."""

    def __init__(self, path: Path, file: Any) -> None:
        self.path = path
        self.file = file

    @classmethod
    def acquire(cls, out_dir: Path, option: str, warn: Warn) -> "OutLock":
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError(f"{option} {out_dir}: not a folder; expected a folder for results.json")
        blocked = results_io.blocking_file(out_dir)
        if blocked is not None:
            raise UsageError(f"{option} {out_dir}: {blocked} is a file, not a folder")
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            path = out_dir / LOCK_NAME
            file = open(path, "a+", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{option} {out_dir}: cannot write there ({exc.strerror or exc}); choose another folder") from None
        locked = _try_lock(file)
        try:
            file.seek(0)
            holder = file.read().strip()
        except OSError:  # Windows does not let another process read a locked range
            holder = ""
        if not locked:
            file.close()
            raise UsageError(f"{option} {out_dir}: another mpmatrix run is writing there ({holder or 'pid unknown'}); "
                             "wait for it to end, or choose another folder")
        if holder:
            warn(f"mpmatrix: {out_dir}: taking over from a run that ended without finishing ({holder})")
        try:
            file.seek(0)
            file.truncate()
            file.write(f"pid {os.getpid()} on {host_platform.node()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
            file.flush()
        except OSError as exc:
            file.close()
            raise UsageError(f"{option} {out_dir}: cannot write there ({exc.strerror or exc}); choose another folder") from None
        return cls(path, file)

    def release(self) -> None:
        """Clear the holder (a run that ended cleanly leaves nothing to take over) and let go."""
        try:
            self.file.seek(0)
            self.file.truncate()
            self.file.flush()
        except OSError:
            pass
        self.file.close()  # closing releases the lock


def _try_lock(file: Any) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            file.seek(0)
            msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError as exc:
        import errno

        if exc.errno in (errno.EACCES, errno.EAGAIN):
            return False
        return True  # a file system without locks (some network ones): run unlocked rather than not at all
