"""Tests for harness.keeper: its messages and process bookkeeping with fakes, then real cells kept by it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

if sys.platform == "win32":  # before the module's POSIX signals and imports are read
    pytest.skip("the keeper is POSIX only (a Windows cell is kept by the Job object: test_execute_windows.py)",
                allow_module_level=True)

from harness import keeper  # noqa: E402

from conftest import HOSTILE, mpmatrix  # noqa: E402


def test_requests_arrive_whole_with_their_descriptors_even_when_split():
    ours, theirs = socket.socketpair()
    read_end, write_end = os.pipe()
    try:
        keeper.send_request(ours, {"argv": ["python", "caf\udce9.py"], "fds": 1}, [write_end])
        keeper.send_request(ours, {"argv": ["second"], "fds": 0}, [])
        reader = keeper.RequestReader(theirs)
        received = []
        while len(received) < 2:
            received += reader.read()
        (first, fds), (second, none) = received
        assert first["argv"] == ["python", "caf\udce9.py"] and len(fds) == 1 and second["argv"] == ["second"] and none == []
        os.write(fds[0], b"through the passed descriptor")
        os.close(fds[0])
        assert os.read(read_end, 100) == b"through the passed descriptor"
        ours.close()
        assert reader.read() is None  # the harness has gone
    finally:
        theirs.close()
        os.close(read_end)
        os.close(write_end)


@pytest.mark.parametrize("status, code", [(0, 0), (3 << 8, 3), (signal.SIGKILL, -signal.SIGKILL), (signal.SIGSEGV | 0x80, -signal.SIGSEGV)])
def test_exit_codes_read_as_subprocess_reports_them(status, code):
    assert keeper.exit_code(status) == code


TABLE = {  # pid: (ppid, pgid, zombie)
    10: (1, 10, False),  # the keeper
    11: (10, 11, False),  # the cell's main process
    12: (11, 11, False),  # its child
    13: (12, 13, True),  # a zombie grandchild
    14: (10, 14, False),  # a daemon that left the group and was reparented to the keeper (a subreaper)
    15: (1, 11, False),  # reparented elsewhere (no subreaper) but still in the cell's group
    20: (1, 20, False),  # another process altogether
}


def test_descendants_follow_parents_and_optionally_the_cells_group():
    assert sorted(keeper.descendants(10, TABLE)) == [11, 12, 13, 14]
    assert sorted(keeper.descendants(10, TABLE, group=11)) == [11, 12, 13, 14, 15]


def test_ending_a_respawn_storm_kills_until_nothing_is_left(monkeypatch):
    """Each SIGKILL round, a process that had forked before dying leaves a new child: the next round kills it."""
    table = {10: (1, 10, False), 11: (10, 11, False)}
    born = iter([30, 31])
    sent = []

    def kill(pid, sig):
        sent.append((pid, sig))
        if table.pop(pid, None) is not None and sig == signal.SIGKILL:
            child = next(born, None)
            if child is not None:
                table[child] = (10, child, False)

    monkeypatch.setattr(keeper, "process_table", lambda: dict(table))
    monkeypatch.setattr(os, "kill", kill)
    monkeypatch.setattr(os, "killpg", lambda group, sig: None)
    assert keeper.end_processes(10, 11, grace=False, reap=lambda: None) is True
    assert [pid for pid, _ in sent] == [11, 30, 31] and table == {10: (1, 10, False)}


def test_sigterm_first_then_sigkill_for_what_ignores_it(monkeypatch):
    table = {10: (1, 10, False), 11: (10, 11, False), 12: (11, 11, False)}
    sent = []

    def kill(pid, sig):
        sent.append((pid, signal.Signals(sig).name))
        if sig == signal.SIGKILL or pid == 12:  # 11 ignores SIGTERM
            table.pop(pid, None)

    monkeypatch.setattr(keeper, "process_table", lambda: dict(table))
    monkeypatch.setattr(keeper, "KILL_GRACE_S", 0.1)
    monkeypatch.setattr(os, "kill", kill)
    monkeypatch.setattr(os, "killpg", lambda group, sig: None)
    assert keeper.end_processes(10, 11, grace=True, reap=lambda: None)
    assert sent == [(11, "SIGTERM"), (12, "SIGTERM"), (11, "SIGKILL")]


@pytest.mark.e2e
def test_a_cell_runs_as_from_a_shell_and_signalling_its_parent_ends_nothing(tmp_path):
    done = mpmatrix("run", str(HOSTILE / "shell_like.py"), "--python", "current", "-q", out=tmp_path / "out")
    assert done.returncode == 0, done.stdout + done.stderr
    assert {c["status"] for c in done.results()["cells"]} == {"pass"}
    assert done.results()["complete"] is True


@pytest.mark.e2e
def test_a_command_that_cannot_start_is_reported_by_the_cell_keeper():
    from harness import execute

    with pytest.raises(OSError, match="No such file or directory"):
        execute.start_cell(["/nonexistent/python"], "/", {})


@pytest.mark.e2e
def test_a_double_forked_setsid_daemon_is_a_leftover_of_the_cell_then_ended():
    from harness import execute

    script = ("import os, sys, time\n"
              "if os.fork() == 0:\n"
              "    os.setsid()\n"
              "    if os.fork() == 0:\n"
              "        time.sleep(3600)\n"
              "    os._exit(0)\n"
              "os.wait()\n")
    cell = execute.start_cell([sys.executable, "-c", script], "/", {})
    assert cell.wait(30) == 0
    leftovers = execute.settle_leftovers(cell)
    (daemon,) = [x for x in leftovers if not x.zombie]
    assert os.getsid(daemon.pid) not in (os.getsid(cell.keeper_pid), os.getsid(0))  # it left the session, yet is found
    cell.end()
    time.sleep(0.1)
    with pytest.raises(OSError):
        os.kill(daemon.pid, 0)


@pytest.mark.e2e
def test_the_cpu_of_every_process_of_the_cell_is_reported_when_it_ends():
    """The main process, its child it waits for, and an orphan the cell keeper reaps each burn 0.3 s of their own
    CPU (by their own clock, not the wall's): the cell's CPU counts all three."""
    from harness import execute

    burn = "import time\nwhile time.process_time() < 0.3: pass\n"
    script = ("import os, sys, subprocess\n"
              f"burn = {burn!r}\n"
              "subprocess.run([sys.executable, '-c', burn])\n"
              "r, w = os.pipe()\n"
              "if os.fork() == 0:\n"
              "    exec(burn)\n"
              "    os._exit(0)\n"
              "os.close(w)\n"
              "exec(burn)\n"
              "os.read(r, 1)\n")  # the orphan has ended (its end of the pipe closed); it is left for the keeper to reap
    cell = execute.start_cell([sys.executable, "-c", script], "/", {})
    assert cell.wait(60) == 0
    cell.end()
    assert cell.cpu_s is not None and cell.cpu_s >= 0.9


def test_children_cpu_reads_the_reaped_children_of_this_process():
    before = keeper.children_cpu()
    pid = os.fork()
    if pid == 0:
        while time.process_time() < 0.1:
            pass
        os._exit(0)
    os.waitpid(pid, 0)
    assert keeper.children_cpu() - before >= 0.1


def test_a_process_whose_main_thread_exited_while_another_runs_is_alive_and_ended(monkeypatch):
    """/proc/PID/stat says Z for the main thread; /proc/PID/task says another thread sleeps: it is signalled."""
    table = {10: (1, 10, False), 11: (10, 11, False)}
    sent = []
    monkeypatch.setattr(keeper, "threads_running", lambda pid: pid in table)

    def kill(pid, sig):
        sent.append(pid)
        table.pop(pid, None)

    def fake_table():
        return {pid: (ppid, pgid, False) for pid, (ppid, pgid, _) in table.items()}

    monkeypatch.setattr(keeper, "process_table", fake_table)
    monkeypatch.setattr(os, "kill", kill)
    monkeypatch.setattr(os, "killpg", lambda group, sig: None)
    assert keeper.end_processes(10, 0, grace=False, reap=lambda: None) and sent == [11]


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="/proc")
def test_the_process_table_counts_a_zombie_looking_leader_with_a_live_thread_as_alive():
    script = ("import ctypes, os, threading\n"
              "r, w = os.pipe()\n"
              "threading.Thread(target=os.read, args=(r, 1)).start()\n"
              "print('thread started', flush=True)\n"
              "ctypes.CDLL(None).pthread_exit(None)\n")
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, close_fds=True)
    try:
        child.stdout.readline()
        deadline = time.monotonic() + 10
        while open(f"/proc/{child.pid}/stat", "rb").read().rsplit(b")", 1)[1].split()[0] != b"Z":
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert keeper.threads_running(child.pid) and keeper.process_table()[child.pid][2] is False
    finally:
        child.kill()
        child.wait(10)
    assert child.pid not in keeper.process_table()


# -- removing a cell's folders ----------------------------------------------------------------------------------


def deep_tree(top, depth):
    """`depth` nested folders under top, each with a file, made by descriptor (their paths pass PATH_MAX)."""
    top.mkdir()
    fd = os.open(str(top), os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            child = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(os.open("f", os.O_WRONLY | os.O_CREAT, dir_fd=child))
            os.close(fd)
            fd = child
    finally:
        os.close(fd)


def test_a_tree_deeper_than_the_recursion_limit_and_path_max_is_removed_without_raising(tmp_path):
    try:
        deep_tree(tmp_path / "top", 2100)  # past the recursion limit (1,000) and PATH_MAX (4,096 bytes of "d/")
        assert keeper.remove_tree(str(tmp_path / "top")) is True
        assert list(tmp_path.iterdir()) == []
    finally:  # pytest's own removal of old temporary folders would raise RecursionError on what is left
        keeper.remove_tree(str(tmp_path / "top"))


def test_removal_follows_no_symbolic_link_and_takes_back_rights_a_cell_took_away(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").write_text("kept")
    top = tmp_path / "top"
    (top / "a" / "locked" / "inner").mkdir(parents=True)
    (top / "a" / "locked" / "inner" / "f").write_text("x")
    (top / "a" / "link").symlink_to(outside)
    (top / "a" / "locked").chmod(0)
    assert keeper.remove_tree(str(top)) is True
    assert (outside / "keep").read_text() == "kept"
    assert keeper.remove_tree(str(tmp_path / "missing")) is True  # nothing there: nothing to do, no error


def test_without_descriptors_the_tree_is_removed_by_path_iteratively(tmp_path):
    import inspect

    top = tmp_path / "top"
    os.makedirs(os.path.join(str(top), *["d"] * 500))
    (top / "f").write_text("x")
    (top / "link").symlink_to(tmp_path)  # removed, not followed
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 40)  # 500 levels would not fit in it: nothing may recurse
    try:
        keeper._remove_by_path(str(top))
    finally:
        sys.setrecursionlimit(limit)
    assert list(tmp_path.iterdir()) == []


def test_a_stopped_process_is_resumed_and_a_running_one_left_alone():
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        assert keeper.resume_if_stopped(child.pid) is False
        os.kill(child.pid, signal.SIGSTOP)
        deadline = time.monotonic() + 10
        while not keeper.resume_if_stopped(child.pid):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        child.stdin.close()
        assert child.wait(10) == 0  # it ran again: it read to the end of its input
    finally:
        child.kill()
        child.wait()
    assert keeper.resume_if_stopped(child.pid) is False  # gone: nothing to do


# -- exhaustion: fork, thread start, pipes refused for want of room -----------------------------------------------

FAULTS = HOSTILE.parent / "faults"


@pytest.fixture
def failing_fork(tmp_path, monkeypatch):
    """A keeper server of this test's own whose fork() fails while the returned flag file exists."""
    from harness import execute

    flag = tmp_path / "fork-fails"
    flag.write_text("")
    execute.shutdown_keeper()
    monkeypatch.setattr(execute, "KEEPER", str(FAULTS / "keeper_failing_fork.py"))
    monkeypatch.setenv("MPMATRIX_TEST_FORK_FAILS", str(flag))
    monkeypatch.setenv("MPMATRIX_TEST_ROOM_WAIT_S", "1.5")
    yield flag
    execute.shutdown_keeper()


@pytest.mark.e2e
def test_a_refused_fork_in_the_server_is_tried_again_and_the_cell_runs(failing_fork, capfd):
    import threading

    from harness import execute

    threading.Timer(0.5, failing_fork.unlink).start()  # the pressure passes
    began = time.monotonic()
    cell = execute.start_cell([sys.executable, "-c", "print('ran')"], "/", {})
    assert time.monotonic() - began >= 0.4 and cell.wait(30) == 0 and cell.stdout.read() == b"ran\n"
    cell.end()
    execute.shutdown_keeper()
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.e2e
def test_a_fork_refused_for_too_long_makes_that_cell_an_error_saying_why_and_the_server_lives_on(failing_fork, capfd):
    from harness import execute

    with pytest.raises(OSError, match=r"fork\(\) failed: Resource temporarily unavailable, for 1.5 s \(the system's limit"):
        execute.start_cell([sys.executable, "-c", "print('never')"], "/", {})
    server = execute._server.process.pid
    failing_fork.unlink()
    cell = execute.start_cell([sys.executable, "-c", "print('next')"], "/", {})
    assert cell.wait(30) == 0 and cell.stdout.read() == b"next\n" and execute._server.process.pid == server
    cell.end()
    execute.shutdown_keeper()
    assert "Traceback" not in capfd.readouterr().err


class FailingThreads:
    """threading.Thread.start raising as CPython does when no thread can be made, for the first `count` calls."""

    def __init__(self, monkeypatch, count, kind=object):
        import threading

        self.count, self.kind, self.real = count, kind, threading.Thread.start
        monkeypatch.setattr(threading.Thread, "start", self)

    def __get__(self, thread, owner):
        return lambda: self.start(thread)

    def start(self, thread):
        if self.count > 0 and isinstance(thread, self.kind):
            self.count -= 1
            raise RuntimeError("can't start new thread")
        return self.real(thread)


@pytest.mark.e2e
def test_a_thread_refused_to_the_harness_is_tried_again_and_the_cell_judged_on_its_own(monkeypatch):
    from harness import execute
    from harness.model import Cell

    cell = Cell("c", str(HOSTILE / "shell_like.py"), _current(), "spawn")
    FailingThreads(monkeypatch, 5)  # the control thread, then the output readers
    observation = execute.run_cell(cell, execute.Limits(timeout=30))
    assert observation.harness_error == "" and observation.exit == 0 and "still running" in observation.stdout


@pytest.mark.e2e
def test_a_thread_refused_for_too_long_is_an_error_saying_why_and_nothing_of_the_cell_runs(monkeypatch, tmp_path):
    from harness import execute
    from harness.model import Cell

    monkeypatch.setattr(keeper, "ROOM_WAIT_S", 0.3)
    ran = tmp_path / "ran"
    cell = Cell("c", str(HOSTILE / "shell_like.py"), _current(), "spawn")
    monkeypatch.setattr(execute, "bootstrap_argv", lambda *args, **kw: [sys.executable, "-c", f"open({str(ran)!r}, 'w')"])
    FailingThreads(monkeypatch, 10**6)
    observation = execute.run_cell(cell, execute.Limits(timeout=30))
    assert observation.harness_error.endswith(
        "cannot start a thread to follow the cell: can't start new thread, for 0.3 s (the system's limit of processes, "
        "threads, memory or open files was reached, by this or another cell)"), observation.harness_error
    time.sleep(0.5)
    assert not ran.exists()  # it was never sent to the keeper: a cell is started only once it can be followed


@pytest.mark.e2e
def test_a_cell_whose_output_cannot_be_read_for_want_of_threads_is_ended_and_an_error_saying_why(monkeypatch):
    from harness import execute
    from harness.model import Cell

    monkeypatch.setattr(keeper, "ROOM_WAIT_S", 0.3)
    marker = f"mpmatrix-unread-{os.getpid()}"
    cell = Cell("c", str(HOSTILE / "shell_like.py"), _current(), "spawn")
    monkeypatch.setattr(execute, "bootstrap_argv", lambda *args, **kw: [sys.executable, "-c", f"import time; time.sleep(60)  # {marker}"])
    FailingThreads(monkeypatch, 10**6, kind=execute._CappedReader)
    observation = execute.run_cell(cell, execute.Limits(timeout=30))
    assert observation.harness_error == ("cannot start a thread to read the cell's output: can't start new thread, "
                                         "for 0.3 s (the system's limit of processes, threads, memory or open files "
                                         "was reached, by this or another cell); the cell was ended")
    from conftest import wait_until_gone

    assert wait_until_gone(marker) == []


def _current():
    from harness import interpreters

    return interpreters.current()
