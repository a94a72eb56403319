"""The keeper: the process between the harness and its cells, which ends every process of every cell whatever dies.

Run by harness.execute as `python keeper.py FD ROOT` (POSIX only), once per harness process, in a session of its
own; standard library only (psutil where there is no /proc). It is the *server*: for each cell the harness sends
it the command, and the pipes and control socket to use (SCM_RIGHTS); it forks a *cell keeper*, which starts the
cell's main process in a process group of its own (a group leader, not a session leader: as a shell starts
`python case.py`) and is its parent. On Linux the server and every cell keeper are child subreapers
(PR_SET_CHILD_SUBREAPER), so a process that double-forks and calls setsid() is still reparented to them and
found. Who ends what:

- the harness dies, even by SIGKILL: its end of the server's socket and of every control socket closes; each cell
  keeper kills its cell's processes, the server kills every process below it and removes ROOT (the cells'
  working folders and stack files) and exits;
- a cell keeper dies: its orphans are reparented to the server, which kills them;
- the server dies: each cell keeper is told (PR_SET_PDEATHSIG on Linux; it also watches its parent) and kills
  its cell's processes;
- a cell signals its parent (os.kill(os.getppid(), SIGTERM)): the cell keeper ignores it, as an interactive shell
  would, and the harness is not that parent.

The control socket of a cell speaks lines. Cell keeper to harness: `started KEEPER_PID MAIN_PID`, `error MESSAGE`
(the command could not start), `exited WAIT_STATUS` (the main process ended), `ended CPU_S` (every process of the
cell is gone; CPU_S is the user+sys seconds of all of them, every process having been reaped by its parent or by
this subreaper; the cell keeper exits). Harness to cell keeper: `end` (SIGTERM, a grace period, then SIGKILL until
nothing is left) or `kill` (SIGKILL at once).
"""

import array
import collections
import errno
import json
import os
import select
import stat
import signal
import socket
import struct
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
KILL_GRACE_S = 1.0  # between SIGTERM and SIGKILL when a cell is ended
GIVE_UP_S = 10.0  # a process in uninterruptible sleep cannot be killed: stop trying after this long
POLL_S = 0.5  # how often the loops look around even without an event
# fork() and the like refused for want of processes, memory or descriptors (another cell may have taken them all)
# are tried again for this long, with pauses doubling up to POLL_S, before the cell is an error saying why: nothing
# of the cell has run yet, so a late start changes nothing it does.
ROOM_WAIT_S = 10.0
ROOM_ERRNOS = frozenset(getattr(errno, name) for name in ("EAGAIN", "ENOMEM", "EMFILE", "ENFILE", "ENOBUFS") if hasattr(errno, name))
HEADER = struct.Struct("!I")
MAX_FDS = 4
# A cell keeper ignores what a cell may send its parent, as a shell does; SIGTERM also tells it that the server
# died (PR_SET_PDEATHSIG), which it tells apart by its parent having changed.
IGNORED_BY_CELL_KEEPER = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGTSTP",
                          "SIGTTIN", "SIGTTOU")


