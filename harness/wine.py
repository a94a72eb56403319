"""Windows CPython under Wine: tell it from Windows, keep Wine's server outside the cells, read back the exit
statuses Wine truncates, and spell the paths of its tracebacks as the normalizer spells POSIX ones.

Wine is not Windows: what this module finds marks a cell as run under Wine (a flavour such as "wine8.0", as the
lead's CellId spells it), so that it is never counted as observed on Windows. tools/wine-pythons makes the
interpreters this module expects: a folder of commands (python3.X, and beside them `wineserver` and `wine` for the
same prefix)."""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from harness import execute, files
from harness.model import WINDOWS_STATUSES, Observation

# -- (a) which Wine, from inside the interpreter -------------------------------------------------------------------

# Run inside the target interpreter by the probe (harness/interpreters.py appends it to its description script), so
# written, like that script, in the common subset of Python 2.7 and 3.x. Wine's ntdll exports wine_get_version();
# Windows' does not. A Windows process cannot otherwise tell (sys.platform, platform.* and the registry all say
# Windows, and that is Wine's aim).
PROBE_SOURCE = r'''
def wine_version():
    """The version of the Wine this Windows Python runs under ("8.0", "10.0"), or "" on Windows and elsewhere."""
    if sys.platform != "win32":
        return ""
    try:
        import ctypes  # Windows only: this runs in the probe, inside the interpreter asked

        function = ctypes.WinDLL("ntdll").wine_get_version
    except (ImportError, OSError, AttributeError):
        return ""
    function.restype = ctypes.c_char_p
    version = function()
    return version.decode("ascii", "replace") if version else ""
'''
_probe_namespace: Dict[str, Any] = {"sys": sys}
exec(PROBE_SOURCE, _probe_namespace)  # the one source: what the probe runs is what this module calls
wine_version: Callable[[], str] = _probe_namespace["wine_version"]


def flavour(version: str) -> str:
    """The flavour a cell run under this Wine version carries: "wine8.0" (platform tag win32-wine8.0); "" for no
    Wine (Windows itself)."""
    return f"wine{version}" if version else ""


def is_wine(flavour: str) -> bool:
    """Whether a cell of this flavour runs under Wine (its platform, win32, is then Wine's, not Windows')."""
    return flavour.startswith("wine")


# -- (b) the prefix's server around a run --------------------------------------------------------------------------

SERVER_START_S = 60.0  # a cold prefix's first process starts Wine's services: 2-3 s warm, 6-8 s after an update
SERVER_STOP_S = 10.0
_PREFIX_LINE = re.compile(r"^export WINEPREFIX=(?P<prefix>\S+)", re.MULTILINE)


class WineError(Exception):
    """Wine's server could not be started or stopped; the message says which command and why."""


@dataclass(frozen=True)
class Server:
    """The Wine server of one prefix, driven through the commands tools/wine-pythons writes beside the
    interpreters: FOLDER/wineserver and FOLDER/wine."""

    folder: str
    prefix: str

    @property
    def wineserver(self) -> str:
        return os.path.join(self.folder, "wineserver")

    @property
    def wine(self) -> str:
        return os.path.join(self.folder, "wine")


def server_for(executable: str) -> Optional[Server]:
    """The server of a Wine interpreter command (its folder holds `wineserver` and `wine`, whose script names the
    prefix); None when the command is not one of those."""
    folder = os.path.dirname(os.path.abspath(executable))
    try:
        with files.open_regular(os.path.join(folder, "wineserver"), files.GiB, "wineserver script") as f:
            script = f.read(4096).decode("utf-8", errors="replace")  # a pipe or a device there is not read
    except OSError:
        return None
    found = _PREFIX_LINE.search(script)
    if found is None or not os.access(os.path.join(folder, "wine"), os.X_OK):
        return None
    return Server(folder, found["prefix"])


def start(server: Server, timeout: float = SERVER_START_S) -> None:
    """Start the prefix's server for good (`wineserver -p`) and Wine's services, outside every cell: started by a
    cell's first process instead, they are children of that cell's keeper and count as its leaks, and the server
    exits 3 s after each last client, so that every cell pays its start again. Returns when the services are up
    (`wine cmd /c exit` has returned); raises WineError."""
    try:
        execute.run_detached([server.wineserver, "-p"], timeout)  # forks into the background once its socket is ready
        ready = execute.run_detached([server.wine, "cmd", "/c", "exit"], timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise WineError(f"{server.folder}: cannot start Wine's server for {server.prefix}: {exc}") from None
    if ready.returncode != 0:
        raise WineError(f"{server.folder}: `wine cmd /c exit` exited with status {ready.returncode}; expected 0 "
                        f"(a working prefix at {server.prefix}: run tools/wine-pythons)")


def stop(server: Server, timeout: Optional[float] = None) -> List[int]:
    """Stop the server and every process of its prefix (`wineserver -k` kills its clients too); returns the pids
    of the prefix's processes still alive after `timeout` (none, normally), after killing them."""
    timeout = SERVER_STOP_S if timeout is None else timeout
    try:
        execute.run_detached([server.wineserver, "-k"], timeout)
    except (OSError, subprocess.TimeoutExpired):
        pass
    deadline = time.monotonic() + timeout
    while True:
        left = prefix_processes(server.prefix)
        if not left or time.monotonic() >= deadline:
            break
        time.sleep(0.05)
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, 9)
    return left


