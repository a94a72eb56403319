"""Find the interpreters that can run cells: python3.X on PATH, pyenv installs, the Windows py launcher, this one."""

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

from harness import execute, wine
from harness.errors import UsageError
from harness.model import IMPLEMENTATIONS, Interpreter, implementation_name

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
    import multiprocessing
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
    for key in ("stdlib", "platstdlib"):
        if paths.get(key):
            for path in (paths[key], os.path.realpath(paths[key])):
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
    )
    return info
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
    """Describe the interpreter at `executable` by running the probe script in it; raises InterpreterError."""
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
        _path_candidates(environ, platform) + _pyenv_candidates(environ, platform) + _py_launcher_candidates(platform)
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
    for interpreter in found:  # in source order, so PATH beats pyenv beats the py launcher beats the running one
        path_key = os.path.normcase(os.path.realpath(interpreter.executable))
        build_key = (interpreter.implementation, interpreter.version, interpreter.free_threaded)
        if path_key in seen_paths or build_key in seen_builds:
            continue
        seen_paths.add(path_key)
        seen_builds.add(build_key)
        kept.append(interpreter)
    kept.sort(key=_sort_key)
    return kept, problems


def resolve(spec: str, environ: Optional[Mapping[str, str]] = None, platform: Optional[str] = None) -> Interpreter:
    """The interpreter a --python value names: a path, a command on PATH (python3.12, pypy3), or a version of a
    discovered interpreter (3.12, 3.12.1, 3.13t for CPython; pypy3.11 for PyPy); `pypy` alone, when no such command
    is on PATH, is the newest PyPy discovered."""
    environ = os.environ if environ is None else environ
    version = _VERSION_SPEC.match(spec)
    if version and (version["implementation"] or "cpython").lower() in IMPLEMENTATIONS:
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


def _resolve_version(
    spec: str, version: "re.Match[str]", environ: Mapping[str, str], platform: Optional[str]
) -> Interpreter:
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
    if matches:
        return max(matches, key=lambda i: _version_tuple(i.version))
    listing = ", ".join(f"{i.tag} ({i.version}, {i.executable})" for i in found) or "none"
    twins = [i.tag for i in found if _version_tuple(i.version)[:2] == (int(major), int(minor))]
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
        stdlib_dirs=tuple(info.get("stdlib_dirs", ())),
        source=source,
        implementation_version=str(info.get("implementation_version", "")),
    )


def _gist(stderr: str) -> str:
    """One telling line of an error output: a traceback's last line, else the first (pyenv explains itself there)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return "no error output"
    return lines[-1] if lines[0].startswith("Traceback") else lines[0]


def _version_tuple(version: str) -> Tuple[int, ...]:
    match = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", version)
    return tuple(int(part) for part in match.groups() if part is not None) if match else ()


def _release(version: str) -> str:
    """3.14.0rc1 -> 3.14.0."""
    return ".".join(str(part) for part in _version_tuple(version))


def _dotted(version: Tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def _sort_key(interpreter: Interpreter) -> Tuple[str, Tuple[int, ...], bool]:
    return (interpreter.implementation, _version_tuple(interpreter.version), interpreter.free_threaded)


def select_interpreters(specs: Optional[Sequence[str]], report: Callable[[str], None]) -> List[Interpreter]:
    """The interpreters asked for (`--python`), or every one found; unusable ones are reported once and skipped."""
    if specs:
        chosen = []
        for spec in specs:
            if spec == "current":
                chosen.append(current())
                continue
            try:
                chosen.append(resolve(spec))
            except InterpreterError as exc:
                raise UsageError(f"--python {spec}: {exc}") from None
        return one_per_column(chosen)
    found, problems = discover()
    for problem in problems:
        report(f"mpmatrix: skipping {problem.executable} ({problem.source}): {problem.reason}")
    return one_per_column(found) or [current()]


def one_per_column(items: Sequence[Interpreter]) -> List[Interpreter]:
    """One interpreter per matrix column (implementation, minor version, free-threading): the newest patch wins."""
    from packaging.version import Version

    best: Dict[Tuple[str, str, str], Interpreter] = {}
    for item in items:
        key = (item.implementation, item.tag, item.platform)
        if key not in best or Version(item.version) > Version(best[key].version):
            best[key] = item
    return [item for item in items if best[(item.implementation, item.tag, item.platform)] is item]


INTERPRETER_COLUMNS = ("column", "interpreter", "platform", "default", "start methods", "found in", "executable")


def describe(interpreter: Interpreter) -> str:
    """CPython 3.13.0 free-threaded; PyPy 7.3.11 (Python 3.9.16)."""
    name = implementation_name(interpreter.implementation)
    own = interpreter.implementation_version
    text = f"{name} {interpreter.version}" if not own or own == interpreter.version else f"{name} {own} (Python {interpreter.version})"
    return text + (" free-threaded" if interpreter.free_threaded else "")


def interpreter_table(found: Sequence[Interpreter]) -> List[str]:
    """`mpmatrix interpreters`: one aligned row per interpreter under a header, whatever the lengths of its fields."""
    rows = [list(INTERPRETER_COLUMNS)] + [
        [i.tag, describe(i), f"{i.platform}/{i.machine}", i.default_start_method, ",".join(i.start_methods), i.source,
         i.executable]
        for i in found
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(INTERPRETER_COLUMNS) - 1)]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths + [0])).rstrip() for row in rows]


def interpreter_info(interpreter: Interpreter) -> Dict[str, Any]:
    """An interpreter as the results file records it."""
    import dataclasses

    info = dataclasses.asdict(interpreter)
    info["start_methods"] = list(interpreter.start_methods)
    info["stdlib_dirs"] = list(interpreter.stdlib_dirs)
    return info
