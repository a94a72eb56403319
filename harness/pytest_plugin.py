"""pytest plugin: `pytest CASE_PATH` collects case files as one item per (interpreter, start method) and runs their
cells in parallel with the harness's own scheduler, reporting the items in collection order.

Which files are collected: a `.py` file whose `# /// case` line is a comment (not text inside a string), under a
path named on pytest's command line (`pytest ../my-claims/cases`, `pytest .`, `pytest cases/x.py`) or under a
folder listed in the ini option `mpmatrix_case_dirs`. A bare `pytest` (its testpaths or the current folder)
collects no case file outside those folders: a project's own test run never starts its fixture cases or a script
that happens to carry a case block. Files pytest takes for test modules (`python_files`, `test_*.py` by
default), `conftest.py` and names starting with `_` or `.` are never case files.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import uuid
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Sequence, Tuple

import pytest

from harness.model import CASE_METHODS, Interpreter, Layout, Result

# The rest of the harness is imported inside the hooks that need it: this module is loaded by every pytest session of
# an environment where mpmatrix is installed (its pytest11 entry point), and most of those collect no case file.

if TYPE_CHECKING:
    from harness.casefile import Case
    from harness.plan import Planned
    from harness.timings import Timings

RESULTS_KEY = pytest.StashKey[List[Result]]()  # brief (Result.brief), in the order the items were reported
RECORD_KEY = pytest.StashKey["Record"]()
SCOPE_KEY = pytest.StashKey[Tuple[Path, ...]]()
PASSED_OVER_KEY = pytest.StashKey[List[Path]]()  # .py files outside the scope, checked for case blocks only if nothing was collected
NAMES_KEY = pytest.StashKey[Dict[str, Path]]()
INTERPRETERS_KEY = pytest.StashKey[List[Interpreter]]()
SCHEDULER_KEY = pytest.StashKey["CellScheduler"]()
NO_TESTS_COLLECTED = 5


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mpmatrix", "mpmatrix case files")
    group.addoption("--start-method", action="append", dest="mpmatrix_start_methods", choices=CASE_METHODS,
                    metavar="M", help="run case files under this start method only (repeatable; default: all three); cases that run under "
                         "the interpreter's default start method run where it is among them, or with `default`")
    group.addoption("--mpmatrix-python", action="append", dest="mpmatrix_python", metavar="EXE_OR_VERSION",
                    help="run case files with this interpreter: a path, a command, a version like 3.12 or 3.13.0, "
                         "`current`, `all` (the newest release of each version found) or `all-releases` (every "
                         "release found) (repeatable; default: the one running pytest)")
    group.addoption("--mpmatrix-jobs", dest="mpmatrix_jobs", type=_positive_int, default=None, metavar="N",
                    help="cells run at once (default as `mpmatrix run`: the CPU count, and up to 8 times that while "
                         "the running cells are expected to leave CPUs idle); 1 runs them one after another")
    group.addoption("--mpmatrix-results", dest="mpmatrix_results", metavar="PATH",
                    help="write the results JSON here; {platform} (sys.platform), {python} (the interpreter's "
                         "column: 3.12, 3.13t, pypy3.11) and {release} (its release: 3.12.1, pypy3.11.13; what keeps "
                         "the files of two releases of one version apart) are expanded")
    parser.addini("mpmatrix_case_dirs", "folders (relative to the ini file) whose case files are collected even when "
                  "not named on the command line, e.g. by a bare `pytest`", type="paths", default=[])


def _positive_int(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def pytest_configure(config: pytest.Config) -> None:
    config.stash[RESULTS_KEY] = []
    config.stash[RECORD_KEY] = Record(bool(config.getoption("mpmatrix_results")))
    config.stash[PASSED_OVER_KEY] = []
    config.stash[NAMES_KEY] = {}


class Record:
    """What a session keeps of its cells' results: each brief in memory (its long texts cut to their head: see
    Result.brief), and, when the session writes a results file, each whole in a journal of its own in a temporary
    folder, from which the results file is written at the end: a session's memory does not grow with what its
    cells print."""

    def __init__(self, journaled: bool) -> None:
        self.journaled = journaled
        self.journal: Optional[Any] = None
        self.places: Dict[int, int] = {}  # id(result kept brief) -> its place in the journal
        self.lock = threading.Lock()  # cells land in the scheduler's thread, items are run in the main one

    def keep(self, result: Result) -> Result:
        """The result as the session keeps it (brief), journaled whole first when a results file is to be written."""
        if not self.journaled:
            return result.brief()
        from harness import results as results_io

        with self.lock:
            if self.journal is None:
                folder = tempfile.mkdtemp(prefix="mpmatrix-pytest-")
                self.journal = results_io.Journal(Path(folder) / results_io.JOURNAL_NAME, "pytest", "")
            try:
                place = self.journal.append(result)
            except results_io.ResultsNotWritten:  # a full disk: kept whole in memory by the journal, nothing lost
                place = len(self.journal.results()) - 1
            brief = self.journal.results()[place]
        self.places[id(brief)] = place
        return brief

    def whole(self, results: Sequence[Result]) -> Iterator[Result]:
        """These results (kept by keep()) whole again, one at a time."""
        if self.journal is None:
            return iter(results)
        return self.journal.whole(self.places[id(r)] for r in results)

    def close(self) -> None:
        if self.journal is not None:
            import shutil

            self.journal.close()
            shutil.rmtree(self.journal.path.parent, ignore_errors=True)
            self.journal = None


# -- which files are case files -------------------------------------------------------------------------------


def case_scope(config: pytest.Config) -> Tuple[Path, ...]:
    """The files and folders whose case files are collected: pytest's command-line paths and mpmatrix_case_dirs."""
    if SCOPE_KEY in config.stash:
        return config.stash[SCOPE_KEY]
    here = Path(str(config.invocation_params.dir))
    roots: List[Path] = []
    for arg in config.getoption("file_or_dir") or []:
        path = here / str(arg).split("::", 1)[0]  # a node ID names its file
        if path.exists():
            roots.append(path.resolve())
    roots.extend(Path(str(p)).resolve() for p in config.getini("mpmatrix_case_dirs"))
    config.stash[SCOPE_KEY] = tuple(roots)
    return config.stash[SCOPE_KEY]


