"""The pytest plugin with pytester: which files are case files, node IDs, cells in parallel reported in collection
order, -x/-k/--junit-xml/--mpmatrix-results. Unit tests fake the cells (runner.run_cell) and the interpreters;
the e2e ones run real cells, and one runs pytest from a wheel installed outside the repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conftest import CASES, HOSTILE, REPO, import_jsonschema, wait_until_gone, write_case
# session imported here, before any in-process pytest run: pytester takes modules first imported by such a run out of
# sys.modules after it, so a later `from harness import session` got a fresh module the plugin did not use
from harness import interpreters as interpreters_module, runner, session as session_module
from harness.model import Interpreter, Observation
from harness.pytest_plugin import interpreter_labels

PLATFORM = sys.platform
CPYTHON_39 = Interpreter("/fake/cpython3.9", "cpython", "3.9.18", platform=PLATFORM)
PYPY_39 = Interpreter("/fake/pypy3.9", "pypy", "3.9.16", platform=PLATFORM)
CPYTHON_397 = Interpreter("/fake/old/python3.9", "cpython", "3.9.7", platform=PLATFORM)
CPYTHON_312 = Interpreter("/fake/python3.12", "cpython", "3.12.1", platform=PLATFORM)
CPYTHON_312_AGAIN = Interpreter("/fake/debug/python3.12", "cpython", "3.12.1", platform=PLATFORM)
NO_FORKSERVER = Interpreter("/fake/python3.11", "cpython", "3.11.7", platform=PLATFORM, start_methods=("fork", "spawn"))
FAKES = {i.executable: i for i in (CPYTHON_39, PYPY_39, CPYTHON_397, CPYTHON_312, CPYTHON_312_AGAIN, NO_FORKSERVER)}

# hypothesis's plugin, imported afresh in every in-process run (pytester restores sys.modules), costs a second each
INI = "[pytest]\naddopts = -p no:cacheprovider -p no:hypothesispytest\n"
BLOCK = 'claim = "{name} prints ok"\nsource = "tests"\nids = ["T1"]\ntimeout = 10\n\n[expect]\nstdout = "ok"\n'


class FakeCells:
    """Stands in for execute.run_cell: canned observations per case name, optional delays, a record of the calls
    and of how many cells ran at once. A delayed cell ends early when the run's stop event is set."""

    def __init__(self) -> None:
        self.delays: Dict[str, float] = {}
        self.outputs: Dict[str, str] = {}
        self.durations: Dict[str, float] = {}
        self.calls: List[Tuple[str, str, str]] = []
        self.landed: List[str] = []
        self.stopped: List[str] = []
        self.running = 0
        self.peak = 0
        self.lock = threading.Lock()

    def __call__(self, cell, limits, environ=None, stop=None):
        name, both = cell.case_name, f"{cell.case_name}/{cell.start_method}"
        with self.lock:
            self.calls.append((name, cell.interpreter.executable, cell.start_method))
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            deadline = time.monotonic() + self.delays.get(both, self.delays.get(name, 0.0))
            while time.monotonic() < deadline:
                if stop is not None and stop.is_set():
                    self.stopped.append(name)
                    return Observation(signal="SIGTERM", duration_s=0.1)
                time.sleep(0.005)
            self.landed.append(name)
            return Observation(exit=0, stdout=self.outputs.get(both, self.outputs.get(name, "ok")) + "\n",
                               duration_s=self.durations.get(name, 0.01))
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def cells(monkeypatch):
    fake = FakeCells()
    monkeypatch.setattr(runner, "run_cell", fake)
    monkeypatch.setattr(interpreters_module, "current", lambda: CPYTHON_312)
    monkeypatch.setattr(interpreters_module, "resolve", lambda spec: FAKES[spec])
    return fake


@pytest.fixture
def claims(pytester):
    """A folder of one's own, `claims/`, with cases a-d (d in a subfolder), a helper module and a test module."""
    folder = pytester.path / "claims"
    for name in ("a", "b", "c"):
        write_case(folder, f"{name}.py", BLOCK.format(name=name), 'print("ok")\n')
    write_case(folder / "more", "d.py", BLOCK.format(name="d"), 'print("ok")\n')
    (folder / "helper.py").write_text("VALUE = 1\n")
    (folder / "_private.py").write_text((folder / "a.py").read_text())
    pytester.makeini(INI)
    return pytester


