"""Tests for harness.lifecycle: the output folder's lock, resuming (changed case files, journal versus results
file), full disks and unwritable folders, with a fake executor in process; then two real runs at once."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import List

import pytest

from harness import lifecycle, results as results_io, runner
from harness.display import QuietDisplay
from harness.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError
from harness.lifecycle import OutLock, RunRequest, run_matrix
from harness.model import Observation

from conftest import REPO, write_case

HEAD = 'claim = "c"\nsource = "s"\nids = ["S1"]\n'
METHOD = "spawn"  # offered everywhere (Windows has no other): the fake executor's cells run on every system


class FakeExecutor:
    """Stands in for execute.run_cell: prints the case's name, or what `outputs` says for it."""

    def __init__(self) -> None:
        self.calls: List[str] = []
        self.outputs = {}

    def __call__(self, cell, limits, environ=None, stop=None):
        self.calls.append(cell.case_name)
        seconds = {"a": 0.5, "b": 3.0}.get(cell.case_name, 1.0)  # as if timed: the timings cache keeps it
        return Observation(exit=0, stdout=self.outputs.get(cell.case_name, cell.case_name + "\n"), duration_s=seconds,
                           cpu_s=seconds / 10)


@pytest.fixture
def fake(monkeypatch):
    executor = FakeExecutor()
    monkeypatch.setattr(runner, "run_cell", executor)
    return executor


def cases(tmp_path, *names: str) -> Path:
    folder = tmp_path / "cases"
    for name in names:
        write_case(folder, f"{name}.py", HEAD + f'\n[expect]\nstdout = "{name}"\n')
    return folder


def run(tmp_path, folder, resume=False, **kw):
    warnings: List[str] = []
    kw.setdefault("jobs", 2)
    request = RunRequest(paths=(str(folder),), pythons=("current",), start_methods=(METHOD,),
                         out=str(tmp_path / "out"), resume=resume, **kw)
    outcome = run_matrix(request, QuietDisplay(), warnings.append)
    return outcome, warnings


def statuses(tmp_path):
    data = json.loads((tmp_path / "out" / "results.json").read_text())
    return {c["case"]: c["status"] for c in data["cells"]}


def test_a_run_writes_results_and_removes_its_journal(tmp_path, fake):
    outcome, _ = run(tmp_path, cases(tmp_path, "a", "b"))
    assert outcome.exit_code == EXIT_OK and outcome.results_path == tmp_path / "out" / "results.json"
    assert statuses(tmp_path) == {"a": "pass", "b": "pass"}
    assert not (tmp_path / "out" / results_io.JOURNAL_NAME).exists()
    assert outcome.run.host["run_id"] and all(r.case.digest.startswith("sha256:") for r in outcome.run.results)


def test_a_run_keeps_its_cells_timings_and_the_next_run_starts_the_longest_first(tmp_path, fake, timings_cache):
    from harness import timings

    folder = cases(tmp_path, "a", "b")
    run(tmp_path, folder, jobs=1)
    assert fake.calls == ["a", "b"]  # never timed: as planned
    kept = timings.load_timings(timings.cache_path())
    assert sorted((key[0], t.duration_s, t.cpu_s) for key, t in kept.items()) == [("a", 0.5, 0.05), ("b", 3.0, 0.3)]
    fake.calls.clear()
    (tmp_path / "out" / "results.json").unlink()  # the cache alone orders the next run
    run(tmp_path, folder, jobs=1)
    assert fake.calls == ["b", "a"]


def test_a_second_run_into_the_same_folder_is_refused_while_the_first_holds_it(tmp_path, fake):
    folder = cases(tmp_path, "a")
    held = OutLock.acquire(tmp_path / "out", "--out", lambda line: None)
    try:
        with pytest.raises(UsageError, match=r"--out .*out: another mpmatrix run is writing there \(pid \d+ on "):
            run(tmp_path, folder)
    finally:
        held.release()
    assert fake.calls == []  # nothing ran
    outcome, warnings = run(tmp_path, folder)  # released: the folder is free again, with nothing to take over
    assert outcome.exit_code == EXIT_OK and warnings == []


def test_the_lock_of_a_run_that_died_is_recognised_and_taken_over(tmp_path, fake):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / lifecycle.LOCK_NAME).write_text("pid 999999 on host, started 2026-01-01 00:00:00\n")  # no lock held
    outcome, warnings = run(tmp_path, cases(tmp_path, "a"))
    assert outcome.exit_code == EXIT_OK
    assert warnings == [f"mpmatrix: {tmp_path / 'out'}: taking over from a run that ended without finishing "
                        "(pid 999999 on host, started 2026-01-01 00:00:00)"]


