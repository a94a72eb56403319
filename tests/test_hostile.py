"""Hostile cases end to end: each gets its status, in about its timeout, and leaves no process behind, even when
the harness itself is killed.

`pytest tests/test_hostile.py -s` prints a table of hostile input, status, time and leftovers after the run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from typing import List

import psutil
import pytest

if sys.platform == "win32":  # before the module's POSIX signals are read
    pytest.skip("hostile inputs run under fork and are interrupted by POSIX signals (a Windows cell's end is tested "
                "by test_execute_windows.py)", allow_module_level=True)

from conftest import HOSTILE, REPO, mpmatrix, own_session_processes, wait_until_gone  # noqa: E402

pytestmark = pytest.mark.e2e

# hostile input -> (status expected, its timeout)
EXPECTED = {
    "hang": ("timeout", 2), "respawn_storm": ("timeout", 2), "grandchild_leak": ("leak", 10),
    "segfault": ("crash", 10), "flood": ("recorded", 30), "invalid_utf8": ("recorded", 10),
}
MALFORMED = sorted(p.stem for p in (HOSTILE / "malformed").glob("*.py"))
MARGIN_S = 3.0  # beyond a cell's timeout: SIGTERM grace, SIGKILL grace, start-up


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """Every hostile input under fork in one run, watching the harness's memory while it goes."""
    out = tmp_path_factory.mktemp("hostile")
    before = sorted(own_session_processes())
    argv = [sys.executable, "-m", "harness", "run", *(str(HOSTILE / f"{name}.py") for name in EXPECTED),
            str(HOSTILE / "malformed"), "--python", "current", "-m", "fork", "--jobs", "3", "-q", "--out", str(out)]
    started = time.monotonic()
    process = subprocess.Popen(argv, cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    peak = [0]

    def watch() -> None:
        try:
            harness = psutil.Process(process.pid)
            while process.poll() is None:
                peak[0] = max(peak[0], harness.memory_info().rss)
                time.sleep(0.02)
        except psutil.Error:
            pass

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    stdout, stderr = process.communicate(timeout=120)
    seconds = time.monotonic() - started
    watcher.join()
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    run = {
        "returncode": process.returncode, "stdout": stdout.decode(), "stderr": stderr.decode(), "seconds": seconds,
        "peak_rss": peak[0], "cells": {c["case"]: c for c in data["cells"]}, "before": before,
        "after": sorted(own_session_processes()), "survivors": wait_until_gone(str(HOSTILE)),
    }
    yield run
    print_table(run)  # a report for `-s`, not a test: the tests below check every number in it


def print_table(run) -> None:
    rows = [("hostile input", "status", "time", "leftovers")]
    for name in list(EXPECTED) + MALFORMED:
        cell = run["cells"][name]
        left = ", ".join(f"{x['pid']} {x['cmdline'][:48]}" for x in cell["leftovers"]) or "-"
        rows.append((name, cell["status"], f"{cell['duration_s']:.2f} s", left))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    print()
    for row in rows:
        print("  ".join(value.ljust(width) for value, width in zip(row[:3], widths)) + "  " + row[3])
    print(f"whole run {run['seconds']:.1f} s; harness peak RSS {run['peak_rss'] / 2**20:.0f} MiB; "
          f"processes in this session before/after: {len(run['before'])}/{len(run['after'])}; "
          f"survivors: {len(run['survivors'])}")


@pytest.mark.parametrize("name", list(EXPECTED))
def test_status_and_time(hostile_run, name):
    status, timeout = EXPECTED[name]
    cell = hostile_run["cells"][name]
    assert cell["status"] == status, (cell["message"], cell["stderr_raw"][-500:])
    assert cell["duration_s"] <= timeout + MARGIN_S


def test_whole_run_time_and_exit(hostile_run):
    assert hostile_run["returncode"] == 1 and "Traceback" not in hostile_run["stderr"]
    assert hostile_run["seconds"] < 2 + 2 + MARGIN_S * 3  # the two 2-s timeouts at worst back to back, plus margins


def test_no_process_survives(hostile_run):
    assert hostile_run["after"] == hostile_run["before"]
    assert hostile_run["survivors"] == []


def test_hang_keeps_the_stacks(hostile_run):
    cell = hostile_run["cells"]["hang"]
    assert "in join" in cell["stacks"] and "hang.py" in cell["stacks"] and cell["stdout"].startswith("child ")


def test_respawn_storm_is_ended(hostile_run):
    cell = hostile_run["cells"]["respawn_storm"]
    assert cell["exit"] == "signal:SIGKILL"  # it ignores SIGTERM


def test_grandchild_leak_is_reported_and_killed(hostile_run):
    cell = hostile_run["cells"]["grandchild_leak"]
    (leftover,) = cell["leftovers"]
    pid = int(cell["stdout_raw"].split()[1])
    assert leftover["pid"] == pid and "mpmatrix-leaked-grandchild" in leftover["cmdline"]
    assert cell["message"].startswith("1 process(es) outlived the main process: ") and "time.sleep(3600)" in cell["message"]
    try:
        assert psutil.Process(pid).status() == psutil.STATUS_ZOMBIE  # dead, waiting for init to reap it
    except psutil.NoSuchProcess:
        pass


def test_segfault_is_a_crash_by_sigsegv(hostile_run):
    cell = hostile_run["cells"]["segfault"]
    assert (cell["exit"], cell["message"], cell["stdout"]) == ("signal:SIGSEGV", "ended by SIGSEGV", "before\n")


def test_flood_is_capped_and_counted_with_little_memory(hostile_run):
    cell = hostile_run["cells"]["flood"]
    cap = 4 * 1024 * 1024
    assert len(cell["stdout_raw"].encode()) == cap and cell["stdout_dropped"] == 300 * 1024 * 1024 - cap
    assert cell["stderr"] == "flood done\n"
    assert hostile_run["peak_rss"] < 150 * 1024 * 1024, hostile_run["peak_rss"]  # the flood is 300 MiB


def test_invalid_utf8_is_kept_with_replacement_and_flagged(hostile_run):
    cell = hostile_run["cells"]["invalid_utf8"]
    assert cell["invalid_utf8"] is True and cell["stdout_raw"] == "caf\ufffd \ufffd\ufffd end\n"


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_input_is_an_error_cell(hostile_run, name):
    cell = hostile_run["cells"][name]
    assert cell["status"] == "error" and cell["message"].startswith(str(HOSTILE / "malformed" / f"{name}.py") + ":")


# -- Ctrl+C, then --resume -----------------------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: signal.Signals(s).name)
def test_an_interruption_writes_partial_results_leaves_nothing_and_resume_finishes(tmp_path, sig):
    cases = tmp_path / "interrupt"
    shutil.copytree(HOSTILE / "interrupt", cases)
    out = tmp_path / "out"
    before = sorted(own_session_processes())
    argv = [sys.executable, "-m", "harness", "run", str(cases), "--python", "current", "-m", "fork", "--jobs", "2",
            "-q", "--out", str(out)]
    process = subprocess.Popen(argv, cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               preexec_fn=default_signals)
    journal = out / "results.partial.jsonl"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # interrupt once the stuck cell runs and two slow ones are recorded
        # cells recorded, not lines: the journal's first line is its header
        recorded = journal.read_text().count('"status"') if journal.exists() else 0
        if recorded >= 2 and wait_stuck_running(str(cases)):
            break
        time.sleep(0.05)
    process.send_signal(sig)  # to the harness only, as Ctrl+C, kill or a closed terminal would: cells have own sessions
    interrupted = time.monotonic()
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert time.monotonic() - interrupted < 5  # the stuck cell's 120 s timeout is not waited for
    assert "Traceback" not in stderr.decode() and "--resume" in stderr.decode()
    partial = json.loads((out / "results.json").read_text())
    assert partial["complete"] is False
    done_first = {c["case"] for c in partial["cells"]}
    assert len(done_first) >= 2 and "stuck" not in done_first
    assert wait_until_gone(str(cases)) == [] and sorted(own_session_processes()) == before
    runs_before = (cases / "runs.log").read_text().splitlines()

    (cases / "release").write_text("")  # the stuck case now finishes
    resumed = mpmatrix("run", str(cases), "--python", "current", "-m", "fork", "--jobs", "2", "-q", "--resume", str(out))
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    final = json.loads((out / "results.json").read_text())
    assert final["complete"] is True and {c["case"]: c["status"] for c in final["cells"]} == {
        "slow_1": "pass", "slow_2": "pass", "slow_3": "pass", "slow_4": "pass", "stuck": "pass"}
    runs = (cases / "runs.log").read_text().splitlines()
    assert runs[: len(runs_before)] == runs_before
    assert {line.split()[0] for line in runs} == {"slow_1", "slow_2", "slow_3", "slow_4"}
    for case in done_first:  # recorded before the interruption: not run again (a cell in flight at Ctrl+C may be)
        assert runs.count(f"{case} fork") == 1, runs
    assert not (out / "results.partial.jsonl").exists()
    assert wait_until_gone(str(cases)) == []


def default_signals() -> None:
    """As a terminal would start it: whoever runs the tests may ignore these (nohup ignores SIGHUP, and a harness
    started with a signal ignored rightly keeps ignoring it)."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def wait_stuck_running(marker: str) -> bool:
    """True when the stuck case's cell is running (its bootstrap command line names stuck.py)."""
    return any("stuck.py" in line for line in _mentioning(marker))


def _mentioning(marker: str) -> List[str]:
    from conftest import processes_mentioning

    return processes_mentioning(marker)


# -- whatever dies, nothing of a cell outlives it (issue 11) ------------------------------------------------------

ORPHANS = HOSTILE / "orphans"
GONE_WITHIN_S = 2.0


def start_orphan_run(tmp_path, jobs: int = 3):
    """`mpmatrix run` of the orphan-making cases (a setsid'd daemon, a respawn storm, a hanging pool), with a
    TMPDIR of its own; returns once every case has its processes running."""
    cases = tmp_path / "orphan-cases"
    shutil.copytree(ORPHANS, cases)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp))
    argv = [sys.executable, "-m", "harness", "run", str(cases), "--python", "current", "-m", "fork", "--jobs", str(jobs),
            "-q", "--out", str(tmp_path / "out")]
    process = subprocess.Popen(argv, cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, env=env, preexec_fn=default_signals)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        running = _mentioning(str(cases)) + _mentioning("mpmatrix-orphan-daemon")
        if (any("mpmatrix-orphan-daemon" in line for line in running) and sum("storm.py" in line for line in running) > 3
                and sum("pool_hang.py" in line for line in running) >= 3):
            return process, cases, tmp
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    process.kill()
    raise AssertionError(f"the orphan cases did not start: {_mentioning(str(cases))}")