def _in_scope(config: pytest.Config, path: Path) -> bool:
    resolved = path.resolve()
    return any(resolved == root or root in resolved.parents for root in case_scope(config))


def _may_be_case(config: pytest.Config, path: Path) -> bool:
    """By its name alone: a .py file pytest would not take for a test module."""
    name = path.name
    if path.suffix != ".py" or name.startswith(("_", ".")) or name == "conftest.py":
        return False
    return not any(fnmatch(name, pattern) for pattern in config.getini("python_files"))


def _is_case_file(config: pytest.Config, path: Path) -> bool:
    from harness.casefile import declares_case

    return _may_be_case(config, path) and _in_scope(config, path) and declares_case(path)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Optional[pytest.File]:
    from harness.casefile import declares_case

    config = parent.config
    if not _may_be_case(config, file_path):
        return None
    if not _in_scope(config, file_path):
        config.stash[PASSED_OVER_KEY].append(file_path)
        return None
    if not declares_case(file_path):
        return None
    return CaseFile.from_parent(parent, path=file_path)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> Optional[pytest.File]:
    """A case file named on the command line is also offered to pytest's Python collector, which would import it:
    the case's code would run inside the pytest process. It is collected by pytest_collect_file only."""
    if _is_case_file(parent.config, module_path):
        return NotAModule.from_parent(parent, path=module_path)
    return None


