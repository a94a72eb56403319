"""Tests for harness.execute with a fake started cell (start_cell replaced): exits, output caps, signals, the
timeout path, leaks, and the Windows code paths with sys.platform and psutil faked. No cell process is started
here; tests/test_keeper.py runs the real keeper."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import types
from typing import Any, Dict, List, Optional

import psutil
import pytest

from harness import execute
from harness.execute import Limits, bootstrap_argv, cell_environment, run_cell
from harness.model import Cell, Interpreter, Leftover

INTERP = Interpreter(executable="/fake/python3", version="3.12.1", platform="linux")
CELL = Cell("demo", "/cases/demo.py", INTERP, "spawn")


class FakeCell(execute.Launched):
    """A started cell that has already written its output; `hang` makes wait() time out."""

    def __init__(self, argv: List[str], cwd: str, env: Dict[str, str], stdout: bytes = b"", stderr: bytes = b"",
                 returncode: int = 0, hang: bool = False, processes: Optional[List[int]] = None,
                 on_start: Any = None, cpu_s: Optional[float] = None) -> None:
        self.argv, self.cwd, self.env = argv, cwd, env
        self.measured_cpu = cpu_s
        self.pid = 4321
        self.stdout, self.stderr = io.BytesIO(stdout), io.BytesIO(stderr)
        self.final = returncode
        self.hang = hang
        self._processes = processes or []
        self.ends: List[str] = []
        self.waits: List[float] = []
        self.signals: List[int] = []
        if on_start is not None:
            on_start(self)

    def wait(self, timeout: float) -> int:
        self.waits.append(timeout)
        if self.hang:
            raise subprocess.TimeoutExpired(self.argv, timeout)
        self.returncode = self.final
        return self.final

    def processes(self) -> List[int]:
        return self._processes

    def request_end(self, grace: bool = True) -> None:
        self.ends.append("request " + ("end" if grace else "kill"))

    def signal_main(self, signum: int) -> None:
        self.signals.append(signum)

    def end(self, grace: bool = True) -> None:
        self.ends.append("end" if grace else "kill")
        self.cpu_s = self.measured_cpu  # as the keeper reports it: once every process of the cell is gone
        if self.hang and self.returncode is None:
            self.returncode = -signal.SIGTERM


@pytest.fixture
def launch(monkeypatch):
    """Configure the next cell: launch.update(stdout=..., returncode=...); launch.started holds each FakeCell."""

    class Launcher(dict):
        started: List[FakeCell] = []

        def __call__(self, argv, cwd, env):
            cell = FakeCell(list(argv), cwd, dict(env), **self)
            self.started.append(cell)
            return cell

    launcher = Launcher()
    launcher.started = []
    monkeypatch.setattr(execute, "start_cell", launcher)
    monkeypatch.setattr(execute, "describe", lambda pids: tuple(Leftover(pid, f"proc {pid}") for pid in pids))
    monkeypatch.setattr(execute, "LEFTOVER_SETTLE_S", 0.05)
    return launcher


def test_exit_code_and_output(launch):
    launch.update(stdout=b"hello\n", stderr=b"warn\n", returncode=3)
    observation = run_cell(CELL, Limits(timeout=5))
    assert (observation.exit, observation.signal, observation.stdout, observation.stderr) == (3, None, "hello\n", "warn\n")
    assert not observation.timed_out and observation.leftovers == () and observation.harness_error == ""
    assert observation.exit_label == "3"
    assert launch.started[0].ends == ["kill"]  # nothing left: the keeper is let go at once


def test_the_cells_cpu_is_what_its_keeper_reported_when_it_ended(launch):
    launch.update(stdout=b"ok\n", cpu_s=0.123456)
    assert run_cell(CELL, Limits(timeout=5)).cpu_s == 0.1235
    launch.update(cpu_s=None)  # not measured (Windows, a lost keeper): no figure rather than a wrong one
    assert run_cell(CELL, Limits(timeout=5)).cpu_s is None


def test_the_command_is_the_bootstrap_in_a_fresh_folder_with_the_fixed_environment(launch, monkeypatch):
    monkeypatch.setattr(os, "environ", {"PATH": "/bin", "SECRET_TOKEN": "x", "PYTHONPATH": "/evil"})
    run_cell(CELL, Limits(timeout=5))
    (cell,) = launch.started
    assert cell.argv[:3] == [INTERP.executable, execute.BOOTSTRAP, "spawn"]
    assert cell.argv[-1] == os.path.abspath("/cases/demo.py")
    assert os.path.basename(cell.cwd).startswith("mpmatrix-cell-") and not os.path.exists(cell.cwd)  # removed after
    assert cell.env == {"PATH": "/bin", **execute.CELL_ENV}


def test_cell_environment_keeps_only_the_allowlist():
    env = cell_environment({"PATH": "/bin", "Path": "C:\\", "HOME": "/h", "PYTHONSTARTUP": "x", "AWS_SECRET": "y"})
    assert env == {"PATH": "/bin", "Path": "C:\\", "HOME": "/h", **execute.CELL_ENV}


def test_death_by_signal(launch):
    launch.update(stdout=b"before\n", returncode=-signal.SIGSEGV)
    observation = run_cell(CELL, Limits(timeout=5))
    assert (observation.exit, observation.signal, observation.exit_label) == (None, "SIGSEGV", "signal:SIGSEGV")
    assert observation.stdout == "before\n"


def test_unknown_signal_number_still_gets_a_name():
    assert execute._signal_name(-63) in ("SIG63", "SIGRTMAX-1", "SIGRTMAX")  # real-time signals vary by platform
    assert execute._signal_name(None) is None and execute._signal_name(0) is None


def test_output_over_the_cap_is_counted_not_kept(launch):
    launch.update(stdout=b"x" * 10_000, stderr=b"\xff\xfe tail")
    observation = run_cell(CELL, Limits(timeout=5, cap_bytes=1000))
    assert (len(observation.stdout), observation.stdout_dropped) == (1000, 9000)
    assert observation.stderr == "\ufffd\ufffd tail" and observation.invalid_utf8 and observation.stderr_dropped == 0


def test_capped_reader_keeps_exact_prefix():
    reader = execute._CappedReader(io.BytesIO(b"abcdef" * 50_000), cap=65_537)
    reader.run()
    assert reader.kept == 65_537 and reader.dropped == 300_000 - 65_537
    assert reader.text() == (("abcdef" * 50_000)[:65_537], False)


def test_a_hang_takes_the_timeout_path_and_keeps_the_stacks(launch):
    def dump_stacks(cell):  # the bootstrap's faulthandler writes here before the deadline
        with open(cell.argv[4], "w") as f:
            f.write('Thread 0x01 (most recent call first):\n  File "demo.py", line 3 in wait_forever\n')

    launch.update(hang=True, on_start=dump_stacks)
    observation = run_cell(CELL, Limits(timeout=0.2))
    (cell,) = launch.started
    assert observation.timed_out and observation.signal == "SIGTERM" and observation.leftovers == ()
    assert "wait_forever" in observation.stacks and not os.path.exists(cell.argv[4])  # read, then removed
    assert cell.ends[0] == "end"  # SIGTERM first, with a grace period


@pytest.mark.parametrize("timeout, dump_after", [(30, "29"), (2, "1"), (1, "0.5"), (0.2, "0.1")])
def test_stack_dump_comes_before_the_deadline_even_for_short_timeouts(launch, monkeypatch, timeout, dump_after):
    launch.update(hang=True)
    monkeypatch.setattr(execute, "dump_signal", lambda cell: 40)  # POSIX: the harness asks for the stacks
    run_cell(CELL, Limits(timeout=timeout))
    started = launch.started[0]
    assert started.argv[3] == "signal:40" and started.signals == [40]
    assert started.waits == [float(dump_after), pytest.approx(timeout - float(dump_after))]
    monkeypatch.setattr(execute, "dump_signal", lambda cell: None)  # Windows: faulthandler's watchdog thread
    before = time.time()
    run_cell(CELL, Limits(timeout=timeout))
    after, _, launched = launch.started[1].argv[3].partition("@")
    assert after == dump_after and launch.started[1].waits == [timeout] and launch.started[1].signals == []
    # counted from the launch, not the bootstrap's start (written to the millisecond, rounded: 0.0005 s either way)
    assert before - 0.001 <= float(launched) <= time.time() + 0.0005


def test_a_leak_is_measured_then_ended_with_a_grace_period(launch):
    launch.update(processes=[999_999])
    observation = run_cell(CELL, Limits(timeout=5))
    assert observation.leftovers == (Leftover(999_999, "proc 999999"),)
    assert launch.started[0].ends == ["end"]


def test_zombies_alone_are_not_given_a_grace_period(launch, monkeypatch):
    launch.update(processes=[5])
    monkeypatch.setattr(execute, "describe", lambda pids: (Leftover(5, "python", zombie=True),))
    assert run_cell(CELL, Limits(timeout=5)).leftovers[0].zombie
    assert launch.started[0].ends == ["kill"]


def test_an_interpreter_that_cannot_start_is_a_harness_error(monkeypatch):
    def refuse(argv, cwd, env):
        raise OSError(2, "No such file or directory")

    monkeypatch.setattr(execute, "start_cell", refuse)
    observation = run_cell(Cell("demo", "/cases/demo.py", Interpreter(executable="/nonexistent/python"), "fork"),
                           Limits(timeout=5))
    assert observation.harness_error == "cannot start /nonexistent/python: No such file or directory"
    assert observation.exit is None and not observation.timed_out


def test_a_lost_keeper_is_a_harness_error_with_the_output_so_far(launch):
    def lose(self, timeout):
        raise execute.CellLost("its keeper process (pid 7) ended before it did")

    launch.update(stdout=b"partial\n", on_start=lambda cell: setattr(cell, "wait", types.MethodType(lose, cell)))
    observation = run_cell(CELL, Limits(timeout=5))
    assert observation.harness_error == "its keeper process (pid 7) ended before it did"
    assert observation.stdout == "partial\n" and observation.leftovers == ()


def test_a_cell_started_while_stopping_is_ended_at_once(launch):
    import threading

    stop = threading.Event()
    stop.set()
    launch.update(hang=True)
    observation = run_cell(CELL, Limits(timeout=0.5), stop=stop)
    assert launch.started[0].ends[0] == "end" and observation.duration_s < 5


def test_end_all_asks_every_cell_first_then_waits_and_kill_all_does_not_wait(monkeypatch):
    log: List[str] = []

    class Recorder(execute.Launched):
        def __init__(self, name):
            self.name = name

        def request_end(self, grace=True):
            log.append(f"ask {self.name} {'end' if grace else 'kill'}")

        def end(self, grace=True):
            log.append(f"wait {self.name}")

    monkeypatch.setattr(execute, "_live", {Recorder("a")})
    execute.end_all()
    execute.kill_all()
    assert log == ["ask a end", "wait a", "ask a kill"]


def test_bootstrap_argv():
    argv = bootstrap_argv(CELL, 1.5, "/tmp/d.txt")
    assert argv == [INTERP.executable, execute.BOOTSTRAP, "spawn", "1.5", "/tmp/d.txt", os.path.abspath("/cases/demo.py")]
    assert bootstrap_argv(CELL, 1.5, "/tmp/d.txt", 40)[3] == "signal:40"
    assert bootstrap_argv(CELL, 1.5, "/tmp/d.txt", 40, launched=1700000000.25)[3] == "signal:40"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the real-time signal is Linux's")
def test_a_posix_cell_dumps_its_stacks_on_a_signal_and_a_windows_one_from_a_thread():
    import dataclasses

    assert execute.dump_signal(CELL) == signal.SIGRTMIN + execute.DUMP_SIGNAL_OFFSET
    windows = dataclasses.replace(CELL, interpreter=dataclasses.replace(INTERP, platform="win32", flavour="wine8.0"))
    assert execute.dump_signal(windows) is None


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX: the stacks come on a signal")
def test_a_case_that_forks_sees_one_thread_as_under_python_case(tmp_path):
    """faulthandler's watchdog is a thread: with it, os.fork() on 3.12+ warns that the process is multi-threaded,
    which `python CASE` never does. The stacks of a hung cell come on a signal instead."""
    case = tmp_path / "forks.py"
    case.write_text("import os, sys, warnings\nwarnings.simplefilter('default')\n"
                    "print(len(os.listdir('/proc/self/task')) if os.path.isdir('/proc/self/task') else 1)\n"
                    "pid = os.fork()\nif pid == 0:\n    os._exit(0)\nos.waitpid(pid, 0)\n", encoding="utf-8")
    from harness.interpreters import discover

    found, _ = discover()
    newer = [i for i in found if i.implementation == "cpython" and i.platform == sys.platform and not i.free_threaded
             and tuple(int(p) for p in i.version.split(".")[:2]) >= (3, 12)]
    if not newer:
        pytest.skip("no CPython >= 3.12 here: the warning is 3.12's")
    observed = run_cell(Cell("forks", str(case), newer[0], "fork"), Limits(timeout=10))
    assert observed.exit == 0 and observed.stdout == "1\n" and "multi-threaded" not in observed.stderr, observed
    assert bootstrap_argv(CELL, 1.5, "/tmp/d.txt", launched=1700000000.25)[3] == "1.5@1700000000.250"
    assert bootstrap_argv(CELL, 0, "/tmp/d.txt", launched=1700000000.25)[3] == "0"  # no dump: nothing to count


def test_the_bootstrap_counts_the_dump_from_the_launch_so_a_slow_start_cannot_make_it_late(monkeypatch):
    """Under Wine a Windows process takes seconds to reach the bootstrap's faulthandler call on a loaded machine:
    counted from there, the dump came after the harness had ended the cell (an empty stack file)."""
    from harness import bootstrap

    monkeypatch.setattr(bootstrap.time, "time", lambda: 1000.0)
    assert bootstrap._dump_delay("29") == 29.0
    assert bootstrap._dump_delay("29@997.5") == 26.5  # 2.5 s of start-up already spent
    assert bootstrap._dump_delay("29@1005") == 29.0  # a clock behind the harness's: never later than asked
    assert bootstrap._dump_delay("29@900") == 0.001  # already due: at once
    assert bootstrap._dump_delay("0@997") == 0.0  # no dump asked for


# -- Windows code paths, with sys.platform and psutil faked -----------------------------------------------------


class FakeProc:
    """A psutil.Process stand-in; `stubborn` ones ignore terminate()."""

    def __init__(self, pid: int, log: List[str], children=(), stubborn: bool = False) -> None:
        self.pid, self.log, self._children, self.stubborn = pid, log, list(children), stubborn
        self.alive = True

    def children(self, recursive: bool = False):
        return self._children

    def terminate(self):
        self.log.append(f"terminate {self.pid}")
        if not self.stubborn:
            self.alive = False

    def kill(self):
        self.log.append(f"kill {self.pid}")
        self.alive = False


def fake_psutil(root: FakeProc) -> Any:
    class Error(Exception):
        pass

    def process(pid):
        if pid != root.pid:
            raise Error(pid)
        return root

    def wait_procs(procs, timeout=None):
        return [p for p in procs if not p.alive], [p for p in procs if p.alive]

    return types.SimpleNamespace(Process=process, Error=Error, wait_procs=wait_procs, pid_exists=lambda pid: False)


def windows_cell(pid: int) -> execute.WindowsCell:
    cell = execute.WindowsCell.__new__(execute.WindowsCell)
    cell.process, cell.pid, cell.tracked = types.SimpleNamespace(pid=pid, poll=lambda: 1, returncode=1), pid, set()
    return cell


def test_ending_a_windows_cell_terminates_the_tree_and_kills_the_stubborn(monkeypatch):
    log: List[str] = []
    grandchild = FakeProc(3, log, stubborn=True)
    root = FakeProc(1, log, children=[FakeProc(2, log), grandchild])
    monkeypatch.setattr(execute, "psutil", fake_psutil(root))
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(os, "killpg", lambda *a: pytest.fail("no killpg on Windows"), raising=False)
    windows_cell(1).end()
    assert log == ["terminate 1", "terminate 2", "terminate 3", "kill 3"]


def test_ending_a_windows_cell_whose_root_is_already_gone(monkeypatch):
    monkeypatch.setattr(execute, "psutil", fake_psutil(FakeProc(1, [])))
    monkeypatch.setattr(sys, "platform", "win32")
    windows_cell(77).end()  # no error, nothing to do


def test_windows_session_options_and_no_sessions(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    assert execute._session_options() == {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200)}
    assert execute.session_processes(1234) == []


@pytest.mark.parametrize("code, name", [
    (0xC0000005, "ACCESS_VIOLATION"), (0xC00000FD, "STACK_OVERFLOW"), (0xC0000409, "STACK_BUFFER_OVERRUN"), (1, None),
])
def test_windows_crash_codes(monkeypatch, code, name):
    monkeypatch.setattr(sys, "platform", "win32")
    assert execute._signal_name(code) == name


def test_windows_crash_codes_are_plain_exits_elsewhere(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert execute._signal_name(0xC0000005) is None


def test_windows_pids_are_never_looked_up_in_linux_proc(monkeypatch):
    """Under Wine a Windows process can read /proc, but a Windows pid there is some unrelated Linux process."""
    from harness import keeper

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(keeper, "thread_states", lambda pid: pytest.fail("read /proc for a Windows pid"))
    assert execute._dead(4242) is None


def test_a_process_whose_name_the_system_will_not_give_is_still_a_leftover(monkeypatch):
    """psutil under Wine 8: name() and exe() of another process raise a plain OSError (WinError 87)."""

    class Unnamed:
        def __init__(self, pid):
            self.pid = pid

        def status(self):
            return psutil.STATUS_ZOMBIE if self.pid == 1 else psutil.STATUS_RUNNING

        def name(self):
            raise OSError(22, "[WinError 87] Invalid parameter: '(originated from NtQuerySystemInformation)'")

        def cmdline(self):
            raise OSError(22, "[WinError 87] Invalid parameter")

        num_threads = name

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(execute.psutil, "Process", Unnamed)
    assert execute.describe([1, 2]) == (Leftover(1, "pid 1", zombie=True), Leftover(2, "pid 2", zombie=False))


def test_a_windows_cell_is_started_in_a_new_process_group_and_its_crash_is_named(fp, monkeypatch):
    seen = {}
    fp.register([INTERP.executable, execute.BOOTSTRAP, "spawn", fp.any(min=3, max=3)],
                callback=lambda process: seen.update(process.kwargs), returncode=0xC0000005)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(execute, "psutil", fake_psutil(FakeProc(-1, [])))  # the cell's pid is unknown: no children
    observation = run_cell(CELL, Limits(timeout=5))
    assert seen["creationflags"] == getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200)
    assert "start_new_session" not in seen and "process_group" not in seen
    assert (observation.exit, observation.signal, observation.exit_label) == (0xC0000005, "ACCESS_VIOLATION", "signal:ACCESS_VIOLATION")


class FakeKernel32:
    """kernel32 as the Job object code calls it, recording the calls (ctypes is real; Windows is not)."""

    def __init__(self) -> None:
        self.calls: List[Any] = []

        class Function:
            def __init__(inner, name, result):
                inner.name, inner.result, inner.restype = name, result, None

            def __call__(inner, *args):
                self.calls.append((inner.name, args))
                return inner.result

        self.CreateJobObjectW = Function("CreateJobObjectW", 1234)
        self.SetInformationJobObject = Function("SetInformationJobObject", 1)
        self.AssignProcessToJobObject = Function("AssignProcessToJobObject", 1)
        self.CloseHandle = Function("CloseHandle", 1)


def test_a_windows_cell_joins_a_job_object_that_kills_it_when_the_harness_ends(monkeypatch):
    import ctypes

    monkeypatch.setattr(execute, "_job", None)
    kernel32 = FakeKernel32()
    assert execute._assign_to_job(types.SimpleNamespace(_handle=77), kernel32) is True
    assert execute._assign_to_job(types.SimpleNamespace(_handle=78), kernel32) is True  # one job for every cell
    names = [name for name, _ in kernel32.calls]
    assert names == ["CreateJobObjectW", "SetInformationJobObject", "AssignProcessToJobObject", "AssignProcessToJobObject"]
    _, (job, kind, info, size) = kernel32.calls[1]
    assert kind == 9 and info._obj.BasicLimitInformation.LimitFlags == 0x2000  # KILL_ON_JOB_CLOSE
    assert size == ctypes.sizeof(info._obj) == (144 if ctypes.sizeof(ctypes.c_void_p) == 8 else 112)  # as winnt.h
    assert [args[1].value for name, args in kernel32.calls if name == "AssignProcessToJobObject"] == [77, 78]


def test_without_a_job_object_a_windows_cell_is_still_tracked(monkeypatch):
    monkeypatch.setattr(execute, "_job", None)
    kernel32 = FakeKernel32()
    kernel32.SetInformationJobObject.result = 0  # refused
    assert execute._assign_to_job(types.SimpleNamespace(_handle=77), kernel32) is False
    assert [name for name, _ in kernel32.calls][-1] == "CloseHandle"
    monkeypatch.setattr(execute, "_job", None)
    assert execute._assign_to_job(types.SimpleNamespace(_handle=77)) is False  # no kernel32 here at all


def test_a_process_already_exiting_counts_as_dead_not_as_a_leak(monkeypatch):
    """Its keeper reaps it the moment it is a zombie: caught in its last steps of exit(), it must not be a leak
    (a PyPy forkserver takes ~0.3 s to exit, and was reported with an empty command line)."""
    from harness import keeper

    pid = os.getpid()
    assert execute.describe([pid])[0].zombie is False  # this process runs
    if sys.platform == "win32" or not os.path.isdir("/proc/self"):
        return
    monkeypatch.setattr(keeper, "thread_states", lambda pid: [(b"R", keeper.PF_EXITING), (b"R", keeper.PF_EXITING)])
    assert execute.describe([pid])[0].zombie is True


@pytest.mark.parametrize("threads, dead", [
    ([(b"Z", 0)], True),  # a zombie
    ([(b"Z", 0x4), (b"X", 0)], True),  # every thread gone
    ([(b"Z", 0x4), (b"S", 0)], False),  # its main thread exited (pthread_exit), another sleeps: alive
    ([(b"Z", 0x4), (b"R", 0x4)], True),  # its last thread in exit()
    ([], True),  # gone
])
@pytest.mark.skipif(sys.platform == "win32" or not os.path.isdir("/proc/self"),
                    reason="threads are read from Linux's /proc (a Windows process under Wine reads it too: not its pids)")
def test_a_process_is_dead_only_when_no_thread_of_it_runs(monkeypatch, threads, dead):
    from harness import keeper

    monkeypatch.setattr(keeper, "thread_states", lambda pid: threads)
    assert execute._is_zombie(os.getpid()) is dead
    assert execute.describe([os.getpid()])[0].zombie is dead


class Lingering:
    """A cell whose leftover processes are gone after `polls` looks."""

    def __init__(self, cmdline: str, polls: int) -> None:
        self.cmdline, self.polls = cmdline, polls

    def processes(self) -> List[int]:
        self.polls -= 1
        return [4242] if self.polls >= 0 else []


def test_a_multiprocessing_helper_gets_longer_to_exit_than_a_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    tracker = "/usr/bin/pypy3.9 -B -c from multiprocessing.resource_tracker import main;main(8)"
    monkeypatch.setattr(execute, "SETTLE_POLL_S", (0.001, 0.001))
    monkeypatch.setattr(execute, "LEFTOVER_SETTLE_S", 0.0)
    monkeypatch.setattr(execute, "HELPER_SETTLE_S", 5.0)
    for cmdline, leaks in ((tracker, False), ("/usr/bin/sleep 100", True)):
        cell = Lingering(cmdline, polls=20)
        monkeypatch.setattr(execute, "describe", lambda pids, c=cmdline: tuple(Leftover(p, c) for p in pids))
        found = execute.settle_leftovers(cell)
        assert bool(found) is leaks, cmdline