def cell_processes(cases) -> List[str]:
    return _mentioning(str(cases)) + _mentioning("mpmatrix-orphan-daemon")


def seconds_until_gone(cases, limit: float = 3.0) -> float:
    began = time.monotonic()
    while cell_processes(cases) and time.monotonic() - began < limit:
        time.sleep(0.02)
    return time.monotonic() - began


def test_sigkill_of_the_harness_ends_every_process_of_every_cell_and_leaves_no_temp_files(tmp_path):
    process, cases, tmp = start_orphan_run(tmp_path)
    before = len(cell_processes(cases))
    process.kill()  # as the OOM killer or a cancelled CI job would: no handler runs
    process.communicate()
    gone_after = seconds_until_gone(cases)
    time.sleep(max(0.0, 3.0 - gone_after))
    assert cell_processes(cases) == [], f"{before} cell processes before; these outlived the harness by 3 s"
    assert gone_after < GONE_WITHIN_S, gone_after
    assert sorted(p.name for p in tmp.iterdir() if p.name.startswith("mpmatrix-")) == []  # folders and stack files
    print(f"SIGKILL of the harness: {before} cell processes, all gone {gone_after:.2f} s later")
    assert _mentioning("harness/keeper.py") == [] or all(str(tmp) not in line for line in _mentioning("harness/keeper.py"))


