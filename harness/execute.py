"""Execute cells: the one module that starts processes (each cell a fresh interpreter in its own session)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import IO, Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from harness.model import Cell, Leftover, Observation

BOOTSTRAP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bootstrap.py")
EXIT_SKIP = 77
EXIT_UNSUPPORTED = 78
DEFAULT_CAP = 4 * 1024 * 1024
KILL_GRACE_S = 1.0  # between asking the tree to terminate and killing it
STACK_DUMP_LEAD_S = 1.0  # the stack dump is taken this long before the deadline
LEFTOVER_SETTLE_S = 0.3  # processes still exiting when the main process ends get this long to go
# Only these variables of the harness's environment reach a cell; the rest is fixed so cells are comparable.
ENV_ALLOWLIST = (
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT", "SYSTEMDRIVE", "WINDIR",
    "COMSPEC", "PATHEXT", "USERPROFILE", "LOCALAPPDATA", "APPDATA", "PROGRAMDATA", "NUMBER_OF_PROCESSORS",
)
CELL_ENV = {"PYTHONHASHSEED": "0", "PYTHONUTF8": "1", "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
WINDOWS_CRASH_CODES = {
    0xC0000005: "ACCESS_VIOLATION", 0xC00000FD: "STACK_OVERFLOW", 0xC0000409: "STACK_BUFFER_OVERRUN",
    0xC000001D: "ILLEGAL_INSTRUCTION", 0xC0000094: "INTEGER_DIVIDE_BY_ZERO", 0x40010004: "DEBUGGER_TERMINATED",
}


_live: "set[subprocess.Popen[bytes]]" = set()
_live_lock = threading.Lock()


def end_all() -> None:
    """End the tree of every cell still running (an interrupted run leaves no process behind)."""
    with _live_lock:
        processes = list(_live)
    for process in processes:
        end_tree(process)


def kill_all() -> None:
    """Kill every running cell's tree at once, without a grace period (a second Ctrl+C)."""
    with _live_lock:
        processes = list(_live)
    for process in processes:
        if sys.platform == "win32":
            _stop_windows(_windows_tree(process.pid), grace=False)
        else:
            _signal_session(process.pid, signal.SIGKILL)


def run_quick(argv: Sequence[str], timeout: float = 10.0) -> "subprocess.CompletedProcess[str]":
    """Run a short helper command (an interpreter probe), capturing text output; raises OSError or TimeoutExpired."""
    return subprocess.run(
        list(argv), stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace", timeout=timeout
    )


@dataclass(frozen=True)
class Limits:
    """How long a cell may run and how much of its output is kept."""

    timeout: float = 30.0
    cap_bytes: int = DEFAULT_CAP


def cell_environment(environ: Mapping[str, str] = os.environ) -> Dict[str, str]:
    env = {k: v for k, v in environ.items() if k.upper() in ENV_ALLOWLIST}
    env.update(CELL_ENV)
    return env


def bootstrap_argv(cell: Cell, dump_after: float, dump_file: str) -> List[str]:
    return [cell.interpreter.executable, BOOTSTRAP, cell.start_method, f"{dump_after:g}", dump_file, os.path.abspath(cell.case_path)]


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


def run_cell(
    cell: Cell, limits: Limits, environ: Optional[Mapping[str, str]] = None, stop: Optional[threading.Event] = None,
) -> Observation:
    """Run one cell in a fresh interpreter, in its own session and temporary folder, and observe it.

    When `stop` is set (the run is being interrupted), a process started after end_all() took its snapshot is
    ended at once instead of running to its timeout.
    """
    workdir = tempfile.mkdtemp(prefix="mpmatrix-cell-")
    dump_fd, dump_file = tempfile.mkstemp(prefix="mpmatrix-stacks-", suffix=".txt")
    os.close(dump_fd)
    # Short timeouts dump halfway instead of never: a timed-out cell always leaves evidence of where it hung.
    dump_after = limits.timeout - min(STACK_DUMP_LEAD_S, limits.timeout / 2)
    argv = bootstrap_argv(cell, dump_after, dump_file)
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=workdir,
            env=cell_environment(os.environ if environ is None else environ), **_session_options(),
        )
    except OSError as exc:
        _remove(workdir, dump_file)
        return Observation(harness_error=f"cannot start {argv[0]}: {exc.strerror or exc}")
    with _live_lock:
        _live.add(process)
    if stop is not None and stop.is_set():
        end_tree(process)
    readers = [_CappedReader(process.stdout, limits.cap_bytes), _CappedReader(process.stderr, limits.cap_bytes)]
    for reader in readers:
        reader.start()
    timed_out = False
    tracked: Set[int] = set()
    try:
        if sys.platform == "win32":
            tracked = _wait_tracking_tree(process, limits.timeout)
        else:
            process.wait(timeout=limits.timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        end_tree(process)
    except BaseException:
        end_tree(process)
        _remove(workdir, dump_file)
        raise
    finally:
        with _live_lock:
            _live.discard(process)
    duration = time.monotonic() - started
    if sys.platform == "win32":
        leftovers = () if timed_out else describe(_alive(tracked))
        if leftovers:
            _kill_pids(_alive(tracked))
    else:
        leftovers = () if timed_out else settle_leftovers(process.pid)
    if any(not x.zombie for x in leftovers):
        end_tree(process)  # a leak is measured, then ended: nothing of a cell outlives it
    for reader in readers:
        reader.join(timeout=KILL_GRACE_S)
    stdout, bad_out = readers[0].text()
    stderr, bad_err = readers[1].text()
    stacks = _read_text(dump_file) if timed_out else ""
    _remove(workdir, dump_file)
    code = process.returncode
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
    )


