"""Ctrl+C during a busy ``pool.map``: who gets KeyboardInterrupt, does anything hang, is anything left behind?

The post: "if you end the program with Ctrl+C, it may end only one of the child processes; reportedly fixed in
3.4, but not sure" (citing two Stack Overflow questions from the Python 2 era).  A terminal sends SIGINT to its
whole foreground process group, so this case runs the scenario as a child interpreter in a session (and process
group) of its own, waits until both pool workers are busy in the post's ``func`` (each creates a marker file when
its task begins), then sends SIGINT to the group with ``os.killpg``, as a terminal would.  It observes with
deadlines: did the main process end, how (exit code, exception), how many workers printed a KeyboardInterrupt
traceback, and what is still alive once the rest has settled; then it kills the group and checks that nothing is
left.  The deadlines (10 s for the main to end, 10 s more for the rest) are generous on purpose: on a quiet machine
all of it ends well within 1 s, and the deadlines only bound how long a hung shutdown is watched, so a saturated
machine is not mistaken for a hang.

Three variants of the main program:

* ``plain``: the post's shape, ``pool = Pool(2)`` then ``pool.map(func, ...)``, the pool never closed;
* ``with``: ``with Pool(2) as pool: pool.map(...)`` (``__exit__`` calls ``terminate()``);
* ``except``: ``try: pool.map(...) except KeyboardInterrupt: pool.terminate(); pool.join()``.

Why (CPython):

* The main process: ``map()`` waits in ``ApplyResult.wait()`` -> ``threading.Event.wait()``; lock waits are
  interruptible by signals since Python 3.2, so KeyboardInterrupt is raised there at once.  (In Python 2 that
  wait could not be interrupted, the source of the old "Ctrl+C hangs the pool" reports.)  Then ``atexit`` runs
  ``util._exit_function()``, whose pool finalizer terminates and joins the workers.  Since 3.8 an uncaught
  KeyboardInterrupt ends the interpreter by re-raising SIGINT on itself (exit status "killed by SIGINT"); 3.7
  exits with code 1.
* Each worker is in the same process group, so each gets SIGINT too, inside ``func``; KeyboardInterrupt is not an
  ``Exception``, so it escapes ``pool.worker()`` and ``BaseProcess._bootstrap()`` prints ``Process
  XxxPoolWorker-N:`` with a traceback and exits with code 1.  The pool's worker handler may start replacements,
  which the finalizer (or ``terminate()``) then kills.  When the main calls ``terminate()`` at once (``with``,
  ``except``), its SIGTERM races the workers: a worker may be killed before it handles its SIGINT, or while it is
  printing its traceback, so stderr shows anywhere from zero to two worker tracebacks.  Either way every worker
  ends, which is what the claim is about.
* The helpers ignore SIGINT: the resource tracker (``resource_tracker.main``: ``signal.signal(SIGINT, SIG_IGN)``)
  and the fork server (``forkserver.main``: ``SIGINT: SIG_IGN``); both exit when their pipes close, i.e. when the
  main process is gone.

Observed here (5 runs per cell, all versions and start methods, 2-core machine under load): the main process
always got KeyboardInterrupt from ``pool.map`` at once (3.7: exit code 1; 3.8+: killed by SIGINT), and in most
runs everything ended within 1.5 s.  But the shutdown that follows is NOT reliable: in 3 of the 105 runs one
variant's main process hung after the Ctrl+C with its workers alive ("main ended within 5 s: False; hung",
"alive 1.5 s later: main, worker, worker", as the case printed then): 3.8 fork ``with``, 3.9 fork ``except``, 3.9 spawn ``except``; and
once more, 3.8 spawn ``plain``, in a manual run.  None in the 15 runs each of 3.7 and 3.13.  The hung main sat in
a futex wait with its result-handler thread blocked reading the result pipe, and the workers were apparently replacements
started after the Ctrl+C (pids well after the originals; one blocked on the task queue's lock, one reading the task pipe): the pool's worker
handler had respawned the interrupted workers while the main was terminating the pool.  So the post's worry is
half right: Ctrl+C does reach and end every worker (the "only one worker" problem of Python 2 is gone), but
terminating the pool after it can still hang occasionally, leaving every process alive.

PyPy 3.9 under fork does leave workers behind, now and then: in the ``plain`` variant the main ended (killed by
SIGINT) after both busy workers had got their KeyboardInterrupt, yet one or two workers were still alive 10 s
later (2 of 10 full runs; in a loop of 25 runs of that variant alone, 2 runs, where CPython 3.9 showed 0 in 25,
hanging twice instead).  Examined in /proc: both were replacements the pool started after the originals died
(pids just after theirs), each had taken one of the remaining tasks (their "I am in ForkPoolWorker-3/-4" lines)
and was asleep in ``func``, orphaned (parent pid 1); the main's exit had not terminated them.  So on PyPy 3.9
with fork the claim's "leave the others" holds, as a "may".  Because of that race the expectation accepts both
outcomes, each with its own verdict (an ``[[expect.outcome]]`` table: workers alive after the main ended, the claim
holds in that cell; every worker ended, or the main hung with them, it is refuted), and the case declares itself `nondeterministic` with the counts seen
here, so repeated runs keep every observation as evidence instead of calling the cell flaky.  The case always ends (it kills the group).

On Windows Ctrl+C is a console event, not a signal: the console sends CTRL_C_EVENT to every process attached to
it, and CPython's handler turns it into KeyboardInterrupt in each.  There the case starts the program in a
console of its own without a window (``CREATE_NO_WINDOW``), inside a job object of its own (every process the
program starts joins the job, which finds what is left and ends it), attaches itself to that console
(``AttachConsole``; ``SetConsoleCtrlHandler(NULL, FALSE)`` in the program and the case undoes the "ignore Ctrl+C"
a process started with CREATE_NEW_PROCESS_GROUP passes on), and sends ``os.kill(0, signal.CTRL_C_EVENT)``; its
own SIGINT handler records that the event really arrived.  (A console with a window, the case's own from
``AllocConsole``, made Wine 8.0 start its desktop process, ``explorer.exe /desktop``, which outlived the cell now
and then: a leak in 3 of 12 cells; without a window no desktop is started.)  Observed under
Wine 8.0 (Windows CPython 3.8-3.13; not yet on Windows itself): the event reaches the case and both busy workers
(KeyboardInterrupt in ``func``, 2 of 2), the pool starts replacements that take the two remaining tasks, and the
main process does not react: it is still in ``pool.map`` 10 s later, in all three variants, with two workers
alive.  That is CPython's Windows behaviour before 3.14, not Wine's: ``pool.map`` waits in
``threading.Event.wait()``, a lock acquisition, and on Windows a lock wait cannot be interrupted by Ctrl+C (the
handler runs only when the wait ends: python/cpython#74157, bpo-29971, and #80116, bpo-35935, for
``Event.wait``); 3.14 makes it interruptible (python/cpython#125541: the parking lot waits on
``_PyOS_SigintEvent()`` too), which only a Windows runner with 3.14 can show.  On darwin SIGINT to the group
behaves as on Linux, and spawn is the default start method (not observed: CI's).
"""
# /// case
# claim = "Ctrl+C (SIGINT to the whole foreground process group) during a busy Pool.map may end only one worker and leave the others; reportedly fixed in 3.4."
# source = "seed §使用技巧/在线程中使用辅助进程"
# ids = ["S24"]
# timeout = 200
# platforms = ["linux", "win32"]
# nondeterministic = "After the Ctrl+C, the pool's shutdown sometimes hangs (the main still alive 5-10 s later, sometimes with two workers). In nine full-matrix runs here 13 of 189 cells hung, all under fork, on 3.8 to 3.13 and never on 3.7; earlier, 6 of 231 runs hung, two of them under spawn; in five runs over 11 interpreters (CPython 3.7-3.15, PyPy 3.9 and 3.11) 2 of 165 cells hung (3.14 fork; 3.14 forkserver, under saturation), and in three runs under saturation (two spinners, --jobs 16) 3.14 forkserver hung in two, once in the `except` variant and once in `plain`, the fork server and its two workers staying with the main.  PyPy 3.9 under fork, `plain`: in 2 of 10 full runs (and 2 of 25 runs of that variant alone) the main ended, killed by SIGINT after both busy workers got KeyboardInterrupt, yet replacement workers were still alive 10 s later: the patterns accept left-behind workers too. Which run hangs is a race inside multiprocessing, not in this case."
# # How many busy workers reach their KeyboardInterrupt handler before the main's terminate() (SIGTERM) kills
# # them is a race (0, 1 and 2 of 2 all seen in 105 runs); every one of them ends either way, which is the claim.
# normalize = [["(busy workers that got KeyboardInterrupt in func:) [0-2] of 2", "\\1 0, 1 or 2 of 2 (a race with terminate())"]]
#
# # Every worker gets the SIGINT and ends: no run showed "only one worker ended", so the claim is refuted (but for PyPy 3.9 fork).  The
# # shutdown after it can hang (the main, sometimes with two workers, still alive 10 s later), and workers
# # outlived the main (PyPy 3.9 under fork: replacement workers left behind, so there the claim holds): the patterns
# # accept those outcomes too, and `nondeterministic` says how often they were seen.
# [expect]
# exit = 0
# holds = false
# stdout = """
# plain: workers busy when Ctrl+C was sent: 2 of 2
#   main ended within 10 s: (True; killed by SIGINT|False; hung) (re)
#   main printed a traceback from pool.map: (True|False) (re)
#   busy workers that got KeyboardInterrupt in func: 0, 1 or 2 of 2 (a race with terminate())
#   alive once the rest settled, within 10 s: (nothing|main[a-z ,]*|[a-z ,]*worker[a-z ,]*) (re)
# with: workers busy when Ctrl+C was sent: 2 of 2
#   main ended within 10 s: (True; killed by SIGINT|False; hung) (re)
#   main printed a traceback from pool.map: (True|False) (re)
#   alive once the rest settled, within 10 s: (nothing|main[a-z ,]*|[a-z ,]*worker[a-z ,]*) (re)
# except: workers busy when Ctrl+C was sent: 2 of 2
#   main ended within 10 s: (True; exit code 0|False; hung) (re)
# ...
#   main printed a traceback from pool.map: False
#   alive once the rest settled, within 10 s: (nothing|main[a-z ,]*|[a-z ,]*worker[a-z ,]*) (re)
# after killing the groups, processes left: 0
# """
# stderr = ""
#
# # The verdict is that of the outcome observed: where a variant's main ended and left workers running (PyPy 3.9
# # under fork, now and then: see the docstring), the claim's "leave the others" holds in that cell, as a "may";
# # an outcome where every worker ended, or the main hung with them, refutes it.
# [[expect.outcome]]
# stdout_has = "  alive once the rest settled, within 10 s: worker[a-z ,]* (re)"
# holds = true
#
# [[expect.when]]
# python = "<3.8"
# stdout = """
# plain: workers busy when Ctrl+C was sent: 2 of 2
#   main ended within 10 s: (True; exit code 1|False; hung) (re)
#   main printed a traceback from pool.map: (True|False) (re)
#   busy workers that got KeyboardInterrupt in func: 0, 1 or 2 of 2 (a race with terminate())
#   alive once the rest settled, within 10 s: (nothing|main[a-z ,]*|[a-z ,]*worker[a-z ,]*) (re)
# with: workers busy when Ctrl+C was sent: 2 of 2
#   main ended within 10 s: (True; exit code 1|False; hung) (re)
#   main printed a traceback from pool.map: (True|False) (re)
#   alive once the rest settled, within 10 s: (nothing|main[a-z ,]*|[a-z ,]*worker[a-z ,]*) (re)
# except: workers busy when Ctrl+C was sent: 2 of 2
#   main ended within 10 s: (True; exit code 0|False; hung) (re)
# ...
#   main printed a traceback from pool.map: False
#   alive once the rest settled, within 10 s: (nothing|main[a-z ,]*|[a-z ,]*worker[a-z ,]*) (re)
# after killing the groups, processes left: 0
# """
#
# # Observed under Wine 8.0 and 10.0 (Windows CPython 3.8-3.13, spawn, the same output on both; not yet on Windows itself): CTRL_C_EVENT reaches
# # every process of the console, both busy workers end, their replacements take the other tasks, and the main
# # stays in pool.map (a lock wait, not interruptible on Windows before 3.14): nothing ends until the case kills
# # the job.  Every worker the Ctrl+C reached ended, none was left running by it: refuted, as on Linux.
# [[expect.when]]
# platform = ["win32-wine"]
# holds = false
# stdout = """
# plain: workers busy when Ctrl+C was sent: 2 of 2
#   Ctrl+C: CTRL_C_EVENT to every process of the case's console; this case got it too: True
#   main ended within 10 s: False; hung
#   main printed a traceback from pool.map: False
#   KeyboardInterrupt in func: 2 of the 2 busy workers; tasks begun after the Ctrl+C: 2
#   alive once the rest settled, within 10 s: main, worker, worker
# with: workers busy when Ctrl+C was sent: 2 of 2
#   Ctrl+C: CTRL_C_EVENT to every process of the case's console; this case got it too: True
#   main ended within 10 s: False; hung
#   main printed a traceback from pool.map: False
#   KeyboardInterrupt in func: 2 of the 2 busy workers; tasks begun after the Ctrl+C: 2
#   alive once the rest settled, within 10 s: main, worker, worker
# except: workers busy when Ctrl+C was sent: 2 of 2
#   Ctrl+C: CTRL_C_EVENT to every process of the case's console; this case got it too: True
#   main ended within 10 s: False; hung
#   main printed a traceback from pool.map: False
#   KeyboardInterrupt in func: 2 of the 2 busy workers; tasks begun after the Ctrl+C: 2
#   alive once the rest settled, within 10 s: main, worker, worker
# after killing the groups, processes left: 0
# """
# ///
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing import Pool