def prctl(option, value):
    """Linux's prctl(2) through ctypes; False where it is missing or refused."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes  # Linux only, and only for the keeper's prctl: not paid for by every importer

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


# -- the process table ----------------------------------------------------------------------------------------


def process_table():
    """{pid: (ppid, pgid, dead)} of every process, from /proc where there is one, else from psutil.

    A process is dead once none of its threads runs: a zombie waiting to be reaped, or one already exiting. A
    process whose main thread has exited (pthread_exit) while another thread goes on shows Z in /proc/PID/stat but
    is alive: it is found, signalled and counted like any other."""
    table = {}
    if os.path.isdir("/proc/self"):
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % name, "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
            except (OSError, IndexError):
                continue
            dead = fields[0] in (b"Z", b"X") and not threads_running(int(name))
            table[int(name)] = (int(fields[1]), int(fields[2]), dead)
        return table
    import psutil  # where there is no /proc (macOS, Windows): the Linux keeper does not pay for its import

    for proc in psutil.process_iter(["ppid", "status"]):
        try:
            pgid = os.getpgid(proc.pid)
        except OSError:
            pgid = -1
        table[proc.pid] = (proc.info["ppid"] or 0, pgid, proc.info["status"] == psutil.STATUS_ZOMBIE)
    return table


PF_EXITING = 0x4  # Linux, in a thread's flags: the thread is in exit(), dead but for its last steps


def thread_states(pid):
    """[(state, flags)] of every thread of a process, from /proc/PID/task (Linux); [] when it is gone."""
    states = []
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return states
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid), "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            states.append((fields[0], int(fields[6])))
        except (OSError, IndexError, ValueError):
            continue
    return states


def threads_running(pid):
    """True when some thread of the process is neither a zombie nor exiting (Linux)."""
    return any(state not in (b"Z", b"X") and not flags & PF_EXITING for state, flags in thread_states(pid))


def resume_if_stopped(pid):
    """SIGCONT a process stopped by a signal (a cell may SIGSTOP its keeper or the server): a stopped helper
    would otherwise make its cell, or every later cell, look hung. True when it was stopped."""
    if pid <= 0:
        return False
    try:
        if os.path.isdir("/proc/self"):
            with open("/proc/%d/stat" % pid, "rb") as f:
                stopped = f.read().rsplit(b")", 1)[1].split()[0] == b"T"
        else:
            import psutil  # no /proc: as above

            stopped = psutil.Process(pid).status() == psutil.STATUS_STOPPED
        if stopped:
            os.kill(pid, signal.SIGCONT)
        return stopped
    except Exception:  # gone, or unreadable: nothing to resume
        return False


def descendants(root, table=None, group=0):
    """Pids below `root` (and, given `group`, every other member of that process group), the dead included."""
    table = process_table() if table is None else table
    children = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            found.append(child)
            stack.append(child)
    if group > 0:  # where there is no subreaper, a process that left its parent may still be in the cell's group
        seen = set(found)
        found += [pid for pid, (_, pgid, _) in table.items() if pgid == group and pid not in seen and pid != root]
    return found


def _alive(pids, table):
    return [pid for pid in pids if pid in table and not table[pid][2]]


def end_processes(root, group, grace, reap):
    """End every process below `root` (and in `group`): SIGTERM and up to KILL_GRACE_S when `grace`, then SIGKILL
    until none is left. A process that forks while being ended (a respawn storm) is caught by the next round:
    a killed process forks no more. `reap` collects root's exited children. True when nothing is left."""
    if grace:
        _signal_all(descendants(root, group=group), group, signal.SIGTERM)
        deadline = time.monotonic() + KILL_GRACE_S
        while time.monotonic() < deadline:
            reap()
            table = process_table()
            if not _alive(descendants(root, table, group), table):
                break
            time.sleep(0.02)
    give_up = time.monotonic() + GIVE_UP_S
    while True:
        reap()
        table = process_table()
        left = _alive(descendants(root, table, group), table)
        if not left:
            reap()
            return True
        if time.monotonic() > give_up:
            return False
        _signal_all(left, group, signal.SIGKILL)
        time.sleep(0.01)


def _signal_all(pids, group, sig):
    if group > 0:
        try:
            os.killpg(group, sig)
        except OSError:
            pass
    for pid in pids:
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def lack_of_room(exc):
    """True for a failure that says the system is short of processes, threads, memory or descriptors."""
    if isinstance(exc, MemoryError):
        return True
    if isinstance(exc, OSError):
        return exc.errno in ROOM_ERRNOS
    return isinstance(exc, RuntimeError) and "can't start new thread" in str(exc)