def node_ids(result) -> List[str]:
    return [line for line in result.outlines if "::" in line and " " not in line]


# -- which files are case files -------------------------------------------------------------------------------


def test_a_folder_named_on_the_command_line_is_collected_with_its_subfolders(claims, cells):
    result = claims.runpytest("--collect-only", "-q", "claims", "--start-method", "spawn")
    assert node_ids(result) == ["claims/a.py::spawn", "claims/b.py::spawn", "claims/c.py::spawn", "claims/more/d.py::spawn"]


def test_running_inside_the_folder_and_naming_one_file(claims, cells, monkeypatch):
    monkeypatch.chdir(claims.path / "claims")
    result = claims.runpytest("--collect-only", "-q", ".", "--start-method", "fork")  # IDs are relative to the rootdir
    assert node_ids(result) == ["claims/a.py::fork", "claims/b.py::fork", "claims/c.py::fork", "claims/more/d.py::fork"]
    result = claims.runpytest("--collect-only", "-q", "b.py")
    assert node_ids(result) == ["claims/b.py::fork", "claims/b.py::spawn", "claims/b.py::forkserver"]
    result = claims.runpytest("-q", "more/d.py::spawn")
    result.assert_outcomes(passed=1)
    assert cells.calls == [("d", CPYTHON_312.executable, "spawn")]


def test_a_folder_given_from_elsewhere(claims, cells, monkeypatch):
    elsewhere = claims.path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = claims.runpytest("--collect-only", "-q", "../claims", "--start-method", "spawn")
    assert node_ids(result) == ["claims/a.py::spawn", "claims/b.py::spawn", "claims/c.py::spawn", "claims/more/d.py::spawn"]


def test_a_bare_pytest_collects_no_case_file_and_says_how(claims, cells, monkeypatch):
    monkeypatch.chdir(claims.path / "claims")
    result = claims.runpytest()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED and cells.calls == []
    result.stdout.fnmatch_lines(["mpmatrix: 4 case files were not collected (e.g. a.py): *`pytest DIR`*mpmatrix_case_dirs*"])


def test_mpmatrix_case_dirs_collects_without_naming_the_folder(claims, cells):
    claims.makeini(INI + "mpmatrix_case_dirs = claims/more\n")
    result = claims.runpytest("--collect-only", "-q", "--start-method", "spawn")
    assert node_ids(result) == ["claims/more/d.py::spawn"]  # a.py-c.py are outside it and not named


def test_test_modules_helpers_and_quoted_blocks_are_not_cases(claims, cells):
    folder = claims.path / "claims"
    quoted = '"""A benchmark writing case files."""\nTEMPLATE = """\\\n# /// case\n# claim = "x"\n# source = "s"\n# ids = ["B1"]\n# ///\n"""\n'
    (folder / "bench.py").write_text(quoted)
    (folder / "test_own.py").write_text("# /// case\n# claim = 'a test module, not a case'\n# ///\ndef test_it():\n    pass\n")
    result = claims.runpytest("--collect-only", "-q", "claims", "--start-method", "spawn")
    ids = node_ids(result)
    assert "claims/test_own.py::test_it" in ids
    assert not [i for i in ids if "bench" in i or "helper" in i or "_private" in i]


def test_this_repository_s_own_runs_collect_no_fixture_case():
    for args in ([], ["tests"]):
        done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
                              cwd=str(REPO), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout[-2000:]
        ids = [line for line in done.stdout.splitlines() if "::" in line]
        assert len(ids) > 100 and not [i for i in ids if "tests/data" in i or not i.startswith("tests/test_")]


# -- node IDs -------------------------------------------------------------------------------------------------


