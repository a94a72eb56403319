"""Execute cells: the one module that starts processes (each cell a fresh interpreter in a process group of its
own, kept by harness/keeper.py on POSIX so that nothing of a cell outlives it, whatever dies)."""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import IO, Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

import psutil

from harness import files, keeper, staging
from harness.model import WINDOWS_STATUSES, Cell, Leftover, Observation

BOOTSTRAP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bootstrap.py")
DEFAULT_CAP = 4 * 1024 * 1024
KILL_GRACE_S = 1.0  # between asking the tree to terminate and killing it
STACK_DUMP_LEAD_S = 1.0  # the stack dump is taken this long before the deadline
# Processes still exiting when the main process ends get this long to go. On a saturated machine (two spinners and
# 16 cells on 2 cores, or a load average of 15-30) the resource tracker, which exits once the last holder of its
# pipe has, outlived 0.3 s and was reported as a leak; a real leak costs this much wall time, waiting, not CPU.
LEFTOVER_SETTLE_S = 3.0
SETTLE_POLL_S = (0.02, 0.2)  # the first look and the longest pause between looks
# multiprocessing's own helper processes (the resource tracker, the fork server) exit when the last holder of their
# pipe has: under saturation a PyPy resource tracker took more than 3 s to go (2 of 891 cells, two spinners and
# --jobs 16). While only such helpers are left, they get this long before they count as a leak.
HELPER_SETTLE_S = 15.0
MULTIPROCESSING_HELPERS = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")
LEFTOVER_CMDLINE_CHARS = 1000  # of a left-over process's command line (a process's argv may hold 2 MB)
# Only these variables of the harness's environment reach a cell; the rest is fixed so cells are comparable.
ENV_ALLOWLIST = (
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT", "SYSTEMDRIVE", "WINDIR",
    "COMSPEC", "PATHEXT", "USERPROFILE", "LOCALAPPDATA", "APPDATA", "PROGRAMDATA", "NUMBER_OF_PROCESSORS",
)
CELL_ENV = {"PYTHONHASHSEED": "0", "PYTHONUTF8": "1", "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}


_live: "set[Launched]" = set()
_live_lock = threading.Lock()


def end_all() -> None:
    """End every process of every cell still running (an interrupted run leaves no process behind), all at once."""
    with _live_lock:
        cells = list(_live)
    for cell in cells:
        cell.request_end(grace=True)
    for cell in cells:
        cell.end(grace=True)


def kill_all() -> None:
    """Kill every process of every running cell at once, without a grace period (a second Ctrl+C)."""
    with _live_lock:
        cells = list(_live)
    for cell in cells:
        cell.request_end(grace=False)


def run_detached(argv: Sequence[str], timeout: float) -> "subprocess.CompletedProcess[bytes]":
    """Run a command that leaves a server behind (Wine's) with no stream of ours and in a session of its own: what
    it leaves running then holds no pipe of the harness, whose readers would wait for it for ever, and gets no
    terminal signal meant for the run."""
    return subprocess.run(
        list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, timeout=timeout, check=False,
    )


def run_quick(argv: Sequence[str], timeout: float = 10.0) -> "subprocess.CompletedProcess[str]":
    """Run a short helper command (an interpreter probe), capturing text output; raises OSError or TimeoutExpired."""
    return subprocess.run(
        list(argv), stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace", timeout=timeout
    )


_tools: "set[subprocess.Popen[str]]" = set()
_tools_lock = threading.Lock()
_tools_ended = threading.Event()  # set by end_tools(): no further tool starts until allow_tools()


def run_tool(argv: Sequence[str], timeout: float, input: Optional[str] = None, cwd: Optional[str] = None,
             env: Optional[Mapping[str, str]] = None) -> "subprocess.CompletedProcess[str]":
    """Run a tool the harness needs before the cells start (an installer making an environment), text output
    captured. It runs in a session of its own: on a timeout, or when end_tools() is called (Ctrl+C), its whole
    process group is killed. Raises OSError, or subprocess.TimeoutExpired."""
    options: Dict[str, Any] = {"start_new_session": True} if sys.platform != "win32" else _session_options()
    if _tools_ended.is_set():
        raise OSError(0, "interrupted")
    process = subprocess.Popen(
        list(argv), stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, errors="replace", cwd=cwd, env=None if env is None else dict(env), **options)
    with _tools_lock:
        _tools.add(process)
    if _tools_ended.is_set():  # end_tools() ran while it started
        _kill_tool(process)
    try:
        stdout, stderr = process.communicate(input, timeout=timeout)
    except BaseException:
        _kill_tool(process)
        process.communicate()
        raise
    finally:
        with _tools_lock:
            _tools.discard(process)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _kill_tool(process: "subprocess.Popen[str]") -> None:
    try:
        if sys.platform == "win32":
            _stop_windows(_windows_tree(process.pid), grace=False)
        else:
            os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        pass


def end_tools() -> None:
    """Kill every tool run_tool is running and start no more until allow_tools() (an interrupted environment build
    leaves no installer behind)."""
    _tools_ended.set()
    with _tools_lock:
        running = list(_tools)
    for process in running:
        _kill_tool(process)


def allow_tools() -> None:
    _tools_ended.clear()


def tools_ended() -> bool:
    return _tools_ended.is_set()


@dataclass(frozen=True)
class Limits:
    """How long a cell may run and how much of its output is kept."""

    timeout: float = 30.0
    cap_bytes: int = DEFAULT_CAP


def cell_environment(environ: Mapping[str, str] = os.environ, cell: Optional[Cell] = None) -> Dict[str, str]:
    """The variables a cell sees: the allowed ones of the harness's, the fixed ones, and the cell's own: its
    environment activated (as `uv run` does: VIRTUAL_ENV, its scripts first on PATH) and its flags."""
    env = {k: v for k, v in environ.items() if k.upper() in ENV_ALLOWLIST}
    env.update(CELL_ENV)
    if cell is not None and cell.environment is not None and cell.environment.path:
        scripts = os.path.join(cell.environment.path, "Scripts" if sys.platform == "win32" else "bin")
        path_key = next((k for k in env if k.upper() == "PATH"), "PATH")
        env[path_key] = scripts + (os.pathsep + env[path_key] if env.get(path_key) else "")
        env["VIRTUAL_ENV"] = cell.environment.path
    if cell is not None:
        env.update(cell.flags)
    return env


def dump_signal(cell: Cell) -> Optional[int]:
    """The signal that asks a cell's main process for its stacks (bootstrap.py registers faulthandler on it), or None
    where the cell dumps them from faulthandler's watchdog thread instead: Windows (and Windows under Wine) has no
    such signal, and no fork() to be disturbed by a thread. A real-time signal on Linux, which no case has reason to
    use; SIGINFO on macOS (ignored by default)."""
    if cell.interpreter.platform == "win32" or sys.platform == "win32":
        return None
    if hasattr(signal, "SIGRTMIN") and signal.SIGRTMIN + DUMP_SIGNAL_OFFSET <= signal.SIGRTMAX:
        return int(signal.SIGRTMIN) + DUMP_SIGNAL_OFFSET
    return int(signal.SIGINFO) if hasattr(signal, "SIGINFO") else None


DUMP_SIGNAL_OFFSET = 6  # SIGRTMIN+6: clear of the few real-time signals C libraries and runtimes take for themselves


def python_command(cell: Cell) -> List[str]:
    """How the cell's Python starts: its environment's (through a shim where only the interpreter reaches it), or
    the interpreter itself."""
    if cell.environment is not None and cell.environment.python:
        return list(cell.environment.python)
    return [cell.interpreter.executable]


def bootstrap_argv(cell: Cell, dump_after: float, dump_file: str, signum: Optional[int] = None,
                   launched: Optional[float] = None, stage: Optional[staging.Stage] = None) -> List[str]:
    """The cell's command. The stacks are dumped on signal `signum`, or else `dump_after` seconds on; with
    `launched` (a Unix time, now) the bootstrap counts them from then, not from its own start (bootstrap._dump_delay:
    under Wine a loaded machine made that seconds later). `stage` names copies of the bootstrap and the case for an
    interpreter that does not see the originals (view())."""
    if signum is not None:
        dump = f"signal:{signum}"
    else:
        dump = f"{dump_after:g}" if launched is None or dump_after <= 0 else f"{dump_after:g}@{launched:.3f}"
    case_path = os.path.abspath(cell.case_path)
    bootstrap = BOOTSTRAP
    if stage is not None:
        bootstrap, case_path = stage.bootstrap, stage.case(case_path)
    return [*python_command(cell), bootstrap, cell.start_method, dump, dump_file, case_path]


VIEW_PROBE_TIMEOUT_S = 30.0  # a Windows interpreter under Wine on a loaded machine takes seconds to start
_views: Dict[Tuple[Tuple[str, ...], str, str], Any] = {}  # a Stage, or the NotSeen to raise again
_view_locks: Dict[Tuple[Tuple[str, ...], str, str], threading.Lock] = {}
_views_lock = threading.Lock()


@functools.lru_cache(maxsize=256)  # asked for every cell; a command's first bytes do not change during a run
def _may_see_elsewhere(command: Tuple[str, ...]) -> bool:
    """Whether the command may run its interpreter on another file system: a script (a wrapper that enters a chroot,
    a container or Wine) may, an interpreter's own executable runs on this one and sees what the harness sees."""
    try:
        with open(command[0], "rb") as f:
            return f.read(2) == b"#!"
    except OSError:
        return False  # not a path this process can read (a command on PATH, a fake): it is started as before


def view(cell: Cell) -> staging.Stage:
    """The paths of the bootstrap and the case as the cell's interpreter sees them (harness/staging.py): the
    originals, or copies in this run's temporary folder when it does not see them. Asked once per interpreter, case
    folder and run, by the first cell that needs it. Raises staging.NotSeen when it sees neither."""
    command = tuple(python_command(cell))
    case_dir = os.path.dirname(os.path.abspath(cell.case_path))
    here = staging.Stage(BOOTSTRAP, case_dir)
    if not _may_see_elsewhere(command):
        return here
    base = _run_root() if sys.platform != "win32" else tempfile.gettempdir()
    key = (command, case_dir, base)
    with _views_lock:
        lock = _view_locks.setdefault(key, threading.Lock())
    with lock:
        known = _views.get(key)
        if isinstance(known, staging.NotSeen):
            raise known
        if known is not None and all(os.path.exists(copy) for copy, _ in known.copies):
            return known
        paths = [BOOTSTRAP, case_dir, base]
        try:
            answer = run_quick([*command, "-E", "-s", "-c", staging.VISIBILITY_SCRIPT, *paths],
                               timeout=VIEW_PROBE_TIMEOUT_S)
            flags = staging.seen(answer.stdout, len(paths)) if answer.returncode == 0 else [True] * len(paths)
        except (OSError, subprocess.TimeoutExpired):
            flags = [True] * len(paths)  # the cell then starts as before and says itself what went wrong
        if all(flags[:2]):
            known = here
        elif not flags[2]:
            known = staging.NotSeen(staging.not_seen_message(
                command[0], [path for path, flag in zip(paths[:2], flags) if not flag], base))
        else:
            try:
                target = tempfile.mkdtemp(prefix="mpmatrix-staged-", dir=base)
                if sys.platform == "win32":  # POSIX's base is the keeper's ROOT, removed with it
                    atexit.register(shutil.rmtree, target, True)
                known = staging.stage(BOOTSTRAP, case_dir, target)
            except staging.NotSeen as exc:
                known = exc
            except OSError as exc:
                known = staging.NotSeen(f"{command[0]} does not see {case_dir}, and copying it to {base} failed: "
                                        f"{exc.strerror or exc}")
        _views[key] = known
        if isinstance(known, staging.NotSeen):
            raise known
        return known


class _CappedReader(threading.Thread):
    """Drains one pipe, keeping the first cap bytes and counting the rest, so a flood costs no memory."""

    def __init__(self, stream: IO[bytes], cap: int) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.cap = cap
        self.chunks: List[bytes] = []
        self.kept = 0
        self.dropped = 0

    def run(self) -> None:
        try:
            while True:
                chunk = self.stream.read1(65536) if hasattr(self.stream, "read1") else self.stream.read(65536)
                if not chunk:
                    break
                room = self.cap - self.kept
                if room > 0:
                    self.chunks.append(chunk[:room])
                    self.kept += min(room, len(chunk))
                self.dropped += max(0, len(chunk) - max(room, 0))
        except (OSError, ValueError):
            pass

    def text(self) -> Tuple[str, bool]:
        data = b"".join(self.chunks)
        try:
            return data.decode("utf-8"), False
        except UnicodeDecodeError:
            return data.decode("utf-8", errors="replace"), True


def _start_reader(stream: IO[bytes], cap: int) -> _CappedReader:
    def start() -> _CappedReader:
        reader = _CappedReader(stream, cap)  # a new thread object each try: a failed start may not be retried
        reader.start()
        return reader

    return keeper.with_room(start, "cannot start a thread to read the cell's output")


def run_cell(
    cell: Cell, limits: Limits, environ: Optional[Mapping[str, str]] = None, stop: Optional[threading.Event] = None,
) -> Observation:
    """Run one cell in a fresh interpreter, in a process group of its own and a temporary folder, and observe it.

    When `stop` is set (the run is being interrupted), a process started after end_all() took its snapshot is
    ended at once instead of running to its timeout.
    """
    workdir, dump_file = _cell_paths()
    # Short timeouts dump halfway instead of never: a timed-out cell always leaves evidence of where it hung.
    dump_after = limits.timeout - min(STACK_DUMP_LEAD_S, limits.timeout / 2)
    signum = dump_signal(cell)
    try:
        stage = view(cell)
    except staging.NotSeen as exc:
        _remove(workdir, dump_file)
        return Observation(harness_error=str(exc))
    argv = bootstrap_argv(cell, dump_after, dump_file, signum, launched=time.time(), stage=stage)
    started = time.monotonic()
    try:
        launched = start_cell(argv, workdir, cell_environment(os.environ if environ is None else environ, cell))
    except OSError as exc:
        _remove(workdir, dump_file)
        return Observation(harness_error=f"cannot start {argv[0]}: {exc.strerror or exc}")
    with _live_lock:
        _live.add(launched)
    if stop is not None and stop.is_set():
        launched.end()
    try:
        readers = [_start_reader(launched.stdout, limits.cap_bytes), _start_reader(launched.stderr, limits.cap_bytes)]
    except OSError as exc:  # the system had no room for a thread for this long: the cell cannot be followed
        with _live_lock:
            _live.discard(launched)
        launched.end(grace=False)
        _remove(workdir, dump_file)
        return Observation(harness_error=f"{exc.strerror or exc}; the cell was ended")
    timed_out = False
    lost = ""
    code: Optional[int] = None
    try:
        if signum is None:
            code = launched.wait(limits.timeout)
        else:
            try:
                code = launched.wait(dump_after)
            except subprocess.TimeoutExpired:  # about to time out: its stacks first, then the rest of its time
                launched.signal_main(signum)
                code = launched.wait(limits.timeout - dump_after)
    except subprocess.TimeoutExpired:
        timed_out = True
        launched.end()
        code = launched.returncode
    except CellLost as exc:
        lost = str(exc)
    except BaseException:
        launched.end()
        _remove(workdir, dump_file)
        raise
    finally:
        with _live_lock:
            _live.discard(launched)
    duration = time.monotonic() - started
    leftovers = () if timed_out or lost else settle_leftovers(launched)
    launched.end(grace=any(not x.zombie for x in leftovers))  # a leak is measured, then ended: nothing outlives a cell
    for reader in readers:
        reader.join(timeout=KILL_GRACE_S)
    stdout, bad_out = readers[0].text()
    stderr, bad_err = readers[1].text()
    stacks = stage.back(_read_text(dump_file)) if timed_out else ""
    stdout, stderr = stage.back(stdout), stage.back(stderr)  # as if the case ran in place, when it ran a copy
    _remove(workdir, dump_file)
    signal_name = _signal_name(code)
    return Observation(
        exit=None if signal_name and code is not None and code < 0 else code,
        signal=signal_name,
        stdout=stdout,
        stderr=stderr,
        stdout_dropped=readers[0].dropped,
        stderr_dropped=readers[1].dropped,
        invalid_utf8=bad_out or bad_err,
        duration_s=round(duration, 4),
        timed_out=timed_out,
        stacks=stacks,
        leftovers=leftovers,
        harness_error=lost,
        cpu_s=None if launched.cpu_s is None else round(launched.cpu_s, 4),
    )


class CellLost(Exception):
    """The cell's keeper ended before the cell did (it was killed); its processes were ended by the keeper server."""


class Launched:
    """A started cell as run_cell sees it, whatever starts it: the keeper (POSIX) or Popen (Windows)."""

    pid: int = 0  # the cell's main process
    returncode: Optional[int] = None  # as subprocess reports it: minus the signal number when killed
    cpu_s: Optional[float] = None  # user+sys of every process of the cell, once end() returned; None: not measured
    stdout: IO[bytes]
    stderr: IO[bytes]

    def wait(self, timeout: float) -> int:
        """The main process's return code; raises subprocess.TimeoutExpired, or CellLost."""
        raise NotImplementedError

    def processes(self) -> List[int]:
        """Pids of the cell's processes other than its main process (alive or zombie)."""
        raise NotImplementedError

    def request_end(self, grace: bool = True) -> None:
        """Start ending every process of the cell without waiting (end() then waits)."""
        raise NotImplementedError

    def signal_main(self, signum: int) -> None:
        """Send the main process a signal, if it has not exited (POSIX)."""
        raise NotImplementedError

    def end(self, grace: bool = True) -> None:
        """End every process of the cell: SIGTERM, a grace period, then SIGKILL (without `grace`, SIGKILL at once)."""
        raise NotImplementedError


def start_cell(argv: Sequence[str], cwd: str, env: Mapping[str, str]) -> Launched:
    """Start a cell's main process; raises OSError when it cannot start. Tests replace this with a fake."""
    if sys.platform == "win32":
        return WindowsCell(argv, cwd, env)
    return _keeper().start(argv, cwd, env)


# -- POSIX: cells started and kept by the keeper (harness/keeper.py) ----------------------------------------------

KEEPER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keeper.py")
KEEPER_REPLY_S = 30.0  # a cell keeper answers at once; this only bounds a wait on a keeper that hangs
# While the harness waits on a keeper, it looks this often whether a cell stopped it (SIGSTOP), and resumes it.
WATCH_KEEPERS_S = 0.25


class KeeperServer:
    """The harness's end of the keeper server: one per harness process, started on first use, restarted if it dies.

    It is given ROOT, the temporary folder holding every cell's working folder and stack file, and removes it when
    the harness goes (even by SIGKILL)."""

    def __init__(self, root: str) -> None:
        self.root = root
        ours, theirs = socket.socketpair()
        try:
            said_read, said_write = os.pipe()
        except OSError:
            _close_all([ours, theirs])
            raise
        try:
            # No descriptor of the user's terminal: a cell could borrow one through /proc/KEEPER/fd (its own
            # /dev/tty is closed to it, in a session without a terminal). What a keeper says goes to a pipe.
            self.process = subprocess.Popen(
                [sys.executable, KEEPER, str(theirs.fileno()), self.root], pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=said_write,
                start_new_session=True,  # no controlling terminal: Ctrl+C is the harness's to act on
            )
        except BaseException:
            ours.close()
            os.close(said_read)
            raise
        finally:
            theirs.close()
            os.close(said_write)
        os.set_blocking(said_read, False)
        self.said = said_read
        self.sock = ours
        self.lock = threading.Lock()

    def told(self) -> str:
        """What the server and its cell keepers wrote on their standard error (a traceback would be a bug of
        theirs), escaped and cut to its end; "" when nothing."""
        chunks = []
        while True:
            try:
                chunk = os.read(self.said, 65536)
            except (BlockingIOError, OSError):
                break
            if not chunk:
                break
            chunks.append(chunk)
            del chunks[:-2]  # keep the end, where a traceback says what happened
        text = b"".join(chunks)[-2000:].decode("utf-8", "replace")
        return "".join(c if c.isprintable() or c == "\n" else repr(c)[1:-1] for c in text).strip()

    def alive(self) -> bool:
        return self.process.poll() is None

    def start(self, argv: Sequence[str], cwd: str, env: Mapping[str, str]) -> "KeptCell":
        """Ask the server for a cell keeper; what the harness needs to follow the cell (pipes, a socket, a thread)
        is made first, each tried again while the system is short of room (keeper.with_room), so that nothing of
        the cell starts unless it can be followed."""
        opened: List[Any] = []  # each closed once, should the cell not be sent
        try:
            out_read, out_write = keeper.with_room(os.pipe, "cannot make a pipe for the cell's output")
            opened.append(out_write)
            stdout = open(out_read, "rb")
            opened.append(stdout)
            err_read, err_write = keeper.with_room(os.pipe, "cannot make a pipe for the cell's output")
            opened.append(err_write)
            stderr = open(err_read, "rb")
            opened.append(stderr)
            control, keeper_end = keeper.with_room(socket.socketpair, "cannot make a socket to the cell's keeper")
            opened += [control, keeper_end]
            cell = KeptCell(control, stdout, stderr, self.process.pid)
        except BaseException:
            _close_all(opened)
            raise
        request = {"argv": list(argv), "cwd": cwd, "env": dict(env), "fds": 3}
        try:
            with self.lock:
                keeper.with_room(lambda: keeper.send_request(self.sock, request, [out_write, err_write, keeper_end.fileno()]),
                          "cannot send the cell to the keeper")
        except OSError as exc:
            _close_all([stdout, stderr, control])
            raise OSError(exc.errno, f"the keeper process is gone ({exc.strerror or exc})") from None
        finally:
            _close_all([out_write, err_write, keeper_end])  # the keeper has its own copies now
        cell.await_start()
        return cell

    def close(self) -> None:
        """Let the server go: it ends whatever is left below it and removes ROOT. What it said on its standard
        error, if anything, is passed on to the harness's, as the keeper's."""
        self.sock.close()
        deadline = time.monotonic() + KEEPER_REPLY_S
        while True:
            resume_stopped([self.process.pid])
            try:
                self.process.wait(timeout=max(0.0, min(WATCH_KEEPERS_S, deadline - time.monotonic())))
                break
            except subprocess.TimeoutExpired:
                if time.monotonic() >= deadline:
                    self.process.kill()
                    self.process.wait()
                    break
        said = self.told()
        os.close(self.said)
        if said:  # a cell can write there too (/proc/<server>/fd/2): each line marked as the keeper's, and inert
            from harness.render.terminal import escape_control

            lines = "".join(f"  keeper | {escape_control(line)}\n" for line in said.splitlines())
            sys.stderr.write(f"mpmatrix: the keeper process (pid {self.process.pid}) said:\n{lines}")


_server: Optional[KeeperServer] = None
_root: Optional[str] = None
_server_lock = threading.Lock()


def _run_root() -> str:
    """ROOT: the temporary folder of this harness process's cells (their working folders and stack files)."""
    global _root
    with _server_lock:
        if _root is None or not os.path.isdir(_root):
            _root = tempfile.mkdtemp(prefix="mpmatrix-run-")
        return _root


def _keeper() -> KeeperServer:
    global _server
    root = _run_root()
    with _server_lock:
        if _server is None or not _server.alive():
            if _server is not None:
                _server.close()
            _server = keeper.with_room(lambda: KeeperServer(root), "cannot start the keeper process")
        return _server


def shutdown_keeper() -> None:
    """Stop the keeper server (at exit, or when a run ends): nothing of any cell is left, nor ROOT."""
    global _server, _root
    with _server_lock:
        server, _server = _server, None
        root, _root = _root, None
    if server is not None:
        server.close()
    if root is not None:
        keeper.remove_tree(root)


def _forget_keeper_in_child() -> None:
    """A child forked from the harness must not hold the keeper's socket: its end would then not close when the
    harness dies, and the keeper would not know."""
    global _server, _root
    if _server is not None:
        try:
            _server.sock.close()
        except OSError:
            pass
        _server = None
    _root = None


atexit.register(shutdown_keeper)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_keeper_in_child)


