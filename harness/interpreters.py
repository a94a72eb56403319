"""Find the interpreters that can run cells: python3.X on PATH, pyenv, uv and conda installs, the Windows py launcher,
this one."""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from packaging.version import Version

from harness import execute, files, wine
from harness.errors import UsageError
from harness.model import IMPLEMENTATIONS, Interpreter, Layout, implementation_name, number

MINIMUM_VERSION = (3, 7)
PROBE_TIMEOUT_S = 10.0
PROBE_WORKERS = 4  # probes mostly wait on interpreter start-up; more threads than this only contend on 2 cores

# What an interpreter says about itself. It runs both in-process (current) and as `python -c` (probe), so it is
# written in the common subset of Python 2.7 and 3.x: an interpreter too old to describe itself fully must still
# say which version it is, so that it is reported as too old rather than as broken.
_DESCRIBE = r'''
import json
import os
import platform
import sys


def describe(in_process=False):
    implementation = getattr(getattr(sys, "implementation", None), "name", "")
    info = {
        "implementation": implementation or platform.python_implementation().lower(),
        "version": platform.python_version(),
        "executable": sys.executable,
    }
    # The implementation's own version: PyPy 7.3.11 runs Python 3.9.16; CPython's is its Python version.
    own = getattr(getattr(sys, "implementation", None), "version", None)
    if own is not None:
        text = "%d.%d.%d" % tuple(own[:3])
        if own[3] != "final":
            text += {"alpha": "a", "beta": "b", "candidate": "rc"}.get(own[3], own[3]) + str(own[4])
        info["implementation_version"] = text
    if sys.version_info < (3, 7):
        return info
    import multiprocessing  # the probe runs inside the interpreter asked, old ones included: only once it is new enough
    import sysconfig

    if in_process:
        # get_start_method() would fix the start method of this process for good, so read the default context.
        try:
            default = multiprocessing.context._default_context._default_context.get_start_method()
        except AttributeError:
            default = multiprocessing.get_start_method(allow_none=True) or ""
    else:
        default = multiprocessing.get_start_method()
    # The base prefixes: inside a venv, platstdlib would otherwise name the venv's own lib directory.
    paths = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})
    stdlib_dirs = []
    # And the folder multiprocessing was imported from (not os: 3.11+ freeze it): the stdlib itself, which Windows'
    # embeddable build keeps in a zip (python312.zip) that sysconfig does not name (its "stdlib" is a Lib folder
    # that does not exist there).
    imported_from = os.path.dirname(os.path.dirname(getattr(multiprocessing, "__file__", "") or ""))
    for folder in (paths.get("stdlib"), paths.get("platstdlib"), imported_from):
        if folder:
            for path in (folder, os.path.realpath(folder)):
                if path not in stdlib_dirs:
                    stdlib_dirs.append(path)
    info.update(
        free_threaded=bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        platform=sys.platform,
        machine=platform.machine(),
        start_methods=list(multiprocessing.get_all_start_methods()),
        default_start_method=default,
        stdlib_dirs=stdlib_dirs,
        wine=wine_version(),
        optimized_stdlib=_optimized_stdlib(),
    )
    return info


def _optimized_stdlib():
    """Whether asserts (and docstrings) are stripped from the standard library: -O, or a stdlib compiled that way
    (Windows' embeddable CPython ships one: multiprocessing's asserts never fire there)."""
    import threading  # in the probe, inside the interpreter asked

    return sys.flags.optimize > 0 or threading.Thread.__doc__ is None
''' + wine.PROBE_SOURCE
PROBE_SCRIPT = _DESCRIBE + "\nprint(json.dumps(describe()))\n"
# -E and -s keep the caller's PYTHON* variables and user site-packages out of the description; both exist in 2.7.
PROBE_FLAGS = ("-E", "-s")

