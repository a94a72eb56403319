"""pytest plugin: `pytest cases/` collects each case file as one item per start method (`cases/x.py::spawn`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Iterator, List, Optional

import pytest

from harness.model import START_METHODS

RESULTS_KEY = pytest.StashKey[List[Any]]()


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("mpmatrix", "mpmatrix case files")
    group.addoption("--start-method", action="append", dest="mpmatrix_start_methods", choices=START_METHODS,
                    metavar="M", help="run case files under this start method only (repeatable; default: all three)")
    group.addoption("--mpmatrix-python", action="append", dest="mpmatrix_python", metavar="EXE_OR_VERSION",
                    help="run case files with this interpreter (repeatable; default: the one running pytest)")
    group.addoption("--mpmatrix-results", dest="mpmatrix_results", metavar="PATH",
                    help="write the results JSON here; {platform} (sys.platform) and {python} (the interpreter's "
                         "column: 3.12, 3.13t, pypy3.11) are expanded")
    parser.addini("mpmatrix_case_dirs", "folders whose .py files with a `# /// case` block are collected",
                  type="args", default=["cases"])


def pytest_configure(config: Any) -> None:
    config.stash[RESULTS_KEY] = []


def _in_case_dirs(config: Any, path: Path) -> bool:
    root = Path(str(config.rootpath))
    for folder in config.getini("mpmatrix_case_dirs"):
        base = (root / folder).resolve()
        try:
            path.resolve().relative_to(base)
            return True
        except ValueError:
            continue
    return False


def pytest_collect_file(file_path: Path, parent: Any) -> Optional[Any]:
    if not _is_case_file(parent.config, file_path):
        return None
    return CaseFile.from_parent(parent, path=file_path)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: Any) -> Optional[Any]:
    """A case file named on the command line is also offered to pytest's Python collector, which would import it:
    the case's code would run inside the pytest process. It is collected by pytest_collect_file only."""
    if _is_case_file(parent.config, module_path):
        return NotAModule.from_parent(parent, path=module_path)
    return None


class NotAModule(pytest.File):
    """Stands in for the Module pytest would import; collects nothing (the CaseFile beside it has the items)."""

    def collect(self) -> Iterator[Any]:
        return iter(())


def _is_case_file(config: Any, file_path: Path) -> bool:
    if file_path.suffix != ".py" or file_path.name.startswith(("_", "test_")):
        return False
    if not _in_case_dirs(config, file_path):
        return False
    try:
        return "# /// case" in file_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _interpreters(config: Any) -> List[Any]:
    from harness import interpreters

    cached = getattr(config, "_mpmatrix_interpreters", None)
    if cached is not None:
        return cached
    specs = config.getoption("mpmatrix_python") or []
    found = []
    for spec in specs:
        try:
            found.append(interpreters.resolve(spec))
        except interpreters.InterpreterError as exc:
            raise pytest.UsageError(f"--mpmatrix-python {spec}: {exc}") from None
    config._mpmatrix_interpreters = found or [interpreters.current()]
    return config._mpmatrix_interpreters


class CaseFile(pytest.File):
    """A case file: one item per (interpreter, start method)."""

    def collect(self) -> Iterator[Any]:
        from harness.casefile import CaseError, load_case

        try:
            case = load_case(str(self.path))
        except CaseError as exc:
            yield BrokenCase.from_parent(self, name="case", error=str(exc))
            return
        interpreters = _interpreters(self.config)
        methods = self.config.getoption("mpmatrix_start_methods") or list(START_METHODS)
        for interpreter in interpreters:
            for method in methods:
                name = method if len(interpreters) == 1 else f"{interpreter.tag}-{method}"
                yield CaseItem.from_parent(self, name=name, case=case, interpreter=interpreter, start_method=method)


class CaseFailed(Exception):
    """A cell whose status is a failure; carries its result for the report."""


class CaseItem(pytest.Item):
    """One cell: the case under one interpreter and start method."""

    def __init__(self, *, case: Any, interpreter: Any, start_method: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.interpreter = interpreter
        self.start_method = start_method
        self.result: Any = None

    def runtest(self) -> None:
        from harness.execute import DEFAULT_CAP
        from harness.model import Status
        from harness.plan import plan
        from harness.runner import run_one

        (planned,) = plan([self.case], [], [self.interpreter], [self.start_method])
        self.result = run_one(planned, DEFAULT_CAP)  # the same decide, run, judge and fault handling as `mpmatrix run`
        self.config.stash[RESULTS_KEY].append(self.result)
        if self.result.status in (Status.UNSUPPORTED, Status.SKIP):
            # _use_item_location: `-rs` then names the case file, not this line of the plugin
            raise pytest.skip.Exception(f"{self.result.status.label}: {self.result.message}", _use_item_location=True)
        if self.result.status.is_failure:
            raise CaseFailed(self.result)

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailed):
            from harness.render.terminal import escape_control

            r = excinfo.value.args[0]
            lines = [f"{r.status.label}: {escape_control(r.message)}"]
            if r.diff:
                lines.append(escape_control(r.diff))
            if r.stacks:
                lines.append("stacks before the timeout:\n" + escape_control(r.stacks))
            return "\n".join(lines)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> Any:
        return self.path, self.case.block[0] - 1, f"{self.case.name}[{self.interpreter.tag} {self.start_method}]: {self.case.claim}"


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


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    target = session.config.getoption("mpmatrix_results")
    results = session.config.stash[RESULTS_KEY]
    if not target or not results:
        return
    import platform as host_platform

    from harness import __version__, execute, results as results_io
    from harness.display import now_iso
    from harness.interpreters import interpreter_info
    from harness.model import Run

    python = results[0].tag  # pypy3.11, not 3.11: CPython's and PyPy's files stay apart
    path = Path(target.replace("{platform}", sys.platform).replace("{python}", python))
    run = Run(
        results=tuple(results), started=getattr(session.config, "_mpmatrix_started", now_iso()), finished=now_iso(),
        complete=exitstatus in (0, 1),
        host={"platform": sys.platform, "os": host_platform.platform(), "machine": host_platform.machine(),
              "cpu_count": os.cpu_count(), "runner": "pytest", "cell_environment": dict(execute.CELL_ENV)},
        harness_version=__version__,
        interpreters=tuple(interpreter_info(i) for i in getattr(session.config, "_mpmatrix_interpreters", None) or ()),
    )
    results_io.write_run(run, path)