def _cell_paths() -> Tuple[str, str]:
    """A fresh working folder and stack file for a cell: inside the keeper's ROOT on POSIX (removed with it)."""
    base = _run_root() if sys.platform != "win32" else None
    workdir = tempfile.mkdtemp(prefix="mpmatrix-cell-", dir=base)
    dump_fd, dump_file = tempfile.mkstemp(prefix="mpmatrix-stacks-", suffix=".txt", dir=base)
    os.close(dump_fd)
    return workdir, dump_file


def resume_stopped(pids: Sequence[int]) -> None:
    for pid in pids:
        keeper.resume_if_stopped(pid)


def _close_all(items: Sequence[Any]) -> None:
    """Close descriptors (ints) and objects with close(); an error closing one does not keep the others open."""
    for item in items:
        try:
            if isinstance(item, int):
                os.close(item)
            else:
                item.close()
        except OSError:
            pass


class KeptCell(Launched):
    """A cell started by a cell keeper, followed through its control socket (a thread reads it)."""

    def __init__(self, control: socket.socket, stdout: IO[bytes], stderr: IO[bytes], server_pid: int = 0) -> None:
        self.control = control
        self.stdout, self.stderr = stdout, stderr
        self.server_pid = server_pid
        self.keeper_pid = 0
        self.returncode: Optional[int] = None
        self.cpu_s: Optional[float] = None
        self.error = ""
        self.lost = False
        self.started = threading.Event()
        self.exited = threading.Event()
        self.ended = threading.Event()
        keeper.with_room(lambda: threading.Thread(target=self._read, daemon=True, name="mpmatrix-keeper-control").start(),
                  "cannot start a thread to follow the cell")

    def await_start(self) -> None:
        """Wait for the keeper to say it started the cell; raises OSError saying why it did not."""
        if not self._await(self.started, KEEPER_REPLY_S) or self.error or self.lost:
            self.request_end(grace=False)
            self.stdout.close()
            self.stderr.close()
            raise OSError(0, self.error or "the keeper did not start the cell")

    def _await(self, event: threading.Event, timeout: float) -> bool:
        """Wait for the keeper to say something, resuming it and the server whenever a cell has stopped them: a
        cell's status says what the cell did, never what a stopped helper made it look like."""
        deadline = time.monotonic() + timeout
        while not event.wait(max(0.0, min(WATCH_KEEPERS_S, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                return False
            resume_stopped([self.server_pid, self.keeper_pid])
        return True

    def _read(self) -> None:
        pending = b""
        while True:
            try:
                data = self.control.recv(4096)
            except OSError:
                data = b""
            if not data:
                break
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                self._hear(line.decode("utf-8", "replace"))
        self.lost = not self.ended.is_set()
        for event in (self.started, self.exited, self.ended):
            event.set()

    def _hear(self, line: str) -> None:
        word, _, rest = line.partition(" ")
        if word == "started":
            keeper_pid, main_pid = rest.split()
            self.keeper_pid, self.pid = int(keeper_pid), int(main_pid)
            self.started.set()
        elif word == "error":
            self.error = json.loads(rest)
            self.started.set()
        elif word == "exited":
            self.returncode = keeper.exit_code(int(rest))
            self.exited.set()
        elif word == "ended":
            try:
                self.cpu_s = float(rest) if rest else None
            except ValueError:
                self.cpu_s = None
            self.ended.set()

    def wait(self, timeout: float) -> int:
        if not self._await(self.exited, timeout):
            raise subprocess.TimeoutExpired("cell", timeout)
        if self.returncode is None:
            raise CellLost(f"its keeper process (pid {self.keeper_pid}) ended before it did; the keeper server "
                           "ended every process of the cell")
        return self.returncode

    def processes(self) -> List[int]:
        if not self.keeper_pid or self.ended.is_set():
            return []
        return keeper.descendants(self.keeper_pid, group=self.pid)

    def request_end(self, grace: bool = True) -> None:
        try:
            self.control.sendall(b"end\n" if grace else b"kill\n")
        except OSError:
            pass

    def signal_main(self, signum: int) -> None:
        try:  # the keeper sends it: it reaps the main process, so it knows the pid is still the main's
            self.control.sendall(b"signal %d\n" % signum)
        except OSError:
            pass

    def end(self, grace: bool = True) -> None:
        if self.ended.is_set():
            return
        self.request_end(grace)
        if not self._await(self.ended, KILL_GRACE_S + keeper.GIVE_UP_S + 2) and self.keeper_pid:
            try:  # a keeper that does not answer (stopped by its cell?) is killed: the server ends its orphans
                os.kill(self.keeper_pid, signal.SIGKILL)
            except OSError:
                pass
            self.ended.wait(KILL_GRACE_S)
        self.control.close()


# -- Windows: no sessions, no fork; descendants tracked while the cell runs ----------------------------------------


class WindowsCell(Launched):
    """A cell's main process started directly, in a new process group; its descendants are noted while it runs.

    It is also put in the harness's Job object (see _job_object), so that it and every process it starts end when
    the harness ends, however it ends."""

    def __init__(self, argv: Sequence[str], cwd: str, env: Mapping[str, str]) -> None:
        self.process = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
            env=dict(env), **_session_options(),
        )
        _assign_to_job(self.process)
        self.pid = self.process.pid
        assert self.process.stdout is not None and self.process.stderr is not None
        self.stdout, self.stderr = self.process.stdout, self.process.stderr
        self.tracked: Set[int] = set()

    @property
    def returncode(self) -> Optional[int]:  # type: ignore[override]
        return self.process.returncode

    def wait(self, timeout: float) -> int:
        self.tracked = _wait_tracking_tree(self.process, timeout)
        return self.process.returncode

    def processes(self) -> List[int]:
        return _alive(self.tracked)

    def request_end(self, grace: bool = True) -> None:
        if not grace:
            _stop_windows(_windows_tree(self.process.pid), grace=False)

    def end(self, grace: bool = True) -> None:
        _stop_windows(_windows_tree(self.process.pid) + _procs(_alive(self.tracked)), grace=grace)
        self.process.poll()


def _session_options() -> Dict[str, object]:
    if sys.platform == "win32":
        return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200)}
    return {"start_new_session": True}