def with_room(action, what, wait=None):
    """action(), tried again while it fails for want of room (see ROOM_WAIT_S); raises OSError saying what could
    not be done and why once the wait is over, or at once for any other OSError."""
    deadline = time.monotonic() + (ROOM_WAIT_S if wait is None else wait)
    pause = 0.01
    while True:
        try:
            return action()
        except (OSError, RuntimeError, MemoryError) as exc:
            if not lack_of_room(exc):
                raise
            if time.monotonic() + pause > deadline:
                reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
                raise OSError(getattr(exc, "errno", None) or errno.EAGAIN,
                              "%s: %s, for %g s (the system's limit of processes, threads, memory or open files "
                              "was reached, by this or another cell)" % (what, reason, ROOM_WAIT_S if wait is None else wait)) from None
            time.sleep(pause)
            pause = min(2 * pause, POLL_S)


def reap_children(on_exit=None):
    """Collect every exited child (orphans reparented here included); on_exit(pid, status) for each."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        except InterruptedError:
            continue
        if pid == 0:
            return
        if on_exit is not None:
            on_exit(pid, status)


def exit_code(status):
    """A wait status as subprocess reports it: the exit code, or minus the signal number."""
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return -1


# -- removing a cell's folders ---------------------------------------------------------------------------------

_DIRECTORY = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)


def remove_tree(path):
    """Remove a folder and everything in it as far as it can, however deep and whatever a cell left there; never
    raises. Iterative (a cell's 3,000-deep tree made shutil.rmtree raise RecursionError) and, where the OS allows,
    by descriptor: one folder open at a time, entered by name and left by "..", so no path grows with the depth
    (it would pass PATH_MAX) and no symbolic link is followed. True when nothing is left."""
    try:
        if os.open in os.supports_dir_fd and os.scandir in os.supports_fd:
            _remove_by_descriptor(path)
        else:
            _remove_by_path(path)
    except (OSError, ValueError):
        pass
    return not os.path.lexists(path)


def _identity(fd):
    info = os.fstat(fd)
    return info.st_dev, info.st_ino


def _remove_by_descriptor(path):
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)
            return
    except FileNotFoundError:
        return
    fd = os.open(path, _DIRECTORY)
    above = []  # (identity of the folder above, name of this folder in it), from the top down to fd's parent
    stuck = set()  # folders that could not be emptied: not entered again
    try:
        while True:
            child = None
            with os.scandir(fd) as entries:
                for entry in entries:
                    if not entry.is_dir(follow_symlinks=False):
                        try:
                            os.unlink(entry.name, dir_fd=fd)
                        except FileNotFoundError:
                            pass
                        except OSError:
                            stuck.add(_identity(fd))
                        continue
                    try:
                        child = os.open(entry.name, _DIRECTORY, dir_fd=fd)
                    except PermissionError:  # a cell may leave a folder it took its own rights from
                        try:
                            os.chmod(entry.name, 0o700, dir_fd=fd, follow_symlinks=False)
                            child = os.open(entry.name, _DIRECTORY, dir_fd=fd)
                        except (OSError, NotImplementedError):
                            stuck.add(_identity(fd))
                            continue
                    except OSError:
                        continue
                    if _identity(child) in stuck:
                        os.close(child)
                        child = None
                        continue
                    above.append((_identity(fd), entry.name))
                    break
            if child is not None:
                os.close(fd)
                fd = child
                continue
            if not above:
                break
            parent_identity, name = above.pop()
            parent = os.open("..", _DIRECTORY, dir_fd=fd)
            if _identity(parent) != parent_identity:  # moved while we were inside: stop rather than go astray
                os.close(parent)
                return
            done = _identity(fd)
            os.close(fd)
            fd = parent
            try:
                os.rmdir(name, dir_fd=fd)
            except FileNotFoundError:
                pass
            except OSError:
                stuck.add(done)
    finally:
        os.close(fd)
    os.rmdir(path)


def _remove_by_path(path):
    """Without descriptors (Windows): depth first with a list for a stack, by path."""
    stack = [(path, False)]
    while stack:
        folder, emptied = stack.pop()
        if emptied:
            try:
                os.rmdir(folder)
            except OSError:
                pass
            continue
        try:
            if not os.path.isdir(folder) or os.path.islink(folder):
                os.unlink(folder)
                continue
            stack.append((folder, True))
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((entry.path, False))
                    else:
                        try:
                            os.unlink(entry.path)
                        except OSError:
                            pass
        except OSError:
            continue


# -- messages -------------------------------------------------------------------------------------------------


def send_request(sock, request, fds):
    """One request (a JSON object) with its file descriptors, as a single message."""
    body = json.dumps(request).encode("utf-8", "surrogateescape")
    sock.sendmsg([HEADER.pack(len(body)) + body], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])


class RequestReader:
    """Requests from the harness's stream: a length-prefixed JSON body and the descriptors that came with it."""

    def __init__(self, sock):
        self.sock = sock
        self.data = b""
        self.fds = []

    def read(self):
        """The complete requests received so far as (request, fds), or None when the harness has gone."""
        data, ancillary, _, _ = self.sock.recvmsg(65536, socket.CMSG_SPACE(MAX_FDS * array.array("i").itemsize))
        if not data:
            return None
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds = array.array("i")
                fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
                self.fds.extend(fds)
        self.data += data
        requests = []
        while len(self.data) >= HEADER.size:
            (size,) = HEADER.unpack_from(self.data)
            if len(self.data) < HEADER.size + size:
                break
            body, self.data = self.data[HEADER.size : HEADER.size + size], self.data[HEADER.size + size :]
            request = json.loads(body.decode("utf-8", "surrogateescape"))
            count = int(request.get("fds", 0))
            requests.append((request, self.fds[:count]))
            self.fds = self.fds[count:]
        return requests


# -- the cell keeper ------------------------------------------------------------------------------------------


class CellKeeper:
    """Parent, subreaper and undertaker of one cell; reports to the harness over the control socket."""

    def __init__(self, server_pid, request, fds):
        self.server_pid = server_pid
        self.request = request
        self.stdout_fd, self.stderr_fd, control_fd = fds
        self.control = socket.socket(fileno=control_fd)
        self.main_pid = 0
        self.main_status = None
        self.cpu_before = children_cpu()

    def send(self, line):
        try:
            self.control.sendall((line + "\n").encode("utf-8", "surrogateescape"))
        except OSError:
            pass  # the harness has gone: the loop sees the socket close and ends the cell

    def run(self):
        try:
            self.keep()
        except Exception as exc:  # out of memory or descriptors before the cell started: say so, end what there is
            self.send("error " + json.dumps("the cell keeper failed: %s" % (getattr(exc, "strerror", None) or exc)))
            self.finish(grace=False)

    def keep(self):
        os.setpgid(0, 0)  # a group of its own: a cell that signals its parent's group reaches no other keeper
        prctl(PR_SET_CHILD_SUBREAPER, 1)
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        for name in IGNORED_BY_CELL_KEEPER:
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), lambda signum, frame: None)  # a handler: exec resets it
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        if os.getppid() != self.server_pid:
            self.finish(grace=False)  # the server died before this keeper could watch it
        try:
            main = with_room(lambda: subprocess.Popen(
                self.request["argv"], cwd=self.request["cwd"], env=self.request["env"], stdin=subprocess.DEVNULL,
                stdout=self.stdout_fd, stderr=self.stderr_fd, close_fds=True, **_own_group(),
            ), "cannot start the cell's main process")
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            self.send("error " + json.dumps(getattr(exc, "strerror", None) or str(exc)))
            self.finish(grace=False)
        self.main_pid = main.pid
        os.close(self.stdout_fd)
        os.close(self.stderr_fd)
        self.send("started %d %d" % (os.getpid(), main.pid))
        pending = b""
        while True:
            try:
                ready, _, _ = select.select([self.control, wake_read], [], [], POLL_S)
            except InterruptedError:
                continue
            if wake_read in ready:
                try:
                    os.read(wake_read, 4096)
                except BlockingIOError:
                    pass
            self.reap()
            if os.getppid() != self.server_pid:
                self.finish(grace=False)
            if self.control in ready:
                try:
                    data = self.control.recv(4096)
                except OSError:
                    data = b""
                if not data:  # the harness has gone
                    self.finish(grace=False)
                pending += data
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    if line in (b"end", b"kill"):
                        self.finish(grace=line == b"end")
                    elif line.startswith(b"signal "):
                        self.signal_main(int(line.split()[1]))

    def signal_main(self, signum):
        """Send the main process a signal (the harness's call for a stack dump) unless it has been reaped: until then
        its pid cannot have been reused."""
        if self.main_pid and self.main_status is None:
            try:
                os.kill(self.main_pid, signum)
            except OSError:
                pass

    def reap(self):
        def exited(pid, status):
            if pid == self.main_pid and self.main_status is None:
                self.main_status = status
                self.send("exited %d" % status)

        reap_children(exited)

    def finish(self, grace):
        if self.main_pid:
            end_processes(os.getpid(), self.main_pid, grace, self.reap)
        self.send("ended %.4f" % max(0.0, children_cpu() - self.cpu_before))
        os._exit(0)