VARIANTS = ["plain", "with", "except"]
TASK_SECONDS = 60  # far longer than the observation, so any worker that ignores Ctrl+C is still seen running
# Generous deadlines, not thresholds: a main that ends does so at once on a quiet machine (well under 1 s), and its
# helpers follow it; the deadlines only bound how long a hung shutdown is watched, so a slow machine is not a hang.
MAIN_DEADLINE = 10
SETTLE_DEADLINE = 10


def mark(event):
    open(os.path.join(os.environ["CTRL_C_POOL_MAP_MARKERS"], f"{event}-{os.getpid()}"), "w").close()


def func(r):
    """The post's func, with a longer sleep, instrumented: marks when its task begins and when it is interrupted."""
    print(f"I am in {multiprocessing.current_process().name}, result is {r}", flush=True)
    mark("busy")
    try:
        time.sleep(TASK_SECONDS)
    except KeyboardInterrupt:
        # Recorded here because the worker's own traceback on stderr is a race: the main process's terminate()
        # often kills the worker (SIGTERM) while it is still printing it.
        mark("interrupted")
        raise
    print(f"end {multiprocessing.current_process().name}", flush=True)


def die_with_the_case():
    """Kill this process group when the case that started it goes away (its stdin pipe closes), so that a case
    ended by a timeout leaves nothing behind: our group is outside the cell's session."""
    while os.read(0, 1024):  # the raw fd: a thread blocked in sys.stdin would abort the interpreter's shutdown
        pass
    os.killpg(0, signal.SIGKILL)


