"""The bootstrap runs a case exactly as `python case.py` would: tested in real interpreters (oldest and newest here)."""

from __future__ import annotations

import glob
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from harness.execute import BOOTSTRAP, CELL_ENV

pytestmark = pytest.mark.e2e

PYENV = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python")))
METHODS = ("spawn",) if sys.platform == "win32" else ("fork", "spawn", "forkserver")  # what the system offers
posix_signals = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals: an ignored SIGINT inherited "
                                   "across exec, os.kill(pid, SIGINT) delivered (on Windows it is TerminateProcess)")
INTERPRETERS = [sys.executable] + [p for p in PYENV if "/3.7." in p or "/3.13." in p]


def run_bootstrap(python: str, method: str, case: Path, ignore_sigint: bool = False) -> "subprocess.CompletedProcess[str]":
    def ignore() -> None:  # as a background job of a non-interactive shell would start us
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    return subprocess.run(
        [python, BOOTSTRAP, method, "0", os.devnull, str(case)], capture_output=True, text=True, timeout=60,
        cwd=str(case.parent), env=dict(os.environ, **CELL_ENV), preexec_fn=ignore if ignore_sigint else None,
    )


@pytest.fixture(params=INTERPRETERS, ids=lambda p: p.split("/versions/")[-1].split("/")[0] if "/versions/" in p else "current")
def python(request: pytest.FixtureRequest) -> str:
    return request.param


def write(tmp_path: Path, text: str) -> Path:
    case = tmp_path / "case.py"
    case.write_text(text, encoding="utf-8")
    return case


def test_the_case_is_main_for_good_so_spawned_workers_unpickle_its_functions_after_an_exception(python: str, tmp_path: Path) -> None:
    # runpy.run_path would restore the old __main__ when the exception escapes; pool workers started by the
    # atexit-time cleanup could then no longer find `work` (AttributeError: Can't get attribute 'work').
    case = write(tmp_path, """
import multiprocessing, sys
def work(x):
    return x * 2
if __name__ == "__main__":
    print(multiprocessing.get_start_method(), __file__.endswith("case.py"), sys.argv[0].endswith("case.py"))
    with multiprocessing.Pool(1) as pool:
        print(pool.map(work, [1, 2]))
    raise ValueError("the case's own error")
""")
    done = run_bootstrap(python, "spawn", case)
    assert done.stdout.splitlines() == ["spawn True True", "[2, 4]"]
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == "ValueError: the case's own error"
    assert "bootstrap.py" not in done.stderr  # tracebacks start at the case, as under `python case.py`


def test_the_start_method_is_set_before_the_first_line(python: str, tmp_path: Path) -> None:
    case = write(tmp_path, """
import multiprocessing
queue = multiprocessing.Queue()  # a module-level Queue fixes the context: it must already be the chosen one
print(multiprocessing.get_start_method(allow_none=True))
""")
    for method in METHODS:
        assert run_bootstrap(python, method, case).stdout.strip() == method


def test_an_unoffered_start_method_exits_78(python: str, tmp_path: Path) -> None:
    done = run_bootstrap(python, "nonexistent", write(tmp_path, "print('never')\n"))
    assert (done.returncode, done.stdout) == (78, "")


@posix_signals
def test_sigint_ignored_by_whoever_started_the_harness_is_not_inherited_by_the_case(python: str, tmp_path: Path) -> None:
    case = write(tmp_path, """
import signal, subprocess, sys
print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)
child = "import signal; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"
print(subprocess.run([sys.executable, "-c", child], stdout=subprocess.PIPE, universal_newlines=True).stdout.strip())
""")
    done = run_bootstrap(python, "spawn", case, ignore_sigint=True)
    assert done.stdout.splitlines() == ["True", "True"]


@posix_signals
def test_keyboard_interrupt_ends_the_case_as_it_ends_a_script(tmp_path: Path) -> None:
    case = write(tmp_path, "import os, signal, time\nos.kill(os.getpid(), signal.SIGINT)\ntime.sleep(5)\n")
    def as_from_a_terminal() -> None:  # whoever runs the tests may ignore SIGINT (a background job does)
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    direct = subprocess.run([sys.executable, str(case)], capture_output=True, text=True, timeout=30,
                            preexec_fn=as_from_a_terminal)
    through = run_bootstrap(sys.executable, "spawn", case, ignore_sigint=True)
    assert through.returncode == direct.returncode == -signal.SIGINT
    assert through.stderr.splitlines()[-1] == direct.stderr.splitlines()[-1] == "KeyboardInterrupt"


def test_argv_and_path_match_a_script(tmp_path: Path) -> None:
    (tmp_path / "sibling.py").write_text("VALUE = 7\n", encoding="utf-8")
    case = write(tmp_path, "import sys, os, sibling\nprint(sibling.VALUE, sys.path[0] == os.path.dirname(os.path.abspath(__file__)), len(sys.argv))\n")
    direct: List[str] = subprocess.run([sys.executable, str(case)], capture_output=True, text=True).stdout.split()
    assert run_bootstrap(sys.executable, METHODS[0], case).stdout.split() == direct == ["7", "True", "1"]


def test_the_bootstraps_exit_codes_are_the_harness_s() -> None:
    """bootstrap.py runs standalone in the target interpreter (standard library only), so it keeps its own copies."""
    from harness import bootstrap, model

    assert (bootstrap.EXIT_SKIP, bootstrap.EXIT_UNSUPPORTED) == (model.CASE_EXIT_SKIP, model.CASE_EXIT_UNSUPPORTED)


@pytest.mark.parametrize("refusals, said", [(3, ""), (10**6, "mpmatrix: no stacks: unable to start watchdog thread")])
def test_a_refused_watchdog_thread_is_tried_again_then_done_without(monkeypatch, tmp_path, refusals, said):
    """The system may refuse faulthandler's thread (another cell took every thread there is): the case still runs."""
    import faulthandler

    from harness import bootstrap

    calls = []

    def dump_later(*args, **kwargs):
        calls.append(args)
        if len(calls) <= refusals:
            raise RuntimeError("unable to start watchdog thread")

    monkeypatch.setattr(faulthandler, "dump_traceback_later", dump_later)
    with open(tmp_path / "stacks", "w") as dump:
        bootstrap._watch_for_hangs(5.0, dump)
    assert (tmp_path / "stacks").read_text().startswith(said)
    assert len(calls) == 4 if refusals == 3 else len(calls) > 4