def test_labels_tell_apart_interpreters_that_share_a_tag():
    assert interpreter_labels([CPYTHON_39, PYPY_39]) == ["3.9", "pypy3.9"]
    assert interpreter_labels([CPYTHON_39, CPYTHON_397, CPYTHON_312]) == ["3.9.18", "3.9.7", "3.12"]
    assert interpreter_labels([CPYTHON_312, CPYTHON_312_AGAIN]) == ["3.12.1", "3.12.1+2"]
    threaded = Interpreter("/fake/python3.13t", "cpython", "3.13.1", free_threaded=True)
    other = Interpreter("/fake/other/python3.13t", "cpython", "3.13.0", free_threaded=True)
    assert interpreter_labels([threaded, other]) == ["3.13.1t", "3.13.0t"]
    # the implementation is named once, from the cell identity's tag
    assert interpreter_labels([Interpreter("/pypy", "pypy", "3.11.9"), Interpreter("/py", "cpython", "3.11.7")]) == [
        "pypy3.11", "3.11"]


def test_node_ids_and_junit_names_are_unique_and_progress_reaches_100(claims, cells):
    args = ["claims/a.py", "--mpmatrix-python", CPYTHON_39.executable, "--mpmatrix-python", PYPY_39.executable,
            "--mpmatrix-python", CPYTHON_39.executable,  # named twice: runs once
            "--start-method", "spawn", "--start-method", "fork", "--junit-xml", "junit.xml", "-v"]
    result = claims.runpytest(*args)
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["claims/a.py::3.9-spawn PASSED*", "claims/a.py::3.9-fork PASSED*",
                                 "claims/a.py::pypy3.9-spawn PASSED*", "claims/a.py::pypy3.9-fork PASSED*100%*"])
    names = [c.get("name") for c in ET.parse(str(claims.path / "junit.xml")).getroot().iter("testcase")]
    assert sorted(names) == ["3.9-fork", "3.9-spawn", "pypy3.9-fork", "pypy3.9-spawn"]
    assert sorted(cells.calls) == sorted((case, exe, method) for case in "a" for exe in (CPYTHON_39.executable, PYPY_39.executable)
                                         for method in ("spawn", "fork"))


def test_k_selects_by_label(claims, cells):
    result = claims.runpytest("claims/a.py", "--mpmatrix-python", CPYTHON_312.executable, "--mpmatrix-python",
                              CPYTHON_312_AGAIN.executable, "-k", "3.12.1+2 and spawn", "-q")
    result.assert_outcomes(passed=1, deselected=5)
    assert cells.calls == [("a", CPYTHON_312_AGAIN.executable, "spawn")]


# -- running in parallel, reporting in collection order -------------------------------------------------------


def test_cells_overlap_and_items_are_reported_in_collection_order(claims, cells):
    cells.delays = {"a": 0.6, "b": 0.3, "c": 0.3, "d": 0.1}  # a, collected first, lands last
    result = claims.runpytest("claims", "--start-method", "spawn", "--mpmatrix-jobs", "4", "-v")
    result.assert_outcomes(passed=4)
    reported = [line.split()[0] for line in result.outlines if line.endswith("%]")]
    assert reported == ["claims/a.py::spawn", "claims/b.py::spawn", "claims/c.py::spawn", "claims/more/d.py::spawn"]
    assert cells.peak == 4 and cells.landed[0] == "d" and cells.landed[-1] == "a"


def test_one_job_runs_one_cell_at_a_time(claims, cells):
    result = claims.runpytest("claims", "--start-method", "spawn", "--mpmatrix-jobs", "1")
    result.assert_outcomes(passed=4)
    assert cells.peak == 1 and [c[0] for c in cells.calls] == ["a", "b", "c", "d"]


def test_mpmatrix_jobs_is_checked(claims, cells):
    result = claims.runpytest("claims", "--mpmatrix-jobs", "0")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--mpmatrix-jobs: expected a positive integer, got '0'*"])


def test_only_selected_items_run(claims, cells):
    result = claims.runpytest("claims", "-k", "b or more", "--start-method", "fork", "--start-method", "spawn")
    result.assert_outcomes(passed=4, deselected=4)
    assert sorted(c[0] for c in cells.calls) == ["b", "b", "d", "d"]