def child(variant, method):
    if sys.platform == "win32":
        kernel32.SetConsoleCtrlHandler(None, False)  # Ctrl+C handled here and in the workers, which inherit it
        sys.stdin.readline()  # the case's go-ahead, once this process is in the case's job (see Console)
    else:
        threading.Thread(target=die_with_the_case, daemon=True).start()
    multiprocessing.set_start_method(method)
    if variant == "plain":
        pool = Pool(2)
        pool.map(func, range(4))
    elif variant == "with":
        with Pool(2) as pool:
            pool.map(func, range(4))
    elif variant == "except":
        pool = Pool(2)
        try:
            pool.map(func, range(4))
        except KeyboardInterrupt:
            print("main: caught KeyboardInterrupt, calling terminate()", flush=True)
            pool.terminate()
            pool.join()
    print("main: end", flush=True)


def process_states(session):
    """{pid: (state letter, parent pid, command line)} of every process in the session, from /proc."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmd = f.read().decode(errors="replace")
        except OSError:  # it ended while we looked
            continue
        if int(fields[3]) == session:  # fields after "(comm)": state, ppid, pgrp, session
            found[int(name)] = (fields[0], int(fields[1]), cmd)
    return found


def living(session):
    """Names of the session's live (non-zombie) processes, the main first (if alive), then the others sorted:
    worker, resource tracker or fork server.  A worker forked by the fork server keeps the fork server's command
    line, so it is told apart by its parent."""
    states = process_states(session)

    def helper(pid):
        cmd = states[pid][2]
        if "resource_tracker" in cmd or "semaphore_tracker" in cmd:
            return "resource tracker"
        if "forkserver" in cmd and not (states[pid][1] in states and "forkserver" in states[states[pid][1]][2]):
            return "fork server"
        return "worker"

    alive = [pid for pid, (state, _, _) in states.items() if state != "Z"]
    main = ["main"] if session in alive else []
    return main + sorted(helper(pid) for pid in alive if pid != session)


class Session:
    """POSIX: the program in a session and process group of its own, like a terminal's foreground job; Ctrl+C is
    SIGINT to that group, and /proc finds what is left of it."""

    def __init__(self, argv, **streams):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, start_new_session=True, **streams)

    def ctrl_c(self):
        os.killpg(self.proc.pid, signal.SIGINT)

    def living(self):
        return living(self.proc.pid)

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.proc.stdin.close()


class Console:
    """Windows: the program in a console of its own without a window, which this case then shares
    (share_console), in a job object that holds every process it starts (a child joins its parent's job), so that
    the job finds what is left and ends it.  Ctrl+C is what a console sends when Ctrl+C is pressed: CTRL_C_EVENT
    to every process attached to it, ``os.kill(0, signal.CTRL_C_EVENT)`` (``GenerateConsoleCtrlEvent(CTRL_C_EVENT,
    0)``), this case included."""

    def __init__(self, argv, **streams):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, creationflags=subprocess.CREATE_NO_WINDOW,
                                     **streams)
        self.job = kernel32.CreateJobObjectW(None, None)
        if not self.job or not kernel32.AssignProcessToJobObject(self.job, wintypes.HANDLE(int(self.proc._handle))):
            raise ctypes.WinError(ctypes.get_last_error())
        why = share_console(self.proc.pid)
        if why:
            self.kill()
            raise NoConsole(why)
        # The console's host (conhost.exe) starts with the program, as its child, so it is in the job too; the
        # program waits for the go-ahead below, so whatever else the job holds now is that host, not a worker.
        self.console_host = set(self.pids()) - {self.proc.pid}
        self.proc.stdin.write(b"go\n")  # only now may the program start its pool, inside the job
        self.proc.stdin.flush()

    def ctrl_c(self):
        del ctrl_c_seen[:]
        os.kill(0, signal.CTRL_C_EVENT)
        deadline = time.monotonic() + MAIN_DEADLINE
        while not ctrl_c_seen and time.monotonic() < deadline:
            time.sleep(0.02)  # interruptible on Windows, unlike a lock's wait: the handler runs when it returns
        print(f"  Ctrl+C: CTRL_C_EVENT to every process of the case's console; this case got it too: {bool(ctrl_c_seen)}")

    def pids(self):
        listed = JOBOBJECT_BASIC_PROCESS_ID_LIST()
        if not kernel32.QueryInformationJobObject(self.job, JOB_OBJECT_BASIC_PROCESS_ID_LIST, ctypes.byref(listed),
                                                  ctypes.sizeof(listed), None):
            raise ctypes.WinError(ctypes.get_last_error())
        return listed.ProcessIdList[:listed.NumberOfProcessIdsInList]

    def living(self):
        """"main" if the program is alive, then a "worker" for each other live process of the job but the
        console's host (Windows has no resource tracker and no fork server)."""
        pids = [pid for pid in self.pids() if pid not in self.console_host]
        return (["main"] if self.proc.pid in pids else []) + ["worker" for pid in pids if pid != self.proc.pid]

    def kill(self):
        kernel32.TerminateJobObject(self.job, 1)
        self.proc.wait()
        self.proc.stdin.close()


if sys.platform == "win32":
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.CreateJobObjectW.restype = wintypes.HANDLE
    kernel32.AssignProcessToJobObject.argtypes = [wintypes.HANDLE, wintypes.HANDLE]
    kernel32.QueryInformationJobObject.argtypes = [wintypes.HANDLE, ctypes.c_int, ctypes.c_void_p, wintypes.DWORD,
                                                   ctypes.c_void_p]
    kernel32.TerminateJobObject.argtypes = [wintypes.HANDLE, wintypes.UINT]
    JOB_OBJECT_BASIC_PROCESS_ID_LIST = 3

    class JOBOBJECT_BASIC_PROCESS_ID_LIST(ctypes.Structure):
        _fields_ = [("NumberOfAssignedProcesses", wintypes.DWORD), ("NumberOfProcessIdsInList", wintypes.DWORD),
                    ("ProcessIdList", ctypes.c_size_t * 64)]

    ctrl_c_seen = []  # the case's own SIGINT handler notes each Ctrl+C it gets, the evidence of a real delivery


class NoConsole(Exception):
    """The case could not share the program's console, so no Ctrl+C can be delivered as a console event."""


def share_console(pid):
    """Windows: attach this case to the console of the program `pid` (leaving its own, if any), with Ctrl+C
    handled: a process started with CREATE_NEW_PROCESS_GROUP (as a harness may start this one) ignores Ctrl+C,
    which ``SetConsoleCtrlHandler(NULL, FALSE)`` undoes.  The program's console exists once the program has
    initialized, so the attach is retried until then, within a deadline.  Returns why it failed, or ""."""
    kernel32.FreeConsole()
    deadline = time.monotonic() + 20
    while not kernel32.AttachConsole(pid):
        error = ctypes.get_last_error()
        if time.monotonic() >= deadline:
            return f"cannot attach to the program's console: {ctypes.WinError(error)}"
        time.sleep(0.02)
    if not kernel32.SetConsoleCtrlHandler(None, False):
        return f"Ctrl+C stays ignored: {ctypes.WinError(ctypes.get_last_error())}"
    signal.signal(signal.SIGINT, lambda signum, frame: ctrl_c_seen.append(signum))
    return ""


def describe_exit(code):
    if code is None:
        return "still running"
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    if code == 0xC000013A:
        return "exit code 0xC000013A (STATUS_CONTROL_C_EXIT)"
    return f"exit code {code}"


def count(markers, event):
    return sum(1 for name in os.listdir(markers) if name.startswith(event + "-"))


def run_variant(variant, method, tmp):
    markers = os.path.join(tmp, variant)
    os.mkdir(markers)
    out_path, err_path = os.path.join(tmp, variant + ".out"), os.path.join(tmp, variant + ".err")
    with open(out_path, "w") as out, open(err_path, "w") as err:
        program = (Console if sys.platform == "win32" else Session)(
            [sys.executable, os.path.abspath(__file__), "--child", variant, method],
            stdout=out, stderr=err, env=dict(os.environ, CTRL_C_POOL_MAP_MARKERS=markers),
        )
    proc = program.proc
    try:
        deadline = time.monotonic() + 20
        while count(markers, "busy") < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        busy = count(markers, "busy")
        time.sleep(0.2)  # both workers are inside time.sleep() now
        print(f"{variant}: workers busy when Ctrl+C was sent: {busy} of 2")
        program.ctrl_c()
        try:
            proc.wait(timeout=MAIN_DEADLINE)
        except subprocess.TimeoutExpired:
            pass
        main_ended = proc.returncode is not None
        # What is left once the rest settles: the helpers exit when their pipes close (the main gone), which on a
        # saturated machine can take seconds; a hung main keeps everything alive until the deadline.
        deadline = time.monotonic() + SETTLE_DEADLINE
        while program.living() and time.monotonic() < deadline:
            time.sleep(0.05)
        left = program.living()
    finally:
        program.kill()
    with open(out_path) as f:
        main_lines = [l for l in f.read().splitlines() if l.startswith("main: ")]
    with open(err_path) as f:
        err = f.read()
    # The main process's traceback passes through child(); the workers' pass through func().
    main_traceback = re.search(r", in child$", err, re.M) is not None
    print(f"  main ended within {MAIN_DEADLINE} s: {main_ended}; {describe_exit(proc.returncode) if main_ended else 'hung'}")
    for line in main_lines:
        print(f"  main printed: {line[len('main: '):]}")
    print(f"  main printed a traceback from pool.map: {main_traceback}")
    if sys.platform == "win32":
        # No terminate() races the workers here (the main never gets that far, see the docstring): each count is
        # exact.  Tasks begun after the Ctrl+C are the pool's replacements for the interrupted workers at work.
        print(f"  KeyboardInterrupt in func: {count(markers, 'interrupted')} of the {busy} busy workers; "
              f"tasks begun after the Ctrl+C: {count(markers, 'busy') - busy}")
    elif variant == "plain":
        # After with/except the main's terminate() races the workers' own KeyboardInterrupt (SIGTERM may kill a
        # worker before it runs its handler: observed 0, 1 or 2 of 2 on 3.13), so only the plain variant, whose
        # main first prints its traceback and only then terminates the pool from atexit, reports this count.
        print(f"  busy workers that got KeyboardInterrupt in func: {count(markers, 'interrupted')} of {busy}")
    print(f"  alive once the rest settled, within {SETTLE_DEADLINE} s: {', '.join(left) or 'nothing'}")
    return program


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
        sys.exit(0)
    if sys.platform != "win32" and not sys.platform.startswith("linux"):
        print("skipped: this case finds what a Ctrl+C left behind in Linux's /proc", file=sys.stderr)
        sys.exit(77)

    method = multiprocessing.get_start_method()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            groups = [run_variant(v, method, tmp) for v in VARIANTS]
        except NoConsole as exc:
            print(f"skipped: Ctrl+C cannot be delivered here as a console event ({exc})", file=sys.stderr)
            sys.exit(77)
    deadline = time.monotonic() + 5
    while any(g.living() for g in groups) and time.monotonic() < deadline:
        time.sleep(0.05)
    print(f"after killing the groups, processes left: {sum(len(g.living()) for g in groups)}")