# The commands discovery looks for on PATH: python3.12, python3.13t, and PyPy's pypy3.10 and unversioned pypy3.
_COMMAND = r"(?:python3\.(?P<minor>\d+)(?P<threaded>t?)|(?P<pypy>pypy)3(?:\.(?P<pypy_minor>\d+))?)"
_COMMAND_NAME = re.compile(rf"^{_COMMAND}$")
_WINDOWS_COMMAND_NAME = re.compile(rf"^{_COMMAND}\.exe$", re.IGNORECASE)
# A version as --python takes it: 3.12, 3.12.1, 3.13t for CPython; pypy3.11, pypy3.9.16 for another implementation.
_VERSION_SPEC = re.compile(r"^(?P<implementation>[A-Za-z]+)?(\d+)\.(\d+)(?:\.(\d+))?(t?)$")
_PY_LAUNCHER_LINE = re.compile(r"^\s*-(?:V:)?(?P<tag>\S+)\s+(?:\*\s+)?(?P<path>.+?)(?:\s+\*)?\s*$")


class InterpreterError(Exception):
    """An executable that cannot serve as an interpreter for cells; the message says why and what was expected."""

    def __init__(self, executable: str, reason: str) -> None:
        super().__init__(executable, reason)
        self.executable = executable
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.executable}: {self.reason}"


@dataclass(frozen=True)
class Problem:
    """An interpreter that discovery found but cannot use: broken, too old, or not Python at all."""

    executable: str
    source: str
    reason: str


@dataclass(frozen=True)
class _Candidate:
    executable: str
    source: str


def current() -> Interpreter:
    """The running interpreter, described in-process."""
    namespace: Dict[str, Any] = {}
    exec(_DESCRIBE, namespace)
    info = namespace["describe"](in_process=True)
    return _interpreter_from(info, sys.executable or "python", "current")