def test_resume_runs_again_the_cells_whose_case_file_changed(tmp_path, fake):
    folder = cases(tmp_path, "a", "b")
    run(tmp_path, folder)
    fake.calls.clear()
    write_case(folder, "a.py", HEAD + '\n[expect]\nstdout = "a"\nholds = false\n')  # edited after the run
    outcome, warnings = run(tmp_path, folder, resume=True)
    assert fake.calls == ["a"]
    assert warnings == ["mpmatrix: a: the case file changed since it was recorded; its 1 recorded cell runs again"]
    by_case = {r.case.name: r for r in outcome.run.results}
    assert by_case["a"].judged.holds is False and by_case["b"].judged.holds is True and outcome.exit_code == EXIT_OK


def test_resume_never_mixes_an_older_results_file_with_a_newer_journal(tmp_path, fake):
    """Run 1 completes (results.json); run 2 records a different observation of `a` in its journal and is killed.
    Resuming must finish run 2 from its journal alone: mixing both made `a` flaky."""
    folder = cases(tmp_path, "a", "b")
    run(tmp_path, folder)
    first = results_io.read_run(tmp_path / "out" / "results.json")
    journal = results_io.Journal(tmp_path / "out" / results_io.JOURNAL_NAME, "run2", "t2")
    recorded_a = next(r for r in first.results if r.case.name == "a")  # results are in the order cells landed
    changed = recorded_a.judged_again(stdout="other\n")
    journal.append(changed)
    journal.close()  # ... and run 2 was SIGKILLed here
    fake.calls.clear()
    outcome, _ = run(tmp_path, folder, resume=True)
    assert fake.calls == ["b"]  # what run 2 had not recorded
    by_case = {r.case.name: r for r in outcome.run.results}
    assert by_case["a"].judged.stdout == "other\n" and by_case["a"].status.label == "pass"  # run 2's, not flaky
    assert outcome.run.host["run_id"] == "run2"


LONG = "".join(f"{n:06d} " + "x" * 1016 + "\n" for n in range(128))  # 128 KiB: far past what a run keeps of it


def test_a_run_holds_its_results_brief_and_writes_them_whole(tmp_path, fake, monkeypatch):
    """Cells that print 4 MiB: the run's own results (what its report is made from) hold a head of each output;
    results.json holds every output whole, written from the journal; repeats of a cell whose outputs differ only
    past that head are flaky, as they were when every result was kept whole, and identical ones are not."""
    fake.outputs = {"a": LONG, "b": LONG, "c": LONG}
    calls = {"c": 0}
    real = fake.__call__

    def observe(cell, limits, environ=None, stop=None):
        observation = real(cell, limits, environ, stop)
        if cell.case_name == "c":  # its second run differs in its last line alone
            calls["c"] += 1
            if calls["c"] == 2:
                return Observation(exit=0, stdout=LONG[:-2] + "y\n", duration_s=1.0)
        return observation

    monkeypatch.setattr(runner, "run_cell", observe)
    folder = tmp_path / "cases"
    for name in ("a", "b", "c"):
        write_case(folder, f"{name}.py", HEAD + '\n[expect]\nstdout = "..."\n')
    outcome, _ = run(tmp_path, folder, repeat=2, jobs=1)
    statuses = {r.case.name: r.status.label for r in outcome.run.results}
    assert statuses == {"a": "pass", "b": "pass", "c": "flaky"}
    assert all(r.cuts and len(r.judged.stdout) < 10_000 for r in outcome.run.results)
    saved = {r.case.name: r for r in results_io.read_run(tmp_path / "out" / "results.json").results}
    assert {name: r.status.label for name, r in saved.items()} == statuses
    assert saved["a"].judged.stdout == LONG and saved["a"].observed.stdout == LONG and not saved["a"].cuts
    assert {o["stdout"] for o in saved["c"].judged.observations} == {LONG, LONG[:-2] + "y\n"}