def keeper_of(pid: int) -> int:
    return psutil.Process(pid).ppid()


def test_sigkill_of_a_cells_keeper_ends_that_cells_processes_and_the_run_goes_on(tmp_path):
    process, cases, tmp = start_orphan_run(tmp_path)
    (daemon_main,) = [int(line.split()[0]) for line in _mentioning(str(cases / "daemon.py"))
                      if psutil.Process(int(line.split()[0])).name().startswith("python")
                      and "mpmatrix-orphan-daemon" not in line][:1]
    keeper = keeper_of(daemon_main)
    assert "keeper.py" in " ".join(psutil.Process(keeper).cmdline())
    os.kill(keeper, signal.SIGKILL)
    began = time.monotonic()
    while (_mentioning("mpmatrix-orphan-daemon") or _mentioning(str(cases / "daemon.py"))) and time.monotonic() - began < 3:
        time.sleep(0.02)
    assert _mentioning("mpmatrix-orphan-daemon") == [] and _mentioning(str(cases / "daemon.py")) == []
    assert time.monotonic() - began < GONE_WITHIN_S
    assert _mentioning(str(cases / "storm.py")), "the other cells go on"
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    cells = {c["case"]: c for c in json.loads((tmp_path / "out" / "results.json").read_text())["cells"]}
    assert cells["daemon"]["status"] == "error" and "keeper process" in cells["daemon"]["message"]
    assert seconds_until_gone(cases) < 3.0 and cell_processes(cases) == []


