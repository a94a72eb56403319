"""Interpreter discovery: PATH, pyenv, pyenv-win, uv, conda and the py launcher faked; end-to-end probes of real installs."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import platform as platform_module
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from harness import execute, interpreters
from harness.errors import UsageError
from harness.interpreters import InterpreterError, Problem, current, discover, parse_py_launcher, probe, resolve
from harness.model import Interpreter

FAKE_CURRENT = Interpreter(executable="/fake/current/bin/python", version="3.14.0", source="current")
# A POSIX machine faked in a temporary folder (bin/python3.X with executable bits, a PATH joined with ':', pyenv's
# bin/ layout) cannot stand on a Windows file system: its drive letters break the ':' PATH and nothing is executable
# by its mode. The Windows layouts have their own tests below, faked and real.
posix_layout = pytest.mark.skipif(sys.platform == "win32", reason="fakes a POSIX machine's layout, which a Windows "
                                  "file system cannot stand in for (drive letters in a ':' PATH, no executable bits)")


def description(
    version: str = "3.12.1",
    free_threaded: bool = False,
    implementation: str = "cpython",
    platform: str = "linux",
    default_start_method: str = "fork",
) -> Dict[str, Any]:
    """What the probe script prints, as a dict."""
    if version.startswith(("2.", "3.6")):
        return {"implementation": implementation, "version": version, "executable": "/somewhere/python"}
    windows = platform == "win32"
    return {
        "implementation": implementation,
        "version": version,
        "executable": "/somewhere/python",
        "free_threaded": free_threaded,
        "platform": platform,
        "machine": "AMD64" if windows else "x86_64",
        "start_methods": ["spawn"] if windows else ["fork", "spawn", "forkserver"],
        "default_start_method": "spawn" if windows else default_start_method,
        "stdlib_dirs": ["/somewhere/lib/python" + ".".join(version.split(".")[:2])],
    }


def executable(path: Path) -> str:
    """A fake executable file at path (its parents created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 99\n")
    path.chmod(0o755)
    return str(path)


def answers(fp: Any, path: str, info: Optional[Dict[str, Any]] = None, **process: Any) -> None:
    """Make the probe of path print info (or whatever `process` says)."""
    if info is not None:
        process["stdout"] = json.dumps(info) + "\n"
    fp.register([path, fp.any()], **process)


@pytest.fixture
def fake_current(monkeypatch: pytest.MonkeyPatch) -> Interpreter:
    monkeypatch.setattr(interpreters, "current", lambda: FAKE_CURRENT)
    return FAKE_CURRENT


@pytest.fixture
def fake_windows_current(monkeypatch: pytest.MonkeyPatch) -> Interpreter:
    """The harness's own interpreter on Windows: discovery sorts it among the others of its platform."""
    current = dataclasses.replace(FAKE_CURRENT, platform="win32", executable="/fake/current/bin/python")
    monkeypatch.setattr(interpreters, "current", lambda: current)
    return current


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty home directory: no ~/.pyenv unless a test makes one."""
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


def versions(found: List[Interpreter]) -> List[str]:
    return [i.version + ("t" if i.free_threaded else "") for i in found]


# probe and current


def test_probe_records_every_field(fp: Any) -> None:
    answers(fp, "/opt/python3.12", description("3.12.1"))
    interpreter = probe("/opt/python3.12", source="path")
    assert interpreter == Interpreter(
        executable="/opt/python3.12",
        implementation="cpython",
        version="3.12.1",
        free_threaded=False,
        platform="linux",
        machine="x86_64",
        start_methods=("fork", "spawn", "forkserver"),
        default_start_method="fork",
        stdlib_dirs=("/somewhere/lib/python3.12",),
        source="path",
    )
    assert interpreter.tag == "3.12"


def test_probe_ignores_lines_printed_before_the_description(fp: Any) -> None:
    answers(fp, "/opt/py", stdout="sitecustomize says hi\n" + json.dumps(description("3.13.0", free_threaded=True)))
    assert probe("/opt/py").tag == "3.13t"


def test_probe_of_too_old_interpreter_says_which_version(fp: Any) -> None:
    answers(fp, "/opt/python2", description("2.7.18"))
    with pytest.raises(InterpreterError) as raised:
        probe("/opt/python2")
    assert raised.value.reason == "too old: 2.7.18, mpmatrix needs CPython >= 3.7"
    assert str(raised.value) == "/opt/python2: too old: 2.7.18, mpmatrix needs CPython >= 3.7"


def test_probe_of_broken_interpreter_quotes_its_error(fp: Any) -> None:
    stderr = "Traceback (most recent call last):\n  File x\nImportError: no module named encodings\n"
    answers(fp, "/opt/broken", stdout="", stderr=stderr, returncode=1)
    with pytest.raises(InterpreterError, match=r"^/opt/broken: broken: exited with status 1: ImportError: no mod"):
        probe("/opt/broken")


def test_probe_of_something_else_says_it_is_not_python(fp: Any) -> None:
    answers(fp, "/bin/echo", stdout="-E -s -c ...\n")
    with pytest.raises(InterpreterError, match=r"^/bin/echo: not Python: it printed '-E -s -c \.\.\.'; expected"):
        probe("/bin/echo")


def test_probe_of_missing_file_cannot_run(tmp_path: Path) -> None:
    missing = str(tmp_path / "python3.99")
    # POSIX, Windows, Wine
    missing_file = r"(?:No such file or directory|The system cannot find the file specified|File not found)"
    with pytest.raises(InterpreterError, match=rf"python3\.99: cannot be run \({missing_file}\); expected"):
        probe(missing)


def test_probe_of_hanging_interpreter_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(argv: List[str], timeout: float = 10.0) -> None:
        raise subprocess.TimeoutExpired(argv, timeout)

    monkeypatch.setattr(execute, "run_quick", hang)
    with pytest.raises(InterpreterError, match=r"^/opt/slow: did not answer within 10 s"):
        probe("/opt/slow")


def test_interpreter_error_survives_pickling() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(InterpreterError("/x", "broken")))
    assert (error.executable, error.reason, str(error)) == ("/x", "broken", "/x: broken")


def test_current_matches_what_the_probe_script_prints_here() -> None:
    here = current()
    probed = probe(sys.executable)
    assert here.source == "current" and here.executable == sys.executable
    assert here.version == platform_module.python_version()
    assert probed == dataclasses.replace(here, source="explicit")


def test_current_leaves_the_start_method_unset() -> None:
    before = multiprocessing.get_start_method(allow_none=True)
    assert current().default_start_method in ("fork", "spawn", "forkserver")
    assert multiprocessing.get_start_method(allow_none=True) == before


# discover: PATH, pyenv, shims, dedup


@posix_layout
def test_discover_finds_versioned_commands_on_path(fp: Any, tmp_path: Path, home: Path, fake_current: Any) -> None:
    bin_dir = tmp_path / "bin"
    for name in ("python3.12", "python3.13t", "python3.9"):
        executable(bin_dir / name)
    executable(bin_dir / "python3.12-config")
    executable(bin_dir / "python3")
    (bin_dir / "python3.10").write_text("not executable")
    answers(fp, str(bin_dir / "python3.9"), description("3.9.18"))
    answers(fp, str(bin_dir / "python3.12"), description("3.12.1"))
    answers(fp, str(bin_dir / "python3.13t"), description("3.13.0", free_threaded=True))

    found, problems = discover({"PATH": f"{tmp_path / 'nowhere'}:{bin_dir}", "HOME": str(home)}, platform="linux")

    assert versions(found) == ["3.9.18", "3.12.1", "3.13.0t", "3.14.0"]
    assert [i.source for i in found] == ["path", "path", "path", "current"]
    assert problems == []


def test_discover_finds_pyenv_installs_and_reports_old_ones_once(
    fp: Any, tmp_path: Path, home: Path, fake_current: Any
) -> None:
    root = tmp_path / "pyenv"
    good = executable(root / "versions/3.11.7/bin/python")
    free = executable(root / "versions/3.13.0t/bin/python3.13t")
    old = executable(root / "versions/2.7.18/bin/python")
    older = executable(root / "versions/3.6.15/bin/python")
    broken = executable(root / "versions/3.10.0/bin/python")
    answers(fp, good, description("3.11.7"))
    answers(fp, free, description("3.13.0", free_threaded=True))
    answers(fp, old, description("2.7.18"))
    answers(fp, older, description("3.6.15"))
    answers(fp, broken, stderr="error while loading shared libraries: libssl.so.1.1\n", returncode=127)

    found, problems = discover({"PATH": "", "HOME": str(home), "PYENV_ROOT": str(root)}, platform="linux")

    assert [(i.version, i.executable, i.source) for i in found[:2]] == [
        ("3.11.7", good, "pyenv"),
        ("3.13.0", free, "pyenv"),
    ]
    assert problems == [  # in the order the version directories sort
        Problem(old, "pyenv", "too old: 2.7.18, mpmatrix needs CPython >= 3.7"),
        Problem(broken, "pyenv", "broken: exited with status 127: error while loading shared libraries: "
                "libssl.so.1.1; expected a working Python >= 3.7"),
        Problem(older, "pyenv", "too old: 3.6.15, mpmatrix needs CPython >= 3.7"),
    ]


def test_discover_looks_in_home_pyenv_without_pyenv_root(fp: Any, home: Path, fake_current: Any) -> None:
    python = executable(home / ".pyenv/versions/3.8.18/bin/python")
    answers(fp, python, description("3.8.18"))
    found, _ = discover({"PATH": "", "HOME": str(home)}, platform="darwin")
    assert [(i.version, i.source) for i in found] == [("3.8.18", "pyenv"), ("3.14.0", "current")]


@posix_layout
def test_pyenv_shim_is_replaced_by_the_install_it_stands_for(
    fp: Any, tmp_path: Path, home: Path, fake_current: Any
) -> None:
    root = tmp_path / "pyenv"
    executable(root / "shims/python3.12")  # never probed: fp would raise for an unregistered command
    real = executable(root / "versions/3.12.1/bin/python3.12")
    (root / "versions/3.12.1/bin/python").symlink_to("python3.12")
    answers(fp, real, description("3.12.1"))

    found, problems = discover({"PATH": str(root / "shims"), "HOME": str(home), "PYENV_ROOT": str(root)}, "linux")

    assert [(i.version, i.executable, i.source) for i in found] == [
        ("3.12.1", real, "pyenv"),
        ("3.14.0", FAKE_CURRENT.executable, "current"),
    ]
    assert problems == []


@posix_layout
def test_shim_that_fails_is_a_problem_not_a_crash(fp: Any, tmp_path: Path, home: Path, fake_current: Any) -> None:
    shim = executable(tmp_path / "asdf/shims/python3.12")
    pyenv_says = "pyenv: python3.12: command not found\n\nThe `python3.12' command exists in these Python versions:\n"
    answers(fp, shim, stderr=pyenv_says, returncode=127)

    found, problems = discover({"PATH": str(tmp_path / "asdf/shims"), "HOME": str(home)}, platform="linux")

    assert found == [FAKE_CURRENT]
    assert problems == [
        Problem(shim, "path", "broken: exited with status 127: pyenv: python3.12: command not found; "
                "expected a working Python >= 3.7")
    ]


@posix_layout
def test_resolve_pins_the_interpreter_a_working_shim_ran(fp: Any, tmp_path: Path) -> None:
    shim = executable(tmp_path / "asdf/shims/python3.12")
    answers(fp, shim, {**description("3.12.1"), "executable": "/asdf/installs/python/3.12.1/bin/python3.12"})
    chosen = resolve("python3.12", {"PATH": str(tmp_path / "asdf/shims")})
    assert (chosen.executable, chosen.source) == ("/asdf/installs/python/3.12.1/bin/python3.12", "path")


@posix_layout
def test_discover_deduplicates_by_real_path(fp: Any, tmp_path: Path, home: Path, fake_current: Any) -> None:
    real = executable(home / ".pyenv/versions/3.12.1/bin/python")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin/python3.12").symlink_to(real)
    answers(fp, str(tmp_path / "bin/python3.12"), description("3.12.1"))  # probed once: fp allows one call

    found, _ = discover({"PATH": str(tmp_path / "bin"), "HOME": str(home)}, platform="linux")

    assert [(i.executable, i.source) for i in found[:1]] == [(str(tmp_path / "bin/python3.12"), "path")]
    assert len(found) == 2


@posix_layout
def test_discover_deduplicates_by_build(fp: Any, tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_path = executable(tmp_path / "bin/python3.12")
    in_pyenv = executable(home / ".pyenv/versions/3.12.1/bin/python")
    free = executable(home / ".pyenv/versions/3.12.1t/bin/python")
    answers(fp, on_path, description("3.12.1"))
    answers(fp, in_pyenv, description("3.12.1"))
    answers(fp, free, description("3.12.1", free_threaded=True))
    monkeypatch.setattr(interpreters, "current", lambda: Interpreter("/venv/bin/python", version="3.12.1"))

    found, _ = discover({"PATH": str(tmp_path / "bin"), "HOME": str(home)}, platform="linux")

    assert [(i.executable, i.free_threaded) for i in found] == [(on_path, False), (free, True)]


@posix_layout
def test_discover_sorts_by_implementation_version_and_threading(
    fp: Any, tmp_path: Path, home: Path, fake_current: Any
) -> None:
    for name, info in [
        ("python3.10", description("3.10.13", implementation="pypy")),
        ("python3.13t", description("3.13.0", free_threaded=True)),
        ("python3.13", description("3.13.0")),
        ("python3.9", description("3.9.18")),
    ]:
        answers(fp, executable(tmp_path / "bin" / name), info)
    found, _ = discover({"PATH": str(tmp_path / "bin"), "HOME": str(home)}, platform="linux")
    assert [(i.implementation, i.version, i.free_threaded) for i in found] == [
        ("cpython", "3.9.18", False),
        ("cpython", "3.13.0", False),
        ("cpython", "3.13.0", True),
        ("cpython", "3.14.0", False),
        ("pypy", "3.10.13", False),
    ]


def test_discover_on_a_bare_machine_finds_the_running_interpreter(fp: Any, home: Path, fake_current: Any) -> None:
    assert discover({"PATH": "", "HOME": str(home)}, platform="linux") == ([FAKE_CURRENT], [])


# discover: uv-managed installations and conda environments, in the folder layouts those tools make


def link(path: Path, target: str) -> str:
    """A symlink at path (its parents created) to target, as uv and conda make python3 -> python3.12."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return str(path)


def uv_install(root: Path, name: str, executable_name: str, *aliases: str) -> str:
    """A uv installation <root>/<name>/bin/<executable_name>, with uv's aliases (python3, python) linking to it."""
    python = executable(root / name / "bin" / executable_name)
    for alias in aliases:
        link(root / name / "bin" / alias, executable_name)
    return python


def test_discover_finds_uv_managed_installations(fp: Any, home: Path, fake_current: Any) -> None:
    root = home / ".local/share/uv/python"
    cpython = uv_install(root, "cpython-3.12.7-linux-x86_64-gnu", "python3.12", "python3", "python")
    older = uv_install(root, "cpython-3.12.3-linux-x86_64-gnu", "python3.12", "python3", "python")
    free = uv_install(root, "cpython-3.13.0+freethreaded-linux-x86_64-gnu", "python3.13t", "python3", "python")
    pypy_python = uv_install(root, "pypy-3.10.14-linux-x86_64-gnu", "pypy3.10", "pypy3", "python")
    # Never probed (fp refuses an unregistered command): uv's minor-version link to the newest 3.12, an install
    # for another system, uv's own lock file and cache folder.
    (root / "cpython-3.12-linux-x86_64-gnu").symlink_to("cpython-3.12.7-linux-x86_64-gnu")
    uv_install(root, "cpython-3.11.9-macos-aarch64-none", "python3.11")
    (root / ".lock").write_text("")
    (root / ".cache").mkdir()
    answers(fp, cpython, description("3.12.7"))
    answers(fp, older, description("3.12.3"))
    answers(fp, free, description("3.13.0", free_threaded=True))
    answers(fp, pypy_python, pypy("3.10.14", "7.3.17"))

    found, problems = discover({"PATH": "", "HOME": str(home)}, platform="linux")

    assert [(i.tag, i.version, i.executable, i.source) for i in found] == [
        ("3.12", "3.12.3", older, "uv"),
        ("3.12", "3.12.7", cpython, "uv"),
        ("3.13t", "3.13.0", free, "uv"),
        ("3.14", "3.14.0", FAKE_CURRENT.executable, "current"),
        ("pypy3.10", "3.10.14", pypy_python, "uv"),
    ]
    assert problems == []


def test_uv_python_install_dir_replaces_the_data_folder(fp: Any, tmp_path: Path, home: Path, fake_current: Any) -> None:
    uv_install(home / ".local/share/uv/python", "cpython-3.12.7-linux-x86_64-gnu", "python3.12")  # never probed
    elsewhere = uv_install(tmp_path / "pythons", "cpython-3.11.10-linux-x86_64-gnu", "python3.11", "python3")
    answers(fp, elsewhere, description("3.11.10"))
    environ = {"PATH": "", "HOME": str(home), "UV_PYTHON_INSTALL_DIR": str(tmp_path / "pythons")}
    found, _ = discover(environ, platform="linux")
    assert [(i.executable, i.source) for i in found] == [(elsewhere, "uv"), (FAKE_CURRENT.executable, "current")]


def test_uv_follows_xdg_data_home(fp: Any, tmp_path: Path, home: Path, fake_current: Any) -> None:
    python = uv_install(tmp_path / "xdg/uv/python", "cpython-3.9.20-macos-x86_64-none", "python3.9", "python3")
    answers(fp, python, description("3.9.20", platform="darwin"))
    found, _ = discover({"PATH": "", "HOME": str(home), "XDG_DATA_HOME": str(tmp_path / "xdg")}, platform="darwin")
    assert [(i.version, i.source) for i in found] == [("3.14.0", "current"), ("3.9.20", "uv")]  # linux, then darwin


def test_uv_installation_of_an_early_uv_release_lives_in_install(fp: Any, home: Path, fake_current: Any) -> None:
    python = executable(home / ".local/share/uv/python/cpython-3.12.4-linux-x86_64-gnu/install/bin/python3")
    answers(fp, python, description("3.12.4"))
    found, _ = discover({"PATH": "", "HOME": str(home)}, platform="linux")
    assert [(i.executable, i.source) for i in found[:1]] == [(python, "uv")]


def test_discover_finds_uv_installations_on_windows(fp: Any, tmp_path: Path, fake_windows_current: Any) -> None:
    appdata = tmp_path / "AppData/Roaming"
    python = executable(appdata / "uv/python/cpython-3.12.7-windows-x86_64-none/python.exe")
    executable(appdata / "uv/python/cpython-3.12.7-windows-x86_64-none/pythonw.exe")
    free = executable(appdata / "uv/python/cpython-3.13.1+freethreaded-windows-x86_64-none/python3.13t.exe")
    executable(appdata / "uv/python/cpython-3.13.1+freethreaded-windows-x86_64-none/python.exe")
    legacy = executable(appdata / "uv/data/python/cpython-3.10.15-windows-x86_64-none/python.exe")
    executable(appdata / "uv/python/cpython-3.12.7-linux-x86_64-gnu/bin/python3.12")  # another system's: not probed
    fp.register(["py", "-0p"], stdout="No installed Pythons found!\n", returncode=1)
    windows = {"platform": "win32"}
    answers(fp, python, description("3.12.7", **windows))
    answers(fp, free, description("3.13.1", free_threaded=True, **windows))
    answers(fp, legacy, description("3.10.15", **windows))
    environ = {"PATH": "", "USERPROFILE": str(tmp_path / "Users/me"), "APPDATA": str(appdata)}

    found, problems = discover(environ, platform="win32")

    assert [(i.version, i.free_threaded, i.executable, i.source) for i in found] == [
        ("3.10.15", False, legacy, "uv"),
        ("3.12.7", False, python, "uv"),
        ("3.13.1", True, free, "uv"),
        ("3.14.0", False, FAKE_CURRENT.executable, "current"),
    ]
    assert problems == []


@posix_layout
def test_discover_finds_conda_environments(fp: Any, tmp_path: Path, home: Path, fake_current: Any) -> None:
    base = executable(home / "miniconda3/bin/python3.12")
    link(home / "miniconda3/bin/python", "python3.12")
    py311 = executable(home / "miniconda3/envs/py311/bin/python3.11")
    link(home / "miniconda3/envs/py311/bin/python", "python3.11")
    (home / "miniconda3/envs/tools-only/bin").mkdir(parents=True)  # an environment without Python
    forge = executable(home / "miniforge3/envs/ft/bin/python")
    forge_free = executable(home / "miniforge3/envs/ft/bin/python3.13t")
    mamba = executable(home / "mambaforge/bin/python")
    anaconda = executable(home / "anaconda3/envs/old/bin/python")
    active = executable(tmp_path / "projects/env/bin/python")
    listed = executable(tmp_path / "elsewhere/env/bin/python")
    (home / ".conda").mkdir()
    # conda's own list, which names environments anywhere, the base again (probed once) and one since removed.
    (home / ".conda/environments.txt").write_text(
        f"{home / 'miniconda3'}\n{tmp_path / 'elsewhere/env'}\n\n{tmp_path / 'removed/env'}\n"
    )
    answers(fp, str(home / "miniconda3/bin/python"), description("3.12.7"))
    answers(fp, str(home / "miniconda3/envs/py311/bin/python"), description("3.11.10"))
    answers(fp, forge, description("3.13.1"))
    answers(fp, forge_free, description("3.13.1", free_threaded=True))
    answers(fp, mamba, description("3.10.14"))
    answers(fp, anaconda, description("3.8.20"))
    answers(fp, active, description("3.9.20"))
    answers(fp, listed, description("3.7.12"))

    found, problems = discover({"PATH": "", "HOME": str(home), "CONDA_PREFIX": str(tmp_path / "projects/env")},
                               platform="linux")

    assert [(i.version + ("t" if i.free_threaded else ""), i.executable, i.source) for i in found] == [
        ("3.7.12", listed, "conda"),
        ("3.8.20", anaconda, "conda"),
        ("3.9.20", active, "conda"),
        ("3.10.14", mamba, "conda"),
        ("3.11.10", str(home / "miniconda3/envs/py311/bin/python"), "conda"),
        ("3.12.7", str(home / "miniconda3/bin/python"), "conda"),
        ("3.13.1", forge, "conda"),
        ("3.13.1t", forge_free, "conda"),
        ("3.14.0", FAKE_CURRENT.executable, "current"),
    ]
    assert (base, py311) and problems == []


def test_discover_finds_conda_environments_on_windows(fp: Any, tmp_path: Path, fake_windows_current: Any) -> None:
    profile = tmp_path / "Users/me"
    base = executable(profile / "anaconda3/python.exe")
    env = executable(profile / "anaconda3/envs/py312/python.exe")
    fp.register(["py", "-0p"], stdout="No installed Pythons found!\n", returncode=1)
    answers(fp, base, description("3.11.7", platform="win32"))
    answers(fp, env, description("3.12.1", platform="win32"))
    found, _ = discover({"PATH": "", "USERPROFILE": str(profile)}, platform="win32")
    assert [(i.executable, i.source) for i in found] == [
        (base, "conda"), (env, "conda"), (FAKE_CURRENT.executable, "current"),
    ]


@posix_layout
def test_an_interpreter_on_path_and_in_conda_is_probed_once_and_found_on_path(
    fp: Any, tmp_path: Path, home: Path, fake_current: Any
) -> None:
    python = executable(home / "miniconda3/bin/python3.12")
    link(home / "miniconda3/bin/python", "python3.12")
    answers(fp, python, description("3.12.7"))  # one probe: fp allows one call
    found, _ = discover({"PATH": str(home / "miniconda3/bin"), "HOME": str(home)}, platform="linux")
    assert [(i.executable, i.source) for i in found[:1]] == [(python, "path")]


# discover on Windows: PATH with .exe, pyenv-win, the py launcher

PY_LAUNCHER_NEW = """\
 -V:3.13t         C:\\Program Files\\Python313\\python3.13t.exe
 -V:3.12 *        C:\\Program Files\\Python312\\python.exe
 -V:3.10          C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python310\\python.exe
 -V:ContinuumAnalytics/Anaconda39-64 C:\\Users\\me\\anaconda3\\python.exe
"""

PY_LAUNCHER_OLD = """\
Installed Pythons found by py Launcher for Windows
 -3.9-64        C:\\Python39\\python.exe *
 -3.8-32        C:\\Program Files (x86)\\Python38-32\\python.exe
"""


def test_parse_py_launcher_new_format() -> None:
    assert parse_py_launcher(PY_LAUNCHER_NEW) == [
        "C:\\Program Files\\Python313\\python3.13t.exe",
        "C:\\Program Files\\Python312\\python.exe",
        "C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python310\\python.exe",
        "C:\\Users\\me\\anaconda3\\python.exe",
    ]


def test_parse_py_launcher_old_format() -> None:
    assert parse_py_launcher(PY_LAUNCHER_OLD) == [
        "C:\\Python39\\python.exe",
        "C:\\Program Files (x86)\\Python38-32\\python.exe",
    ]


def test_parse_py_launcher_without_pythons() -> None:
    assert parse_py_launcher("No installed Pythons found!\n") == []


def test_discover_on_windows(fp: Any, tmp_path: Path, fake_windows_current: Any) -> None:
    profile = tmp_path / "Users/me"
    scripts = tmp_path / "WindowsApps"
    on_path = executable(scripts / "python3.12.exe")
    executable(scripts / "python.exe")  # not a versioned command
    pyenv_win = executable(profile / ".pyenv/pyenv-win/versions/3.11.7/python.exe")
    pyenv_win_ft = executable(profile / ".pyenv/pyenv-win/versions/3.13.1/python3.13t.exe")
    executable(profile / ".pyenv/pyenv-win/versions/3.13.1/python.exe")
    fp.register(["py", "-0p"], stdout=PY_LAUNCHER_NEW)
    windows = {"platform": "win32"}
    answers(fp, on_path, description("3.12.1", **windows))
    answers(fp, pyenv_win, description("3.11.7", **windows))
    answers(fp, pyenv_win_ft, description("3.13.1", free_threaded=True, **windows))
    answers(fp, str(profile / ".pyenv/pyenv-win/versions/3.13.1/python.exe"), description("3.13.1", **windows))
    answers(fp, "C:\\Program Files\\Python313\\python3.13t.exe", description("3.13.1", free_threaded=True, **windows))
    answers(fp, "C:\\Program Files\\Python312\\python.exe", description("3.12.1", **windows))
    python310 = "C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python310\\python.exe"
    answers(fp, python310, description("3.10.11", **windows))
    answers(fp, "C:\\Users\\me\\anaconda3\\python.exe", stdout="", returncode=1)
    environ = {"PATH": f"C:\\Windows;{scripts}", "USERPROFILE": str(profile)}

    found, problems = discover(environ, platform="win32")

    assert [(i.version, i.free_threaded, i.source) for i in found] == [
        ("3.10.11", False, "py-launcher"),
        ("3.11.7", False, "pyenv"),
        ("3.12.1", False, "path"),
        ("3.13.1", False, "pyenv"),
        ("3.13.1", True, "pyenv"),
        ("3.14.0", False, "current"),
    ]
    assert found[2].executable == on_path
    assert {(i.default_start_method, i.start_methods) for i in found[:-1]} == {("spawn", ("spawn",))}
    assert [(p.executable, p.source) for p in problems] == [("C:\\Users\\me\\anaconda3\\python.exe", "py-launcher")]


def test_discover_on_windows_honours_pyenv_root(fp: Any, tmp_path: Path, fake_windows_current: Any) -> None:
    python = executable(tmp_path / "pyenv-win/versions/3.9.13/python.exe")
    fp.register(["py", "-0p"], stdout="No installed Pythons found!\n", returncode=1)
    answers(fp, python, description("3.9.13", platform="win32"))
    environ = {"PATH": "", "USERPROFILE": str(tmp_path / "nobody"), "PYENV_ROOT": str(tmp_path / "pyenv-win")}
    found, _ = discover(environ, platform="win32")
    assert [(i.executable, i.source) for i in found] == [(python, "pyenv"), (FAKE_CURRENT.executable, "current")]


def test_discover_on_windows_without_py_launcher(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_current: Any
) -> None:
    def no_launcher(argv: List[str], timeout: float = 10.0) -> None:
        raise FileNotFoundError(2, "No such file or directory", argv[0])

    monkeypatch.setattr(execute, "run_quick", no_launcher)
    assert discover({"PATH": "", "USERPROFILE": str(tmp_path)}, platform="win32") == ([FAKE_CURRENT], [])


def test_py_launcher_is_not_asked_elsewhere(fp: Any, home: Path, fake_current: Any) -> None:
    discover({"PATH": "", "HOME": str(home)}, platform="darwin")
    assert fp.call_count(["py", "-0p"]) == 0


# resolve


@pytest.fixture
def machine(fp: Any, tmp_path: Path, home: Path, fake_current: Any) -> Dict[str, str]:
    """PATH with 3.12.0, pyenv with 3.12.1, 3.13.0, 3.13.0t and a too-old 3.6.15; returns the environment."""
    answers(fp, executable(tmp_path / "bin/python3.12"), description("3.12.0"), occurrences=9)
    for version in ("3.12.1", "3.13.0", "3.6.15"):
        answers(fp, executable(home / f".pyenv/versions/{version}/bin/python"), description(version), occurrences=9)
    free = executable(home / ".pyenv/versions/3.13.0t/bin/python3.13t")
    answers(fp, free, description("3.13.0", free_threaded=True), occurrences=9)
    return {"PATH": str(tmp_path / "bin"), "HOME": str(home)}


def test_resolve_minor_version_picks_the_newest(machine: Dict[str, str], home: Path) -> None:
    chosen = resolve("3.12", machine, "linux")
    assert (chosen.version, chosen.executable) == ("3.12.1", str(home / ".pyenv/versions/3.12.1/bin/python"))


@posix_layout
def test_resolve_full_version(machine: Dict[str, str], tmp_path: Path) -> None:
    assert resolve("3.12.0", machine, "linux").executable == str(tmp_path / "bin/python3.12")


def test_resolve_free_threaded_version(machine: Dict[str, str]) -> None:
    assert resolve("3.13t", machine, "linux").free_threaded
    assert not resolve("3.13", machine, "linux").free_threaded


@posix_layout
def test_resolve_unknown_version_lists_what_was_found(machine: Dict[str, str]) -> None:
    with pytest.raises(InterpreterError) as raised:
        resolve("3.12t", machine, "linux")
    message = str(raised.value)
    assert message.startswith("3.12t: no such Python found (did you mean 3.12?); discovered 3.12 (3.12.0, ")
    assert "3.13t (3.13.0, " in message and "expected the version of a discovered interpreter" in message


@posix_layout
def test_resolve_too_old_version_says_why(machine: Dict[str, str], home: Path) -> None:
    unusable = r"3\.6\.15/bin/python is unusable: too old: 3\.6\.15, mpmatrix needs CPython >= 3\.7"
    with pytest.raises(InterpreterError, match=unusable):
        resolve("3.6", machine, "linux")


def test_resolve_path(fp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    python = executable(tmp_path / "custom/python")
    answers(fp, python, description("3.11.7"))
    monkeypatch.chdir(tmp_path)
    chosen = resolve("custom/python", {"PATH": ""})
    assert (chosen.executable, chosen.source) == (python, "explicit")


def test_resolve_missing_path(tmp_path: Path) -> None:
    nope = re.escape(os.path.join("nope", "python"))
    with pytest.raises(InterpreterError, match=rf"{nope}: no such file; expected the path of a Python executable"):
        resolve(str(tmp_path / "nope/python"), {"PATH": ""})


@posix_layout
def test_resolve_command_on_path(machine: Dict[str, str], tmp_path: Path) -> None:
    chosen = resolve("python3.12", machine)
    assert (chosen.executable, chosen.source, chosen.version) == (str(tmp_path / "bin/python3.12"), "path", "3.12.0")


def test_resolve_command_not_on_path(machine: Dict[str, str]) -> None:
    with pytest.raises(InterpreterError) as raised:
        resolve("python3.15", machine)
    assert str(raised.value) == (
        "python3.15: not found on PATH; expected a path to a Python executable, a command on PATH such as "
        "python3.12 or pypy3, or a version such as 3.12, 3.12.1, 3.13t or pypy3.11"
    )


@posix_layout
def test_resolve_command_that_is_not_python(fp: Any, tmp_path: Path) -> None:
    answers(fp, executable(tmp_path / "bin/pytho"), stdout="usage: pytho [options]\n")
    with pytest.raises(InterpreterError, match=r"/bin/pytho: not Python: it printed 'usage: pytho \[options\]'"):
        resolve("pytho", {"PATH": str(tmp_path / "bin")})


# PyPy: pypy3.X and pypy3 on PATH, pyenv's pypy3.* installs, its own columns and --python specs

def pypy(version: str = "3.9.16", own: str = "7.3.11", **kwargs: Any) -> Dict[str, Any]:
    return {**description(version, implementation="pypy", **kwargs), "implementation_version": own}


@posix_layout
def test_discover_finds_pypy_commands_once_each(fp: Any, tmp_path: Path, home: Path, fake_current: Any) -> None:
    bin_dir = tmp_path / "bin"
    pypy39 = executable(bin_dir / "pypy3.9")
    (bin_dir / "pypy3").symlink_to("pypy3.9")  # as Debian installs it: probed once, under its versioned name
    pypy311 = executable(bin_dir / "pypy3.11")
    for name in ("pypy3clean", "pypy3compile", "pypy3.9-config", "pypy"):  # not interpreters discovery looks for
        executable(bin_dir / name)
    answers(fp, pypy39, pypy("3.9.16", "7.3.11"))
    answers(fp, pypy311, pypy("3.11.13", "8.0.1"))

    found, problems = discover({"PATH": str(bin_dir), "HOME": str(home)}, platform="linux")

    assert [(i.tag, i.version, i.implementation_version, i.executable, i.source) for i in found] == [
        ("3.14", "3.14.0", "", FAKE_CURRENT.executable, "current"),
        ("pypy3.9", "3.9.16", "7.3.11", pypy39, "path"),
        ("pypy3.11", "3.11.13", "8.0.1", pypy311, "path"),
    ]
    assert problems == []


@posix_layout
def test_discover_finds_an_unversioned_pypy3_alone(fp: Any, tmp_path: Path, home: Path, fake_current: Any) -> None:
    pypy3 = executable(tmp_path / "bin/pypy3")
    answers(fp, pypy3, pypy("3.10.14", "7.3.17"))
    found, _ = discover({"PATH": str(tmp_path / "bin"), "HOME": str(home)}, platform="linux")
    assert [(i.tag, i.executable) for i in found] == [("3.14", FAKE_CURRENT.executable), ("pypy3.10", pypy3)]


def test_discover_finds_pyenv_pypy_installs(fp: Any, tmp_path: Path, home: Path, fake_current: Any) -> None:
    versions = home / ".pyenv/versions"
    pypy310 = executable(versions / "pypy3.10-7.3.17/bin/pypy3")
    (versions / "pypy3.10-7.3.17/bin/python").symlink_to("pypy3")  # PyPy ships a python link: the same file
    pypy39 = executable(versions / "pypy3.9-7.3.11/bin/pypy3")  # no python link at all
    answers(fp, pypy310, pypy("3.10.14", "7.3.17"))
    answers(fp, pypy39, pypy("3.9.16", "7.3.11"))

    found, problems = discover({"PATH": "", "HOME": str(home)}, platform="linux")

    assert [(i.tag, i.implementation_version, i.executable, i.source) for i in found] == [
        ("3.14", "", FAKE_CURRENT.executable, "current"),
        ("pypy3.9", "7.3.11", pypy39, "pyenv"),
        ("pypy3.10", "7.3.17", pypy310, "pyenv"),
    ]
    assert problems == []


@posix_layout
def test_a_pyenv_pypy_shim_stands_for_its_installs(fp: Any, tmp_path: Path, home: Path, fake_current: Any) -> None:
    root = tmp_path / "pyenv"
    executable(root / "shims/pypy3.10")  # never probed
    real = executable(root / "versions/pypy3.10-7.3.17/bin/pypy3.10")
    answers(fp, real, pypy("3.10.14", "7.3.17"))
    found, _ = discover({"PATH": str(root / "shims"), "HOME": str(home), "PYENV_ROOT": str(tmp_path / "none")}, "linux")
    assert [(i.tag, i.executable, i.source) for i in found] == [("3.14", FAKE_CURRENT.executable, "current"),
                                                                ("pypy3.10", real, "pyenv")]


def test_discover_finds_pypy_on_windows(fp: Any, tmp_path: Path, fake_current: Any) -> None:
    pypy_dir = tmp_path / "pypy3.10-v7.3.17-win64"
    pypy3 = executable(pypy_dir / "pypy3.exe")
    executable(pypy_dir / "python.exe")  # not a versioned command
    fp.register(["py", "-0p"], stdout="No installed Pythons found!\n", returncode=1)
    answers(fp, pypy3, pypy("3.10.14", "7.3.17", platform="win32"))
    found, _ = discover({"PATH": str(pypy_dir), "USERPROFILE": str(tmp_path / "nobody")}, platform="win32")
    assert [(i.tag, i.executable) for i in found] == [("3.14", FAKE_CURRENT.executable), ("pypy3.10", pypy3)]


@posix_layout
def test_cpython_and_pypy_of_one_version_are_two_columns(fp: Any, tmp_path: Path, home: Path, fake_current: Any) -> None:
    answers(fp, executable(tmp_path / "bin/python3.11"), description("3.11.7"))
    answers(fp, executable(tmp_path / "bin/pypy3.11"), pypy("3.11.13", "8.0.1"))
    found, _ = discover({"PATH": str(tmp_path / "bin"), "HOME": str(home)}, platform="linux")
    columns = interpreters.newest_releases(found)
    assert [(i.implementation, i.tag, i.cell_id("").version_text()) for i in columns] == [
        ("cpython", "3.11", "3.11"), ("cpython", "3.14", "3.14"), ("pypy", "pypy3.11", "3.11"),
    ]


def test_newest_releases_keeps_the_newest_patch_of_each_implementation() -> None:
    items = [Interpreter("/a", "pypy", "3.11.11"), Interpreter("/b", "cpython", "3.11.7"),
             Interpreter("/c", "pypy", "3.11.13"), Interpreter("/d", "cpython", "3.11.2")]
    assert [i.executable for i in interpreters.newest_releases(items)] == ["/b", "/c"]


@pytest.fixture
def pypy_machine(fp: Any, tmp_path: Path, home: Path, fake_current: Any) -> Dict[str, str]:
    """PATH with CPython 3.11.7, PyPy 3.9 (as pypy3.9 and pypy3) and PyPy 3.11; returns the environment."""
    bin_dir = tmp_path / "bin"
    answers(fp, executable(bin_dir / "python3.11"), description("3.11.7"), occurrences=9)
    answers(fp, executable(bin_dir / "pypy3.9"), pypy("3.9.16", "7.3.11"), occurrences=9)
    (bin_dir / "pypy3").symlink_to("pypy3.9")
    answers(fp, str(bin_dir / "pypy3"), pypy("3.9.16", "7.3.11"), occurrences=9)
    answers(fp, executable(bin_dir / "pypy3.11"), pypy("3.11.13", "8.0.1"), occurrences=9)
    return {"PATH": str(bin_dir), "HOME": str(home)}


@posix_layout
@pytest.mark.parametrize("spec, tag, version", [
    ("pypy3.11", "pypy3.11", "3.11.13"),
    ("PyPy3.11", "pypy3.11", "3.11.13"),
    ("pypy3.9.16", "pypy3.9", "3.9.16"),
    ("3.11", "3.11", "3.11.7"),  # a bare version is CPython's, whatever else has it
    ("pypy3", "pypy3.9", "3.9.16"),  # the command on PATH
    ("pypy", "pypy3.11", "3.11.13"),  # no such command: the newest PyPy discovered
])
def test_resolve_pypy_specs(pypy_machine: Dict[str, str], spec: str, tag: str, version: str) -> None:
    chosen = resolve(spec, pypy_machine, "linux")
    assert (chosen.tag, chosen.version) == (tag, version)


@posix_layout
def test_resolve_a_version_only_pypy_has_suggests_it(fp: Any, tmp_path: Path, home: Path, fake_current: Any) -> None:
    answers(fp, executable(tmp_path / "bin/pypy3.10"), pypy("3.10.14", "7.3.17"), occurrences=2)
    environ = {"PATH": str(tmp_path / "bin"), "HOME": str(home)}
    with pytest.raises(InterpreterError, match=r"^3\.10: no such Python found \(did you mean pypy3\.10\?\); discovered "):
        resolve("3.10", environ, "linux")
    with pytest.raises(InterpreterError, match=r"^pypy3\.8: no such Python found; discovered 3\.14 .*pypy3\.10 \(3\.10\.14, "):
        resolve("pypy3.8", environ, "linux")


def test_resolve_pypy_where_there_is_none(fp: Any, home: Path, fake_current: Any) -> None:
    with pytest.raises(InterpreterError) as raised:
        resolve("pypy", {"PATH": "", "HOME": str(home)}, "linux")
    assert str(raised.value).startswith("pypy: not found on PATH, and discovery found no PyPy: it found 3.14 (")


@posix_layout
def test_resolve_a_pypy2_command_says_it_is_too_old(fp: Any, tmp_path: Path) -> None:
    answers(fp, executable(tmp_path / "bin/pypy"), {**description("2.7.18", implementation="pypy")})
    with pytest.raises(InterpreterError, match=r"/bin/pypy: too old: 2\.7\.18, mpmatrix needs CPython >= 3\.7"):
        resolve("pypy", {"PATH": str(tmp_path / "bin")}, "linux")


@posix_layout
def test_select_interpreters_keeps_cpython_and_pypy_of_one_version(pypy_machine: Dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "environ", pypy_machine)
    chosen = interpreters.select_interpreters(["3.11", "pypy3.11", "pypy3", "pypy3.9"], print)
    assert [i.tag for i in chosen] == ["3.11", "pypy3.11", "pypy3.9"]


# end to end: the real pyenv installs of this machine

PYENV_VERSIONS = Path.home() / ".pyenv" / "versions"


@pytest.mark.e2e
@pytest.mark.skipif(not PYENV_VERSIONS.is_dir(), reason="no ~/.pyenv here")
def test_discover_probes_real_pyenv_installs() -> None:
    started = time.perf_counter()
    found, problems = discover({"PATH": "", "HOME": str(Path.home())})
    elapsed = time.perf_counter() - started

    installed = sorted(p.name for p in PYENV_VERSIONS.iterdir() if (p / "bin" / "python").exists())
    usable = [v for v in installed if tuple(int(x) for x in v.split(".")[:2]) >= (3, 7)]
    pyenv_found = [i for i in found if i.source == "pyenv"]
    assert [i.version for i in pyenv_found] == sorted(usable, key=lambda v: tuple(map(int, v.split("."))))
    for interpreter in pyenv_found:
        assert interpreter.platform == sys.platform
        assert set(interpreter.start_methods) >= {"spawn"}
        assert interpreter.default_start_method in interpreter.start_methods
        assert interpreter.stdlib_dirs and all(os.path.isdir(d) for d in interpreter.stdlib_dirs)
    too_old = sorted(p.reason for p in problems if p.source == "pyenv")
    expected = sorted(
        f"too old: {v}, mpmatrix needs CPython >= 3.7" for v in installed if v not in usable
    )
    assert too_old == expected
    assert elapsed < 5, f"discovery took {elapsed:.2f} s"


NEWEST = Path("/opt/newest-pythons/bin")


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform == "win32" or not os.access("/usr/bin/pypy3", os.X_OK), reason="no /usr/bin/pypy3 here")
def test_discover_finds_the_real_pypy_once(tmp_path: Path) -> None:
    """Debian's /usr/bin/pypy3 links to pypy3.9 (and pypy3clean, pypy3compile are scripts): one PyPy 3.9 column."""
    found, problems = discover({"PATH": "/usr/bin", "HOME": str(tmp_path)})
    pypys = [i for i in found if i.implementation == "pypy"]
    assert [(i.tag, i.executable, i.source) for i in pypys] == [("pypy3.9", "/usr/bin/pypy3.9", "path")]
    assert pypys[0].implementation_version.startswith("7.3.") and pypys[0].version.startswith("3.9.")
    assert not [p for p in problems if "pypy" in p.executable]
    assert resolve("pypy3", {"PATH": "/usr/bin"}).tag == "pypy3.9"


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform == "win32" or not (NEWEST / "pypy3.11").exists(), reason="no newest-pythons wrappers here")
def test_every_local_interpreter_is_found_with_the_newest_pythons_on_path() -> None:
    """The eleven of this machine: CPython 3.7-3.15 and PyPy 3.9 and 3.11, one column each."""
    environ = dict(os.environ, PATH=f"{NEWEST}:{os.environ.get('PATH', '')}")
    found, _ = discover(environ)
    tags = [i.tag for i in interpreters.newest_releases(found)]
    expected = [f"3.{minor}" for minor in range(7, 16)] + ["pypy3.9", "pypy3.11"]
    assert [t for t in tags if t in expected] == expected
    assert resolve("pypy3.11", environ).implementation_version.startswith("8.")