def _signal_name(code: Optional[int], windows: Optional[bool] = None) -> Optional[str]:
    """A signal's name, or a Windows crash status's where the code is one (`windows`: default, this platform's)."""
    if code is None:
        return None
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"SIG{-code}"
    if (sys.platform == "win32" if windows is None else windows) and code in WINDOWS_STATUSES:
        return WINDOWS_STATUSES[code]
    return None


def session_processes(session_id: int) -> List[int]:
    """Pids of every live process in a POSIX session."""
    if sys.platform == "win32":
        return []
    if os.path.isdir("/proc/self"):
        candidates = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    else:
        candidates = psutil.pids()
    own = os.getpid()
    found = []
    for pid in candidates:
        if pid == own:
            continue
        try:
            if os.getsid(pid) == session_id:
                found.append(pid)
        except OSError:
            continue
    return found


def _dead(pid: int) -> Optional[bool]:
    """Linux: True when no thread of the process runs any more (a zombie, or every thread already in exit(): dead
    but for its last steps; its keeper reaps it at once, so unlike an orphan of init it may never be seen as a
    zombie). A process whose main thread has exited while another runs is alive. None where there is no /proc, and
    on Windows: a Windows process under Wine can read Linux's /proc, where its pids name other processes."""
    if sys.platform == "win32" or not os.path.isdir("/proc/self"):
        return None
    return not keeper.thread_states(pid) or not keeper.threads_running(pid)