def test_sigkill_of_the_keeper_server_ends_every_cell(tmp_path):
    process, cases, tmp = start_orphan_run(tmp_path)
    storm_main = min(int(line.split()[0]) for line in _mentioning(str(cases / "storm.py")))
    server = keeper_of(keeper_of(storm_main))
    assert "keeper.py" in " ".join(psutil.Process(server).cmdline()) and keeper_of(server) == process.pid
    os.kill(server, signal.SIGKILL)
    assert seconds_until_gone(cases) < GONE_WITHIN_S
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)
    assert cell_processes(cases) == []


# -- pathological patterns: each judged in bounded time and memory (issue 11) -------------------------------------

from conftest import run_watched, write_case  # noqa: E402

PATTERN_SECONDS, PATTERN_RSS = 5.0, 300 * 2**20
EXPECTED_2000 = "\n".join(f"line {n}" for n in range(2000))
PATHOLOGICAL = {
    # name: (expected stdout pattern, the case's code, status, what the message says)
    "nested_quantifier": ('(a+)+$ (re)', 'print("a" * 50 + "b")', "fail", "stdout: line 1: expected '(a+)+$ (re)'"),
    "backtracking_regex": ('"""\nok\n(a|aa)+$ (re)\n"""', 'print("ok")\nprint("a" * 60 + "b")', "error",
                           "{path}:10: regex '(a|aa)+$' took more than 0.5 s of CPU time"),
    "wildcards": ('[..]x[..]x[..]x[..]y', 'print("x" * 3000)', "fail", "stdout: line 1: expected '[..]x[..]x[..]x[..]y'"),
    "long_line": ('[..]x[..]y', 'print("x" * 160_000)', "fail", "stdout: line 1: expected '[..]x[..]y'"),
    "two_wrong_of_2000": ('"""\n' + EXPECTED_2000 + '\n"""',
                          'print("\\n".join(f"line {n}" for n in range(2000)).replace("line 0\\n", "LINE 0\\n")'
                          '.replace("line 1999", "LINE 1999"))', "fail", "stdout: line 1: expected 'line 0', got 'LINE 0'"),
    "twenty_against_millions": ('"""\n' + "\n".join(f"line {n}" for n in range(20)) + '\n"""',
                                'import sys\nsys.stdout.write("a\\n" * 2_090_000)', "fail",
                                "stdout: line 1: expected 'line 0', got 'a'"),
}


def pattern_case(folder, name):
    pattern, code, _, _ = PATHOLOGICAL[name]
    pattern = pattern if pattern.startswith('"""') else '"' + pattern.replace("\\", "\\\\") + '"'
    return write_case(folder, f"{name}.py", f'claim = "c"\nsource = "s"\nids = ["P1"]\ntimeout = 60\n\n[expect]\nstdout = {pattern}\n',
                      code=code + "\n")


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_a_pathological_pattern_is_judged_in_bounded_time_and_memory(tmp_path, name):
    path = pattern_case(tmp_path / "cases", name)
    done = run_watched([sys.executable, "-m", "harness", "run", str(path), "--python", "current", "-m", "fork", "-q",
                        "--out", str(tmp_path / "out")])
    cell, = json.loads((tmp_path / "out" / "results.json").read_text())["cells"]
    _, _, status, message = PATHOLOGICAL[name]
    assert (cell["status"], done.returncode) == (status, 1), (cell["message"], done.stderr[-2000:])
    assert cell["message"].startswith(message.format(path=path)), cell["message"]
    assert done.seconds < PATTERN_SECONDS and done.peak_rss < PATTERN_RSS, (done.seconds, done.peak_rss / 2**20)
    print(f"{name}: {cell['status']} in {done.seconds:.2f} s, harness peak RSS {done.peak_rss / 2**20:.0f} MiB")