def _session_options() -> Dict[str, object]:
    if sys.platform == "win32":
        return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200)}
    return {"start_new_session": True}


def _signal_name(code: Optional[int]) -> Optional[str]:
    if code is None:
        return None
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"SIG{-code}"
    if sys.platform == "win32" and code in WINDOWS_CRASH_CODES:
        return WINDOWS_CRASH_CODES[code]
    return None


def session_processes(session_id: int) -> List[int]:
    """Pids of every live process in a POSIX session (the cell's main pid is its session id)."""
    if sys.platform == "win32":
        return []
    if os.path.isdir("/proc/self"):
        candidates = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    else:
        import psutil

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


def describe(pids: Sequence[int]) -> Tuple[Leftover, ...]:
    import psutil

    out = []
    for pid in pids:
        try:
            proc = psutil.Process(pid)
            zombie = proc.status() == psutil.STATUS_ZOMBIE
            cmdline = " ".join(proc.cmdline()) if not zombie else proc.name()
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
        out.append(Leftover(pid=pid, cmdline=cmdline, zombie=zombie))
    return tuple(out)


def settle_leftovers(session_id: int) -> Tuple[Leftover, ...]:
    """Processes of the cell alive after its main process ended, given a moment to finish exiting."""
    deadline = time.monotonic() + LEFTOVER_SETTLE_S
    while True:
        pids = session_processes(session_id)
        if not pids:
            return ()
        found = describe(pids)
        if not any(not x.zombie for x in found) or time.monotonic() >= deadline:
            return found
        time.sleep(0.02)


def end_tree(process: "subprocess.Popen[bytes]") -> None:
    """Terminate the cell's whole tree, then kill what remains; never blocks beyond the grace period."""
    if sys.platform == "win32":
        _end_tree_windows(process)
        return
    session_id = process.pid
    for sig, wait in ((signal.SIGTERM, KILL_GRACE_S), (signal.SIGKILL, KILL_GRACE_S)):
        _signal_session(session_id, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            survivors = [p for p in session_processes(session_id) if not _is_zombie(p)]
            if process.poll() is not None and not survivors:
                return
            time.sleep(0.02)
            if sig == signal.SIGKILL:
                _signal_session(session_id, sig)  # a member forked after the last signal (a fork storm) gets one too
    process.poll()


def _signal_session(session_id: int, sig: int) -> None:
    try:
        os.killpg(session_id, sig)
    except OSError:
        pass
    for pid in session_processes(session_id):  # members that moved to another process group
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        import psutil

        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.Error:
            return True


def _end_tree_windows(process: "subprocess.Popen[bytes]") -> None:
    _stop_windows(_windows_tree(process.pid), grace=True)
    process.poll()


def _windows_tree(pid: int) -> List[Any]:
    """The process and all its descendants (psutil.Process objects); empty when it is already gone."""
    import psutil

    try:
        root = psutil.Process(pid)
        return [root] + root.children(recursive=True)
    except psutil.Error:
        return []


def _stop_windows(procs: List[Any], grace: bool) -> None:
    """Terminate and give them the grace period (when asked), then kill what remains; never waits longer."""
    import psutil

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
    import psutil

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
    import psutil

    return [pid for pid in sorted(pids) if psutil.pid_exists(pid)]


def _kill_pids(pids: Sequence[int]) -> None:
    import psutil

    procs = []
    for pid in pids:
        try:
            procs.append(psutil.Process(pid))
        except psutil.Error:
            pass
    _stop_windows(procs, grace=False)


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _remove(workdir: str, dump_file: str) -> None:
    shutil.rmtree(workdir, ignore_errors=True)
    try:
        os.unlink(dump_file)
    except OSError:
        pass