def _command_line(pid: int, proc: Any) -> str:
    """Its command line; a process whose main thread has exited has none in /proc, so its name says what it is."""
    try:
        cmdline = " ".join(proc.cmdline())
    except (psutil.Error, OSError):
        cmdline = ""
    if len(cmdline) > LEFTOVER_CMDLINE_CHARS:  # kept with the results until the run ends: bounded, whatever argv holds
        cmdline = f"{cmdline[:LEFTOVER_CMDLINE_CHARS]}… ({len(cmdline) - LEFTOVER_CMDLINE_CHARS:,} more characters)"
    if cmdline:
        return cmdline
    try:
        return f"{proc.name()} (its main thread has exited; {proc.num_threads() - 1} other thread(s) run)"
    except (psutil.Error, OSError):
        return f"pid {pid}"


def _name(pid: int, proc: Any) -> str:
    """Its name; its pid where the system will not say (psutil under Wine 8 cannot read another process's name or
    executable: OSError [WinError 87] from NtQuerySystemInformation, which psutil does not turn into its own errors)."""
    try:
        return proc.name()
    except OSError:
        return f"pid {pid}"


def describe(pids: Sequence[int]) -> Tuple[Leftover, ...]:
    """The processes as leftovers; one none of whose threads runs counts as dead (`zombie`)."""
    out = []
    for pid in pids:
        try:
            proc = psutil.Process(pid)
            dead = _dead(pid)
            if dead is None:
                dead = proc.status() == psutil.STATUS_ZOMBIE
            cmdline = _name(pid, proc) if dead else _command_line(pid, proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
        out.append(Leftover(pid=pid, cmdline=cmdline, zombie=dead))
    return tuple(out)


def is_multiprocessing_helper(leftover: Leftover) -> bool:
    """A resource tracker or fork server of multiprocessing: it exits by itself once its pipe closes."""
    return any(f"from {name} import main" in leftover.cmdline for name in MULTIPROCESSING_HELPERS)


def settle_leftovers(launched: Launched) -> Tuple[Leftover, ...]:
    """Processes of the cell alive after its main process ended, given a moment to finish exiting."""
    started = time.monotonic()
    pause = SETTLE_POLL_S[0]
    while True:
        pids = launched.processes()
        if not pids:
            return ()
        found = describe(pids)
        alive = [x for x in found if not x.zombie]
        if not alive:
            return found
        limit = HELPER_SETTLE_S if all(is_multiprocessing_helper(x) for x in alive) else LEFTOVER_SETTLE_S
        left = started + limit - time.monotonic()
        if left <= 0:
            return found
        time.sleep(min(pause, left))
        pause = min(2 * pause, SETTLE_POLL_S[1])  # each look scans the process table


def _is_zombie(pid: int) -> bool:
    """Dead but not reaped (or gone): no thread of it runs."""
    dead = _dead(pid)
    if dead is not None:
        return dead
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.Error:
        return True


def _windows_tree(pid: int) -> List[Any]:
    """The process and all its descendants (psutil.Process objects); empty when it is already gone."""
    try:
        root = psutil.Process(pid)
        return [root] + root.children(recursive=True)
    except psutil.Error:
        return []


def _stop_windows(procs: List[Any], grace: bool) -> None:
    """Terminate and give them the grace period (when asked), then kill what remains; never waits longer."""
    if grace:
        for proc in procs:
            try:
                proc.terminate()
            except psutil.Error:
                pass
        _, procs = psutil.wait_procs(procs, timeout=KILL_GRACE_S)
    for proc in procs:
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(procs, timeout=KILL_GRACE_S)


def _wait_tracking_tree(process: "subprocess.Popen[bytes]", timeout: float) -> Set[int]:
    """Windows has no sessions: note every descendant while the main process runs, so orphans are still found."""
    deadline = time.monotonic() + timeout
    tracked: Set[int] = set()
    while True:
        try:
            tracked.update(child.pid for child in psutil.Process(process.pid).children(recursive=True))
        except psutil.Error:
            pass
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise subprocess.TimeoutExpired(process.args, timeout)
        try:
            process.wait(timeout=min(0.1, remaining))
            return tracked
        except subprocess.TimeoutExpired:
            continue


def _alive(pids: Set[int]) -> List[int]:
    return [pid for pid in sorted(pids) if psutil.pid_exists(pid)]


_job: Optional[int] = None
_job_lock = threading.Lock()
JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
JOB_OBJECT_EXTENDED_LIMIT_INFORMATION = 9


def _job_object(kernel32: Any = None) -> Optional[int]:
    """The harness's Job object (Windows), made once: KILL_ON_JOB_CLOSE ends every process in it when its last
    handle closes, which the system does when the harness ends, even by TerminateProcess. None where it cannot be
    made (then cells are ended by tracking alone, as before)."""
    global _job
    with _job_lock:
        if _job is not None:
            return _job or None
        _job = 0
        try:
            import ctypes  # Windows only

            kernel32 = kernel32 or ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]

            class Basic(ctypes.Structure):
                _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64), ("PerJobUserTimeLimit", ctypes.c_int64),
                            ("LimitFlags", ctypes.c_uint32), ("MinimumWorkingSetSize", ctypes.c_size_t),
                            ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", ctypes.c_uint32),
                            ("Affinity", ctypes.c_size_t), ("PriorityClass", ctypes.c_uint32),
                            ("SchedulingClass", ctypes.c_uint32)]

            class Extended(ctypes.Structure):
                _fields_ = [("BasicLimitInformation", Basic), ("IoInfo", ctypes.c_uint64 * 6),
                            ("ProcessMemoryLimit", ctypes.c_size_t), ("JobMemoryLimit", ctypes.c_size_t),
                            ("PeakProcessMemoryUsed", ctypes.c_size_t), ("PeakJobMemoryUsed", ctypes.c_size_t)]

            kernel32.CreateJobObjectW.restype = ctypes.c_void_p
            handle = kernel32.CreateJobObjectW(None, None)
            if not handle:
                return None
            info = Extended()
            info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
            if not kernel32.SetInformationJobObject(ctypes.c_void_p(handle), JOB_OBJECT_EXTENDED_LIMIT_INFORMATION,
                                                    ctypes.byref(info), ctypes.sizeof(info)):
                kernel32.CloseHandle(ctypes.c_void_p(handle))
                return None
            _job = handle
            return handle
        except Exception:  # no kernel32 (not Windows), an old system: tracking alone
            return None