def children_cpu():
    """User+sys seconds of every reaped descendant: the cell's processes, each reaped by its parent or, orphaned, by
    the cell keeper (a subreaper); usage of a process's reaped children is counted in its own when it is reaped."""
    import resource  # POSIX only: imported here, so that execute may use remove_tree on Windows too

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _own_group():
    """Popen arguments that make the child the leader of a new process group (not of a new session)."""
    if sys.version_info >= (3, 11):
        return {"process_group": 0}
    return {"preexec_fn": lambda: os.setpgid(0, 0)}  # a cell keeper has one thread: preexec_fn is safe here


# -- the server -----------------------------------------------------------------------------------------------


class Waiting(collections.namedtuple("Waiting", "due give_up pause request fds")):
    """A request whose fork() was refused for want of room: tried again at `due`, refused after `give_up`."""


class Server:
    """Forks a cell keeper per request; ends everything below it when the harness goes."""

    def __init__(self, sock, root):
        self.sock = sock
        self.root = root
        self.keepers = set()
        self.abandoned = False  # a cell keeper died: its orphans are ours to end
        self.stopping = False

    def run(self):
        prctl(PR_SET_CHILD_SUBREAPER, 1)
        for name in ("SIGINT", "SIGHUP"):  # a terminal's signals are the harness's to act on, not ours
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        signal.signal(signal.SIGTERM, self.stop)
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        self.reader = RequestReader(self.sock)
        self.last_sweep = time.monotonic()
        self.waiting = []  # Waiting requests: their fork() was refused for want of room
        while not self.stopping:
            try:
                if not self.serve(wake_read, wake_write):
                    break
            except Exception as exc:  # short of memory or descriptors: this round is lost, not the server
                say("keeper server: %r" % (exc,))
                time.sleep(POLL_S / 5)
        self.shutdown()

    def serve(self, wake_read, wake_write):
        """One round: wait for a request or a child's end, then act on it; False when the harness has gone."""
        now = time.monotonic()
        timeout = min([POLL_S] + [max(0.0, item.due - now) for item in self.waiting])
        try:
            ready, _, _ = select.select([self.sock, wake_read], [], [], timeout)
        except InterruptedError:
            return True
        if wake_read in ready:
            try:
                os.read(wake_read, 4096)
            except BlockingIOError:
                pass
        reap_children(self.exited)
        if self.abandoned or time.monotonic() - self.last_sweep > 4 * POLL_S:
            self.sweep()
            self.last_sweep = time.monotonic()
        now = time.monotonic()
        due = [item for item in self.waiting if item.due <= now]
        self.waiting = [item for item in self.waiting if item.due > now]
        for item in due:
            self.start(item.request, item.fds, wake_read, wake_write, item)
        if self.sock in ready:
            try:
                requests = self.reader.read()
            except OSError as exc:
                if lack_of_room(exc):
                    return True  # the request stays in the socket: read it next round
                requests = None
            if requests is None:
                return False
            for request, fds in requests:
                self.start(request, fds, wake_read, wake_write)
        return True

    def stop(self, signum, frame):
        self.stopping = True

    def exited(self, pid, status):
        if pid in self.keepers:
            self.keepers.discard(pid)
            if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
                self.abandoned = True

    def sweep(self):
        """Resume a cell keeper its cell stopped; end the processes a dead cell keeper left behind: children of
        ours that are not cell keepers."""
        for keeper in self.keepers:
            resume_if_stopped(keeper)
        table = process_table()
        me = os.getpid()
        orphans = [pid for pid, (ppid, _, zombie) in table.items() if ppid == me and pid not in self.keepers]
        for orphan in orphans:
            end_processes_of(orphan, table)
        reap_children(self.exited)
        table = process_table()
        self.abandoned = any(ppid == me and pid not in self.keepers for pid, (ppid, _, _) in table.items())

    def start(self, request, fds, wake_read, wake_write, waited=None):
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            return
        try:
            pid = os.fork()
        except OSError as exc:  # another cell took every process there is, or the memory: try again, then say why
            now = time.monotonic()
            give_up, pause = (waited.give_up, waited.pause) if waited else (now + ROOM_WAIT_S, 0.01)
            if lack_of_room(exc) and now < give_up:
                self.waiting.append(Waiting(now + pause, give_up, min(2 * pause, POLL_S), request, fds))
                return
            refuse(fds, "cannot start a keeper for the cell: fork() failed: %s%s" % (
                exc.strerror or exc, ", for %g s (the system's limit of processes or memory was reached, by this "
                "or another cell)" % ROOM_WAIT_S if lack_of_room(exc) else ""))
            return
        if pid == 0:
            try:
                self.sock.close()
                signal.set_wakeup_fd(-1)
                os.close(wake_read)
                os.close(wake_write)
                for name in ("SIGINT", "SIGHUP", "SIGTERM"):
                    signal.signal(getattr(signal, name), signal.SIG_DFL)
                CellKeeper(os.getppid(), request, fds).run()
            finally:
                os._exit(70)
        self.keepers.add(pid)
        for fd in fds:
            os.close(fd)

    def shutdown(self):
        """The harness has gone (or asked us to stop): nothing of any cell outlives it, nor its temporary files."""
        end_processes(os.getpid(), 0, False, lambda: reap_children(self.exited))
        remove_tree(self.root)
        os._exit(0)


