"""Tests for harness.wine: telling Wine from Windows, the server around a run (with fake wineserver and wine
commands, and with the real ones of tools/wine-pythons where they are installed), reading exit statuses back, and
spelling Wine's paths as POSIX ones so that one expectation serves both."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import List

import pytest

from harness import interpreters, wine
from harness.execute import Limits, run_cell
from harness.model import Cell, Interpreter
from harness.normalize import Context, normalize

WINE_PYTHONS = Path(os.environ.get("WINE_PYTHONS", "/opt/wine-pythons"))
WINE_312 = WINE_PYTHONS / "bin" / "python3.12"
# The fake wineserver and wine are shell scripts, and the server's processes are found in /proc.
# (Under Wine a Windows process can read /proc too: the platform decides, not the folder.)
needs_posix = pytest.mark.skipif(sys.platform == "win32" or not os.path.isdir("/proc/self"),
                                 reason="fake Wine commands are sh scripts; reads /proc")
needs_wine = pytest.mark.skipif(
    not (sys.platform.startswith("linux") and os.access(WINE_312, os.X_OK) and wine.server_for(str(WINE_312))),
    reason="needs tools/wine-pythons's interpreters (Linux)",
)


# -- (a) which Wine ------------------------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="on win32 the answer is the question (Windows or Wine?)")
def test_no_wine_version_outside_windows():
    assert wine.wine_version() == ""


def test_a_flavour_names_the_wine_version_and_windows_itself_has_none():
    assert wine.flavour("8.0") == "wine8.0"
    assert wine.flavour("10.0") == "wine10.0"
    assert wine.flavour("") == ""


def test_a_wine_flavour_is_wine_and_windows_itself_is_not():
    assert wine.is_wine("wine8.0") and wine.is_wine("wine10.0")
    assert not wine.is_wine("") and not wine.is_wine("rosetta")


def test_the_probe_source_is_what_this_module_runs_and_says_nothing_on_linux():
    namespace: dict = {"sys": sys}
    exec(wine.PROBE_SOURCE, namespace)
    assert namespace["wine_version"]() == wine.wine_version()
    assert wine.PROBE_SOURCE in interpreters.PROBE_SCRIPT  # the probe asks every interpreter


@needs_wine
def test_the_probe_of_a_wine_python_says_which_wine():
    completed = subprocess.run([str(WINE_312), "-E", "-s", "-c", interpreters.PROBE_SCRIPT], capture_output=True,
                               text=True, timeout=60)
    info = interpreters._parse_description(completed.stdout)
    assert info is not None, completed.stderr
    assert info["platform"] == "win32" and info["machine"] == "AMD64"
    assert info["wine"].split(".")[0].isdigit()  # "8.0"


# -- (b) the server ------------------------------------------------------------------------------------------------


def write_fake_wine(folder: Path, prefix: Path) -> None:
    """wineserver -p starts a detached `sleep` that carries WINEPREFIX, as the real server does (unless one runs);
    -k kills it; wine
    records its arguments and whether any of its streams is a pipe."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix.mkdir(parents=True, exist_ok=True)
    (folder / "wineserver").write_text(textwrap.dedent(f"""\
        #!/bin/sh
        export WINEPREFIX={prefix}
        case "$1" in
          -p) [ -f {folder}/server.pid ] && grep -q ') [^Z]' /proc/$(cat {folder}/server.pid)/stat 2>/dev/null \\
                && exit 0  # one runs (a killed one may stay a zombie: this machine's init need not reap it)
              sleep 60 & echo $! > {folder}/server.pid ;;
          -k) kill $(cat {folder}/server.pid) ;;
        esac
        """))
    (folder / "wine").write_text(textwrap.dedent(f"""\
        #!/bin/sh
        export WINEPREFIX={prefix}
        echo "$@" > {folder}/wine.args
        for fd in 0 1 2; do [ -p /proc/self/fd/$fd ] && echo "pipe on $fd" >> {folder}/wine.args; done
        exit 0
        """))
    for name in ("wineserver", "wine"):
        (folder / name).chmod(0o755)