def prefix_processes(prefix: str, proc: str = "/proc", among: Optional[Sequence[int]] = None) -> List[int]:
    """Pids of the live processes whose environment names this prefix (the server, the services, any cell's
    Windows process): Wine hands WINEPREFIX down to every process it starts. Only those `among` the pids given,
    when given. Linux only; [] elsewhere."""
    marker = b"\0WINEPREFIX=" + os.fsencode(prefix.rstrip("/")) + b"\0"
    found = []
    try:
        names = os.listdir(proc) if among is None else [str(pid) for pid in among]
    except OSError:
        return []
    for name in names:
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(os.path.join(proc, name, "environ"), "rb") as f:
                environ = b"\0" + f.read()
            with open(os.path.join(proc, name, "stat"), "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != b"Z" and (marker in environ or environ.endswith(marker[:-1])):
            found.append(int(name))
    return sorted(found)


def prefix_cpu_s(prefix: str, proc: str = "/proc") -> float:
    """User+sys CPU seconds of the prefix's live processes (the server and Wine's services, between runs): a cost
    no cell's cpu_s includes, since they are nobody's children. Linux only."""
    total = 0
    for pid in prefix_processes(prefix, proc):
        try:
            with open(os.path.join(proc, str(pid), "stat"), "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def servers(executables: Sequence[str], report: Callable[[str], None] = lambda line: None) -> Iterator[List[Server]]:
    """Around a run: the server of every Wine interpreter among `executables`, started before the first cell (and
    before the probes, whose output pipes Wine's services would otherwise keep open) and stopped after the last,
    so that no Wine process outlives the run and none is counted as a cell's leak. A prefix's processes still
    alive after the stop are killed and reported.

    Runs may share a prefix (`wineserver -k` would end the other run's cells too): each holds a shared lock on
    the prefix's users file while it runs, and the last to leave, the one that then gets the lock exclusively,
    stops the server."""
    unique: Dict[Tuple[str, str], Server] = {}
    for executable in executables:
        server = server_for(executable)
        if server is not None:
            unique.setdefault((server.folder, server.prefix), server)
    held: List[Tuple[Server, int]] = []
    try:
        for server in unique.values():
            lock = _share(server)
            held.append((server, lock))
            start(server)
        yield [server for server, _ in held]
    finally:
        for server, lock in held:
            if _last_user(lock):
                report(f"Wine's server and services of {server.prefix} used {prefix_cpu_s(server.prefix):.2f} s of CPU")
                left = stop(server)
                if left:
                    report(f"processes of {server.prefix} still alive {SERVER_STOP_S:g} s after `wineserver -k`, "
                           f"killed: {left}")
            os.close(lock)


@dataclass
class _Held:
    """A server this harness process started: its shared lock on the prefix, the prefix's CPU before this run
    started it (another run's server may have been up already: what it used before is not this run's), and the
    prefix's processes just after the start (the server and Wine's services)."""

    server: Server
    lock: int
    cpu_before: float
    processes: List[int]


_in_use: Dict[Tuple[str, str], _Held] = {}
_in_use_lock = threading.Lock()


def use(executable: str) -> Optional[Server]:
    """The server of a Wine interpreter command, started before anything of it runs (its probe, each cell) once
    per prefix and harness process, and again when it is gone: something ran `wineserver -k` during the run (a
    command that does not take the prefix's lock), and a cell must not start a server itself, or the server and
    Wine's services become that cell's leaks (seen on a shared machine: 7 and 8 such leftovers in two cells). None
    for any other interpreter. release() stops them after the run, and at the latest when the harness exits."""
    server = server_for(executable)
    if server is None:
        return None
    key = (server.folder, server.prefix)
    with _in_use_lock:
        held = _in_use.get(key)
        if held is not None and _still_running(server.prefix, held.processes):
            return server
        lock = held.lock if held is not None else _share(server)
        try:
            before = prefix_cpu_s(server.prefix) if held is None else held.cpu_before
            start(server)
        except BaseException:
            if held is None:
                os.close(lock)
            raise
        _in_use[key] = _Held(server, lock, before, _servers_among(prefix_processes(server.prefix)))
    return server


def _servers_among(pids: Sequence[int], proc: str = "/proc") -> List[int]:
    """The wineserver processes among the prefix's (another run's cells carry the prefix too, and may outlive a
    killed server); all of them where none is named so."""
    named = []
    for pid in pids:
        try:
            with open(os.path.join(proc, str(pid), "comm"), "rb") as f:
                if f.read().startswith(b"wineserver"):
                    named.append(pid)
        except OSError:
            continue
    return named or list(pids)


def _still_running(prefix: str, pids: Sequence[int], proc: str = "/proc") -> bool:
    """Whether any of these processes still runs with the prefix in its environment (a pid reused since by another
    process does not count)."""
    return bool(set(pids) & set(prefix_processes(prefix, proc, among=pids)))


def release(report: Callable[[str], None] = lambda line: None) -> Dict[str, float]:
    """Stop every server this process started, where no other run still uses its prefix. Returns, and reports, the
    CPU seconds each prefix's server and Wine's services used while this run held it: a cost of the run that no
    cell's cpu_s holds (they are nobody's children), 40-50 % of a Wine run's CPU under Wine 8. Anything still alive
    after the stop is killed and reported."""
    with _in_use_lock:
        held = list(_in_use.values())
        _in_use.clear()
    used: Dict[str, float] = {}
    for entry in held:
        server = entry.server
        used[server.prefix] = max(0.0, prefix_cpu_s(server.prefix) - entry.cpu_before)
        report(f"Wine's server and services of {server.prefix} used {used[server.prefix]:.2f} s of CPU")
        if _last_user(entry.lock):
            left = stop(server)
            if left:
                report(f"processes of {server.prefix} still alive {SERVER_STOP_S:g} s after `wineserver -k`, killed: {left}")
        os.close(entry.lock)
    return used


atexit.register(release)


USERS_FILE = ".mpmatrix-users"


def _share(server: Server) -> int:
    """A shared lock on the prefix's users file, held while a run uses the prefix."""
    import fcntl  # POSIX only: Wine runs on Linux, and this module is imported on Windows too

    try:
        fd = os.open(os.path.join(server.prefix, USERS_FILE), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise WineError(f"{server.folder}: cannot open {server.prefix}/{USERS_FILE}: {exc.strerror}") from None
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def _last_user(fd: int) -> bool:
    """Let go of the shared lock and take it exclusively if no other run holds it: then this run was the last."""
    import fcntl  # POSIX only, as above

    fcntl.flock(fd, fcntl.LOCK_UN)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


# -- (c) exit statuses ---------------------------------------------------------------------------------------------

# A Windows process ends with a 32-bit status; Wine hands its low byte to Linux as the exit status of the wine
# process, so 0xC000013A arrives as 58 and 0xC0000005 as 5. The byte alone cannot be read back (a case may well
# exit with 5): a status is read back only where the cell's stderr shows what ended it.
STATUS_CONTROL_C_EXIT = 0xC000013A
STATUS_ACCESS_VIOLATION = 0xC0000005
STATUS_STACK_OVERFLOW = 0xC00000FD
STATUS_ILLEGAL_INSTRUCTION = 0xC000001D
STATUS_INTEGER_DIVIDE_BY_ZERO = 0xC0000094
# Wine 8's own line, printed when an unhandled exception would start the debugger (also with the debugger off;
# Wine 10 prints nothing under WINEDEBUG=-all), and faulthandler's (when a case enables it), each naming the status.
_CRASH_EVIDENCE: Tuple[Tuple["re.Pattern[str]", int], ...] = (
    (re.compile(r"^wine: Unhandled page fault on ", re.MULTILINE), STATUS_ACCESS_VIOLATION),
    (re.compile(r"^Windows fatal exception: access violation$", re.MULTILINE), STATUS_ACCESS_VIOLATION),
    (re.compile(r"^wine: Unhandled stack overflow ", re.MULTILINE), STATUS_STACK_OVERFLOW),
    (re.compile(r"^Windows fatal exception: stack overflow$", re.MULTILINE), STATUS_STACK_OVERFLOW),
    (re.compile(r"^wine: Unhandled illegal instruction ", re.MULTILINE), STATUS_ILLEGAL_INSTRUCTION),
    (re.compile(r"^Windows fatal exception: illegal instruction$", re.MULTILINE), STATUS_ILLEGAL_INSTRUCTION),
    (re.compile(r"^wine: Unhandled division by zero ", re.MULTILINE), STATUS_INTEGER_DIVIDE_BY_ZERO),
    (re.compile(r"^Windows fatal exception: int divide by zero$", re.MULTILINE), STATUS_INTEGER_DIVIDE_BY_ZERO),
)
# CPython >= 3.8 on Windows ends with STATUS_CONTROL_C_EXIT after printing an uncaught KeyboardInterrupt's
# traceback (Modules/main.c, exit_sigint): the traceback's last line is the evidence.
_KEYBOARD_INTERRUPT_LAST = re.compile(r"(?:^|\n)KeyboardInterrupt\r?\n?\Z")
# An unimplemented Windows function ends the process with status 1 in Wine 8 and 10 (PssCaptureSnapshot, behind
# os.getppid() on 3.12+; propsys.VariantToString, behind platform.machine() with _wmi): Wine's failure, not the case's.
_UNIMPLEMENTED = re.compile(r"^wine: Call from \S+ to unimplemented function (?P<function>\S+), aborting", re.MULTILINE)


def windows_status(code: int, stderr: str) -> int:
    """The Windows exit status a Wine cell most likely ended with, given the Linux exit status (its low byte) and
    the cell's stderr: the full status where stderr shows what ended the process with it, else `code` unchanged.

    Cannot be read back: an exit status of 256 or more that Python code chose (sys.exit(300) arrives as 44), and a
    crash that prints nothing (Wine 10 with WINEDEBUG=-all, a process killed by TerminateProcess from outside)."""
    if code == STATUS_CONTROL_C_EXIT & 0xFF and _KEYBOARD_INTERRUPT_LAST.search(stderr.rstrip(" \t")):
        return STATUS_CONTROL_C_EXIT
    for evidence, status in _CRASH_EVIDENCE:
        if code == status & 0xFF and evidence.search(stderr):
            return status
    return code


def read_back(observation: Observation) -> Observation:
    """A Wine cell's observation with its exit status read back as Windows' where its stderr shows the cause
    (windows_status), and named as a crash where it is one (`signal:ACCESS_VIOLATION`, as on Windows)."""
    code = observation.exit
    if code is None or code < 0:
        return observation
    status = windows_status(code, observation.stderr)
    if status == code:
        return observation
    name = WINDOWS_STATUSES.get(status)
    return replace(observation, exit=status, signal=name) if name else replace(observation, exit=status)


def unimplemented_function(stderr: str) -> str:
    """The Windows function Wine does not implement that ended the cell ("KERNEL32.dll.PssCaptureSnapshot"), or
    "": such a cell shows a gap in Wine, not how Windows behaves."""
    found = _UNIMPLEMENTED.search(stderr)
    return found["function"] if found else ""


# -- (d) paths -----------------------------------------------------------------------------------------------------

# Wine maps the Linux root to drive Z:, so a Linux path /work/x.py is Z:\work\x.py to a Windows process (printed
# with backslashes, doubled in a repr). Such a path becomes its Linux spelling, which the normalizer already knows
# (/work/cases/x.py -> <case>/x.py). The path stops where the normalizer's paths stop (whitespace, quotes, and
# punctuation that ends a path in prose).
_Z_PATH = re.compile(r"(?<![\w.])[Zz]:(?P<path>(?:(?:\\\\?|/)[^\s/\\\"'<>|:*?,;()\[\]]*)+)")
# The embeddable build's stdlib is a zip of .pyc files compiled from relative names: its frames read
# `File "multiprocessing\process.py"` (or `File "threading.py"`), with no folder a context could name. A case's own
# frames are absolute (the bootstrap runs the case by its absolute path), so a relative .py path in a frame is the
# stdlib's; it becomes <stdlib>/multiprocessing/process.py, which the traceback step folds like any stdlib frame.
_RELATIVE_FRAME = re.compile(
    r'^(?P<head>(?: *\| )?\s*File ")(?P<file>(?![A-Za-z]:|[\\/<])[^"]*\.py)(?P<rest>", line \d+.*)$', re.MULTILINE
)


def _linux_path(match: "re.Match[str]") -> str:
    return re.sub(r"\\\\?", "/", match["path"])


def linux_path(path: str) -> str:
    """A Windows path on Wine's drive Z: (the Linux root) as Linux spells it: Z:\\opt\\x.zip -> /opt/x.zip; a path
    on any other drive (C: is inside the prefix) or not a Windows path at all, unchanged."""
    if len(path) < 2 or path[0] not in "Zz" or path[1] != ":" or path[2:3] not in ("", "\\", "/"):
        return path
    return path[2:].replace("\\", "/") or "/"


def posix_paths(text: str) -> str:
    """A Wine cell's output with its Windows paths spelled as the normalizer spells POSIX ones: Z:\\work\\x.py ->
    /work/x.py, and the embeddable stdlib's relative frames -> <stdlib>/.... Run before harness.normalize, so that
    one expectation serves Linux and Windows where they behave the same."""
    if "Z:" in text or "z:" in text:
        text = _Z_PATH.sub(_linux_path, text)
    if 'File "' in text:
        text = _RELATIVE_FRAME.sub(lambda m: m["head"] + "<stdlib>/" + m["file"].replace("\\", "/") + m["rest"], text)
    return text