class NotAModule(pytest.File):
    """Stands in for the Module pytest would import; collects nothing (the CaseFile beside it has the items)."""

    def collect(self) -> Iterator[Any]:
        return iter(())


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    """When nothing was collected, say which case files were passed over and how to collect them."""
    from harness.casefile import declares_case

    if exitstatus != NO_TESTS_COLLECTED:
        return
    passed_over = [p for p in config.stash.get(PASSED_OVER_KEY, []) if declares_case(p)]
    if passed_over:
        try:
            example = os.path.relpath(str(passed_over[0]), str(config.invocation_params.dir))
        except ValueError:  # another drive
            example = str(passed_over[0])
        terminalreporter.write_line(
            f"mpmatrix: {len(passed_over)} case {'file was' if len(passed_over) == 1 else 'files were'} not collected (e.g. {example}): case files are collected "
            "under the paths named on the command line (`pytest DIR`) or the ini option mpmatrix_case_dirs")


# -- items: one per cell ----------------------------------------------------------------------------------------


def _interpreters(config: pytest.Config) -> List[Interpreter]:
    from harness import interpreters

    if INTERPRETERS_KEY in config.stash:
        return config.stash[INTERPRETERS_KEY]
    found: List[Interpreter] = []
    for spec in config.getoption("mpmatrix_python") or []:
        try:
            if spec == "current":
                found.append(interpreters.current())
            elif spec in ("all", "all-releases"):  # the newest release of each version found, or every release
                found.extend(interpreters.select_interpreters(None, lambda line: sys.stderr.write(line + "\n"),
                                                              spec == "all-releases"))
            else:
                found.append(interpreters.resolve(spec))
        except interpreters.InterpreterError as exc:
            raise pytest.UsageError(f"--mpmatrix-python {spec}: {exc}") from None
    chosen, seen = [], set()
    for interpreter in found:  # one named twice (3.12 and its path) runs once
        key = os.path.normcase(os.path.realpath(interpreter.executable))
        if key not in seen:
            seen.add(key)
            chosen.append(interpreter)
    config.stash[INTERPRETERS_KEY] = chosen or [interpreters.current()]
    return config.stash[INTERPRETERS_KEY]


def interpreter_labels(interpreters: Sequence[Interpreter]) -> List[str]:
    """A readable label per interpreter, unique among them: its column tag (3.12, 3.13t, pypy3.9), the release
    where two releases of one version are there (3.13.0 and 3.13.18, as the Layout names them) or where two
    interpreters share a tag, numbered beyond that (3.12.1, 3.12.1+2). Node IDs and JUnit names never collide, whatever tags are."""
    places = [i.cell_id("") for i in interpreters]
    layout = Layout(places)
    labels = [layout.tag(place) for place in places]
    labels = [label if labels.count(label) == 1 else place.tag(release=True) for label, place in zip(labels, places)]
    counts: Dict[str, int] = {}
    for position, label in enumerate(labels):
        counts[label] = counts.get(label, 0) + 1
        if counts[label] > 1:
            labels[position] = f"{label}+{counts[label]}"  # `-k` accepts + (not #)
    return labels


class CaseFile(pytest.File):
    """A case file: one item per (interpreter, start method)."""

    def collect(self) -> Iterator[Any]:
        from harness.casefile import CaseError, load_case
        from harness.plan import plan
        from harness.render.terminal import escape_name

        try:
            case = load_case(str(self.path))
        except CaseError as exc:
            yield BrokenCase.from_parent(self, name="case", error=str(exc))
            return
        names = self.config.stash[NAMES_KEY]
        if names.setdefault(case.name, self.path) != self.path:
            # results are keyed by case name, as `mpmatrix run` refuses duplicates
            yield BrokenCase.from_parent(self, name="case", error=f"{self.path}: duplicate case name {case.name!r}: "
                                         f"{names[case.name]} has it too; case names must be unique")
            return
        interpreters = _interpreters(self.config)
        labels = {id(i): label for i, label in zip(interpreters, interpreter_labels(interpreters))}
        methods = self.config.getoption("mpmatrix_start_methods") or None
        ready = _environments(self.config, case, interpreters)
        for planned in plan([case], [], interpreters, methods, environments=ready):  # interpreter, start method, variant
            label = labels[id(planned.cell.interpreter)]
            method = planned.cell.start_method
            name = method if len(interpreters) == 1 else f"{label}-{method}"
            if planned.cell.variant:  # numpy=2.1.3,GRPC_ENABLE_FORK_SUPPORT=1: a cell of its own, as in `mpmatrix run`
                name += f"[{escape_name(planned.cell.id.variant_text())}]"  # one inert line, whatever a flag holds
            yield CaseItem.from_parent(self, name=name, case=case, planned=planned, label=label)