def test_exitfirst_stops_scheduling_and_ends_running_cells(claims, cells):
    cells.outputs = {"b/spawn": "not ok"}
    cells.delays = {"a": 30.0, "b/spawn": 0.2}  # a's cells are still running when b's spawn cell fails
    started = time.monotonic()
    result = claims.runpytest("claims", "-x", "--start-method", "spawn", "--start-method", "fork",
                              "--mpmatrix-jobs", "3", "--mpmatrix-results", "out.json", "-v")
    assert time.monotonic() - started < 10
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["claims/b.py::spawn FAILED*", "*stopping after 1 failures*"])
    assert sorted(cells.calls) == [("a", CPYTHON_312.executable, "fork"), ("a", CPYTHON_312.executable, "spawn"),
                                   ("b", CPYTHON_312.executable, "spawn")]  # nothing started after the failure
    assert cells.stopped == ["a", "a"]  # the running cells were ended, not waited for
    data = json.loads((claims.path / "out.json").read_text())
    assert data["complete"] is False and [c["case"] for c in data["cells"]] == ["b"]  # ended cells are no observations


def test_exitfirst_reports_the_cells_that_ran_before_the_stop(claims, cells):
    cells.outputs = {"b": "not ok"}
    cells.delays = {"a": 30.0, "b": 0.5}  # c and d land before b fails; a never lands
    result = claims.runpytest("claims", "-x", "--start-method", "spawn", "--mpmatrix-jobs", "4", "-v")
    result.assert_outcomes(failed=1, passed=2)
    reported = [line.split()[:2] for line in result.outlines if line.endswith("%]")]
    assert reported == [["claims/b.py::spawn", "FAILED"], ["claims/c.py::spawn", "PASSED"], ["claims/more/d.py::spawn", "PASSED"]]


def test_maxfail_counts_failing_cells(claims, cells):
    cells.outputs = {"a": "wrong", "b": "wrong", "c": "wrong"}
    result = claims.runpytest("claims", "--maxfail", "2", "--start-method", "spawn", "--mpmatrix-jobs", "1")
    result.assert_outcomes(failed=2)
    assert [c[0] for c in cells.calls] == ["a", "b"]


def test_a_failure_shows_the_reason_and_diff(claims, cells):
    cells.outputs = {"a": "not ok"}
    result = claims.runpytest("claims/a.py", "--start-method", "spawn")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*fail: stdout: line 1: expected 'ok', got 'not ok'*", "*-ok", "*+not ok"])
    assert "Traceback" not in result.stdout.str()


def test_unsupported_cells_are_skips(claims, cells):
    result = claims.runpytest("claims/a.py", "--mpmatrix-python", NO_FORKSERVER.executable, "-rs")
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines(["*claims/a.py:1: unsupported: start method forkserver is not offered*"])
    assert ("a", NO_FORKSERVER.executable, "forkserver") not in cells.calls


def test_junit_time_and_durations_are_the_cells(claims, cells):
    cells.durations = {"a": 1.25}
    result = claims.runpytest("claims/a.py", "--start-method", "spawn", "--junit-xml", "junit.xml")
    result.assert_outcomes(passed=1)
    (case,) = ET.parse(str(claims.path / "junit.xml")).getroot().iter("testcase")
    assert float(case.get("time")) == pytest.approx(1.25, abs=0.01)


def test_long_cells_of_the_previous_results_start_first(claims, cells):
    cells.durations = {"c": 5.0, "d": 3.0}
    claims.runpytest("claims", "--start-method", "spawn", "--mpmatrix-results", "out/{python}.json").assert_outcomes(passed=4)
    cells.calls.clear()
    claims.runpytest("claims", "--start-method", "spawn", "--mpmatrix-results", "out/{python}.json",
                     "--mpmatrix-jobs", "1").assert_outcomes(passed=4)
    assert [c[0] for c in cells.calls] == ["c", "d", "a", "b"]