def test_ctrl_c_is_honoured_while_a_cell_is_being_judged(tmp_path):
    """A pattern that takes all its budget on every line: SIGINT while judging ends the run at once."""
    folder = tmp_path / "cases"
    write_case(folder, "slow_judging.py", 'claim = "c"\nsource = "s"\nids = ["P1"]\n\n[expect]\nstdout = """\n...\n'
               + "[..]x\n" * 300 + 'y\n..."""\n', code='import sys\nsys.stdout.write("ax\\n" * 1_000_000)\n')
    process = subprocess.Popen([sys.executable, "-m", "harness", "run", str(folder), "--python", "current", "-m", "fork",
                                "-q", "--out", str(tmp_path / "out")], cwd=str(REPO), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, preexec_fn=default_signals)
    harness = psutil.Process(process.pid)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and harness.cpu_times().user < 1.0:  # the output arrived: judging is under way
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    interrupted = time.monotonic()
    process.communicate(timeout=30)
    assert process.returncode == 130 and time.monotonic() - interrupted < 2.0


# -- a process that looks dead but runs ---------------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pthread_exit of the main thread, read from /proc")
def test_a_process_whose_main_thread_exited_is_alive_until_reaped_and_is_ended(tmp_path):
    """Its main thread's Z in /proc/PID/stat does not make it dead: the child is a leak, the main process a
    timeout, and neither runs after the run (they used to go on, reparented to init)."""
    from harness import keeper

    done = mpmatrix("run", str(HOSTILE / "main_thread_exits"), "--python", "current", "-m", "spawn", "-q",
                    out=tmp_path / "out")
    cells = {c["case"]: c for c in done.results()["cells"]}
    assert (cells["child"]["status"], cells["main"]["status"]) == ("leak", "timeout"), done.stderr
    assert "its main thread has exited; 1 other thread(s) run" in cells["child"]["message"]
    assert cells["main"]["exit"] == "signal:SIGKILL"  # it ignores SIGTERM: it was running, and was killed
    pids = [int(cells[name]["stdout_raw"].split()[1]) for name in ("child", "main")]
    assert [pid for pid in pids if keeper.threads_running(pid)] == []


# -- cleanup of what a cell leaves --------------------------------------------------------------------------------


@pytest.fixture
def tmp(tmp_path):
    """A TMPDIR for a run, emptied afterwards even when the test fails: a 3,000-deep tree left in it would make
    pytest's own clean-up of old temporary folders raise RecursionError in every later session."""
    from harness.keeper import remove_tree

    folder = tmp_path / "tmp"
    folder.mkdir()
    yield folder
    remove_tree(str(folder))


def test_a_3000_deep_tree_left_by_a_cell_keeps_its_observation_and_leaves_no_temporary_folder(tmp_path, tmp):
    argv = [sys.executable, "-m", "harness", "run", str(HOSTILE / "deep_tree.py"), "--python", "current", "-m", "spawn",
            "-q", "--out", str(tmp_path / "out")]
    done = subprocess.run(argv, cwd=str(REPO), capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                          env=dict(os.environ, TMPDIR=str(tmp)))
    (cell,) = json.loads((tmp_path / "out" / "results.json").read_text())["cells"]
    assert (cell["status"], done.returncode) == ("pass", 0), (cell["message"], done.stderr)
    assert "Traceback" not in done.stderr and list(tmp.iterdir()) == []


def test_the_keeper_server_removes_a_3000_deep_tree_when_the_harness_is_killed(tmp_path, tmp):
    made = tmp_path / "made"
    code = (HOSTILE / "deep_tree.py").read_text().split("# ///\n", 2)[-1] + f"open({str(made)!r}, 'w').close()\n" \
        "import time\ntime.sleep(3600)\n"
    case = write_case(tmp_path / "cases", "deep_tree_then_hang.py",
                      'claim = "c"\nsource = "s"\nids = ["H13"]\ntimeout = 120\n\n[expect]\nstdout = "made 3000 folders"\n',
                      code=code)
    process = subprocess.Popen([sys.executable, "-m", "harness", "run", str(case), "--python", "current", "-m", "spawn",
                                "-q", "--out", str(tmp_path / "out")], cwd=str(REPO), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, TMPDIR=str(tmp)))
    deadline = time.monotonic() + 60
    while not made.exists():
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.1)
    process.kill()
    process.communicate()
    deadline = time.monotonic() + 10
    while list(tmp.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp.iterdir()) == []
    assert wait_until_gone(str(case)) == []


