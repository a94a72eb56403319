"""Tests for harness.files and its readers: named pipes, links to /dev/zero, folders and oversized files where case
files, results files, journals, claims files and matrix.toml are read are refused by name, at once, and never
block; real pipes and devices (cheap), and fault injection for a file swapped between stat and open."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from harness import cli, files
from harness.casefile import CaseError, declares_case, explanation, find_cases, load_case

from conftest import write_case

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="named pipes and /dev/zero are POSIX's")

QUICK_S = 2.0  # far beyond what a refusal takes (milliseconds): a reader that blocked would never come back


def fifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


def zero_link(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink("/dev/zero", path)
    return path


def within(seconds: float, call, *args, **kwargs):
    """call(*args) in a thread, which must be done within `seconds`: a reader blocked on a pipe fails the test
    instead of hanging it (the thread is a daemon; a writer opened on the pipe afterwards releases it)."""
    outcome = {}

    def target():
        try:
            outcome["value"] = call(*args, **kwargs)
        except BaseException as exc:  # the refusal is the point: returned for the test to look at
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        for path in [a for a in args if isinstance(a, (str, Path)) and Path(a).exists() and os.path.exists(a)]:
            try:  # release a reader blocked on a pipe, so that the thread ends
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        pytest.fail(f"{call.__name__} did not come back within {seconds} s")
    outcome["seconds"] = time.monotonic() - started
    return outcome


def test_a_regular_file_is_read_whole_within_its_bound(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 100)
    assert files.read_bytes(path, 100, "test file") == b"x" * 100
    assert files.read_text(path, 100, "test file") == "x" * 100
    with pytest.raises(files.NotRegular) as refused:
        files.read_bytes(path, 99, "test file")
    assert refused.value.strerror == "100 bytes, more than the 99 bytes a test file may have"
    assert files.refusal(path, 100, "test file") == ""
    assert "more than the 50 bytes" in files.refusal(path, 50, "test file")


@pytest.mark.parametrize("make, words", [
    (fifo, "a named pipe, not a regular file"),
    (zero_link, "a character device (a symbolic link to '/dev/zero'), not a regular file"),
    (lambda p: (p.mkdir(), p)[1], "a folder, not a regular file"),
])
def test_what_is_not_a_regular_file_is_refused_by_name_at_once(tmp_path, make, words):
    path = make(tmp_path / "x.json")
    outcome = within(QUICK_S, files.read_bytes, path, files.RESULTS_LIMIT, "results file")
    assert isinstance(outcome.get("error"), files.NotRegular) and outcome["error"].strerror == words
    assert isinstance(outcome["error"], OSError) and outcome["error"].filename == str(path)
    assert files.refusal(path, 10, "results file") == words and not files.is_regular(path)


def test_a_pipe_swapped_in_between_the_check_and_the_open_is_refused_without_blocking(tmp_path, monkeypatch):
    """Fault injection: stat says "regular file" (as it did a moment before), then the open finds the pipe that was
    put there meanwhile; opened with O_NONBLOCK, it does not block, and fstat refuses it."""
    regular = tmp_path / "regular"
    regular.write_text("x")
    path = fifo(tmp_path / "case.py")
    real_stat = os.stat
    monkeypatch.setattr(files.os, "stat", lambda p, *a, **k: real_stat(regular) if Path(p) == path else real_stat(p, *a, **k))
    outcome = within(QUICK_S, files.read_bytes, path, files.CASE_FILE_LIMIT, "case file")
    assert isinstance(outcome.get("error"), files.NotRegular) and "a named pipe" in outcome["error"].strerror


def test_a_file_that_grows_past_its_bound_while_it_is_read_is_refused(tmp_path, monkeypatch):
    """Fault injection: fstat reports the size the file had; it has grown since, past the bound."""
    path = tmp_path / "growing"
    path.write_bytes(b"y" * 5000)
    real_stat, real_fstat = os.stat, os.fstat

    def small(status):
        return os.stat_result(status[:6] + (10,) + status[7:])  # st_size: 10 bytes, when it was looked at

    monkeypatch.setattr(files.os, "stat", lambda p, *a, **k: small(real_stat(p, *a, **k)))
    monkeypatch.setattr(files.os, "fstat", lambda fd: small(real_fstat(fd)))
    with pytest.raises(files.NotRegular) as refused:
        files.read_bytes(path, 1000, "case file")
    assert refused.value.strerror == "more than the 1,000 bytes a case file may have (it grew while it was read)"
    assert files.read_bytes(path, 6000, "case file") == b"y" * 5000  # within the bound, all of what it holds now


# -- case files ---------------------------------------------------------------------------------------------------


def test_a_pipe_or_a_link_to_dev_zero_among_the_cases_is_an_error_naming_it_and_the_rest_are_found(tmp_path):
    folder = tmp_path / "cases"
    good = write_case(folder, "good.py", 'claim = "c"\nsource = "s"\nids = ["S1"]\n')
    pipe, zero = fifo(folder / "pipe.py"), zero_link(folder / "sub" / "zero.py")
    (folder / "pkg.py").mkdir()  # a folder named like a case file is walked into, not reported
    outcome = within(QUICK_S, find_cases, [str(folder)])
    found, errors = outcome["value"]
    assert found == [str(good)]
    assert {e.path: e.message for e in errors} == {
        str(pipe): "a named pipe, not a regular file; expected a case file",
        str(zero): "a character device (a symbolic link to '/dev/zero'), not a regular file; expected a case file",
    }
    named = within(QUICK_S, find_cases, [str(pipe)])["value"]  # named on the command line: the same words
    assert named[0] == [] and named[1][0].message == "a named pipe, not a regular file; expected a case file"


def test_case_readers_refuse_a_pipe_and_dev_zero_without_blocking(tmp_path):
    for path in (fifo(tmp_path / "p.py"), zero_link(tmp_path / "z.py")):
        assert within(QUICK_S, declares_case, path)["value"] is False
        assert within(QUICK_S, explanation, str(path))["value"] == ""
        error = within(QUICK_S, load_case, str(path))["error"]
        assert isinstance(error, CaseError) and "not a regular file" in str(error) and str(error).startswith(str(path))


def test_a_case_file_beyond_its_bound_is_named_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "CASE_FILE_LIMIT", 1000)
    big = write_case(tmp_path / "cases", "big.py", 'claim = "c"\nsource = "s"\nids = ["S1"]\n', code="x = 1\n" * 500)
    found, errors = find_cases([str(tmp_path / "cases")])
    size = big.stat().st_size
    assert found == [] and errors[0].message == f"{size:,} bytes, more than the 1,000 bytes a case file may have; expected a case file"
    assert "more than the 1,000 bytes" in str(within(QUICK_S, load_case, str(big))["error"])


@pytest.mark.parametrize("make", [fifo, zero_link])
def test_list_names_a_pipe_or_dev_zero_among_the_cases_and_ends(tmp_path, capsys, make):
    folder = tmp_path / "cases"
    write_case(folder, "good.py", 'claim = "a claim"\nsource = "s"\nids = ["S1"]\n')
    odd = make(folder / "odd.py")
    outcome = within(QUICK_S, cli.main, ["list", str(folder)])
    out, err = capsys.readouterr()
    assert outcome["value"] == 2 and "good" in out and "a claim" in out
    assert f"mpmatrix: {odd}: " in err and "not a regular file; expected a case file" in err


# -- results files, journals, claims files, matrix.toml ---------------------------------------------------------


@pytest.mark.parametrize("make", [fifo, zero_link])
def test_report_names_a_pipe_or_dev_zero_named_like_a_results_file_and_ends(tmp_path, capsys, make):
    odd = make(tmp_path / "results" / "x.json")
    for argv in (["report", str(tmp_path / "results")], ["report", str(odd)], ["claims", str(odd)]):
        outcome = within(QUICK_S, cli.main, argv)
        err = capsys.readouterr().err
        assert outcome["value"] == 2, err
        assert err.startswith(f"mpmatrix: error: {odd}: cannot read: ") and "not a regular file" in err, err


@pytest.mark.parametrize("make", [fifo, zero_link])
def test_resume_names_a_pipe_or_dev_zero_in_place_of_the_journal_and_ends(tmp_path, make):
    from harness import results as results_io
    from harness.display import QuietDisplay
    from harness.errors import UsageError
    from harness.lifecycle import RunRequest, run_matrix

    write_case(tmp_path / "cases", "a.py", 'claim = "c"\nsource = "s"\nids = ["S1"]\n')
    journal = make(tmp_path / "out" / results_io.JOURNAL_NAME)
    request = RunRequest(paths=(str(tmp_path / "cases"),), pythons=("current",), start_methods=("fork",),
                         out=str(tmp_path / "out"), resume=True)
    error = within(QUICK_S, run_matrix, request, QuietDisplay(), lambda line: None)["error"]
    assert isinstance(error, UsageError) and str(error).startswith(f"{journal}: cannot read: ")
    assert "not a regular file" in str(error)
    assert within(QUICK_S, results_io.read_journal, journal)["error"].args[0] == str(error)


def test_a_pipe_in_place_of_a_claims_file_or_matrix_toml_is_refused_by_name(tmp_path, monkeypatch):
    from harness.claims import read_claims_file
    from harness.errors import UsageError
    from harness.target import load_target, target_for

    pipe = fifo(tmp_path / "claims" / "x.md")
    error = within(QUICK_S, read_claims_file, str(pipe))["error"]
    assert isinstance(error, UsageError) and str(error).startswith(f"{pipe}: cannot read the claims file (a named pipe, not a regular file)")
    matrix = zero_link(tmp_path / "matrix.toml")
    error = within(QUICK_S, load_target, str(matrix))["error"]
    assert isinstance(error, UsageError) and "cannot read the target matrix (a character device" in str(error)
    monkeypatch.chdir(tmp_path)  # ./matrix.toml, read by default: refused, not passed over
    assert "not a regular file" in str(within(QUICK_S, target_for, None)["error"])


def test_a_pipe_in_place_of_the_timings_cache_or_an_earlier_results_file_is_no_timing(tmp_path, monkeypatch):
    from harness import timings

    cache = fifo(tmp_path / "cache" / timings.FILE_NAME)
    assert within(QUICK_S, timings.load_timings, cache)["value"] == {}
    monkeypatch.setenv(timings.CACHE_ENV, str(cache.parent))
    assert within(QUICK_S, timings.known_timings, fifo(tmp_path / "out" / "results.json"))["value"] == {}


# -- a case file that changes during its run ----------------------------------------------------------------------


@pytest.mark.parametrize("make", [fifo, zero_link])
def test_a_case_file_made_a_pipe_or_dev_zero_during_the_run_makes_its_cell_an_error_at_once(tmp_path, make):
    from harness import judge
    from harness.model import Cell, Observation, Status

    path = write_case(tmp_path, "self.py", 'claim = "c"\nsource = "s"\nids = ["S1"]\n\n[expect]\nstdout = "hi"\n')
    case = load_case(str(path))
    path.unlink()
    make(path)  # what the cell did to its own file while it ran
    from harness import interpreters

    cell = Cell(case.name, str(path), interpreters.current(), "fork")
    outcome = within(QUICK_S, judge.judge, case, cell, Observation(exit=0, stdout="hi\n"))
    result = outcome["value"]
    assert result.status is Status.ERROR and result.observed.stdout == "hi\n"  # the observation is kept
    assert result.judged.message.startswith(f"the case file {path} can no longer be read (")
    assert "not a regular file" in result.judged.message


@pytest.mark.parametrize("make", [fifo, zero_link])
def test_a_pipe_or_dev_zero_in_place_of_the_lock_file_is_refused_by_name(tmp_path, make):
    from harness.errors import UsageError
    from harness.lifecycle import LOCK_NAME, OutLock

    lock = make(tmp_path / "out" / LOCK_NAME)
    error = within(QUICK_S, OutLock.acquire, tmp_path / "out", "--out", lambda line: None)["error"]
    assert isinstance(error, UsageError) and str(error).startswith(f"--out {tmp_path / 'out'}: {lock} is a ")
    assert str(error).endswith("not a regular file; remove it")
