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

import errno
import os
import platform as host_platform
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from harness import execute, files, results as results_io, timings as timings_io, wine
from harness.display import now_iso
from harness.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError, shown
from harness.interpreters import select_interpreters
from harness.judge import combine_by_cell
from harness.model import Result, Run
from harness.plan import load_cases
from harness.render.terminal import escape_name
from harness.session import Session, second_signal_kills, signals_as_interrupt

DEFAULT_CASES = "cases"
LOCK_NAME = ".mpmatrix.lock"
MAX_REPEAT = 1000  # --repeat: each repetition is a run of every cell
MAX_REQUEST_ITEMS = 10_000  # paths, pythons or start methods a recorded request may name

Warn = Callable[[str], None]


@dataclass(frozen=True)
class RunRequest:
    """What to run, as the command line says it."""

    paths: Tuple[str, ...] = ()  # () for the default, cases/ (or, resuming, the interrupted run's)
    pythons: Optional[Tuple[str, ...]] = None
    start_methods: Optional[Tuple[str, ...]] = None
    out: str = "results"
    resume: bool = False  # `out` is then the folder of the run to finish
    jobs: Optional[int] = None  # None: the CPU count, more while the CPUs are mostly idle
    repeat: Optional[int] = None  # None: once (or, resuming, as often as the interrupted run asked)
    cap: int = execute.DEFAULT_CAP
    all_releases: Optional[bool] = None  # without pythons: every release found, not the newest of each version

    def recorded(self) -> Dict[str, Any]:
        """What to run, as the journal and results.json keep it, so that --resume runs the same."""
        return {"paths": list(self.paths) or [DEFAULT_CASES], "pythons": list(self.pythons) if self.pythons else None,
                "start_methods": list(self.start_methods) if self.start_methods else None,
                "repeat": self.repeat or 1, "all_releases": self.all_releases}

    def resuming(self, recorded: Dict[str, Any], warn: Warn) -> "RunRequest":
        """This request with what the interrupted run was asked for wherever the command line left it open; where
        the command line says otherwise, it is followed, and said."""
        changes: Dict[str, Any] = {}
        for name in ("paths", "pythons", "start_methods", "repeat", "all_releases"):
            mine, theirs = getattr(self, name), recorded.get(name)
            if isinstance(theirs, list):
                theirs = tuple(str(v) for v in theirs)
            if mine in (None, ()):
                if theirs not in (None, ()):
                    changes[name] = theirs
            elif theirs not in (None, ()) and mine != theirs:
                warn(f"mpmatrix: --resume {self.out}: the interrupted run had {name} {_said(theirs)}; this one has "
                     f"{_said(mine)}: cells outside it are dropped, new ones run")
        return replace(self, **changes)


def _said(value: Any) -> str:
    return " ".join(value) if isinstance(value, tuple) else str(value)


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


def run_matrix(request: RunRequest, display: Any, warn: Warn, notice: Optional[Warn] = None) -> RunOutcome:
    """Own one run from start to end; raises UsageError for bad input, before anything is run or written. `warn`
    says what the user must hear (a case file that cannot be used); `notice` what `-q` leaves out (the interpreters
    found but unusable), by default the same."""
    out_dir = Path(request.out)
    option = "--resume" if request.resume else "--out"
    if request.resume and not out_dir.is_dir():
        raise UsageError(f"--resume {out_dir}: no such folder; expected the --out folder of an interrupted run")
    results_path = out_dir / results_io.RESULTS_NAME
    journal_path = out_dir / results_io.JOURNAL_NAME
    previous = _previous(results_path, journal_path) if request.resume else None
    if previous is not None:
        request = request.resuming(previous.request, warn)
    paths = list(request.paths) or [DEFAULT_CASES]
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:  # a mistyped path is a usage error, not an `error` cell in a results file
        raise UsageError(f"no such file or folder: {', '.join(missing)}; expected case files or folders of them")
    cases, broken = load_cases(paths)
    if not cases and not broken:
        raise UsageError(f"no case files under {', '.join(paths)}; a case is a .py file with a `# /// case` block")
    for _, error in broken:  # names escaped: a path with a newline cannot print a line of its own
        warn(f"mpmatrix: {escape_name(str(error))}")
    for case in cases:
        for warning in case.warnings:
            warn(f"mpmatrix: warning: {escape_name(warning)}")
    interpreters = select_interpreters(list(request.pythons) if request.pythons else None, notice or warn,
                                       request.all_releases)

    lock = OutLock.acquire(out_dir, option, warn)  # from here on, the folder is ours until the run ends
    try:
        results_io.remove_stale_temporaries(out_dir)  # an earlier run killed while writing its results
        known = timings_io.known_timings(results_path)
        session = Session.assemble(cases, broken, interpreters,
                                   list(request.start_methods) if request.start_methods else None, request.repeat or 1,
                                   request.jobs, request.cap, known, report=lambda line: warn(f"mpmatrix: {line}"))
        run_id, started, recorded = uuid.uuid4().hex[:12], now_iso(), iter(())
        if previous is not None:  # cells recorded before the interruption are kept, not run again
            run_id, started, recorded = previous.run_id, previous.started, previous.results()
        session.started = started
        carried = _Carried(session.planned)
        # The results a resumed run carries over go into its new journal one at a time, whole, from the old one.
        journal = results_io.Journal(journal_path, run_id, started, carried.keep(recorded), request.recorded())
        session.planned = carried.left(session.planned, warn)
        return _execute(session, journal, run_id, results_path, out_dir, display, warn, request.recorded())
    except results_io.ResultsNotWritten as exc:
        raise UsageError(f"{option} {out_dir}: {exc.strerror}") from None
    except results_io.ResultsError as exc:  # the record of the run to resume, read as it is carried over
        raise UsageError(str(exc)) from None
    finally:
        lock.release()