def refuse(fds, message):
    """Tell the harness, on the cell's control socket, that its cell could not be started; close what came."""
    try:
        control = socket.socket(fileno=fds[2])
        try:
            control.sendall(("error " + json.dumps(message) + "\n").encode("utf-8", "surrogateescape"))
        finally:
            control.close()
    except OSError:
        pass  # the harness has gone, or sees the socket close: the cell is lost either way
    for fd in fds[:2]:
        try:
            os.close(fd)
        except OSError:
            pass


def say(line):
    """A line on standard error, a pipe to the harness (see execute.KeeperServer.told); never blocks or raises."""
    try:
        os.write(2, (line[:1000] + "\n").encode("utf-8", "replace"))
    except OSError:
        pass


def end_processes_of(pid, table):
    """SIGKILL a process and everything below it (it is not our child's keeper: its cell is already lost)."""
    victims = [pid] + descendants(pid, table)
    _signal_all(_alive(victims, table), 0, signal.SIGKILL)


def main():
    fd, root = int(sys.argv[1]), sys.argv[2]
    try:  # standard error is a pipe the harness reads when it is done with us: never wait on it
        os.set_blocking(2, False)
    except OSError:
        pass
    Server(socket.socket(fileno=fd), root).run()


if __name__ == "__main__":
    main()