def test_interpreter_table_aligns_every_column_whatever_the_lengths() -> None:
    rows = interpreters.interpreter_table([
        Interpreter("/py/3.9", version="3.9.18", implementation_version="3.9.18", source="pyenv"),
        Interpreter("/py/3.10", version="3.10.13", implementation_version="3.10.13", source="pyenv"),
        Interpreter("/py/3.13t", version="3.13.0", free_threaded=True, source="pyenv"),
        Interpreter("/usr/bin/pypy3.9", "pypy", "3.9.16", implementation_version="7.3.11", source="path",
                    default_start_method="fork", machine="x86_64"),
    ])
    assert rows[0].split() == ["column", "interpreter", "platform", "default", "start", "methods", "found", "in", "executable"]
    assert [row.split("  ")[0].strip() for row in rows[1:]] == ["3.9", "3.10", "3.13t", "pypy3.9"]
    assert "CPython 3.13.0 free-threaded" in rows[3] and "PyPy 7.3.11 (Python 3.9.16)" in rows[4]
    for header in ("platform", "default", "found in", "executable"):
        offset = rows[0].index(header)
        assert all(row[offset - 2 : offset] == "  " and row[offset] != " " for row in rows), header


PYENV_3_11_7 = PYENV_VERSIONS / "3.11.7" / "bin" / "python3.11"
DEBIAN_3_11 = Path("/usr/bin/python3.11")