@dataclass(frozen=True)
class _Previous:
    """What the interrupted run recorded: its id, start and request at once, its results one at a time as they are
    carried over (results(), to be called once)."""

    run_id: str
    started: str
    request: Dict[str, Any]
    results: Callable[[], Iterator[Result]]


def checked_request(recorded: Dict[str, Any], path: Path) -> Dict[str, Any]:
    """A recorded request (a journal's header, results.json's host.request) as RunRequest.resuming takes it, checked
    as the command line's options are: the file is anyone's to edit, and --resume must not plan 10**38 repetitions
    or fail on a string where a number belongs. Raises UsageError naming the file, the field and the value."""
    def refuse(name: str, expected: str) -> UsageError:
        return UsageError(f"{path}: its request's {name} is {shown(recorded[name])}; expected {expected} (as the command line "
                          "takes it): the file was not written by mpmatrix; run the cells again without --resume")

    for name in ("paths", "pythons", "start_methods"):
        value = recorded.get(name)
        if value is None:
            continue
        if (not isinstance(value, list) or len(value) > MAX_REQUEST_ITEMS
                or not all(isinstance(v, str) and 0 < len(v) <= 4096 and "\0" not in v for v in value)):
            raise refuse(name, f"a list of at most {MAX_REQUEST_ITEMS:,} non-empty strings, or null")
    value = recorded.get("repeat")
    if value is not None and (type(value) is not int or not 1 <= value <= MAX_REPEAT):
        raise refuse("repeat", f"an integer from 1 to {MAX_REPEAT:,}, or null")
    value = recorded.get("all_releases")
    if value is not None and not isinstance(value, bool):
        raise refuse("all_releases", "true, false or null")
    return recorded


def _previous(results_path: Path, journal_path: Path) -> _Previous:
    """The journal, when there is one, is the interrupted run's whole record; results.json only when there is not."""
    try:
        if os.path.lexists(journal_path):  # lexists: a pipe or a dangling link there is named, not passed over
            journal = results_io.JournalFile(journal_path)
            return _Previous(journal.run_id, journal.started, checked_request(journal.request, journal_path),
                             journal.results)
        if os.path.lexists(results_path):
            run, cells = results_io.iter_results(results_path)
            request = run.host.get("request")
            return _Previous(str(run.host.get("run_id") or uuid.uuid4().hex[:12]), run.started,
                             checked_request(request if isinstance(request, dict) else {}, results_path), lambda: cells)
    except results_io.ResultsError as exc:
        raise UsageError(str(exc)) from None
    raise UsageError(f"--resume {results_path.parent}: neither {results_io.JOURNAL_NAME} nor "
                     f"{results_io.RESULTS_NAME} there; expected the --out folder of an interrupted run")


class _Carried:
    """Which recorded results a resumed run keeps, taken one at a time (keep()), and what it has left to run (left()).
    A result is kept while its cell is still planned, as often as it is planned (--repeat), and its case file is
    unchanged; the others are dropped (a case renamed, moved or removed, an interpreter or start method no longer
    asked for) or run again (changed)."""

    def __init__(self, planned: List[Any]) -> None:
        self.digests = {item.case.name: item.case.digest for item in planned}  # broken cases' stand-ins too
        self.wanted: Dict[Any, int] = {}
        for item in planned:
            self.wanted[item.cell.key] = self.wanted.get(item.cell.key, 0) + 1
        self.done: Dict[Any, int] = {}
        self.changed: Dict[str, int] = {}
        self.dropped: Dict[str, int] = {}

    def keep(self, recorded: Iterable[Result]) -> Iterator[Result]:
        for result in recorded:
            if result.case.name in self.digests and result.case.digest != self.digests[result.case.name]:
                self.changed[result.case.name] = self.changed.get(result.case.name, 0) + 1
            elif self.wanted.get(result.key, 0) > 0:
                self.wanted[result.key] -= 1
                self.done[result.key] = self.done.get(result.key, 0) + 1
                yield result
            else:
                self.dropped[result.case.name] = self.dropped.get(result.case.name, 0) + 1

    def left(self, planned: List[Any], warn: Warn) -> List[Any]:
        """The planned cells not done (once keep() has been taken whole); says what ran again or was dropped."""
        for name, count in sorted(self.changed.items()):
            warn(f"mpmatrix: {escape_name(name)}: the case file changed since it was recorded; its {count} recorded "
                 f"{'cell runs' if count == 1 else 'cells run'} again")
        if self.dropped:
            count = sum(self.dropped.values())
            names = ", ".join(escape_name(n) for n in sorted(self.dropped)[:5])
            names += f" and {len(self.dropped) - 5} more" if len(self.dropped) > 5 else ""
            warn(f"mpmatrix: {count} recorded {'cell is' if count == 1 else 'cells are'} not part of this run "
                 f"(of {names}: renamed, moved or removed, or of an interpreter or start method not asked for now): "
                 "dropped")
        done = dict(self.done)
        left: List[Any] = []
        for item in planned:  # as many of each cell's planned runs as were recorded are done
            if done.get(item.cell.key, 0) > 0:
                done[item.cell.key] -= 1
                continue
            left.append(item)
        return left