def test_resume_carries_over_long_results_whole(tmp_path, fake):
    fake.outputs = {"a": LONG}
    run(tmp_path, cases(tmp_path, "a"))  # a's result, to carry over
    whole = results_io.read_run(tmp_path / "out" / "results.json").results[0]
    journal = results_io.Journal(tmp_path / "out" / results_io.JOURNAL_NAME, "run2", "t2", [whole])
    journal.close()  # ... and run 2 was killed here, before b
    fake.calls.clear()
    outcome, warnings = run(tmp_path, cases(tmp_path, "a", "b"), resume=True)
    assert fake.calls == ["b"] and warnings == []  # a (a failing cell: LONG is not "a") is carried over
    saved = {r.case.name: r for r in results_io.read_run(tmp_path / "out" / "results.json").results}
    assert saved["a"] == whole and saved["a"].judged.stdout == LONG


def test_resume_of_a_run_whose_results_name_a_5000_digit_version_finishes(tmp_path, fake):
    """A results file the schema accepts, with a version of 5,000 digits: before, `run --resume` (and report and
    claims) raised ValueError from int()."""
    folder = cases(tmp_path, "a", "b")
    run(tmp_path, folder)
    path = tmp_path / "out" / "results.json"
    data = json.loads(path.read_text())
    data["cells"][0]["python"] = "3." + "1" * 5000
    path.write_text(json.dumps(data))
    outcome, warnings = run(tmp_path, folder, resume=True)
    # the cell of that version is not part of this run (its Python is not asked for): dropped, said, and run here
    assert outcome.exit_code == EXIT_OK and len(outcome.run.results) == 2
    assert any("1 recorded cell is not part of this run" in w for w in warnings), warnings


def test_resume_of_a_missing_folder_is_an_error(tmp_path, fake):
    with pytest.raises(UsageError, match=r"--resume .*out: no such folder"):
        run(tmp_path, cases(tmp_path, "a"), resume=True)
    assert not (tmp_path / "out").exists() and fake.calls == []


def test_resume_of_a_folder_with_no_results_is_an_error(tmp_path, fake):
    (tmp_path / "out").mkdir()
    with pytest.raises(UsageError, match="neither results.partial.jsonl nor results.json there"):
        run(tmp_path, cases(tmp_path, "a"), resume=True)


@pytest.mark.parametrize("make, message", [
    (lambda out: out.write_text("a file"), "not a folder"),
    (lambda out: None, "{tmp}/file is a file, not a folder"),
])
def test_every_out_problem_is_named(tmp_path, fake, make, message):
    out = tmp_path / "out"
    make(out)
    target = out if message == "not a folder" else tmp_path / "file" / "out"
    (tmp_path / "file").write_text("in the way")
    expected = message.format(tmp=tmp_path).replace("/", os.sep)
    with pytest.raises(UsageError, match=re.escape(f"--out {target}: {expected}")):
        run_matrix(RunRequest(paths=(str(cases(tmp_path, "a")),), pythons=("current",), start_methods=(METHOD,),
                              out=str(target)), QuietDisplay(), lambda line: None)
    assert fake.calls == []


def test_a_full_disk_during_the_run_stops_it_and_keeps_the_results_elsewhere(tmp_path, fake, monkeypatch):
    """The journal's second write fails with ENOSPC and so does results.json: the results go to the fallback."""
    writes = {"n": 0}
    real_append = results_io.Journal.append

    class Full:
        """The journal's file once the disk is full."""

        def __init__(self, file):
            self.file = file

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            self.file.close()

    def append(self, result):
        writes["n"] += 1
        if writes["n"] == 2:
            self._file = Full(self._file)
        real_append(self, result)

    real_write = results_io.write_run

    def write_run(run, path, cells=None):
        if "out" in path.parts:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(run, path, cells)

    fallback = tmp_path / "fallback"
    fallback.mkdir()
    monkeypatch.setattr(results_io.Journal, "append", append)
    monkeypatch.setattr(results_io, "write_run", write_run)
    monkeypatch.setattr(lifecycle, "_fallbacks", lambda out_dir: [fallback])
    outcome, _ = run(tmp_path, cases(tmp_path, "a", "b", "c", "d"), jobs=1)
    assert outcome.exit_code == EXIT_USAGE
    assert outcome.results_path is not None and outcome.results_path.parent == fallback
    assert "No space left on device" in outcome.problem and f"the results are in {outcome.results_path}" in outcome.problem
    saved = results_io.read_run(outcome.results_path)
    assert saved.complete is False and len(saved.results) >= 2  # the cell whose journal line failed is kept too