@pytest.mark.e2e
@pytest.mark.skipif(not (PYENV_3_11_7.exists() and DEBIAN_3_11.exists()), reason="needs pyenv's 3.11.7 and /usr/bin/python3.11")
def test_uv_and_conda_layouts_of_real_interpreters_give_two_releases_of_one_minor_version(tmp_path: Path) -> None:
    """A uv installation and a conda environment as those tools lay them out, their interpreters symlinks to real
    ones (uv cannot download here): both are probed for real and both releases of 3.11 are discovered."""
    home = tmp_path / "home"
    uv_python = link(home / ".local/share/uv/python/cpython-3.11.7-linux-x86_64-gnu/bin/python3.11", str(PYENV_3_11_7))
    link(home / ".local/share/uv/python/cpython-3.11.7-linux-x86_64-gnu/bin/python3", "python3.11")
    conda_python = link(home / "miniforge3/envs/debian/bin/python", str(DEBIAN_3_11))

    found, problems = discover({"PATH": "", "HOME": str(home)}, platform=sys.platform)

    releases = [(i.version, i.executable, i.source) for i in found if i.source in ("uv", "conda")]
    debian_version = subprocess.run([str(DEBIAN_3_11), "-c", "import platform; print(platform.python_version())"],
                                    capture_output=True, text=True, check=True).stdout.strip()
    assert sorted(releases) == sorted([("3.11.7", uv_python, "uv"), (debian_version, conda_python, "conda")])
    assert not [p for p in problems if p.source in ("uv", "conda")]
    assert resolve(debian_version, {"PATH": "", "HOME": str(home)}).executable == conda_python