def test_a_scheduler_fault_fails_the_items_instead_of_hanging(claims, cells, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("scheduler broke")

    monkeypatch.setattr(session_module, "run_all", broken)
    result = claims.runpytest("claims/a.py", "--start-method", "spawn")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the mpmatrix scheduler ended before this cell ran: RuntimeError('scheduler broke')*"])


def test_where_another_plugin_runs_the_loop_each_item_runs_its_own_cell(claims, cells):
    claims.makeconftest("def pytest_configure(config):\n    config.workerinput = {}  # as in a pytest-xdist worker\n")
    cells.delays = {"a": 0.1, "b": 0.1}
    result = claims.runpytest("claims/a.py", "claims/b.py", "--start-method", "spawn", "--start-method", "fork")
    result.assert_outcomes(passed=4)
    assert cells.peak == 1 and [c[0] for c in cells.calls] == ["a", "a", "b", "b"]


def test_python_tests_in_the_same_session_still_run(claims, cells):
    claims.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = claims.runpytest("claims/a.py", "test_plain.py", "--start-method", "spawn", "-v")
    result.assert_outcomes(passed=2)


def test_duplicate_case_names_are_an_error_naming_both_files(claims, cells):
    write_case(claims.path / "claims" / "other", "a.py", BLOCK.format(name="a"), 'print("ok")\n')
    result = claims.runpytest("claims", "--start-method", "spawn")
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(["*claims/other/a.py: duplicate case name 'a': *claims/a.py has it too*"])


def test_results_json(claims, cells):
    jsonschema = import_jsonschema()

    from harness.results import SCHEMA_PATH

    result = claims.runpytest("claims", "--start-method", "spawn", "--mpmatrix-results", "out/{platform}-{python}.json")
    result.assert_outcomes(passed=4)
    data = json.loads((claims.path / "out" / f"{PLATFORM}-3.12.json").read_text())
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert [c["case"] for c in data["cells"]] == ["a", "b", "c", "d"]  # collection order
    assert data["complete"] is True and data["host"]["runner"] == "pytest" and data["host"]["jobs"] >= 1


def test_results_that_cannot_be_written_where_asked_are_written_elsewhere_and_said_in_one_line(claims, cells, monkeypatch):
    """--mpmatrix-results under a file (a folder cannot be made there): the session's summary line is printed, one
    line says why and where the results went (the temporary folder, here a folder of the test's), no traceback, and
    the exit status is a usage error, not a failed test. Before: a traceback, no summary line, exit 1 for a passing
    session, and the results nowhere."""
    from harness import results as results_io

    (claims.path / "blocker").write_text("a file where a folder would be")
    fallback = claims.path / "fallback"
    fallback.mkdir()
    monkeypatch.setattr(results_io, "fallback_folders", lambda folder: [fallback])
    result = claims.runpytest("claims", "--start-method", "spawn", "--mpmatrix-results", "blocker/out.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.assert_outcomes(passed=4)
    text = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in text and "INTERNALERROR" not in text
    (saved,) = fallback.glob("mpmatrix-results-*.json")
    (line,) = [line for line in result.outlines if line.startswith("mpmatrix: error:")]
    assert line == ("mpmatrix: error: --mpmatrix-results cannot write blocker/out.json: blocker is a file, not a "
                    f"folder; the results are in {saved}")
    assert len(results_io.read_run(saved).results) == 4
    monkeypatch.setattr(results_io, "fallback_folders", lambda folder: [claims.path / "blocker"])  # nowhere at all
    result = claims.runpytest("claims", "--start-method", "spawn", "--mpmatrix-results", "blocker/out.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR and "Traceback" not in result.stdout.str()
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines([f"mpmatrix: error: --mpmatrix-results cannot write *out.json: * is a file, not a "
                                 f"folder, nor in {claims.path / 'blocker'}"])


# -- real cells (e2e) -----------------------------------------------------------------------------------------


@pytest.fixture
def project(pytester):
    """A project whose `mpmatrix_case_dirs` is `claims/`, holding some fixture cases and one malformed one."""
    folder = pytester.path / "claims"
    folder.mkdir()
    for name in ("pass_simple.py", "fail_diff.py", "not_offered.py", "when_start_method.py"):
        shutil.copy(CASES / name, folder / name)
    shutil.copy(HOSTILE / "malformed" / "unknown_key.py", folder / "unknown_key.py")
    (folder / "helper.py").write_text("VALUE = 1\n")  # no case block: not collected
    pytester.makeini(INI + "mpmatrix_case_dirs = claims\n")
    return pytester


@pytest.mark.e2e
def test_items_are_named_file_and_start_method(project):
    result = project.runpytest("--collect-only", "-q")  # bare: claims/ is in mpmatrix_case_dirs
    expected = {f"claims/{case}.py::{method}" for case in ("pass_simple", "fail_diff", "not_offered", "when_start_method")
                for method in ("fork", "spawn", "forkserver")}
    assert expected | {"claims/unknown_key.py::case"} == set(node_ids(result))


@pytest.mark.e2e
def test_real_cells_pass_skip_and_fail(project):
    result = project.runpytest("claims", "-rs", "--junit-xml", "junit.xml", "--mpmatrix-results", "out.json")
    result.assert_outcomes(passed=6, skipped=3, failed=4)  # fail_diff x3 and the malformed case
    text = result.stdout.str()
    assert "claims/not_offered.py:1: unsupported: start method spawn is not offered here" in text
    assert ("claims/not_offered.py:1: skip: the case skipped itself (exit 77): the reason: not applicable under this "
            "start method") in text
    result.stdout.fnmatch_lines(["*fail: stdout:*", "*-two", "*+TWO"])
    result.stdout.fnmatch_lines(["*claims/unknown_key.py:5: unknown key 'timout' (did you mean 'timeout'?)*"])
    cases = ET.parse(str(project.path / "junit.xml")).getroot().iter("testcase")
    outcome = {(c.get("classname"), c.get("name")): [child.tag for child in c] for c in cases}
    assert outcome[("claims.fail_diff", "fork")] == ["failure"] and outcome[("claims.pass_simple", "spawn")] == []
    data = json.loads((project.path / "out.json").read_text())
    assert len(data["cells"]) == 12 and data["complete"] is True


@pytest.mark.e2e
def test_exitfirst_leaves_no_process_behind(pytester, tmp_path):
    """A cell with a child process is still running when another fails: -x ends both, nothing outlives pytest."""
    import psutil

    pids = tmp_path / "pids"
    folder = pytester.path / "claims"
    head = 'claim = "c"\nsource = "t"\nids = ["X1"]\ntimeout = 60\n\n[expect]\nstdout = "expected"\n'
    write_case(folder, "a_sleeps.py", head,
               "import multiprocessing, os, time\n"
               "def nap():\n    time.sleep(60)\n"
               "if __name__ == '__main__':\n"
               "    child = multiprocessing.Process(target=nap); child.start()\n"
               f"    with open({str(pids)!r} + '.tmp', 'w') as f:\n        f.write(f'{{os.getpid()}} {{child.pid}}')\n"
               f"    os.replace({str(pids)!r} + '.tmp', {str(pids)!r})\n"
               "    time.sleep(60)\n")
    write_case(folder, "b_fails.py", head,  # fails once the sleeper runs, so that -x finds it running
               f"import os, time\nwhile not os.path.exists({str(pids)!r}):\n    time.sleep(0.05)\nprint('unexpected')\n")
    started = time.monotonic()
    result = pytester.runpytest_subprocess("claims", "-x", "--start-method", "spawn", "--mpmatrix-jobs", "2",
                                           "-p", "no:cacheprovider")
    assert time.monotonic() - started < 40  # not the sleeper's 60 s
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*b_fails.py::spawn*", "*stopping after 1 failures*"])
    left = []
    for pid in map(int, pids.read_text().split()):
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                left.append(pid)
        except psutil.NoSuchProcess:
            pass
    assert left == []


@pytest.mark.e2e
def test_results_json_describes_the_real_interpreter(project):
    jsonschema = import_jsonschema()

    from harness.results import SCHEMA_PATH

    result = project.runpytest("claims/pass_simple.py", "claims/not_offered.py", "--start-method", "spawn",
                               "--mpmatrix-results", "out/{platform}-{python}.json")
    result.assert_outcomes(passed=1, skipped=1)
    (path,) = (project.path / "out").glob("*.json")
    data = json.loads(path.read_text())
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert {c["case"]: c["status"] for c in data["cells"]} == {"pass_simple": "pass", "not_offered": "unsupported"}
    assert data["host"]["runner"] == "pytest" and data["complete"] is True
    (interpreter,) = data["interpreters"]  # the one running pytest, described as `mpmatrix run` describes it
    assert interpreter["implementation"] == sys.implementation.name and interpreter["implementation_version"]
    assert path.name == f"{sys.platform}-{data['cells'][0]['python'].rsplit('.', 1)[0]}.json"


WHEEL_CASES = ("pass_simple.py", "when_start_method.py", "when_python.py")


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory):
    """The package built as a wheel and installed (not editable) with pytest into a fresh venv outside the repo."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"),
                    str(REPO)], check=True, capture_output=True, timeout=300)
    (wheel,) = (work / "dist").glob("mpmatrix-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel), "pytest"],
                   check=True, capture_output=True, timeout=600)
    return python


@pytest.mark.e2e
def test_pytest_outside_the_repository_with_the_wheel(wheel_venv, tmp_path):
    folder = tmp_path / "my-claims" / "cases"
    folder.mkdir(parents=True)
    for name in WHEEL_CASES:
        shutil.copy(CASES / name, folder / name)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COV_", "COVERAGE"))}

    def pytest_in(where: Path, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(wheel_venv), "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=str(where),
                              env=env, capture_output=True, text=True, timeout=300)

    where = subprocess.run([str(wheel_venv), "-c", "import harness; print(harness.__file__)"], cwd=str(elsewhere),
                           env=env, capture_output=True, text=True, check=True).stdout
    assert str(REPO) not in where and "site-packages" in where
    collected = pytest_in(elsewhere, "--collect-only", "-q", "../my-claims/cases")
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert len([line for line in collected.stdout.splitlines() if "::" in line]) == 3 * len(WHEEL_CASES)
    inside = pytest_in(folder, "-q", ".", "--start-method", "spawn")
    assert inside.returncode == 0 and f"{len(WHEEL_CASES)} passed" in inside.stdout, inside.stdout
    one = pytest_in(folder, "-q", "pass_simple.py")
    assert one.returncode == 0 and "3 passed" in one.stdout, one.stdout
    bare = pytest_in(folder)
    assert bare.returncode == 5 and "were not collected" in bare.stdout, bare.stdout


@pytest.mark.e2e
def test_pytest_with_the_wheel_and_two_interpreters_sharing_a_tag(wheel_venv, tmp_path):
    pypy = shutil.which("pypy3") or "/usr/bin/pypy3"
    if not os.path.exists(pypy):
        pytest.skip("no PyPy here")
    probe = subprocess.run([pypy, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True)
    version = probe.stdout.strip()
    found, _ = interpreters_module.discover()
    if not any(i.implementation == "cpython" and i.tag == version for i in found):
        pytest.skip(f"no CPython {version} beside PyPy {version}")
    folder = tmp_path / "cases"
    folder.mkdir()
    shutil.copy(CASES / "pass_simple.py", folder / "pass_simple.py")
    done = subprocess.run([str(wheel_venv), "-m", "pytest", "-p", "no:cacheprovider", "-v", "cases", "--start-method", "spawn",
                           "--mpmatrix-python", version, "--mpmatrix-python", pypy],
                          cwd=str(tmp_path), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"cases/pass_simple.py::{version}-spawn PASSED" in done.stdout
    assert f"cases/pass_simple.py::pypy{version}-spawn PASSED" in done.stdout and "[100%]" in done.stdout


def test_a_known_bug_seen_is_an_expected_failure_and_a_fixed_one_fails(claims, cells):
    write_case(claims.path / "claims", "bug.py", 'claim = "c"\nsource = "s"\nids = ["T1"]\n\n[expect]\nstdout = "ok"\n\n'
               '[[expect.when]]\nstart_method = ["spawn", "forkserver"]\nstdout = "broken"\n'
               'known_bug = "gh-1: spawn breaks it"\n', 'print("ok")\n')
    cells.outputs = {"bug/forkserver": "broken"}
    result = claims.runpytest("claims/bug.py", "-rxf", "--junit-xml", "junit.xml")
    result.assert_outcomes(passed=1, xfailed=1, failed=1)  # fork holds; forkserver shows the bug; spawn: fixed?
    result.stdout.fnmatch_lines(["XFAIL claims/bug.py::forkserver - known bug: gh-1: spawn breaks it",
                                 "FAILED claims/bug.py::spawn - fail: stdout: line 1: expected 'broken', got 'ok'*"])
    outcome = {c.get("name"): [child.tag for child in c]
               for c in ET.parse(str(claims.path / "junit.xml")).getroot().iter("testcase")}
    assert outcome == {"fork": [], "spawn": ["failure"], "forkserver": ["skipped"]}
