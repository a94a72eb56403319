"""Tests for harness.execute with faked processes (pytest-subprocess): exits, output caps, signals, the timeout
path, and the Windows code paths with sys.platform and psutil faked. No real cell process is started here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import types
from typing import Any, List

import pytest

from harness import execute
from harness.execute import Limits, bootstrap_argv, cell_environment, run_cell
from harness.model import Cell, Interpreter, Leftover

INTERP = Interpreter(executable="/fake/python3", version="3.12.1", platform="linux")
CELL = Cell("demo", "/cases/demo.py", INTERP, "spawn")


@pytest.fixture
def signals(monkeypatch) -> List[Any]:
    """Fake pids are small numbers (0, 1, ...): os.killpg on them would hit real process groups, so the session
    signalling and listing are replaced; the list records (session, signal) pairs."""
    sent: List[Any] = []
    monkeypatch.setattr(execute, "_signal_session", lambda session, sig: sent.append((session, sig)))
    monkeypatch.setattr(execute, "session_processes", lambda session: [])
    monkeypatch.setattr(execute, "KILL_GRACE_S", 0.05)
    return sent


def command(fp) -> List[Any]:
    return [INTERP.executable, execute.BOOTSTRAP, "spawn", fp.any(min=3, max=3)]


def test_exit_code_and_output(fp, signals):
    fp.register(command(fp), stdout=b"hello\n", stderr=b"warn\n", returncode=3)
    observation = run_cell(CELL, Limits(timeout=5))
    assert (observation.exit, observation.signal, observation.stdout, observation.stderr) == (3, None, "hello\n", "warn\n")
    assert not observation.timed_out and observation.leftovers == () and observation.harness_error == ""
    assert observation.exit_label == "3" and signals == []


def test_the_command_is_the_bootstrap(fp, signals):
    fp.register(command(fp))
    run_cell(CELL, Limits(timeout=5))
    (call,) = fp.calls
    assert call[:3] == [INTERP.executable, execute.BOOTSTRAP, "spawn"] and call[-1] == os.path.abspath("/cases/demo.py")


def test_popen_keywords(fp, signals):
    seen = {}
    fp.register(command(fp), callback=lambda process: seen.update(process.kwargs))
    run_cell(CELL, Limits(timeout=5), environ={"PATH": "/bin", "SECRET_TOKEN": "x", "PYTHONPATH": "/evil"})
    assert seen["start_new_session"] is True and seen["stdin"] == subprocess.DEVNULL
    assert seen["stdout"] == seen["stderr"] == subprocess.PIPE
    assert os.path.basename(seen["cwd"]).startswith("mpmatrix-cell-") and not os.path.exists(seen["cwd"])  # removed after
    assert seen["env"] == {"PATH": "/bin", **execute.CELL_ENV}


def test_cell_environment_keeps_only_the_allowlist():
    env = cell_environment({"PATH": "/bin", "Path": "C:\\", "HOME": "/h", "PYTHONSTARTUP": "x", "AWS_SECRET": "y"})
    assert env == {"PATH": "/bin", "Path": "C:\\", "HOME": "/h", **execute.CELL_ENV}


def test_death_by_signal(fp, signals):
    fp.register(command(fp), stdout=b"before\n", returncode=-signal.SIGSEGV)
    observation = run_cell(CELL, Limits(timeout=5))
    assert (observation.exit, observation.signal, observation.exit_label) == (None, "SIGSEGV", "signal:SIGSEGV")
    assert observation.stdout == "before\n"


def test_unknown_signal_number_still_gets_a_name():
    assert execute._signal_name(-63) in ("SIG63", "SIGRTMAX-1", "SIGRTMAX")  # real-time signals vary by platform
    assert execute._signal_name(None) is None and execute._signal_name(0) is None


def test_output_over_the_cap_is_counted_not_kept(fp, signals):
    fp.register(command(fp), stdout=b"x" * 10_000, stderr=b"\xff\xfe tail")
    observation = run_cell(CELL, Limits(timeout=5, cap_bytes=1000))
    assert (len(observation.stdout), observation.stdout_dropped) == (1000, 9000)
    assert observation.stderr == "\ufffd\ufffd tail" and observation.invalid_utf8 and observation.stderr_dropped == 0


def test_capped_reader_keeps_exact_prefix():
    import io

    reader = execute._CappedReader(io.BytesIO(b"abcdef" * 50_000), cap=65_537)
    reader.run()
    assert reader.kept == 65_537 and reader.dropped == 300_000 - 65_537
    assert reader.text() == (("abcdef" * 50_000)[:65_537], False)


def test_a_hang_takes_the_timeout_path(fp, signals, monkeypatch):
    dumps = []
    real_mkstemp = execute.tempfile.mkstemp

    def mkstemp(**kwargs):
        fd, path = real_mkstemp(**kwargs)
        if kwargs.get("prefix") == "mpmatrix-stacks-":  # the bootstrap's faulthandler writes here before the deadline
            dumps.append(path)
            os.write(fd, b"Thread 0x01 (most recent call first):\n  File \"demo.py\", line 3 in wait_forever\n")
        return fd, path

    monkeypatch.setattr(execute.tempfile, "mkstemp", mkstemp)
    recorder = fp.register(command(fp), wait=60, returncode=-signal.SIGTERM)
    signals_seen = []

    def signal_session(session, sig):  # the fake process dies of the first signal, as the real tree would
        signals_seen.append((session, sig))
        recorder.first_call.returncode = -sig

    monkeypatch.setattr(execute, "_signal_session", signal_session)
    observation = run_cell(CELL, Limits(timeout=0.2))
    assert observation.timed_out and observation.signal == "SIGTERM" and observation.leftovers == ()
    assert observation.duration_s < 5 and "wait_forever" in observation.stacks
    assert signals_seen == [(recorder.first_call.pid, signal.SIGTERM)]
    assert recorder.first_call.args[4] == dumps[0] and not os.path.exists(dumps[0])  # read, then removed


@pytest.mark.parametrize("timeout, dump_after", [(30, "29"), (2, "1"), (1, "0.5"), (0.2, "0.1")])
def test_stack_dump_comes_before_the_deadline_even_for_short_timeouts(fp, signals, timeout, dump_after):
    seen = []
    fp.register(command(fp), callback=lambda process: seen.append(process.args))
    run_cell(CELL, Limits(timeout=timeout))
    assert seen[0][3] == dump_after


def test_a_leak_is_measured_then_ended(fp, monkeypatch):
    fp.register(command(fp), returncode=0)
    leftovers = (Leftover(999_999, "python -c sleep"),)
    monkeypatch.setattr(execute, "settle_leftovers", lambda session: leftovers)
    ended = []
    monkeypatch.setattr(execute, "end_tree", lambda process: ended.append(process.pid))
    observation = run_cell(CELL, Limits(timeout=5))
    assert observation.leftovers == leftovers and len(ended) == 1


def test_zombies_alone_are_not_ended(fp, monkeypatch):
    fp.register(command(fp), returncode=0)
    monkeypatch.setattr(execute, "settle_leftovers", lambda session: (Leftover(5, "python", zombie=True),))
    monkeypatch.setattr(execute, "end_tree", lambda process: pytest.fail("nothing alive to end"))
    assert run_cell(CELL, Limits(timeout=5)).leftovers[0].zombie


def test_an_interpreter_that_cannot_start_is_a_harness_error():
    cell = Cell("demo", "/cases/demo.py", Interpreter(executable="/nonexistent/python"), "fork")
    observation = run_cell(cell, Limits(timeout=5))
    assert observation.harness_error.startswith("cannot start /nonexistent/python: ")
    assert observation.exit is None and not observation.timed_out


def test_a_cell_started_while_stopping_is_ended_at_once(fp, signals):
    import threading

    stop = threading.Event()
    stop.set()
    fp.register(command(fp), wait=60, returncode=-signal.SIGTERM)
    observation = run_cell(CELL, Limits(timeout=0.5), stop=stop)
    assert signals and signals[0][1] == signal.SIGTERM and observation.duration_s < 5


def test_bootstrap_argv():
    argv = bootstrap_argv(CELL, 1.5, "/tmp/d.txt")
    assert argv == [INTERP.executable, execute.BOOTSTRAP, "spawn", "1.5", "/tmp/d.txt", os.path.abspath("/cases/demo.py")]


# -- end_tree on POSIX, with the signalling recorded ----------------------------------------------------------


class Finished:
    pid = 4321
    returncode = None

    def __init__(self, exits_on=None) -> None:
        self.exits_on = exits_on
        self.polled = 0

    def poll(self):
        self.polled += 1
        return self.returncode


def test_end_tree_terminates_then_kills(monkeypatch):
    sent = []
    process = Finished()
    monkeypatch.setattr(execute, "KILL_GRACE_S", 0.05)
    monkeypatch.setattr(execute, "session_processes", lambda session: [])

    def record(session, sig):
        sent.append(sig)
        if sig == signal.SIGKILL:
            process.returncode = -9

    monkeypatch.setattr(execute, "_signal_session", record)
    execute.end_tree(process)
    assert sent[:2] == [signal.SIGTERM, signal.SIGKILL] and process.returncode == -9


def test_end_tree_stops_at_sigterm_when_the_tree_obeys(monkeypatch):
    sent = []
    process = Finished()
    monkeypatch.setattr(execute, "session_processes", lambda session: [])
    monkeypatch.setattr(execute, "_signal_session", lambda session, sig: (sent.append(sig), setattr(process, "returncode", -15)))
    execute.end_tree(process)
    assert sent == [signal.SIGTERM]


def test_end_tree_keeps_killing_members_that_appear(monkeypatch):
    """A fork storm: a member forked while the first SIGKILL went out is still alive; it must be killed too."""
    sent = []
    members = {101}
    process = Finished()
    process.returncode = -9

    def signal_session(session, sig):
        sent.append(sig)
        if sig == signal.SIGKILL:
            members.clear()
            if sent.count(signal.SIGKILL) == 1:
                members.add(202)  # forked by 101 just before it died

    monkeypatch.setattr(execute, "KILL_GRACE_S", 0.3)
    monkeypatch.setattr(execute, "_is_zombie", lambda pid: False)
    monkeypatch.setattr(execute, "session_processes", lambda session: sorted(members))
    monkeypatch.setattr(execute, "_signal_session", signal_session)
    execute.end_tree(process)
    assert sent == [signal.SIGTERM, signal.SIGKILL, signal.SIGKILL] and not members


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


def test_end_tree_windows_terminates_the_tree_and_kills_the_stubborn(monkeypatch):
    log: List[str] = []
    grandchild = FakeProc(3, log, stubborn=True)
    root = FakeProc(1, log, children=[FakeProc(2, log), grandchild])
    monkeypatch.setitem(sys.modules, "psutil", fake_psutil(root))
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(os, "killpg", lambda *a: pytest.fail("no killpg on Windows"), raising=False)
    process = types.SimpleNamespace(pid=1, poll=lambda: 1)
    execute.end_tree(process)
    assert log == ["terminate 1", "terminate 2", "terminate 3", "kill 3"]


def test_end_tree_windows_when_the_root_is_already_gone(monkeypatch):
    monkeypatch.setitem(sys.modules, "psutil", fake_psutil(FakeProc(1, [])))
    monkeypatch.setattr(sys, "platform", "win32")
    execute.end_tree(types.SimpleNamespace(pid=77, poll=lambda: 0))  # no error, nothing to do


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


def test_windows_crash_codes_are_plain_exits_elsewhere():
    assert execute._signal_name(0xC0000005) is None


def test_run_cell_on_windows_uses_a_new_process_group_and_names_the_crash(fp, monkeypatch):
    seen = {}
    fp.register(command(fp), callback=lambda process: seen.update(process.kwargs), returncode=0xC0000005)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "psutil", fake_psutil(FakeProc(-1, [])))  # the cell's pid is unknown: no children
    observation = run_cell(CELL, Limits(timeout=5))
    assert seen["creationflags"] == getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200)
    assert "start_new_session" not in seen
    assert (observation.exit, observation.signal, observation.exit_label) == (0xC0000005, "ACCESS_VIOLATION", "signal:ACCESS_VIOLATION")