# -- the user's terminal ------------------------------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/PID/fd")
def test_no_keeper_holds_the_terminal_a_cell_could_borrow(tmp_path):
    """The harness runs on a real terminal (a pseudo-terminal): the case looks through /proc for a descriptor
    of it in its keepers and writes on any it finds; the terminal must show nothing of it."""
    import pty

    primary, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "harness", "run", str(HOSTILE / "terminal"), "--python",
                                "current", "-m", "spawn", "-q", "--out", str(tmp_path / "out")], cwd=str(REPO),
                               stdin=subprocess.DEVNULL, stdout=secondary, stderr=secondary)
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: every holder of the terminal closed it
            break
        if not chunk:
            break
        shown += chunk
    process.wait(60)
    os.close(primary)
    (cell,) = json.loads((tmp_path / "out" / "results.json").read_text())["cells"]
    assert cell["status"] == "pass", cell["stdout_raw"]
    assert b"a case wrote this" not in shown and b"1 pass" in shown


# -- stopped helpers ----------------------------------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the server is found through /proc")
def test_a_stopped_keeper_or_keeper_server_is_resumed_and_every_cell_says_what_it_did(tmp_path):
    """One cell at a time, the server-stopping case first (the largest timeout): before, the keeper-stopping cell
    was a `timeout` 18 s later and every cell after the stopped server waited 30 s and was an `error`."""
    done = mpmatrix("run", str(HOSTILE / "stopped_helpers"), "--python", "current", "-m", "spawn", "--jobs", "1", "-q",
                    out=tmp_path / "out")
    cells = {c["case"]: c for c in done.results()["cells"]}
    assert {name: c["status"] for name, c in cells.items()} == {
        "stop_the_server": "pass", "stop_the_keeper": "pass", "after_them": "pass"}, done.stderr
    assert done.returncode == 0 and done.seconds < 15, done.seconds  # before: 23 s for the keeper, then 30 s a cell
    assert all(c["duration_s"] < 5 for c in cells.values())


# -- exhaustion ---------------------------------------------------------------------------------------------------

PIDS_CGROUP = "/sys/fs/cgroup/pids"  # cgroup v1's pids controller; a root harness is not bound by RLIMIT_NPROC


@pytest.fixture
def pids_limit(tmp_path):
    """A pids cgroup of the test's own, limited to 80 processes and threads; every process in it is killed and the
    group removed afterwards. Skipped where the tests may not make one."""
    group = os.path.join(PIDS_CGROUP, f"mpmatrix-test-{os.getpid()}-{tmp_path.name}")
    try:
        os.mkdir(group)
    except OSError as exc:
        pytest.skip(f"cannot make a pids cgroup here: {exc}")
    try:
        with open(os.path.join(group, "pids.max"), "w") as f:
            f.write("80")
        yield group
    finally:
        for _ in range(100):
            with open(os.path.join(group, "cgroup.procs")) as f:
                left = [int(line) for line in f if line.strip()]
            if not left:
                break
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.05)
        os.rmdir(group)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a pids cgroup")
def test_a_cell_that_takes_every_process_leaves_the_helpers_alive_and_every_cell_judged_on_its_own(tmp_path, pids_limit):
    """The harness runs in a pids cgroup of 80: the fork bomb holds every process left for 1.5 s while the ten cells
    beside it start, one after another (wait_for_the_bomb.py holds them back until it does). Before, fork() raised in the keeper server (a traceback, the server gone),
    the cell beside was an `error` ("can't start new thread") and the bomb was recorded as killed."""
    cases = tmp_path / "cases"
    shutil.copytree(HOSTILE / "exhaustion", cases)
    for n in range(10):
        write_case(cases, f"beside_{n}.py", 'claim = "c"\nsource = "s"\nids = ["H19"]\ntimeout = 30\n\n[expect]\nstdout = "served"\n',
                   code='print("served")\n')

    def enter_the_group() -> None:
        default_signals()
        with open(os.path.join(pids_limit, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))

    done = subprocess.run([sys.executable, "-m", "harness", "run", str(cases), "--python", "current", "-m", "fork",
                           "--jobs", "2", "-q", "--out", str(tmp_path / "out")], cwd=str(REPO), capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL, preexec_fn=enter_the_group)
    with open(os.path.join(pids_limit, "pids.events")) as f:
        refused = int(f.read().split()[1])  # "max N": forks and thread starts refused by the limit
    cells = {c["case"]: c for c in json.loads((tmp_path / "out" / "results.json").read_text())["cells"]}
    assert {name: c["status"] for name, c in cells.items()} == {
        "fork_to_the_limit": "pass", "wait_for_the_bomb": "pass", **{f"beside_{n}": "pass" for n in range(10)}}, (
        {name: c["message"] for name, c in cells.items()}, done.stderr)
    assert done.returncode == 0 and "Traceback" not in done.stderr and done.stderr == ""
    by_the_bomb = int(cells["fork_to_the_limit"]["stdout_raw"].split("refused ")[-1].split()[0])
    assert refused > by_the_bomb, "only the bomb met the limit: nothing beside it was tested"
    print(f"pids limit 80: {refused - by_the_bomb} forks or thread starts of the harness, its keepers and the "
          f"cells' bootstraps refused (and {by_the_bomb} of the bomb's); every cell passed; {done.stdout.splitlines()[0]}")