def _environments(config: pytest.Config, case: Case, interpreters: Sequence[Interpreter]) -> Any:
    """The environments a case's cells need, made at collection (before any cell runs) where the cache has none,
    as `mpmatrix run` makes them; what is made is said on the terminal."""
    from harness import environments

    requests = environments.requests_for([case], interpreters)
    if not requests:
        return {}

    def report(line: str) -> None:
        if line.startswith("environments: ") and " made" not in line and "making" not in line:
            return  # every one reused: nothing worth a line at each collection
        sys.stderr.write(f"mpmatrix: {case.name}: {line}\n")

    return environments.prepare(requests, report)


class CaseFailed(Exception):
    """A cell whose status is a failure; carries its result for the report."""


class CaseItem(pytest.Item):
    """One cell: the case under one interpreter and start method."""

    def __init__(self, *, case: Case, planned: Planned, label: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.planned = planned
        self.label = label
        self.result: Optional[Result] = None

    def runtest(self) -> None:
        from harness.execute import DEFAULT_CAP
        from harness.runner import run_one

        scheduler = self.config.stash.get(SCHEDULER_KEY, None)
        if scheduler is not None and scheduler.has(self):
            self.result = scheduler.wait_for(self)
        else:  # not scheduled (another plugin runs the loop): the same decide, run, judge as `mpmatrix run`, here
            self.result = self.config.stash[RECORD_KEY].keep(run_one(self.planned, DEFAULT_CAP))
        self.config.stash[RESULTS_KEY].append(self.result)
        judged = self.result.judged
        if not self.result.status.ran:
            # _use_item_location: `-rs` then names the case file, not this line of the plugin
            raise pytest.skip.Exception(f"{self.result.status.label}: {judged.message}", _use_item_location=True)
        if self.result.status.is_failure:
            raise CaseFailed(self.result)
        if judged.known_bug:  # the known bug's behaviour was seen: an expected failure, as lit's XFAIL
            raise pytest.xfail.Exception(f"known bug: {judged.known_bug}")

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailed):
            from harness.render.terminal import escape_control

            r = excinfo.value.args[0]
            lines = [f"{r.status.label}: {escape_control(r.judged.message)}"]
            if r.judged.diff:
                lines.append(escape_control(r.judged.diff))
            if r.observed.stacks:
                lines.append("stacks before the timeout:\n" + escape_control(r.observed.stacks))
            return "\n".join(lines)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> Any:
        from harness.render.terminal import escape_name

        interpreter = self.planned.cell.interpreter
        where = f"{self.label} {self.planned.cell.start_method}"
        return (self.path, self.case.block[0] - 1,
                escape_name(f"{self.case.name}[{where}, {interpreter.executable}]: {self.case.claim}"))