def test_two_releases_of_one_version_asked_for_are_two_interpreters_and_one_twice_is_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = Interpreter("/a/python3.13", version="3.13.0"), Interpreter("/b/python3.13", version="3.13.18")
    again = Interpreter("/c/python3.13", version="3.13.0")
    by_spec = {"3.13.0": a, "3.13.18": b, "/c/python3.13": again, "/a/python3.13": a}
    monkeypatch.setattr(interpreters, "resolve", lambda spec: by_spec[spec])
    assert interpreters.select_interpreters(["3.13.0", "3.13.18"], print) == [a, b]
    assert interpreters.select_interpreters(["3.13.0", "/a/python3.13"], print) == [a]  # the same one, named twice
    with pytest.raises(UsageError, match=r"--python 3\.13\.0 \(/a/python3\.13\) and --python /c/python3\.13 "
                                         r"\(/c/python3\.13\) are both CPython 3\.13\.0 on linux"):
        interpreters.select_interpreters(["3.13.0", "/c/python3.13"], print)


def test_discovery_keeps_the_newest_release_of_each_line_unless_every_release_is_asked_for(
        monkeypatch: pytest.MonkeyPatch) -> None:
    found = [Interpreter("/a", version="3.13.0"), Interpreter("/b", version="3.13.18"),
             Interpreter("/w", version="3.13.2", platform="win32", flavour="wine8.0"), Interpreter("/p", "pypy", "3.11.13")]
    monkeypatch.setattr(interpreters, "discover", lambda: (found, []))
    assert [i.executable for i in interpreters.select_interpreters(None, print)] == ["/b", "/w", "/p"]
    assert [i.executable for i in interpreters.select_interpreters(None, print, all_releases=True)] == ["/a", "/b", "/w", "/p"]
    monkeypatch.setenv(interpreters.RELEASES_ENV, "all")
    assert len(interpreters.select_interpreters(None, print)) == 4