# -- a signal at the worst moment: while results.json is written ------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fault reads /proc/self/fd")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: signal.Signals(s).name)
def test_a_signal_while_the_results_are_written_ends_the_run_with_them_complete_and_no_temporary_file(tmp_path, sig):
    """Before: Ctrl+C there gave a KeyboardInterrupt traceback and no results.json; SIGTERM killed the harness
    silently (exit 143) leaving `.results.json.*.tmp`. Stale temporary files of an earlier run are removed."""
    from harness import results as results_io

    out = tmp_path / "out"
    out.mkdir()
    stale = [out / ".results.json.k1ll3d.tmp", out / ".results.partial.jsonl.k1ll3d.tmp"]
    for path in stale:
        path.write_text("{")
    writing = tmp_path / "writing"
    process = subprocess.Popen([sys.executable, str(HOSTILE.parent / "faults" / "harness_signal_in_final_write.py"),
                                "run", str(HOSTILE / "stopped_helpers" / "after_them.py"), "--python", "current", "-m",
                                "spawn", "-q", "--out", str(out)], cwd=str(REPO), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=default_signals,
                               env=dict(os.environ, MPMATRIX_TEST_WRITING=str(writing)))
    deadline = time.monotonic() + 60
    while not writing.exists():
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.005)
    process.send_signal(sig)
    signalled = time.monotonic()
    stdout, stderr = process.communicate(timeout=30)
    seconds = time.monotonic() - signalled
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr.decode() and "interrupted while the results were written" in stderr.decode()
    run = results_io.read_run(out / "results.json")
    assert run.complete and [r.status.label for r in run.results] == ["pass"]
    assert sorted(p.name for p in out.iterdir()) == [".mpmatrix.lock", "results.json"]  # no journal, no .tmp
    assert seconds < 2.0, seconds
    print(f"{signal.Signals(sig).name} during the final write: exit 130 {seconds:.3f} s later")


# -- files that are not regular files ------------------------------------------------------------------------------

SELF_REPLACING = {
    "becomes_a_pipe": "os.mkfifo(path)",
    "becomes_dev_zero": "os.symlink('/dev/zero', path)",
}


def test_a_case_that_makes_its_own_file_a_pipe_or_dev_zero_is_an_error_and_the_run_ends(tmp_path):
    """Cases that replace their own file while they run (with a named pipe, with a link to /dev/zero), beside a
    pipe and a /dev/zero link named like case files from the start and a case that passes. Before: the pipe made
    the run hang for good (one SIGTERM did not end it), /dev/zero made the harness read 1 GB in under 2 s until the
    OOM killer came; `list` hung or died of MemoryError on the ones named like case files."""
    folder = tmp_path / "cases"
    head = 'claim = "c"\nsource = "s"\nids = ["S1"]\n\n[expect]\nstdout = "done"\n'
    for name, replace in SELF_REPLACING.items():
        write_case(folder, f"{name}.py", head, code=f"import os\npath = os.path.abspath(__file__)\nos.unlink(path)\n"
                                                    f"{replace}\nprint('done')\n")
    write_case(folder, "fine.py", head, code="print('done')\n")
    os.mkfifo(folder / "pipe.py")
    os.symlink("/dev/zero", folder / "zero.py")
    listed = mpmatrix("list", str(folder), timeout=30)
    assert listed.returncode == 2 and "pipe.py: a named pipe, not a regular file; expected a case file" in listed.stderr
    assert "zero.py: a character device (a symbolic link to '/dev/zero'), not a regular file" in listed.stderr
    done = run_watched([sys.executable, "-m", "harness", "run", str(folder), "--python", "current", "-m", "fork",
                        "--jobs", "2", "-q", "--out", str(tmp_path / "out")], timeout=60)
    cells = {c["case"]: c for c in json.loads((tmp_path / "out" / "results.json").read_text())["cells"]}
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert cells["fine"]["status"] == "pass"
    for name in SELF_REPLACING:
        assert cells[name]["status"] == "error" and cells[name]["stdout_raw"] == "done\n"  # observed, kept
        assert f"the case file {folder / name}.py can no longer be read (" in cells[name]["message"]
    assert "a named pipe, not a regular file" in cells["becomes_a_pipe"]["message"]
    assert "a character device (a symbolic link to '/dev/zero')" in cells["becomes_dev_zero"]["message"]
    for name in ("pipe", "zero"):
        assert cells[name]["status"] == "error" and "not a regular file; expected a case file" in cells[name]["message"]
    assert done.seconds < 30 and done.peak_rss < 200 * 2 ** 20, (done.seconds, done.peak_rss)
    print(f"list refused a pipe and /dev/zero in {listed.seconds:.2f} s; the run of both self-replacing cases "
          f"ended in {done.seconds:.2f} s, harness peak RSS {done.peak_rss / 2 ** 20:.0f} MiB")