def probe(executable: str, source: str = "explicit") -> Interpreter:
    """Describe the interpreter at `executable` by running the probe script in it; raises InterpreterError. A Windows
    CPython under Wine gets its prefix's server first (harness.wine), outside every cell."""
    try:
        wine.use(executable)
    except wine.WineError as exc:
        raise InterpreterError(executable, f"a Wine interpreter whose Wine does not start: {exc}") from None
    try:
        completed = execute.run_quick([executable, *PROBE_FLAGS, "-c", PROBE_SCRIPT], timeout=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise InterpreterError(
            executable, f"did not answer within {PROBE_TIMEOUT_S:g} s; expected a Python interpreter to describe itself"
        ) from None
    except OSError as error:
        raise InterpreterError(
            executable, f"cannot be run ({error.strerror or error}); expected an executable Python interpreter"
        ) from None
    info = _parse_description(completed.stdout)
    if completed.returncode != 0:
        raise InterpreterError(
            executable,
            f"broken: exited with status {completed.returncode}: {_gist(completed.stderr)}; "
            f"expected a working Python >= {_dotted(MINIMUM_VERSION)}",
        )
    if info is None:
        printed = completed.stdout.strip()[:80] or completed.stderr.strip()[:80]
        raise InterpreterError(
            executable, f"not Python: it printed {printed!r}; expected the JSON description a Python interpreter prints"
        )
    if _version_tuple(info["version"]) < MINIMUM_VERSION:
        minimum = _dotted(MINIMUM_VERSION)
        raise InterpreterError(executable, f"too old: {info['version']}, mpmatrix needs CPython >= {minimum}")
    if _is_shim(executable) and info.get("executable"):
        # Cells must not depend on which version the shim's manager happens to activate later: pin what it ran.
        executable = str(info["executable"])
    return _interpreter_from(info, executable, source)


def discover(
    environ: Optional[Mapping[str, str]] = None, platform: Optional[str] = None
) -> Tuple[List[Interpreter], List[Problem]]:
    """Every usable interpreter on this machine, deduplicated and sorted, and the ones found but unusable."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    candidates = _unique_candidates(
        _path_candidates(environ, platform)
        + _pyenv_candidates(environ, platform)
        + _uv_candidates(environ, platform)
        + _conda_candidates(environ, platform)
        + _py_launcher_candidates(platform)
    )
    outcomes = _probe_all(candidates)

    found: List[Interpreter] = []
    problems: List[Problem] = []
    for candidate, outcome in zip(candidates, outcomes):
        if isinstance(outcome, InterpreterError):
            problems.append(Problem(candidate.executable, candidate.source, outcome.reason))
        else:
            found.append(outcome)
    found.append(current())

    kept: List[Interpreter] = []
    seen_paths = set()
    seen_builds = set()
    for interpreter in found:  # in source order: PATH, pyenv, uv, conda, the py launcher, the running one
        path_key = os.path.normcase(os.path.realpath(interpreter.executable))
        build_key = interpreter.cell_id("")  # one of each identity: the same release twice is one
        if path_key in seen_paths or build_key in seen_builds:
            continue
        seen_paths.add(path_key)
        seen_builds.add(build_key)
        kept.append(interpreter)
    kept.sort(key=lambda interpreter: interpreter.cell_id("").sort_key())  # matrix order, as every report has it
    return kept, problems


def resolve(spec: str, environ: Optional[Mapping[str, str]] = None, platform: Optional[str] = None) -> Interpreter:
    """The interpreter a --python value names: a path, a command on PATH (python3.12, pypy3), or a version of a
    discovered interpreter (3.12, 3.12.1, 3.13t for CPython; pypy3.11 for PyPy); `pypy` alone, when no such command
    is on PATH, is the newest PyPy discovered."""
    environ = os.environ if environ is None else environ
    version = _version_spec(spec)
    if version:
        return _resolve_version(spec, version, environ, platform)
    if "/" in spec or "\\" in spec or os.sep in spec:
        if not os.path.exists(spec):
            raise InterpreterError(spec, "no such file; expected the path of a Python executable")
        return probe(os.path.abspath(spec), "explicit")
    found = shutil.which(spec, path=environ.get("PATH", os.defpath))
    if found is None and spec.lower() in _IMPLEMENTATION_COMMANDS:
        return _resolve_implementation(spec, environ, platform)
    if found is None:
        raise InterpreterError(
            spec,
            "not found on PATH; expected a path to a Python executable, a command on PATH such as python3.12 or "
            "pypy3, or a version such as 3.12, 3.12.1, 3.13t or pypy3.11",
        )
    return probe(found, "path")


# Commands that, when not on PATH, name the newest discovered interpreter of an implementation (and major version).
_IMPLEMENTATION_COMMANDS = {"pypy": ("pypy", None), "pypy3": ("pypy", 3), "graalpy": ("graalpy", None)}


def parse_py_launcher(output: str) -> List[str]:
    """The executables `py -0p` lists, in its new (` -V:3.12 *  C:\\...`) or old (` -3.8-64  C:\\...`) format."""
    executables = []
    for line in output.splitlines():
        match = _PY_LAUNCHER_LINE.match(line)
        if match and ("\\" in match["path"] or "/" in match["path"]):
            executables.append(match["path"])
    return executables


def resolve_releases(spec: str, environ: Optional[Mapping[str, str]] = None,
                     platform: Optional[str] = None) -> List[Interpreter]:
    """Every discovered release a --python value names under --all-releases: `3.13` is 3.13.0 and 3.13.18 when both
    are there; a release (3.13.0), a path or a command names one interpreter, as resolve() finds it."""
    environ = os.environ if environ is None else environ
    version = _version_spec(spec)
    if version and not version.group(4):  # a version without its patch number
        return _resolve_version(spec, version, environ, platform, every=True)
    return [resolve(spec, environ, platform)]


def _version_spec(spec: str) -> "Optional[re.Match[str]]":
    """The --python value as a version of an implementation the harness knows (3.12, 3.13.0, pypy3.11), or None."""
    version = _VERSION_SPEC.match(spec)
    return version if version and (version["implementation"] or "cpython").lower() in IMPLEMENTATIONS else None


def _resolve_version(
    spec: str, version: "re.Match[str]", environ: Mapping[str, str], platform: Optional[str], every: bool = False
) -> Any:
    prefix, major, minor, micro, threaded = version.groups()
    implementation = (prefix or "cpython").lower()
    wanted = f"{major}.{minor}" + (f".{micro}" if micro else "")
    found, problems = discover(environ, platform)
    matches = [
        i
        for i in found
        if i.implementation == implementation
        and (i.version == wanted or i.version.startswith(wanted + ".") or (micro and _release(i.version) == wanted))
        and i.free_threaded == bool(threaded)
    ]
    if matches and every:
        return sorted(matches, key=lambda i: _version_tuple(i.version))
    if matches:
        return max(matches, key=lambda i: _version_tuple(i.version))
    listing = ", ".join(f"{i.tag} ({i.version}, {i.executable})" for i in found) or "none"
    twins = [i.tag for i in found if _version_tuple(i.version)[:2] == (number(major), number(minor))]
    hint = f" (did you mean {' or '.join(dict.fromkeys(twins))}?)" if twins else ""
    unusable = [p for p in problems if f"{major}.{minor}" in p.reason]
    also = "".join(f"; {p.executable} is unusable: {p.reason}" for p in unusable)
    raise InterpreterError(
        spec,
        f"no such Python found{hint}; discovered {listing}{also}; expected the version of a discovered interpreter "
        "(3.12, 3.12.1, 3.13t, pypy3.11), or a path such as --python /usr/bin/python3.12",
    )


def _resolve_implementation(spec: str, environ: Mapping[str, str], platform: Optional[str]) -> Interpreter:
    implementation, major = _IMPLEMENTATION_COMMANDS[spec.lower()]
    found, _ = discover(environ, platform)
    matches = [
        i for i in found
        if i.implementation == implementation and (major is None or _version_tuple(i.version)[:1] == (major,))
    ]
    if matches:
        return max(matches, key=lambda i: (not i.free_threaded, _version_tuple(i.version)))
    listing = ", ".join(f"{i.tag} ({i.executable})" for i in found) or "none"
    raise InterpreterError(
        spec,
        f"not found on PATH, and discovery found no {implementation_name(implementation)}"
        f"{'' if major is None else f' {major}'}: it found {listing}; expected a PyPy 3 as pypy3.X or pypy3 on PATH, "
        "or in pyenv (~/.pyenv/versions/pypy3.*), or a path such as --python /usr/bin/pypy3",
    )


def _path_candidates(environ: Mapping[str, str], platform: str) -> List[_Candidate]:
    """python3.X, python3.Xt, pypy3.X and pypy3 commands in the PATH directories, in PATH order."""
    windows = platform == "win32"
    pattern = _WINDOWS_COMMAND_NAME if windows else _COMMAND_NAME
    # Windows PATHs are ;-separated; the separator follows the platform asked about, so tests can fake one anywhere.
    separator = ";" if windows else ":"
    candidates = []
    for directory in environ.get("PATH", "").split(separator):
        try:
            names = os.listdir(directory) if directory else []
        except OSError:
            continue
        matching = [(m, name) for name in names for m in [pattern.match(name)] if m]
        # CPython before PyPy, then by version; pypy3 after pypy3.X, which it usually links to (one probe for both).
        for _, name in sorted(matching, key=lambda pair: _command_order(pair[0])):
            path = os.path.join(directory, name)
            if not os.path.isfile(path) or not (windows or os.access(path, os.X_OK)):
                continue
            installs = _pyenv_installs_behind_shim(path, windows)
            if installs:
                candidates.extend(_Candidate(install, "pyenv") for install in installs)
            else:
                candidates.append(_Candidate(path, "path"))
    return candidates


def _command_order(match: "re.Match[str]") -> Tuple[bool, int, str]:
    if match["pypy"]:
        return (True, int(match["pypy_minor"]) if match["pypy_minor"] else 1 << 30, "")
    return (False, int(match["minor"]), match["threaded"])


def _pyenv_installs_behind_shim(path: str, windows: bool) -> List[str]:
    """The pyenv installs a pyenv shim stands for, so they are probed instead of the shim.

    A shim only works while pyenv has activated its version, so it would be probed in vain or under another name.
    """
    if not _is_shim(path):
        return []
    shims = os.path.dirname(path)
    pattern = os.path.join(glob.escape(os.path.dirname(shims)), "versions", "*", "" if windows else "bin")
    return sorted(glob.glob(os.path.join(pattern, glob.escape(os.path.basename(path)))))


def _pyenv_candidates(environ: Mapping[str, str], platform: str) -> List[_Candidate]:
    """pyenv installs: $PYENV_ROOT/versions/*/bin/python (pypy3 for pyenv's pypy3.* installs), or pyenv-win's
    versions\\*\\python.exe on Windows."""
    if platform == "win32":
        home = environ.get("USERPROFILE") or os.path.expanduser("~")
        root = environ.get("PYENV_ROOT") or os.path.join(home, ".pyenv", "pyenv-win")
        layout = ("", ".exe", "python3.*t.exe")
    else:
        home = environ.get("HOME") or os.path.expanduser("~")
        root = environ.get("PYENV_ROOT") or os.path.join(home, ".pyenv")
        layout = ("bin", "", "python3.*t")
    subdirectory, suffix, free_threaded = layout
    candidates = []
    for version_dir in sorted(glob.glob(os.path.join(glob.escape(root), "versions", "*"))):
        bin_dir = os.path.join(version_dir, subdirectory)
        # A PyPy install names its interpreter pypy3 (its `python` link, where there is one, is the same file).
        names = ("pypy3", "python") if os.path.basename(version_dir).lower().startswith("pypy") else ("python",)
        plain = next((path for path in (os.path.join(bin_dir, n + suffix) for n in names) if os.path.isfile(path)), None)
        free_threaded_builds = sorted(glob.glob(os.path.join(glob.escape(bin_dir), free_threaded)))
        executables = ([plain] if plain else []) + free_threaded_builds
        candidates.extend(_Candidate(path, "pyenv") for path in executables if os.path.isfile(path))
    return candidates


# A uv-managed installation's folder: cpython-3.12.7-linux-x86_64-gnu, cpython-3.13.0+freethreaded-macos-aarch64-none,
# pypy-3.10.14-windows-x86_64-none.  uv's minor-version links (cpython-3.12-linux-x86_64-gnu, pointing at the newest
# 3.12.x) have no patch version and do not match: the installation they point at is found under its own name.
_UV_INSTALL_NAME = re.compile(
    r"^(?P<implementation>[a-z]+)-(?P<major>\d+)\.(?P<minor>\d+)\.\d+(?:[a-z]+\d+)?"
    r"(?P<variant>(?:\+[a-z]+)*)-(?P<os>[a-z0-9_]+)-[^-]+-[^-]+$"
)
# The operating system part of those names, for the platforms whose installations discovery probes.
_UV_OS = {"linux": "linux", "darwin": "macos", "win32": "windows"}
_CONDA_ROOTS = ("miniconda3", "anaconda3", "miniforge3", "mambaforge")


def _uv_install_dirs(environ: Mapping[str, str], platform: str) -> List[str]:
    """Where uv keeps the Pythons it installs: $UV_PYTHON_INSTALL_DIR, else its data folder's python/
    ($XDG_DATA_HOME/uv or ~/.local/share/uv; on Windows %APPDATA%\\uv, or the older %APPDATA%\\uv\\data)."""
    if environ.get("UV_PYTHON_INSTALL_DIR"):
        return [environ["UV_PYTHON_INSTALL_DIR"]]
    if platform == "win32":
        appdata = environ.get("APPDATA")
        return [os.path.join(appdata, "uv", "python"), os.path.join(appdata, "uv", "data", "python")] if appdata else []
    if environ.get("XDG_DATA_HOME"):
        return [os.path.join(environ["XDG_DATA_HOME"], "uv", "python")]
    home = environ.get("HOME") or os.path.expanduser("~")
    return [os.path.join(home, ".local", "share", "uv", "python")]


def _uv_candidates(environ: Mapping[str, str], platform: str) -> List[_Candidate]:
    """uv-managed installations: <install dir>/<implementation>-<version>[+variant]-<os>-<arch>-<libc>/, with the
    interpreter in bin/ (python3.12, python3.13t, pypy3.10) or, on Windows, at the top (python.exe)."""
    windows = platform == "win32"
    wanted_os = _UV_OS.get(platform)
    candidates = []
    for install_dir in _uv_install_dirs(environ, platform):
        for folder in sorted(glob.glob(os.path.join(glob.escape(install_dir), "*"))):
            match = _UV_INSTALL_NAME.match(os.path.basename(folder))
            if not match or os.path.islink(folder) or (wanted_os and match["os"] != wanted_os):
                continue  # a lock or cache file, a minor-version link, an installation for another system
            variants = match["variant"].split("+")
            suffix = ("t" if "freethreaded" in variants else "") + ("d" if "debug" in variants else "")
            version = f"{match['major']}.{match['minor']}"
            if match["implementation"] == "pypy":
                names = [f"pypy{version}", f"pypy{match['major']}", "python"]
            else:
                names = [f"python{version}{suffix}", f"python{match['major']}", "python"]
            # The first uv releases unpacked an installation into an install/ subfolder.
            home = os.path.join(folder, "install") if os.path.isdir(os.path.join(folder, "install")) else folder
            if windows:
                paths = [os.path.join(home, name + ".exe") for name in [f"python{version}{suffix}", "python"]]
            else:
                paths = [os.path.join(home, "bin", name) for name in names]
            found = next((path for path in paths if os.path.isfile(path)), None)
            if found:
                candidates.append(_Candidate(found, "uv"))
    return candidates


def _conda_environments(environ: Mapping[str, str], platform: str) -> List[str]:
    """Conda environments: $CONDA_PREFIX; each of ~/miniconda3, ~/anaconda3, ~/miniforge3, ~/mambaforge and their
    envs/*; the environments conda lists in ~/.conda/environments.txt."""
    home = (environ.get("USERPROFILE") if platform == "win32" else environ.get("HOME")) or os.path.expanduser("~")
    environments = [environ["CONDA_PREFIX"]] if environ.get("CONDA_PREFIX") else []
    for name in _CONDA_ROOTS:
        root = os.path.join(home, name)
        if os.path.isdir(root):
            environments.append(root)
            environments.extend(sorted(glob.glob(os.path.join(glob.escape(root), "envs", "*"))))
    try:
        listing = files.read_text(os.path.join(home, ".conda", "environments.txt"), files.MiB, "conda's list",
                                  errors="replace")  # a regular file, bounded: never a pipe that blocks discovery
        environments.extend(line.strip() for line in listing.splitlines() if line.strip() and not line.startswith("#"))
    except OSError:
        pass
    return list(dict.fromkeys(os.path.normpath(env) for env in environments))


def _conda_candidates(environ: Mapping[str, str], platform: str) -> List[_Candidate]:
    """The Python of each conda environment (bin/python, or python.exe at the top on Windows), and its free-threaded
    build (python3.13t) where the environment has one; an environment without Python has none."""
    windows = platform == "win32"
    candidates = []
    for environment in _conda_environments(environ, platform):
        bin_dir = environment if windows else os.path.join(environment, "bin")
        plain = os.path.join(bin_dir, "python.exe" if windows else "python")
        pattern = "python3.*t.exe" if windows else "python3.*t"
        free_threaded = sorted(glob.glob(os.path.join(glob.escape(bin_dir), pattern)))
        executables = ([plain] if os.path.isfile(plain) else []) + free_threaded
        candidates.extend(_Candidate(path, "conda") for path in executables if os.path.isfile(path))
    return candidates


def _is_shim(path: str) -> bool:
    """pyenv, pyenv-win and asdf all keep their shims in a directory named shims."""
    return os.path.basename(os.path.dirname(path)) == "shims"


def _py_launcher_candidates(platform: str) -> List[_Candidate]:
    """What the Windows py launcher knows of (`py -0p`); nothing where there is no launcher."""
    if platform != "win32":
        return []
    try:
        completed = execute.run_quick(["py", "-0p"], timeout=PROBE_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return []
    if completed.returncode != 0:
        return []  # "No installed Pythons found!"
    return [_Candidate(path, "py-launcher") for path in parse_py_launcher(completed.stdout)]


def _unique_candidates(candidates: Sequence[_Candidate]) -> List[_Candidate]:
    unique = []
    seen = set()
    for candidate in candidates:
        key = os.path.normcase(os.path.realpath(candidate.executable))
        if key not in seen:
            seen.add(key)
            unique.append(candidate)
    return unique


def _probe_all(candidates: Sequence[_Candidate]) -> List[Union[Interpreter, InterpreterError]]:
    def attempt(candidate: _Candidate) -> Union[Interpreter, InterpreterError]:
        try:
            return probe(candidate.executable, candidate.source)
        except InterpreterError as error:
            return error

    if not candidates:
        return []
    with ThreadPoolExecutor(max_workers=min(PROBE_WORKERS, len(candidates))) as pool:
        return list(pool.map(attempt, candidates))


def _parse_description(stdout: str) -> Optional[Dict[str, Any]]:
    """The probe's JSON line (the last line that parses; a sitecustomize may print before it), or None."""
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            info = json.loads(line)
        except ValueError:
            continue
        if isinstance(info, dict) and isinstance(info.get("version"), str) and _version_tuple(info["version"]):
            return info
    return None


def _interpreter_from(info: Mapping[str, Any], executable: str, source: str) -> Interpreter:
    return Interpreter(
        executable=executable,
        implementation=str(info.get("implementation") or "cpython"),
        version=str(info["version"]),
        free_threaded=bool(info.get("free_threaded", False)),
        platform=str(info.get("platform", "")),
        machine=str(info.get("machine", "")),
        start_methods=tuple(info.get("start_methods", ())),
        default_start_method=str(info.get("default_start_method", "")),
        stdlib_dirs=_stdlib_dirs(info),
        source=source,
        implementation_version=str(info.get("implementation_version", "")),
        flavour=wine.flavour(str(info.get("wine") or "")),
        optimized=bool(info.get("optimized_stdlib", False)),
    )


def _stdlib_dirs(info: Mapping[str, Any]) -> Tuple[str, ...]:
    """The stdlib folders as the harness sees them in a cell's output: a Windows Python under Wine names them as
    Windows paths (Z:\\opt\\...\\python312.zip), which the cell's output reaches the normalizer spelled as Linux
    ones (harness.wine.posix_paths), so they are spelled so here too."""
    folders = [str(folder) for folder in info.get("stdlib_dirs", ())]
    if info.get("wine"):
        folders = [wine.linux_path(folder) for folder in folders]
    return tuple(dict.fromkeys(folders))


def _gist(stderr: str) -> str:
    """One telling line of an error output: a traceback's last line, else the first (pyenv explains itself there)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return "no error output"
    return lines[-1] if lines[0].startswith("Traceback") else lines[0]


def _version_tuple(version: str) -> Tuple[int, ...]:
    match = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", version)
    return tuple(number(part) for part in match.groups() if part is not None) if match else ()


def _release(version: str) -> str:
    """3.14.0rc1 -> 3.14.0."""
    return ".".join(str(part) for part in _version_tuple(version))


def _dotted(version: Tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


RELEASES_ENV = "MPMATRIX_RELEASES"  # "all": discovery keeps every release it finds, as --all-releases does


def select_interpreters(specs: Optional[Sequence[str]], report: Callable[[str], None],
                        all_releases: Optional[bool] = None) -> List[Interpreter]:
    """The interpreters asked for (`--python`, each of them, two releases of one version included), or those
    discovery finds: the newest release of each version, or every release with `all_releases` (default: the
    MPMATRIX_RELEASES environment variable). Interpreters found but unusable are summed up in one report line (for
    each, `mpmatrix interpreters`). Two interpreters with the same identity (one CPython 3.12.1 twice) are refused:
    their cells would be one."""
    if all_releases is None:
        all_releases = releases_wanted()
    if specs:
        chosen, named = [], []
        for spec in specs:
            if spec == "current":
                chosen.append(current())
                named.append(spec)
                continue
            try:  # --python 3.13 --all-releases: every 3.13 found, each its own column
                found = resolve_releases(spec) if all_releases else [resolve(spec)]
            except InterpreterError as exc:
                raise UsageError(f"--python {spec}: {exc}") from None
            chosen += found
            named += [spec] * len(found)
        return distinct(chosen, named)
    found, problems = discover()
    if problems:
        report(f"mpmatrix: {len(problems)} {'interpreter was' if len(problems) == 1 else 'interpreters were'} found "
               "but cannot be used (`mpmatrix interpreters` says why)")
    return (found if all_releases else newest_releases(found)) or [current()]


def releases_wanted(environ: Optional[Mapping[str, str]] = None) -> bool:
    """MPMATRIX_RELEASES: `all` keeps every release discovered, `newest` (or unset) the newest of each version;
    anything else is refused by name rather than read as `newest`."""
    value = (os.environ if environ is None else environ).get(RELEASES_ENV, "").strip().lower()
    if value not in ("", "all", "newest"):
        raise UsageError(f"{RELEASES_ENV}={value!r}: expected all (every release discovered) or newest (the newest "
                         "release of each version, the default)")
    return value == "all"


def distinct(chosen: Sequence[Interpreter], specs: Sequence[str]) -> List[Interpreter]:
    """The chosen interpreters, one named twice (3.12 and its path) once; two different executables of one identity
    refused with both named."""
    kept: Dict[Any, Tuple[Interpreter, str]] = {}
    for interpreter, spec in zip(chosen, specs):
        identity = interpreter.cell_id("")
        if identity in kept:
            first, first_spec = kept[identity]
            if os.path.normcase(os.path.realpath(first.executable)) == os.path.normcase(os.path.realpath(interpreter.executable)):
                continue
            raise UsageError(f"--python {first_spec} ({first.executable}) and --python {spec} ({interpreter.executable}) "
                             f"are both {describe(interpreter)} on {interpreter.cell_id('').platform_tag}: their cells "
                             "would be the same cells; name one of them")
        kept[identity] = (interpreter, spec)
    return [interpreter for interpreter, _ in kept.values()]


def newest_releases(items: Sequence[Interpreter]) -> List[Interpreter]:
    """The newest release of each line (implementation, minor version, build, platform and its flavour): what a run
    uses of an interpreter discovery found several releases of, unless every release is asked for."""
    best: Dict[Tuple[Any, ...], Interpreter] = {}
    for item in items:
        line = item.cell_id("").line()
        if line not in best or Version(item.version) > Version(best[line].version):
            best[line] = item
    return [item for item in items if best[item.cell_id("").line()] is item]


INTERPRETER_COLUMNS = ("column", "interpreter", "platform", "default", "start methods", "found in", "executable")


def describe(interpreter: Interpreter) -> str:
    """CPython 3.13.0 free-threaded; PyPy 7.3.11 (Python 3.9.16)."""
    name = implementation_name(interpreter.implementation)
    own = interpreter.implementation_version
    text = f"{name} {interpreter.version}" if not own or own == interpreter.version else f"{name} {own} (Python {interpreter.version})"
    return (text + (" free-threaded" if interpreter.free_threaded else "")
            + (" (stdlib without asserts)" if interpreter.optimized else ""))


def interpreter_table(found: Sequence[Interpreter]) -> List[str]:
    """`mpmatrix interpreters`: one aligned row per interpreter under a header, whatever the lengths of its fields."""
    places = [i.cell_id("") for i in found]
    layout = Layout(places)  # the columns a run of these interpreters makes: 3.13.0 and 3.13.18 when both are here
    rows = [list(INTERPRETER_COLUMNS)] + [
        [layout.tag(place), describe(i), f"{place.platform_tag}/{i.machine}", i.default_start_method,
         ",".join(i.start_methods), i.source, i.executable]
        for i, place in zip(found, places)
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(INTERPRETER_COLUMNS) - 1)]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths + [0])).rstrip() for row in rows]