@needs_posix
def test_the_server_of_a_command_is_named_by_the_wineserver_beside_it(tmp_path):
    write_fake_wine(tmp_path / "bin", tmp_path / "prefix")
    (tmp_path / "bin" / "python3.12").write_text("#!/bin/sh\n")
    server = wine.server_for(str(tmp_path / "bin" / "python3.12"))
    assert server == wine.Server(str(tmp_path / "bin"), str(tmp_path / "prefix"))
    assert wine.server_for(str(tmp_path / "python3.12")) is None  # no wineserver beside it
    (tmp_path / "bin" / "wine").unlink()
    assert wine.server_for(str(tmp_path / "bin" / "python3.12")) is None


@needs_posix
def test_servers_start_detached_and_nothing_of_the_prefix_outlives_them(tmp_path):
    prefix = tmp_path / "prefix"
    write_fake_wine(tmp_path / "bin", prefix)
    with wine.servers([str(tmp_path / "bin" / "python3.12")] * 2) as started:
        assert len(started) == 1  # one server per prefix, however many interpreters share it
        alive = wine.prefix_processes(str(prefix))
        assert len(alive) == 1
        assert (tmp_path / "bin" / "wine.args").read_text() == "cmd /c exit\n"  # and no stream of ours was a pipe
        assert os.getsid(alive[0]) != os.getsid(0)  # its own session: no terminal signal of the run reaches it
    deadline = time.monotonic() + 5
    while wine.prefix_processes(str(prefix)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert wine.prefix_processes(str(prefix)) == []


@needs_posix
def test_a_prefix_process_that_survives_the_stop_is_killed_and_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(wine, "SERVER_STOP_S", 0.5)
    prefix = tmp_path / "prefix"
    write_fake_wine(tmp_path / "bin", prefix)
    (tmp_path / "bin" / "wineserver").write_text(  # -k forgets to kill it
        f"#!/bin/sh\nexport WINEPREFIX={prefix}\n[ \"$1\" = -p ] && sleep 60 &\nexit 0\n")
    reports: List[str] = []
    with wine.servers([str(tmp_path / "bin" / "python3.12")], report=reports.append):
        pass
    assert [line for line in reports if "still alive" in line] != []
    assert any(line.endswith("s of CPU") for line in reports)  # the server's own cost, which no cell's cpu_s holds
    time.sleep(0.1)
    assert wine.prefix_processes(str(prefix)) == []


@needs_posix
def test_a_server_that_cannot_start_is_an_error_naming_the_folder(tmp_path):
    write_fake_wine(tmp_path / "bin", tmp_path / "prefix")
    (tmp_path / "bin" / "wine").write_text("#!/bin/sh\nexit 3\n")
    with pytest.raises(wine.WineError, match=r"bin: `wine cmd /c exit` exited with status 3"):
        with wine.servers([str(tmp_path / "bin" / "python3.12")]):
            pass


def test_prefix_processes_are_found_by_their_environment(tmp_path):
    proc = tmp_path / "proc"
    for pid, environ, state in ((11, b"A=1\0WINEPREFIX=/p\0B=2\0", b"S"), (12, b"WINEPREFIX=/p\0", b"R"),
                                (13, b"WINEPREFIX=/p2\0", b"S"), (14, b"WINEPREFIX=/p\0", b"Z")):
        (proc / str(pid)).mkdir(parents=True)
        (proc / str(pid) / "environ").write_bytes(environ)
        (proc / str(pid) / "stat").write_bytes(f"{pid} (x) ".encode() + state + b" 1 2")
    (proc / "self").mkdir()
    assert wine.prefix_processes("/p/", proc=str(proc)) == [11, 12]  # not /p2's, not the zombie


KEYBOARD_INTERRUPT = 'Traceback (most recent call last):\r\n  File "Z:\\work\\x.py", line 3, in <module>\r\nKeyboardInterrupt\r\n'


def test_an_uncaught_keyboard_interrupt_reads_back_as_status_control_c_exit():
    assert wine.windows_status(58, KEYBOARD_INTERRUPT) == 0xC000013A
    assert wine.windows_status(58, "") == 58  # sys.exit(58): nothing says otherwise
    assert wine.windows_status(58, KEYBOARD_INTERRUPT + "then something else\r\n") == 58
    assert wine.windows_status(1, KEYBOARD_INTERRUPT) == 1  # caught and exited with 1: not Windows' Ctrl+C status


def test_a_crash_reads_back_only_with_its_evidence():
    wine8 = "wine: Unhandled page fault on read access to 0000000000000000 at address 0000000180222303 (thread 0190), starting debugger...\n"
    assert wine.windows_status(5, wine8) == 0xC0000005
    assert wine.windows_status(5, "Windows fatal exception: access violation\n\nCurrent thread ...\n") == 0xC0000005
    assert wine.windows_status(5, "") == 5  # Wine 10 prints nothing: it stays 5
    assert wine.windows_status(6, wine8) == 6  # the byte must fit the evidence
    assert wine.windows_status(0xFD, "wine: Unhandled stack overflow at address 000000017002D3F8\n") == 0xC00000FD


def test_a_wine_cells_status_is_read_back_when_it_is_judged():
    """Wine hands over the low byte of a Windows status: the judge reads it back where stderr shows the cause, and
    names a crash as on Windows (`signal:ACCESS_VIOLATION`); a native cell's 58 stays 58."""
    from harness.casefile import parse_case
    from harness.judge import judge
    from harness.model import Observation

    case = parse_case('# /// case\n# claim = "c"\n# source = "s"\n# ids = ["S1"]\n# ///\n', "/cases/demo.py")
    windows = Interpreter(executable="/opt/wine-pythons/bin/python3.12", version="3.12.9", platform="win32",
                          start_methods=("spawn",), default_start_method="spawn", flavour="wine8.0")
    cell = Cell("demo", "/cases/demo.py", windows, "spawn")
    interrupted = judge(case, cell, Observation(exit=58, stderr=KEYBOARD_INTERRUPT))
    assert (interrupted.observed.exit, interrupted.exit) == (0xC000013A, str(0xC000013A))
    crash = "wine: Unhandled page fault on read access to 0000000000000000 at address 0 (thread 0190), starting debugger...\n"
    crashed = judge(case, cell, Observation(exit=5, stderr=crash))
    assert (crashed.observed.exit, crashed.exit) == (0xC0000005, "signal:ACCESS_VIOLATION")
    linux = Cell("demo", "/cases/demo.py", Interpreter(executable="/usr/bin/python3"), "spawn")
    assert judge(case, linux, Observation(exit=58, stderr=KEYBOARD_INTERRUPT)).exit == "58"  # only Wine cells
    hung = judge(case, cell, Observation(timed_out=True, signal="SIGTERM",
                                         stacks='  File "Z:\\cases\\demo.py", line 15 in wait\n'))
    assert hung.observed.stacks == '  File "/cases/demo.py", line 15 in wait\n'  # its stacks name Linux paths too


def test_an_unimplemented_function_is_named():
    stderr = ("wine: Call from 000000017002D3F8 to unimplemented function KERNEL32.dll.PssCaptureSnapshot, aborting\n"
              "wine: Unimplemented function KERNEL32.dll.PssCaptureSnapshot called at address 000000017002D3F8\n")
    assert wine.unimplemented_function(stderr) == "KERNEL32.dll.PssCaptureSnapshot"
    assert wine.unimplemented_function("Traceback ...\n") == ""


# -- (d) paths -----------------------------------------------------------------------------------------------------


def test_drive_z_paths_become_linux_paths():
    assert wine.posix_paths('File "Z:\\work\\cases\\x.py", line 3') == 'File "/work/cases/x.py", line 3'
    assert wine.posix_paths("['Z:\\\\tmp\\\\mpmatrix-cell-1', 'z:/work']") == "['/tmp/mpmatrix-cell-1', '/work']"
    assert wine.posix_paths("cwd Z:\\tmp\\a b") == "cwd /tmp/a b"
    assert wine.posix_paths("AZ:\\x and C:\\users\\root\\Temp") == "AZ:\\x and C:\\users\\root\\Temp"  # not drive Z:


def test_the_embeddable_stdlibs_relative_frames_become_stdlib_frames():
    text = ('  File "multiprocessing\\process.py", line 314, in _bootstrap\n'
            '  File "threading.py", line 1, in run\n'
            '  File "<string>", line 1, in <module>\n'
            '  File "C:\\Python312\\Lib\\x.py", line 2, in f\n'
            '  |   File "asyncio\\runners.py", line 5, in run\n')
    assert wine.posix_paths(text).splitlines() == [
        '  File "<stdlib>/multiprocessing/process.py", line 314, in _bootstrap',
        '  File "<stdlib>/threading.py", line 1, in run',
        '  File "<string>", line 1, in <module>',
        '  File "C:\\Python312\\Lib\\x.py", line 2, in f',
        '  |   File "<stdlib>/asyncio/runners.py", line 5, in run',
    ]


def test_one_expectation_serves_a_linux_and_a_wine_traceback():
    """The same failure as Linux CPython and the embeddable build under Wine print it: normalized alike."""
    linux = (
        "Traceback (most recent call last):\n"
        '  File "/work/cases/seed/demo.py", line 9, in <module>\n'
        "    pool.map(f, [1])\n"
        '  File "/usr/lib/python3.12/multiprocessing/pool.py", line 367, in map\n'
        "    return self._map_async(func, iterable, mapstar, chunksize).get()\n"
        "ValueError: bad\n"
    )
    windows = (  # CRLF; no source line for the stdlib frame (the zip holds no .py), backslashes, drive Z:
        "Traceback (most recent call last):\r\n"
        '  File "Z:\\work\\cases\\seed\\demo.py", line 9, in <module>\r\n'
        "    pool.map(f, [1])\r\n"
        '  File "multiprocessing\\pool.py", line 367, in map\r\n'
        "ValueError: bad\r\n"
    )
    linux_context = Context(stdlib_dirs=("/usr/lib/python3.12",), case_dir="/work/cases/seed")
    windows_context = Context(stdlib_dirs=("Z:\\opt\\wine-pythons\\cpython-3.12.9-embed-amd64\\Lib",),
                              case_dir="/work/cases/seed")
    expected = normalize(linux, linux_context)
    assert '  File "<case>/demo.py", line 9, in <module>' in expected and "[stdlib frames]" in expected
    assert normalize(wine.posix_paths(windows), windows_context) == expected


@needs_wine
def test_a_wine_cell_runs_under_the_keeper_with_its_server_outside_and_leaves_nothing(tmp_path):
    """The real thing: a Ctrl+C exit and a crash, run as cells under the keeper, with the server started before
    and stopped after. No Wine process is a leak of the cells, none outlives the servers."""
    case = tmp_path / "interrupt.py"
    case.write_text("raise KeyboardInterrupt\n")
    crash = tmp_path / "crash.py"
    crash.write_text("import faulthandler\nfaulthandler.disable()\nfaulthandler._read_null()\n")
    server = wine.server_for(str(WINE_312))
    assert server is not None
    from harness.casefile import parse_case
    from harness.judge import judge

    head = '# /// case\n# claim = "c"\n# source = "s"\n# ids = ["S1"]\n# ///\n'
    try:
        interpreter = interpreters.probe(str(WINE_312))  # starts the prefix's server, outside every cell
        assert (interpreter.platform, interpreter.flavour[:4]) == ("win32", "wine")
        interrupted = run_cell(Cell("interrupt", str(case), interpreter, "spawn"), Limits(timeout=60))
        crashed = run_cell(Cell("crash", str(crash), interpreter, "spawn"), Limits(timeout=60))
        judged = judge(parse_case(head, str(case)), Cell("interrupt", str(case), interpreter, "spawn"), interrupted)
    finally:
        wine.release()
    assert (interrupted.exit, interrupted.leftovers) == (58, ())  # as Wine hands it over; the judge reads it back
    assert judged.observed.exit == 0xC000013A
    assert interrupted.stderr.endswith("KeyboardInterrupt\r\n")
    assert crashed.leftovers == ()
    if not another_run_uses(server.prefix):  # then the server is theirs to stop, and rightly still there
        assert wine.prefix_processes(server.prefix) == []


def another_run_uses(prefix: str) -> bool:
    """Whether another run (another test session, an mpmatrix run) holds the prefix's users lock."""
    import fcntl

    fd = os.open(os.path.join(prefix, wine.USERS_FILE), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


@needs_posix
def test_of_two_runs_sharing_a_prefix_the_last_to_end_stops_the_server(tmp_path):
    prefix = tmp_path / "prefix"
    write_fake_wine(tmp_path / "bin", prefix)
    python = str(tmp_path / "bin" / "python3.12")
    with wine.servers([python]):
        with wine.servers([python]):  # a second run starts while the first runs, and ends first
            pass
        assert wine.prefix_processes(str(prefix)) != []  # the first run's cells still have their server
    time.sleep(0.1)
    assert wine.prefix_processes(str(prefix)) == []


@needs_wine
def test_the_wine_command_runs_like_an_interpreter_with_files_as_its_streams(tmp_path):
    """Regular files as stdin, stdout and stderr (which abort CPython under Wine 8 when handed over as they are):
    tools/wine-pythons's command passes them through pipes and still exits with the script's status."""
    script = tmp_path / "echo.py"
    script.write_text("import sys\nprint(sys.stdin.read().upper(), end='')\nprint('to stderr', file=sys.stderr)\n"
                      "sys.exit(7)\n")
    (tmp_path / "in.txt").write_text("hello\n")
    with open(tmp_path / "in.txt") as stdin, open(tmp_path / "out.txt", "w") as stdout, \
            open(tmp_path / "err.txt", "w") as stderr:
        code = subprocess.call([str(WINE_312), str(script)], stdin=stdin, stdout=stdout, stderr=stderr, timeout=60)
    assert code == 7
    assert (tmp_path / "out.txt").read_bytes() == b"HELLO\r\n"
    assert (tmp_path / "err.txt").read_bytes() == b"to stderr\r\n"


WINE10_312 = WINE_PYTHONS / "wine10" / "bin" / "python3.12"


@pytest.mark.skipif(not (sys.platform.startswith("linux") and os.access(WINE10_312, os.X_OK)),
                    reason="needs tools/wine-pythons's Wine 10 commands (Linux, with newest-pythons' chroot)")
@pytest.mark.parametrize("tmpdir", ["/tmp", ""])
def test_a_wine10_command_runs_whatever_tmpdir_says(tmp_path, tmpdir):
    """Debian unstable's Wine 10.0 aborts (free(): invalid pointer) whenever TMPDIR is set, and the harness and
    pytest set it for cells: tools/wine-pythons's Wine 10 commands run Wine without it."""
    done = subprocess.run([str(WINE10_312), "-c", "import tempfile; print(tempfile.gettempdir())"],
                          env={**os.environ, "TMPDIR": tmpdir}, cwd=str(tmp_path), capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("C:\\")  # TEMP of the prefix, as on Windows


def test_only_drive_z_paths_have_a_linux_spelling():
    assert wine.linux_path("Z:\\opt\\wine-pythons\\cpython-3.12.9-embed-amd64\\python312.zip") == \
        "/opt/wine-pythons/cpython-3.12.9-embed-amd64/python312.zip"
    assert wine.linux_path("z:/work/cases") == "/work/cases"
    assert wine.linux_path("Z:\\") == "/" and wine.linux_path("Z:") == "/"
    assert wine.linux_path("C:\\users\\root\\Temp") == "C:\\users\\root\\Temp"  # inside the prefix: no Linux twin here
    assert wine.linux_path("Zz:\\x") == "Zz:\\x" and wine.linux_path("Z:x") == "Z:x"  # not drive Z:'s root
    assert wine.linux_path("/usr/lib/python3.12") == "/usr/lib/python3.12"


def test_a_wine_interpreters_stdlib_folders_are_the_linux_paths_its_cells_output_is_judged_in():
    """The probe under Wine names Windows paths; the harness sees the cells' output with Z:\\ paths spelled as Linux
    ones, so the stdlib folders are spelled so too, the zip that holds the embeddable stdlib among them."""
    description = {"version": "3.12.9", "platform": "win32", "wine": "8.0",
                   "stdlib_dirs": ["Z:\\opt\\py\\Lib", "Z:\\opt\\py\\python312.zip", "C:\\elsewhere"]}
    interpreter = interpreters._interpreter_from(description, "/opt/wine-pythons/bin/python3.12", "path")
    assert interpreter.stdlib_dirs == ("/opt/py/Lib", "/opt/py/python312.zip", "C:\\elsewhere")
    windows = dict(description, wine="")  # Windows itself: its paths are the ones its cells print
    assert interpreters._interpreter_from(windows, "C:\\py\\python.exe", "path").stdlib_dirs == tuple(
        description["stdlib_dirs"])


def test_a_stdlib_path_in_a_wine_cells_output_is_judged_as_the_stdlib():
    from harness.casefile import parse_case
    from harness.judge import judge
    from harness.model import Observation

    case = parse_case('# /// case\n# claim = "c"\n# source = "s"\n# ids = ["S1"]\n# ///\n', "/work/cases/demo.py")
    windows = Interpreter(executable="/opt/wine-pythons/bin/python3.12", version="3.12.9", platform="win32",
                          start_methods=("spawn",), default_start_method="spawn", flavour="wine8.0",
                          stdlib_dirs=("/opt/py/Lib", "/opt/py/python312.zip"))
    cell = Cell("demo", "/work/cases/demo.py", windows, "spawn")
    printed = "Z:\\opt\\py\\python312.zip\\multiprocessing\\__init__.pyc\r\nZ:\\work\\cases\\helper.py\r\n"
    judged = judge(case, cell, Observation(exit=0, stdout=printed))
    assert judged.judged.stdout == "<stdlib>/multiprocessing/__init__.pyc\n<case>/helper.py\n"


@needs_wine
def test_the_probe_names_the_zip_of_the_embeddable_stdlib_where_linux_sees_it():
    try:
        interpreter = interpreters.probe(str(WINE_312))
    finally:
        wine.release()
    assert any(folder.endswith(".zip") and os.path.isfile(folder) for folder in interpreter.stdlib_dirs), \
        interpreter.stdlib_dirs


def test_a_harness_under_wine_judges_its_case_folder_as_linux_spells_it(monkeypatch):
    """The harness itself run by a Windows Python under Wine: the case's path is Z:\\..., its cells' output is
    judged with Z:\\ paths spelled as Linux ones, so the case folder is spelled so too."""
    from harness import judge

    monkeypatch.setattr(judge.os.path, "abspath", lambda path: path)
    windows = Interpreter(executable="Z:\\opt\\py\\python.exe", version="3.13.2", platform="win32", flavour="wine8.0")
    context = judge.context_for(Cell("demo", "Z:/work/cases/demo.py", windows, "spawn"))  # os.path of Linux: /
    assert context.case_dir == "/work/cases"


@needs_posix
def test_a_run_is_told_what_its_servers_used_since_it_started_them(tmp_path, monkeypatch):
    """The server and Wine's services are nobody's children: no cell's cpu_s holds their CPU, so release() returns
    what each prefix used while this run held it (a server another run had up counts from when this one joined)."""
    write_fake_wine(tmp_path / "bin", tmp_path / "prefix")
    readings = iter([1.25, 4.0])  # before the start, and at the release
    monkeypatch.setattr(wine, "prefix_cpu_s", lambda prefix: next(readings))
    reports: List[str] = []
    wine.use(str(tmp_path / "bin" / "python3.12"))
    assert wine.release(reports.append) == {str(tmp_path / "prefix"): 2.75}
    assert reports[0] == f"Wine's server and services of {tmp_path / 'prefix'} used 2.75 s of CPU"
    assert wine.release() == {}  # released: nothing more to say


WINE_313 = WINE_PYTHONS / "bin" / "python3.13"
WINE_HARNESS = Path(__file__).resolve().parents[1] / "tools" / "wine-harness"


@pytest.fixture(scope="module")
def wine_harness_site() -> str:
    """The Windows wheels of the harness's dependencies (tools/wine-harness install: from its cache, or PyPI once)."""
    if not (sys.platform.startswith("linux") and os.access(WINE_313, os.X_OK) and wine.server_for(str(WINE_313))):
        pytest.skip("needs tools/wine-pythons's CPython 3.13 (Linux)")
    done = subprocess.run([str(WINE_HARNESS), "--python", str(WINE_313), "install"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.skip(f"tools/wine-harness install failed (no network for its first download?): {done.stderr.strip()}")
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.e2e
def test_sigkill_of_a_harness_under_wine_ends_its_cells_through_the_job_object(wine_harness_site, tmp_path):
    """The harness itself run by Windows CPython under Wine, SIGKILLed from Linux (as the OOM killer or `kill -9`
    would): no handler of it runs, yet its cell and the grandchild the cell started end, because Wine closes the
    dead process's handles and the Job object's KILL_ON_JOB_CLOSE ends what is in it."""
    from conftest import processes_mentioning, wait_until_gone

    marker = f"mpmatrix-jobtest-{os.getpid()}-{time.monotonic_ns()}"
    harness = (
        "import os, sys, time\n"
        "from harness import execute\n"
        f"child = 'import subprocess, sys, time; p = subprocess.Popen([sys.executable, \"-c\", \"import time; time.sleep(60)  # {marker}\"]); print(p.pid, flush=True); time.sleep(60)'\n"
        "cell = execute.start_cell([sys.executable, '-c', child], '.', dict(os.environ))\n"
        "print(cell.stdout.readline().decode().strip(), flush=True)\n"
        "time.sleep(60)\n"
    )
    repo = WINE_HARNESS.parents[1]
    env = dict(os.environ, PYTHONPATH=f"Z:{repo};Z:{wine_harness_site}", PYTHONUTF8="1")
    try:
        wine.use(str(WINE_313))  # the server outside the harness, as tools/wine-harness starts it
        # No regular file among its streams (pytest's capture is one): the wine-pythons command then execs Wine, so
        # this pid is python.exe's
        process = subprocess.Popen([str(WINE_313), "-c", harness], cwd=str(tmp_path), env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert process.stdout is not None and process.stdout.readline().strip().isdigit()
        assert len(processes_mentioning(marker)) == 3  # the harness, its cell, the cell's child (the marker's text)
        import psutil

        assert psutil.Process(process.pid).cmdline()[0].endswith("python.exe")  # the harness itself, not a wrapper
        process.kill()  # SIGKILL of the Linux process of the harness
        process.wait(timeout=30)
        assert wait_until_gone(marker, seconds=5) == []
    finally:
        wine.release()


@needs_posix
def test_a_server_killed_during_the_run_is_started_again_before_the_next_cell(tmp_path):
    """Something ran `wineserver -k` mid-run (a command that does not take the prefix's lock): the next use()
    starts the server again rather than letting a cell start one among its own processes."""
    prefix = tmp_path / "prefix"
    write_fake_wine(tmp_path / "bin", prefix)
    python = str(tmp_path / "bin" / "python3.12")
    try:
        wine.use(python)
        (first,) = wine.prefix_processes(str(prefix))
        wine.use(python)  # up: nothing is started
        assert wine.prefix_processes(str(prefix)) == [first]
        os.kill(first, 9)
        deadline = time.monotonic() + 5
        while wine.prefix_processes(str(prefix)) and time.monotonic() < deadline:
            time.sleep(0.02)
        wine.use(python)
        (second,) = wine.prefix_processes(str(prefix))
        assert second != first
    finally:
        wine.release()
    assert wine.prefix_processes(str(prefix)) == []