def test_results_that_fit_nowhere_leave_the_journal_and_say_so(tmp_path, fake, monkeypatch):
    def write_run(run, path, cells=None):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(results_io, "write_run", write_run)
    monkeypatch.setattr(lifecycle, "_fallbacks", lambda out_dir: [])
    outcome, _ = run(tmp_path, cases(tmp_path, "a"))
    assert outcome.exit_code == EXIT_USAGE and outcome.results_path is None
    assert "the journal" in outcome.problem and (tmp_path / "out" / results_io.JOURNAL_NAME).exists()


def test_an_interrupted_run_says_how_to_resume(tmp_path, monkeypatch):
    def interrupt(cell, limits, environ=None, stop=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_cell", interrupt)
    outcome, _ = run(tmp_path, cases(tmp_path, "a"))
    assert outcome.exit_code == EXIT_INTERRUPTED and outcome.run.complete is False
    assert outcome.notes == (f"interrupted: partial results in {tmp_path / 'out' / 'results.json'}; "
                             f"finish with `mpmatrix run --resume {tmp_path / 'out'}`",)
    assert (tmp_path / "out" / results_io.JOURNAL_NAME).exists()


@pytest.mark.e2e
def test_two_real_runs_into_one_folder_the_second_is_refused_and_the_first_keeps_its_results(tmp_path):
    folder = tmp_path / "cases"
    write_case(folder, "slow.py", HEAD, code="import time\ntime.sleep(3)\nprint('slow')\n")
    argv = [sys.executable, "-m", "harness", "run", str(folder), "--python", "current", "-m", METHOD, "-q",
            "--out", str(tmp_path / "out")]
    first = subprocess.Popen(argv, cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not (tmp_path / "out" / results_io.JOURNAL_NAME).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    second = subprocess.run(argv, cwd=str(REPO), capture_output=True, text=True, timeout=60)
    out, err = first.communicate(timeout=60)
    assert second.returncode == EXIT_USAGE and "another mpmatrix run is writing there (pid" in second.stderr
    assert "Traceback" not in second.stderr
    assert first.returncode == EXIT_FAILED or first.returncode == EXIT_OK, err
    assert statuses(tmp_path) == {"slow": "recorded"}


@pytest.mark.e2e
def test_a_really_full_disk_keeps_the_results_and_says_where(tmp_path):
    """A 48 KiB tmpfs as --out (needs root and mount: skipped elsewhere; the fake-ENOSPC test above runs anywhere)."""
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    if sys.platform == "win32" or os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(tiny)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        folder = tmp_path / "cases"
        for name in ("a", "b", "c"):
            write_case(folder, f"{name}.py", HEAD, code="print('x' * 30000)\n")
        fallback = tmp_path / "fallback"
        fallback.mkdir()
        done = subprocess.run([sys.executable, "-m", "harness", "run", str(folder), "--python", "current", "-m", METHOD,
                               "-q", "--jobs", "1", "--out", str(tiny / "out")], cwd=str(REPO), capture_output=True,
                              text=True, timeout=120, env=dict(os.environ, TMPDIR=str(fallback)))
        assert done.returncode == EXIT_USAGE and "Traceback" not in done.stderr
        assert "No space left on device" in done.stderr
        (saved,) = fallback.glob("mpmatrix-results-*.json")
        assert f"the results are in {saved}" in done.stderr and results_io.read_run(saved).results
    finally:
        subprocess.run(["umount", str(tiny)], capture_output=True)


def test_notices_go_where_they_are_told_and_warnings_about_cases_always_to_warn(tmp_path, fake, monkeypatch):
    from harness import interpreters
    from harness.interpreters import Problem

    folder = cases(tmp_path, "a")
    write_case(folder, "broken.py", HEAD + "timout = 1\n")
    monkeypatch.setattr(interpreters, "discover", lambda: ([interpreters.current()], [Problem("/p2", "pyenv", "too old")]))
    warnings: List[str] = []
    notices: List[str] = []
    request = RunRequest(paths=(str(folder),), start_methods=("fork",), out=str(tmp_path / "out"))
    run_matrix(request, QuietDisplay(), warnings.append, notices.append)
    assert notices == ["mpmatrix: 1 interpreter was found but cannot be used (`mpmatrix interpreters` says why)"]
    assert len(warnings) == 1 and "broken.py:5: unknown key 'timout'" in warnings[0], warnings


def resume_only(tmp_path, **kw):
    """`mpmatrix run --resume OUT` with nothing else said."""
    warnings: List[str] = []
    outcome = run_matrix(RunRequest(out=str(tmp_path / "out"), resume=True, jobs=2, **kw), QuietDisplay(),
                         warnings.append)
    return outcome, warnings


def interrupted_after(tmp_path, folder, cells: int, **kw):
    """A run of `folder` whose journal holds its first `cells` cells, as one killed then would have left it."""
    run(tmp_path, folder, **kw)
    out = tmp_path / "out"
    data = json.loads((out / "results.json").read_text())
    journal = results_io.Journal(out / results_io.JOURNAL_NAME, data["host"]["run_id"], data["started"],
                                 request=data["host"]["request"])
    for cell in results_io.read_run(out / "results.json").results[:cells]:
        journal.append(cell)
    journal.close()
    (out / "results.json").unlink()


def test_resume_runs_what_the_interrupted_run_was_asked_to_run(tmp_path, fake):
    folder = cases(tmp_path, "a", "b", "c")
    interrupted_after(tmp_path, folder, 1, repeat=2)  # the first of a's two runs is recorded
    fake.calls.clear()
    outcome, warnings = resume_only(tmp_path)
    assert sorted(fake.calls) == ["a", "b", "b", "c", "c"] and warnings == []  # its paths and --repeat, not cases/
    assert outcome.exit_code == EXIT_OK and statuses(tmp_path) == {"a": "pass", "b": "pass", "c": "pass"}
    assert outcome.run.host["request"]["paths"] == [str(folder)] and outcome.run.host["request"]["repeat"] == 2


def test_resume_drops_the_recorded_cells_of_cases_no_longer_there(tmp_path, fake):
    folder = cases(tmp_path, "a", "b")
    interrupted_after(tmp_path, folder, 2)
    (folder / "b.py").rename(folder / "b2.py")  # renamed while the run was down
    fake.calls.clear()
    outcome, warnings = resume_only(tmp_path)
    assert fake.calls == ["b2"] and set(statuses(tmp_path)) == {"a", "b2"}
    assert warnings == ["mpmatrix: 1 recorded cell is not part of this run (of b: renamed, moved or removed, or of an "
                        "interpreter or start method not asked for now): dropped"]


def test_resume_with_other_paths_follows_them_and_says_so(tmp_path, fake):
    folder = cases(tmp_path, "a", "b")
    interrupted_after(tmp_path, folder, 2)
    other = cases(tmp_path / "x", "a")
    fake.calls.clear()
    outcome, warnings = resume_only(tmp_path, paths=(str(other),))
    assert fake.calls == [] and statuses(tmp_path) == {"a": "pass"}  # the same file, recorded: kept; b is not asked for
    assert warnings[0] == (f"mpmatrix: --resume {tmp_path / 'out'}: the interrupted run had paths {folder}; this one "
                           f"has {other}: cells outside it are dropped, new ones run")
    assert "1 recorded cell is not part of this run (of b:" in warnings[1]
@pytest.mark.parametrize("code, locked", [(0, True), (errno.EACCES, True), (errno.EINVAL, False)])
def test_on_windows_a_refused_lock_is_held_elsewhere_even_when_the_c_runtime_says_errno_0(monkeypatch, tmp_path, code, locked):
    """msvcrt.locking under Wine 8 and 10 refuses a locked range with errno 0: read as held by another run (it was
    read as a file system without locks, and two runs wrote one folder). Other errors still run unlocked."""
    import types

    def locking(fd, mode, size):
        raise OSError(code, "Error")

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "msvcrt", types.SimpleNamespace(locking=locking, LK_NBLCK=2))
    with open(tmp_path / "lock", "a+") as file:
        assert lifecycle._try_lock(file) is not locked


def test_the_cpu_of_wine_servers_is_in_the_runs_figures(tmp_path, fake, monkeypatch):
    """No cell's cpu_s holds what Wine's server did for the cells: the results file's host says it."""
    monkeypatch.setattr(lifecycle.wine, "release", lambda warn: {"/opt/wine-pythons/prefix": 12.3456})
    run(tmp_path, cases(tmp_path, "a"))
    host = json.loads((tmp_path / "out" / "results.json").read_text())["host"]
    assert host["wine_server_cpu_s"] == {"/opt/wine-pythons/prefix": 12.346}
    monkeypatch.setattr(lifecycle.wine, "release", lambda warn: {})
    (tmp_path / "out" / "results.json").unlink()
    run(tmp_path, cases(tmp_path, "a"))
    assert "wine_server_cpu_s" not in json.loads((tmp_path / "out" / "results.json").read_text())["host"]