def _assign_to_job(process: "subprocess.Popen[bytes]", kernel32: Any = None) -> bool:
    """Put a just-started cell in the harness's Job object; its children join it by themselves."""
    job = _job_object(kernel32)
    if job is None:
        return False
    try:
        import ctypes  # Windows only

        kernel32 = kernel32 or ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        return bool(kernel32.AssignProcessToJobObject(ctypes.c_void_p(job), ctypes.c_void_p(int(process._handle))))  # type: ignore[attr-defined]
    except Exception:
        return False


def _procs(pids: Sequence[int]) -> List[Any]:
    procs = []
    for pid in pids:
        try:
            procs.append(psutil.Process(pid))
        except psutil.Error:
            pass
    return procs


def _read_text(path: str) -> str:
    """The cell's stack file: a regular file within its bound (the cell may have put a pipe in its place)."""
    try:
        return files.read_text(path, files.STACKS_LIMIT, "stack file", errors="replace")
    except files.NotRegular as exc:
        return f"(the stack file was not read: {exc.strerror})\n"
    except OSError:
        return ""


def _remove(workdir: str, dump_file: str) -> None:
    """A cell's working folder and stack file, whatever the cell left in them; never raises (the observation is
    already made)."""
    keeper.remove_tree(workdir)
    try:
        os.unlink(dump_file)
    except OSError:
        pass
