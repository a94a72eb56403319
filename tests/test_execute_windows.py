"""Windows leftover tracking in execute: with the platform and psutil faked (on any system), and for real where the
tests run on Windows (marker `windows`; here under Wine: `tools/wine-harness test -m windows`)."""

from __future__ import annotations

import subprocess
import sys
import types
from typing import Any, List

import pytest

from harness import execute


class FakeChild:
    def __init__(self, pid: int) -> None:
        self.pid = pid


class FakeProcess:
    """A main process that exits after a few polls, having started two children (one an orphan later)."""

    def __init__(self) -> None:
        self.pid = 100
        self.args = ["python"]
        self.polls = 0
        self.returncode = None

    def wait(self, timeout: float | None = None) -> int:
        self.polls += 1
        if self.polls < 3:
            raise subprocess.TimeoutExpired(self.args, timeout)
        self.returncode = 0
        return 0


def fake_psutil(children_by_poll: List[List[int]], alive: set) -> Any:
    calls = {"n": 0}

    class Process:
        def __init__(self, pid: int) -> None:
            self.pid = pid

        def children(self, recursive: bool = False) -> List[FakeChild]:
            index = min(calls["n"], len(children_by_poll) - 1)
            calls["n"] += 1
            return [FakeChild(p) for p in children_by_poll[index]]

    module = types.SimpleNamespace(Process=Process, Error=Exception, pid_exists=lambda pid: pid in alive)
    return module


def test_descendants_seen_while_running_are_tracked_even_after_they_are_orphaned(monkeypatch: pytest.MonkeyPatch) -> None:
    psutil = fake_psutil([[201], [201, 202], []], alive={202})
    monkeypatch.setattr(execute, "psutil", psutil)
    process = FakeProcess()
    tracked = execute._wait_tracking_tree(process, timeout=5)
    assert tracked == {201, 202}
    assert execute._alive(tracked) == [202]


def test_tracking_honours_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(execute, "psutil", fake_psutil([[7]], alive=set()))

    class Hung(FakeProcess):
        def wait(self, timeout: float | None = None) -> int:
            raise subprocess.TimeoutExpired(self.args, timeout)

    with pytest.raises(subprocess.TimeoutExpired):
        execute._wait_tracking_tree(Hung(), timeout=0.2)


def test_windows_crash_codes_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    assert execute._signal_name(0xC0000005) == "ACCESS_VIOLATION"
    assert execute._signal_name(1) is None
    assert execute._session_options() == {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200)}


def test_a_second_ctrl_c_kills_each_running_cells_whole_tree_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    killed: List[int] = []

    class Proc:
        def __init__(self, pid: int) -> None:
            self.pid = pid

        def children(self, recursive: bool = False) -> List["Proc"]:
            return [Proc(self.pid + 1), Proc(self.pid + 2)]

        def terminate(self) -> None:
            raise AssertionError("no grace period on a second Ctrl+C")

        def kill(self) -> None:
            killed.append(self.pid)

    psutil = types.SimpleNamespace(Process=Proc, Error=Exception, wait_procs=lambda procs, timeout=None: (procs, []))
    monkeypatch.setattr(execute, "psutil", psutil)
    monkeypatch.setattr(sys, "platform", "win32")
    cell = execute.WindowsCell.__new__(execute.WindowsCell)  # as started by Popen, without starting anything
    cell.process, cell.pid, cell.tracked = FakeProcess(), 100, set()
    monkeypatch.setattr(execute, "_live", {cell})
    execute.kill_all()
    assert sorted(killed) == [100, 101, 102]


windows = pytest.mark.skipif(sys.platform != "win32", reason="the real thing: Windows only (here: under Wine)")

# A harness that starts one cell, whose main process starts a grandchild and prints its pid, then waits.
HARNESS = (
    "import sys, time\n"
    "from harness import execute\n"
    "child = 'import subprocess, sys, time; p = subprocess.Popen([sys.executable, \"-c\", \"import time; time.sleep(60)\"]); print(p.pid, flush=True); time.sleep(60)'\n"
    "cell = execute.start_cell([sys.executable, '-c', child], '.', dict(__import__('os').environ))\n"
    "print(cell.stdout.readline().decode().strip(), flush=True)\n"
    "time.sleep(60)\n"
)


def started_harness() -> "tuple[subprocess.Popen[str], int]":
    process = subprocess.Popen([sys.executable, "-c", HARNESS], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    return process, int(process.stdout.readline())


@pytest.mark.windows
@windows
def test_on_windows_killing_the_harness_ends_every_process_of_its_cells() -> None:  # pragma: no cover - Windows
    import psutil

    process, grandchild = started_harness()
    watched = psutil.Process(grandchild)
    psutil.Process(process.pid).kill()  # TerminateProcess: no handler runs
    process.wait()
    gone, alive = psutil.wait_procs([watched], timeout=3)
    assert alive == []


@pytest.mark.windows
@windows
def test_on_windows_taskkill_of_the_harness_ends_every_process_of_its_cells() -> None:  # pragma: no cover - Windows
    """`taskkill /F`, as a user (or a CI runner's cancel) would end the harness: the Job object's last handle closes
    with the harness, and KILL_ON_JOB_CLOSE ends the cell and the grandchild it started."""
    import psutil

    process, grandchild = started_harness()
    watched = psutil.Process(grandchild)
    killed = subprocess.run(["taskkill", "/F", "/PID", str(process.pid)], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=30)
    assert killed.returncode == 0, killed.stdout + killed.stderr
    process.wait(timeout=30)
    gone, alive = psutil.wait_procs([watched], timeout=3)
    assert alive == []


@pytest.mark.windows
@windows
def test_on_windows_a_process_a_cell_leaves_running_is_found_and_ended(tmp_path) -> None:  # pragma: no cover - Windows
    """psutil's process tree of a real Windows cell: the child its main process leaves behind is noted while the cell
    runs, reported as a leftover after it, and ended."""
    import psutil

    from harness.execute import Limits, run_cell
    from harness.interpreters import current
    from harness.model import Cell

    case = tmp_path / "leaves_a_child.py"
    case.write_text("import subprocess, sys, time\n"
                    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
                    "print(child.pid, flush=True)\n"
                    "time.sleep(1)\n", encoding="utf-8")  # long enough for the harness to see it
    observation = run_cell(Cell("leaves_a_child", str(case), current(), "spawn"), Limits(timeout=60))
    child = int(observation.stdout.split()[0])
    assert observation.exit == 0 and [x.pid for x in observation.leftovers] == [child], observation
    assert not observation.leftovers[0].zombie
    assert not psutil.pid_exists(child) or psutil.Process(child).status() == psutil.STATUS_ZOMBIE  # ended after