@pytest.mark.e2e
@pytest.mark.windows
@pytest.mark.skipif(sys.platform != "win32", reason="a real Windows PATH and python3.X.exe: Windows (or Wine) only")
def test_on_windows_a_python_on_a_semicolon_path_is_found_by_its_versioned_exe_and_probed(tmp_path: Path) -> None:
    """Discovery as it runs on Windows, for real: PATH split at ';', python3.X.exe matched whatever its case, the
    `py` launcher asked (none here: nothing found, no error), the interpreter probed in a subprocess."""
    home = tmp_path / "installed"
    # the running build; shutil.copyfile, not copy2: Wine 8 lacks CopyFile2, which copy2 calls on 3.12+ (it aborts)
    shutil.copytree(os.path.dirname(getattr(sys, "_base_executable", sys.executable)), home, copy_function=shutil.copyfile)
    name = f"Python3.{sys.version_info[1]}.EXE"
    os.rename(home / "python.exe", home / name)
    found, problems = discover({"PATH": f"{tmp_path / 'nowhere'};{home}", "USERPROFILE": str(tmp_path)})
    on_path = [i for i in found if os.path.normcase(i.executable) == os.path.normcase(str(home / name))]
    assert [(i.source, i.platform, i.version) for i in on_path] == [("path", "win32", platform_module.python_version())], \
        (found, problems)
    assert on_path[0].start_methods == ("spawn",)