# -- memory flat in the number of cells ---------------------------------------------------------------------------


def test_the_harness_memory_stays_flat_in_the_number_of_cells_whatever_they_print(tmp_path):
    """Cells that each write 4 MiB (tests/data/memory/writes_4mib.py): 24 of them cost the harness no more memory
    than 4 do, give or take what is in flight, and results.json holds every output whole. Before: about 8 MB more
    a cell (2,083 MiB for 100; benchmarks/memory.py has the figures)."""
    fixture = (REPO / "tests" / "data" / "memory" / "writes_4mib.py").read_text()
    peaks = {}
    for count in (4, 24):
        folder = tmp_path / f"cases-{count}"
        folder.mkdir()
        for index in range(count):
            (folder / f"m{index:03d}.py").write_text(fixture)
        out = tmp_path / f"out-{count}"
        done = run_watched([sys.executable, "-m", "harness", "run", str(folder), "--python", "current", "-m", "fork",
                            "--jobs", "2", "-q", "--out", str(out)], timeout=300)
        assert done.returncode == 0, done.stderr
        header, cells = __import__("harness.results", fromlist=["iter_results"]).iter_results(out / "results.json")
        sizes = [len(r.observed.stdout) + len(r.judged.stdout) for r in cells]
        assert sizes == [2 * 4096 * 1024] * count  # whole, raw and normalized, though the run held them brief
        peaks[count] = done.peak_rss
        shutil.rmtree(out)
    print(f"harness peak RSS: 4 cells {peaks[4] / 2 ** 20:.0f} MiB, 24 cells {peaks[24] / 2 ** 20:.0f} MiB")
    assert peaks[24] < peaks[4] + 48 * 2 ** 20 and peaks[24] < 256 * 2 ** 20, peaks


def test_a_pytest_session_memory_stays_flat_in_the_number_of_cells_whatever_they_print(tmp_path):
    """The same for pytest with --mpmatrix-results: the session keeps its results brief and writes them whole from
    a journal of its own, which it removes."""
    fixture = (REPO / "tests" / "data" / "memory" / "writes_4mib.py").read_text()
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider -p no:hypothesispytest\n")
    peaks = {}
    for count in (4, 24):
        folder = tmp_path / f"cases{count}"
        folder.mkdir()
        for index in range(count):
            (folder / f"m{index:03d}.py").write_text(fixture)
        out = tmp_path / f"out{count}.json"
        done = run_watched([sys.executable, "-m", "pytest", str(folder), "-q", "--rootdir", str(tmp_path), "-c",
                            str(tmp_path / "pytest.ini"), "--start-method", "fork", "--mpmatrix-jobs", "2",
                            "--mpmatrix-results", str(out)], timeout=300, env=dict(os.environ, TMPDIR=str(tmp_path)))
        assert done.returncode == 0, done.stdout[-2000:]
        run = __import__("harness.results", fromlist=["read_run"]).read_run(out)
        assert [len(r.observed.stdout) for r in run.results] == [4096 * 1024] * count  # whole
        peaks[count] = done.peak_rss
        out.unlink()
    assert not list(tmp_path.glob("mpmatrix-pytest-*"))  # its journal's folder is gone
    print(f"pytest peak RSS: 4 cells {peaks[4] / 2 ** 20:.0f} MiB, 24 cells {peaks[24] / 2 ** 20:.0f} MiB")
    assert peaks[24] < peaks[4] + 48 * 2 ** 20, peaks