class BrokenCase(pytest.Item):
    """A case file that cannot be loaded: an error naming the file and line, not a crash of the session."""

    def __init__(self, *, error: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise CaseFailed(self.error)

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        return self.error

    def reportinfo(self) -> Any:
        return self.path, 0, f"case file {self.path.name}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A scheduled item's call phase lasts as long as its cell ran (not as long as the item waited for it), for
    --durations and the JUnit time."""
    outcome = yield
    if isinstance(item, CaseItem) and call.when == "call" and item.result is not None:
        outcome.get_result().duration = item.result.observed.duration_s


# -- running: the cells in parallel, the items in collection order ---------------------------------------------


class CellScheduler:
    """Runs the selected items' cells as one Session in a background thread; each item waits for its own cell.

    halt() (-x, --maxfail, an interruption) starts no more cells and ends the running ones; their results are not
    observations and their items are not reported."""

    def __init__(self, items: Sequence[CaseItem], jobs: Optional[int], maxfail: int,
                 timings: Optional[Timings] = None, record: Optional[Record] = None) -> None:
        from harness.runner import order_longest_first
        from harness.session import Session

        self.items = {id(item.planned): item for item in items}
        timings = timings or {}
        interpreters = list({id(i.planned.cell.interpreter): i.planned.cell.interpreter for i in items}.values())
        self.session = Session(order_longest_first([item.planned for item in items], timings), interpreters, jobs,
                               timings=timings)
        self.jobs, self.max_jobs = self.session.job_limits
        self.maxfail = maxfail
        self.failures = 0
        self.stop = threading.Event()
        self.record = record or Record(False)
        self.results: Dict[int, Result] = {}
        self.landed = {key: threading.Event() for key in self.items}
        self.error: Optional[BaseException] = None
        self.thread = threading.Thread(target=self._run, name="mpmatrix-scheduler", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def has(self, item: CaseItem) -> bool:
        return id(item.planned) in self.items and self.items[id(item.planned)] is item

    def ran(self, item: CaseItem) -> bool:
        """Wait until the item's cell has landed or will not; whether it ran to a result."""
        self.landed[id(item.planned)].wait()
        return id(item.planned) in self.results

    def wait_for(self, item: CaseItem) -> Result:
        if not self.ran(item):
            raise RuntimeError(f"the mpmatrix scheduler ended before this cell ran: {self.error!r}") from self.error
        return self.results[id(item.planned)]

    def halt(self) -> None:
        from harness import execute

        if not self.stop.is_set():
            self.stop.set()
            execute.end_all()

    def join(self) -> None:
        self.thread.join()

    def _run(self) -> None:
        try:
            self.session.run(stop=self.stop, landed=self._land, keep=False)
        except BaseException as exc:  # reported by the item waiting for it, never lost in this thread
            self.error = exc
        finally:
            for event in self.landed.values():
                event.set()

    def _land(self, planned: Planned, result: Result) -> None:
        if self.stop.is_set():
            return  # a cell ended by halt(): not an observation
        self.results[id(planned)] = self.record.keep(result)  # brief: cells land ahead of their items
        self.landed[id(planned)].set()
        if result.status.is_failure:
            self.failures += 1
            if self.maxfail and self.failures >= self.maxfail:
                self.halt()  # stop scheduling the rest as soon as the failure lands, not when its item is reported


def results_path(target: str, interpreter: Interpreter) -> Path:
    """--mpmatrix-results with {platform}, {python} (the first interpreter's column: 3.12, pypy3.11) and {release} (its
    release: 3.12.1, pypy3.11.13) expanded: CPython's and PyPy's files stay apart, and with {release} those of 3.13.0
    and 3.13.18 too."""
    release = interpreter.cell_id("").tag(release=True)
    return Path(target.replace("{platform}", sys.platform).replace("{python}", interpreter.tag)
                .replace("{release}", release))


def _previous_timings(config: pytest.Config) -> Timings:
    """Cell timings from earlier runs (harness.timings.known_timings): the user's cache, as `mpmatrix run` keeps it,
    and the results file an earlier session wrote (--mpmatrix-results) where it has none."""
    from harness.timings import known_timings

    target = config.getoption("mpmatrix_results")
    return known_timings(results_path(target, _interpreters(config)[0]) if target else None)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> Optional[bool]:
    """pytest's own loop, with the case items' cells run ahead in parallel. Items are still run and reported one by
    one in collection order; a case item's run waits for its cell."""
    config = session.config
    items = [item for item in session.items if isinstance(item, CaseItem)]
    if not items or config.option.collectonly or hasattr(config, "workerinput"):
        return None  # pytest's own loop (or pytest-xdist's, in its workers: it schedules the items itself)
    if session.testsfailed and not config.option.continue_on_collection_errors:
        raise session.Interrupted(f"{session.testsfailed} error{'s' if session.testsfailed != 1 else ''} during collection")
    scheduler = CellScheduler(items, config.getoption("mpmatrix_jobs"), config.getoption("maxfail"),
                              _previous_timings(config), config.stash[RECORD_KEY])
    config.stash[SCHEDULER_KEY] = scheduler
    scheduler.start()
    from harness.session import second_signal_kills, signals_as_interrupt

    try:
        with signals_as_interrupt():
            _run_in_order(session, scheduler)
    except BaseException:
        with second_signal_kills():
            scheduler.halt()  # Ctrl+C: the running cells' trees are ended, nothing is left behind
        raise
    finally:
        scheduler.join()
    if session.shouldfail:
        raise session.Failed(session.shouldfail)
    if session.shouldstop:
        raise session.Interrupted(session.shouldstop)
    return True


def _run_in_order(session: pytest.Session, scheduler: CellScheduler) -> None:
    """Every item's protocol in collection order; a case item's waits for its cell."""
    stopping = False
    for index, item in enumerate(session.items):
        if isinstance(item, CaseItem):
            if not scheduler.ran(item) and scheduler.error is None:
                continue  # its cell was never started or was ended by halt() (-x): not run, not reported
        elif stopping or scheduler.stop.is_set():
            continue  # after -x or --maxfail nothing else starts
        nextitem = session.items[index + 1] if index + 1 < len(session.items) else None
        item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
        if session.shouldfail or session.shouldstop:
            stopping = True
            scheduler.halt()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    record_of_session = session.config.stash.get(RECORD_KEY, None)
    try:
        _write_results(session, exitstatus)
    finally:
        if record_of_session is not None:
            record_of_session.close()


def _write_results(session: pytest.Session, exitstatus: int) -> None:
    from harness import results as results_io, timings as timings_io, wine
    from harness.session import Session

    servers_cpu = wine.release(lambda line: sys.stderr.write(f"mpmatrix: {line}\n"))  # started for this session's cells
    target = session.config.getoption("mpmatrix_results")
    results = session.config.stash[RESULTS_KEY]
    timings_io.save_timings(timings_io.from_results(results), timings_io.cache_path())
    if not target or not results:
        return
    scheduler = session.config.stash.get(SCHEDULER_KEY, None)
    halted = scheduler is not None and scheduler.stop.is_set()
    record = scheduler.session if scheduler is not None else Session([], [])
    record.interpreters = _interpreters(session.config)  # every interpreter of the session, run or deselected
    extra = {"wine_server_cpu_s": {p: round(s, 3) for p, s in servers_cpu.items()}} if servers_cpu else {}
    run = record.record(results, exitstatus in (0, 1) and not halted, runner="pytest", run_id=uuid.uuid4().hex[:12],
                        **extra)
    path = results_path(target, _interpreters(session.config)[0])
    kept = session.config.stash[RECORD_KEY]
    # As `mpmatrix run` does: where the path cannot take them (a folder that is a file, no right to write, a full
    # disk), the temporary folder or the home folder does, and one line says why and where; the session's exit
    # status then says that something asked for was not done (a usage error), not that a test failed.
    try:
        written, problem = results_io.write_run_somewhere(run, path, results_io.fallback_folders(path.parent),
                                                          lambda: kept.whole(results))
    except results_io.ResultsNotWritten as exc:
        written, problem = None, str(exc.strerror)
    if not problem:
        return
    line = f"mpmatrix: error: --mpmatrix-results {problem}" + (f"; the results are in {written}" if written else "")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        from harness.render.terminal import escape_control

        reporter.write_line(escape_control(line), red=True)
    else:
        sys.stderr.write(line + "\n")
    if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        session.exitstatus = pytest.ExitCode.USAGE_ERROR