def _execute(session: Session, journal: results_io.Journal, run_id: str, results_path: Path, out_dir: Path,
             display: Any, warn: Warn, request: Dict[str, Any]) -> RunOutcome:
    """Run the session's cells. Each result goes to the journal whole and is kept in memory brief (the journal's
    record); results.json is written at the end from the journal, one cell at a time."""
    stop = threading.Event()
    stopped_because = []

    def progress(result: Result) -> None:
        if stop.is_set():
            return  # cells ended by an interruption are not observations
        display.update(result)
        try:
            journal.append(result)  # kept (brief) even when its line cannot be written
        except results_io.ResultsNotWritten as exc:
            stopped_because.append(f"{exc.strerror}; the run stopped there")
            raise _Stop() from None

    clock = time.monotonic()
    interrupted = False
    complete = False
    display.start(len(session.planned))
    try:
        with signals_as_interrupt():
            _, complete = session.run(progress, stop, keep=False)
    except (KeyboardInterrupt, _Stop) as exc:
        interrupted = isinstance(exc, KeyboardInterrupt)
        stop.set()
        with second_signal_kills(EXIT_INTERRUPTED):
            execute.end_all()
    finally:
        held = results_io.HeldSignals()  # from here a signal ends the run once its results are written
        display.stop()
        journal.close()
        servers_cpu = wine.release(warn)  # Wine's servers, started for the probes and cells of this run
    elapsed = time.monotonic() - clock
    recorded = journal.results()
    timings_io.save_timings(timings_io.from_results(recorded[journal.seeded:]), timings_io.cache_path())
    # The servers' CPU is the run's though no cell's: the run's figures hold it (host.wine_server_cpu_s)
    extra = {"wine_server_cpu_s": {p: round(s, 3) for p, s in servers_cpu.items()}} if servers_cpu else {}
    run = session.record(combine_by_cell(recorded), complete and not interrupted and not stopped_because,
                         run_id=run_id, request=request, **extra)
    problems = list(stopped_because)
    try:
        written, problem = results_io.write_run_somewhere(run, results_path, _fallbacks(out_dir), journal.combined)
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
    notes = ()
    if interrupted and run.complete:
        notes = (f"interrupted while the results were written: they are complete, in {written}",)
    elif interrupted:
        notes = (f"interrupted: partial results in {written}; finish with `mpmatrix run --resume {out_dir}`",)
    return RunOutcome(run, written, elapsed, interrupted, "; ".join(problems), notes)


def _fallbacks(out_dir: Path) -> List[Path]:
    """Where results go when the output folder cannot take them (a full disk): other file systems, likely."""
    return results_io.fallback_folders(out_dir)


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
        path = out_dir / LOCK_NAME
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            file = files.open_for_update(path, "lock file")  # a pipe or /dev/zero there would block or never end
        except files.NotRegular as exc:
            raise UsageError(f"{option} {out_dir}: {path} is {exc.strerror}; remove it") from None
        except OSError as exc:
            raise UsageError(f"{option} {out_dir}: cannot write there ({exc.strerror or exc}); choose another folder") from None
        locked = _try_lock(file)
        try:
            file.seek(0)
            holder = file.read(4096).strip()  # one line, written by the run that held it
        except (OSError, UnicodeDecodeError):  # Windows does not let another process read a locked range
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
            import msvcrt  # Windows only

            file.seek(0)
            msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl  # POSIX only

            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in _HELD_ELSEWHERE or (sys.platform == "win32" and exc.errno in _HELD_ELSEWHERE_WINDOWS):
            return False
        return True  # a file system without locks (some network ones): run unlocked rather than not at all


_HELD_ELSEWHERE = (errno.EACCES, errno.EAGAIN)
# msvcrt.locking's other "locking violation" (EDEADLOCK), and errno 0: Wine's C runtime refuses a locked range
# without setting errno (seen under Wine 8 and 10, in one process and from another), so the lock went unheld there.
_HELD_ELSEWHERE_WINDOWS = (getattr(errno, "EDEADLOCK", errno.EDEADLK), 0)
