"""Environments for cases with dependencies: one virtual environment per (interpreter, resolved requirements), made
before the cells that need it (in parallel, saying what it does), with uv (or `python -m venv` + pip where uv is
absent), and kept in the user's cache folder between runs, so that a second run starts no installer at all and works
offline.

The cache (`mpmatrix envs` shows it, `mpmatrix envs --clean` empties it) lives beside the cell timings
(harness/timings.py), in `envs/`:

- `resolved/KEY.json`: what a request (an interpreter's identity and the requirements as written) resolved to: the
  pinned versions and the environment that holds them, or the resolver's answer when no environment can be made
  there (no wheel, a requires-python that excludes it). It is kept like a lock file: later runs install the same
  versions, online or not, until the cache is cleaned.
- `ENVKEY/`: the environment, content-addressed by the interpreter's identity and the pinned versions (uv), or by
  the requirements as written (pip, which resolves while it installs); `mpmatrix-env.json` in it is written last,
  so a folder without it is an interrupted build and is made again.

Only wheels are installed (`--no-build`, pip's `--only-binary :all:`): building a package from source needs
compilers, takes minutes and is a different package. Where a package has no wheel for an interpreter, its cells are
`unsupported` with the resolver's reason.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from harness import execute, files, timings
from harness.casefile import Case, Script
from harness.model import Environment, Interpreter
from harness.plan import EnvironmentKey, Environments, environment_key

VERSION = 1  # of the records below; another version's records are not read (their environments are made again)
ENVS_DIR = "envs"
RESOLVED_DIR = "resolved"
LOCKS_DIR = ".locks"
MARKER = "mpmatrix-env.json"
PINS = "mpmatrix-requirements.txt"
INSTALLER_ENV = "MPMATRIX_INSTALLER"  # "pip": use venv + pip even where uv is found (measuring, testing)
TOOL_TIMEOUT_S = 900.0  # one installer command; a large wheel (torch) on a slow line takes minutes
PROBE_TIMEOUT_S = 60.0
WORKERS = 4  # environments made at once: uv is itself parallel, and the machine has few cores
# Starts an environment's Python through the interpreter that made it, in the interpreter's own world: a chroot
# wrapper's environment links to a Python that exists only inside the chroot (see README, "Dependencies").
EXEC_SHIM = "import os, sys; os.execv(sys.argv[1], sys.argv[1:])"
# What an environment says about itself: its site-packages and every distribution installed there (read from
# METADATA, which works from Python 3.7 on and on PyPy, where importlib.metadata may be missing).
ENV_PROBE = r'''
import json, os, platform, stat, sys
dirs = [p for p in sys.path if p.startswith(sys.prefix) and os.path.basename(p) in ("site-packages", "dist-packages")]
packages = {}
for folder in dirs:
    try:
        names = os.listdir(folder)
    except OSError:
        continue
    for name in names:
        if not name.endswith(".dist-info"):
            continue
        path = os.path.join(folder, name, "METADATA")
        try:  # a regular file, its head alone (this runs inside the environment's Python: standard library only)
            if not stat.S_ISREG(os.stat(path).st_mode):
                continue
            with open(path, "rb") as f:
                head = f.read(1 << 20).decode("utf-8", errors="replace").split("\n\n", 1)[0]
        except OSError:
            continue
        fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        if "Name" in fields and "Version" in fields:
            packages[fields["Name"]] = fields["Version"]
print(json.dumps({"prefix": sys.prefix, "executable": sys.executable, "site_dirs": dirs, "packages": packages,
                  "implementation": sys.implementation.name, "version": platform.python_version()}))
'''

Report = Callable[[str], None]


# -- what is asked for ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """An environment a case's cells need: one interpreter, the requirements as the case narrows them for one
    variant choice, and the Pythons the case allows."""

    interpreter: Interpreter
    requirements: Tuple[str, ...]
    requires_python: str = ""

    @property
    def key(self) -> EnvironmentKey:
        """What plan.py looks an environment up by."""
        return environment_key(self.interpreter, self.requirements, self.requires_python)


def requests_for(cases: Iterable[Case], interpreters: Iterable[Interpreter]) -> List[Request]:
    """The environments the cases' cells need, each once: a case with dependencies needs one per interpreter and
    variant choice (none where the case does not run on the interpreter's platform)."""
    found: Dict[Tuple[str, Tuple[str, ...]], Request] = {}
    interpreters = list(interpreters)
    for case in cases:
        if not case.dependencies:
            continue
        for interpreter in interpreters:
            if case.platforms is not None and interpreter.platform not in case.platforms:
                continue
            for choice in case.variant_choices():
                request = Request(interpreter, case.requirements(choice), case.script.requires_python)
                found.setdefault(request.key, request)
    return list(found.values())


def interpreter_identity(interpreter: Interpreter) -> Dict[str, Any]:
    """What makes an environment of one interpreter unusable with another."""
    return {"executable": os.path.realpath(interpreter.executable), "implementation": interpreter.implementation,
            "version": interpreter.version, "free_threaded": interpreter.free_threaded,
            "platform": interpreter.platform, "machine": interpreter.machine, "flavour": interpreter.flavour,
            "implementation_version": interpreter.implementation_version}


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()[:20]


# -- the installers -----------------------------------------------------------------------------------------------


def find_uv(environ: Mapping[str, str] = os.environ) -> Optional[str]:
    """uv's binary: the one the `uv` package (a dependency of mpmatrix) installed, else one on PATH; None when there is
    none or $MPMATRIX_INSTALLER says pip."""
    if environ.get(INSTALLER_ENV, "").lower() == "pip":
        return None
    try:
        import uv  # optional at run time: the `uv` wheel (a dependency, absent where uv has none), its binary

        return str(uv.find_uv_bin())
    except (ImportError, FileNotFoundError, AttributeError):
        return shutil.which("uv")


def env_python(path: Path) -> Path:
    return path / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


class Unavailable(Exception):
    """No environment can be made for this interpreter (the resolver's answer): its cells are unsupported. A lasting
    answer is kept with the resolutions; one that depends on where the cache is (a chroot that does not see it) is
    not."""

    def __init__(self, message: str, lasting: bool = True) -> None:
        super().__init__(message)
        self.lasting = lasting


class BuildFailed(Exception):
    """Making the environment failed this time (a download, an installer that crashed): its cells are errors."""


_NO_SOLUTION = re.compile(r"No solution found|ResolutionImpossible|No matching distribution found|"
                          r"Could not find a version that satisfies|requires a different Python")
_TRANSIENT = re.compile(r"not found in the cache|offline|network|connect|timed? ?out|dns|certificate|HTTP status "
                        r"(?:4(?:08|29)|5\d\d)", re.IGNORECASE)


def resolver_answer(text: str, limit: int = 300) -> str:
    """The resolver's answer in one line: uv's first cause (`numpy>=1.26.0,<=1.26.4 has no usable wheels`) and its
    hint naming the interpreter's tags where it gives one; pip's ERROR line."""
    flat = " ".join(text.split())
    parts = []
    cause = re.search(r"(?:cause:|Caused by:|╰─▶) (?:Because )?(.*?)(?:,? (?:and )?we can conclude| and only the following"
                      r"| have no usable wheels and| hint:|$)", flat)
    if cause:
        part = cause.group(1).strip().rstrip(",.")
        if "have no usable wheels and" in flat[cause.end() - 30 : cause.end()]:
            part += " have no usable wheels"
        parts.append(part)
    hint = re.search(r"hint: (You require [^,]*, but we only found wheels for [^ ]+ \([^)]*\))", flat)
    if hint:
        parts.append(hint.group(1))
    if not parts:
        error = re.search(r"ERROR: (.*?)(?: ERROR:|$)", flat)
        parts.append(error.group(1) if error else (text.strip().splitlines() or ["no answer"])[0])
    answer = re.sub(r"\(from versions: ([^,)]+), [^)]*?([^, )]+)\)", r"(from versions: \1 ... \2)", "; ".join(parts))
    return answer if len(answer) <= limit else answer[: limit - 3] + "..."


def _run(argv: Sequence[str], what: str, input: Optional[str] = None, cwd: Optional[str] = None,
         timeout: float = TOOL_TIMEOUT_S) -> "subprocess.CompletedProcess[str]":
    try:
        return execute.run_tool(argv, timeout, input=input, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise BuildFailed(f"{what}: no answer within {timeout:g} s") from None
    except OSError as exc:
        raise BuildFailed(f"{what}: cannot run {argv[0]}: {exc.strerror or exc}") from None


def _failed(completed: "subprocess.CompletedProcess[str]", what: str) -> Exception:
    """The exception for a failed installer command: Unavailable where the resolver said no, else BuildFailed."""
    text = (completed.stderr or "") + "\n" + (completed.stdout or "")
    if _NO_SOLUTION.search(text) and not _TRANSIENT.search(text):
        return Unavailable(resolver_answer(text))
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return BuildFailed(f"{what} failed (exit {completed.returncode}): {' '.join(' '.join(lines[-4:]).split())[:400]}")


@dataclass(frozen=True)
class Launch:
    """How an environment's Python is started, and what it says about itself."""

    python: Tuple[str, ...]
    site_dirs: Tuple[str, ...]
    packages: Dict[str, str]


def probe_environment(path: Path, interpreter: Interpreter) -> Launch:
    """Start the environment's Python, directly, or through the interpreter that made it where only that reaches
    it (a chroot wrapper: the environment links to the chroot's Python). Started directly, it must be that
    interpreter: a chroot's PyPy 3.11 venv links to /usr/bin/pypy3, which on the host is another PyPy. Raises
    Unavailable when neither way starts it."""
    python = str(env_python(path))
    attempts = [(python,), (interpreter.executable, "-S", "-E", "-c", EXEC_SHIM, python)]
    said = []
    for command in attempts:
        try:
            completed = execute.run_tool([*command, "-I", "-c", ENV_PROBE], PROBE_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            said.append(f"{command[0]}: {getattr(exc, 'strerror', None) or exc}")
            continue
        if completed.returncode == 0:
            try:
                info = json.loads(completed.stdout.strip().splitlines()[-1])
                found = (info["implementation"], info["version"])
                if found == (interpreter.implementation, interpreter.version):
                    return Launch(tuple(command), tuple(info["site_dirs"]), dict(info["packages"]))
                said.append(f"{command[0]}: it is {found[0]} {found[1]}, not {interpreter.implementation} "
                            f"{interpreter.version}")
                continue
            except (ValueError, KeyError, IndexError):
                pass
        last = [line.strip() for line in completed.stderr.splitlines() if line.strip()][-1:] or ["no output"]
        said.append(f"{command[0]}: exit {completed.returncode}: {last[0][:200]}")
    raise Unavailable(f"the environment made for it in {path} does not start, neither directly nor through "
                      f"{interpreter.executable} (an interpreter in a chroot sees only the folders bound into it: "
                      f"keep the cache in one of them, e.g. under the home folder; {'; '.join(said)})", lasting=False)


def direct_packages(requirements: Sequence[str], installed: Mapping[str, str]) -> Tuple[Tuple[str, str], ...]:
    """The case's direct dependencies as installed: (normalized name, version); one excluded by its marker is absent."""
    versions = {canonicalize_name(name): version for name, version in installed.items()}
    names = dict.fromkeys(canonicalize_name(Requirement(r).name) for r in requirements)
    return tuple(sorted((name, versions[name]) for name in names if name in versions))


class Installer:
    """Resolves requirements and makes environments: uv, or venv + pip."""

    name = ""

    def resolve(self, request: Request, workdir: Path) -> Optional[Tuple[str, ...]]:
        """Pinned requirements (name==version, every package), or None when pins are only known once installed."""
        raise NotImplementedError

    def build(self, request: Request, pins: Optional[Tuple[str, ...]], path: Path) -> Launch:
        raise NotImplementedError


# uv, asked for an interpreter, may download a Python of its own: the environment must use the one the cells run.
NO_DOWNLOADS = ("--no-python-downloads",)


class UvInstaller(Installer):
    name = "uv"

    def __init__(self, uv: str) -> None:
        self.uv = uv

    def resolve(self, request: Request, workdir: Path) -> Optional[Tuple[str, ...]]:
        completed = _run([self.uv, "pip", "compile", "-", "--python", request.interpreter.executable, *NO_DOWNLOADS,
                          "--no-build",
                          "--no-header", "--no-annotate", "--quiet"], "uv pip compile",
                         input="\n".join(request.requirements) + "\n", cwd=str(workdir))
        if completed.returncode != 0:
            raise _failed(completed, "uv pip compile")
        return tuple(line.strip() for line in completed.stdout.splitlines()
                     if line.strip() and not line.lstrip().startswith("#"))

    def build(self, request: Request, pins: Optional[Tuple[str, ...]], path: Path) -> Launch:
        interpreter = request.interpreter
        completed = _run([self.uv, "venv", "--quiet", "--no-project", *NO_DOWNLOADS, "--python", interpreter.executable,
                          str(path)], "uv venv",
                         cwd=str(path.parent))
        if completed.returncode != 0:
            raise _failed(completed, "uv venv")
        (path / PINS).write_text("".join(f"{pin}\n" for pin in pins or ()), encoding="utf-8")
        launch = probe_environment(path, interpreter)
        if len(launch.python) == 1:
            target = ["--python", launch.python[0]]
        else:  # uv cannot start this environment's Python: it installs into its site-packages for the interpreter
            target = ["--python", interpreter.executable, "--target", launch.site_dirs[0]]
        install = [self.uv, "pip", "install", "--quiet", *NO_DOWNLOADS, "--no-deps", "--no-build", *target, "-r",
                   str(path / PINS)]
        # Pinned versions are usually in uv's cache already (an environment made again): taken from there first,
        # the environment is made without the network.
        completed = _run(install + ["--offline"], "uv pip install", cwd=str(path.parent))
        if completed.returncode != 0:
            completed = _run(install, "uv pip install", cwd=str(path.parent))
        if completed.returncode != 0:
            raise _failed(completed, "uv pip install")
        return probe_environment(path, interpreter)


class PipInstaller(Installer):
    name = "pip"

    def resolve(self, request: Request, workdir: Path) -> Optional[Tuple[str, ...]]:
        return None  # pip resolves while it installs

    def build(self, request: Request, pins: Optional[Tuple[str, ...]], path: Path) -> Launch:
        interpreter = request.interpreter
        completed = _run([interpreter.executable, "-m", "venv", str(path)], "python -m venv", cwd=str(path.parent))
        if completed.returncode != 0:
            raise _failed(completed, "python -m venv")
        launch = probe_environment(path, interpreter)
        completed = _run([*launch.python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                          "--only-binary", ":all:", *request.requirements], "pip install", cwd=str(path.parent))
        if completed.returncode != 0:
            raise _failed(completed, "pip install")
        launch = probe_environment(path, interpreter)
        (path / PINS).write_text("".join(f"{name}=={version}\n" for name, version in sorted(launch.packages.items())),
                                 encoding="utf-8")
        return launch


def installer(environ: Mapping[str, str] = os.environ) -> Installer:
    uv = find_uv(environ)
    return UvInstaller(uv) if uv else PipInstaller()


# -- the cache ------------------------------------------------------------------------------------------------------


_temporary: List[str] = []


def envs_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where environments are kept: the user's cache folder for mpmatrix (harness/timings.py's), or, where the cache
    is turned off ($MPMATRIX_CACHE_DIR empty), a temporary folder this process removes when it ends."""
    folder = timings.cache_dir(environ)
    if folder is not None:
        return folder / ENVS_DIR
    if not _temporary:
        _temporary.append(tempfile.mkdtemp(prefix="mpmatrix-envs-"))
        atexit.register(shutil.rmtree, _temporary[0], True)
    return Path(_temporary[0])


def _write_json(path: Path, data: Any) -> None:
    """Atomically: a concurrent run (tox's envs) never reads half a record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=str(path.parent), prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


RECORD_LIMIT = 16 * files.MiB  # an environment's record or a resolution: a few KiB


def _read_json(path: Path) -> Optional[Dict[str, Any]]:
    try:
        data = json.loads(files.read_text(path, RECORD_LIMIT, "environment record"))  # regular, bounded
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) and data.get("version") == VERSION else None


class _FolderLock:
    """An OS lock on .locks/FOLDER.lock while one process makes that environment (tox's envs run at once); the kernel
    releases it when its process ends, however it ends."""

    def __init__(self, path: Path) -> None:
        locks = path.parent / LOCKS_DIR
        locks.mkdir(parents=True, exist_ok=True)
        self.file = open(str(locks / f"{path.name}.lock"), "a+")

    def __enter__(self) -> "_FolderLock":
        try:
            if sys.platform == "win32":
                import msvcrt  # Windows only

                while True:
                    try:
                        msvcrt.locking(self.file.fileno(), msvcrt.LK_LOCK, 1)
                        break
                    except OSError:
                        continue
            else:
                import fcntl  # POSIX only

                fcntl.flock(self.file.fileno(), fcntl.LOCK_EX)
        except OSError:
            pass  # a file system without locks: concurrent runs may both build; the marker still decides
        return self

    def __exit__(self, *exc: Any) -> None:
        self.file.close()


# -- preparing the environments of a session ----------------------------------------------------------------------


@dataclass
class Outcome:
    """How one request was met: its environment (or why it cannot be), and what that took."""

    request: Request
    environment: Environment
    built: bool = False  # False: reused from the cache (or decided without any tool)
    seconds: float = 0.0


def prepare(requests: Sequence[Request], report: Report = lambda line: None,
            environ: Mapping[str, str] = os.environ) -> Environments:
    """An environment for every request: reused from the cache where it is there, made (in parallel) where it is not,
    each told to `report` as it lands, then a summary line with the time it took."""
    if not requests:
        return {}
    started = time.monotonic()
    root = envs_dir(environ)
    tool = installer(environ)
    outcomes: List[Outcome] = []
    pending: List[Request] = []
    for request in requests:
        ready = _ready(request, root, tool)
        if ready is not None:
            outcomes.append(ready)
        else:
            pending.append(request)
    if pending:
        reused = sum(1 for o in outcomes if not o.environment.unavailable)
        report(f"environments: making {len(pending)} with {tool.name} in {root}"
               + (f" ({reused} reused)" if reused else ""))
        lock = threading.Lock()

        def make(request: Request) -> Outcome:
            outcome = _make(request, root, tool)
            with lock:
                if not execute.tools_ended():  # an interrupted build's outcome is no news
                    report(f"  {_describe(outcome)}")
            return outcome

        execute.allow_tools()
        pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="mpmatrix-env")
        futures = [pool.submit(make, request) for request in pending]
        try:
            outcomes += [future.result() for future in futures]
        except BaseException:  # Ctrl+C: what waits is not started, what runs is killed, no installer outlives it
            for future in futures:
                future.cancel()
            execute.end_tools()
            pool.shutdown(wait=True)
            raise
        pool.shutdown()
    elapsed = time.monotonic() - started
    report(summary(outcomes, elapsed))
    return {o.request.key: o.environment for o in outcomes}


def summary(outcomes: Sequence[Outcome], elapsed: float) -> str:
    built = sum(1 for o in outcomes if o.built and not o.environment.unavailable and not o.environment.error)
    reused = sum(1 for o in outcomes if not o.built and not o.environment.unavailable)
    unavailable = sum(1 for o in outcomes if o.environment.unavailable)
    failed = sum(1 for o in outcomes if o.environment.error)
    parts = []
    if built:
        parts.append(f"{built} made")
    if reused:
        parts.append(f"{reused} reused")
    if unavailable:
        parts.append(f"{unavailable} not possible (their cells are unsupported)")
    if failed:
        parts.append(f"{failed} failed (their cells are errors)")
    return f"environments: {', '.join(parts)} in {elapsed:.1f} s"


def _describe(outcome: Outcome) -> str:
    request, environment = outcome.request, outcome.environment
    what = f"{request.interpreter.tag} {' '.join(request.requirements)}"
    if environment.unavailable:
        return f"{what}: not possible: {environment.unavailable}"
    if environment.error:
        return f"{what}: failed: {environment.error}"
    packages = " ".join(f"{name}=={version}" for name, version in environment.packages)
    how = "" if outcome.built else ", made meanwhile by another run"
    return f"{what}: {packages or 'nothing installed'} ({outcome.seconds:.1f} s{how})"


def _resolution_path(request: Request, root: Path, tool: Installer) -> Path:
    key = _digest({"interpreter": interpreter_identity(request.interpreter), "requirements": sorted(request.requirements),
                   "installer": tool.name, "wheels_only": True, "version": VERSION})
    return root / RESOLVED_DIR / f"{key}.json"


def _env_path(request: Request, pins: Optional[Tuple[str, ...]], root: Path, tool: Installer) -> Path:
    what = {"pins": sorted(pins)} if pins is not None else {"requirements": sorted(request.requirements)}
    return root / (f"{tool.name}-" + _digest({"interpreter": interpreter_identity(request.interpreter),
                                              "installer": tool.name, "version": VERSION, **what}))


def _kept(path: Path) -> Optional[Dict[str, Any]]:
    """The record of the environment kept at path, or None when there is none to use: never finished, or its Python
    is gone (a venv's python links to the interpreter it was made from; made from a tox env's, it dangles once that
    env is removed, and every cell would fail to start)."""
    record = _read_json(path / MARKER)
    if record is None or not record.get("python") or not os.path.exists(record["python"][0]):
        return None
    return record


def _environment(request: Request, path: Path, record: Mapping[str, Any]) -> Environment:
    return Environment(tuple(record["python"]), str(path), tuple(record["site_dirs"]),
                       direct_packages(request.requirements, record["packages"]))


def _ready(request: Request, root: Path, tool: Installer) -> Optional[Outcome]:
    """The request met without starting any process: its interpreter excluded by requires-python, or its
    resolution and environment in the cache; None when there is work to do."""
    interpreter = request.interpreter
    if request.requires_python:
        if not Script(requires_python=request.requires_python).allows(interpreter.version):
            name = "Python" if interpreter.implementation == "cpython" else interpreter.tag
            return Outcome(request, Environment(unavailable=f"the case's requires-python {request.requires_python!r} "
                                                            f"excludes {name} {interpreter.version}"))
    resolved = _read_json(_resolution_path(request, root, tool))
    if resolved is None:
        return None
    if resolved.get("unavailable"):
        return Outcome(request, Environment(unavailable=str(resolved["unavailable"])))
    path = root / str(resolved.get("environment", ""))
    record = _kept(path) if resolved.get("environment") else None
    if record is None:
        return None
    return Outcome(request, _environment(request, path, record))


def _make(request: Request, root: Path, tool: Installer) -> Outcome:
    started = time.monotonic()
    built = True
    try:
        environment, built = _resolve_and_build(request, root, tool)
    except Unavailable as exc:
        if exc.lasting:
            _write_json(_resolution_path(request, root, tool), {"version": VERSION, "unavailable": str(exc),
                                                                 "requirements": list(request.requirements)})
        environment = Environment(unavailable=str(exc))
    except BuildFailed as exc:
        environment = Environment(error=str(exc))
    except OSError as exc:  # the cache folder cannot be written
        environment = Environment(error=f"cannot make the environment in {root}: {exc.strerror or exc}")
    return Outcome(request, environment, built, time.monotonic() - started)


def _resolve_and_build(request: Request, root: Path, tool: Installer) -> Tuple[Environment, bool]:
    """The request's environment, and whether this process made it (another, holding the lock, may have)."""
    resolution = _resolution_path(request, root, tool)
    resolved = _read_json(resolution)
    root.mkdir(parents=True, exist_ok=True)
    pins: Optional[Tuple[str, ...]] = tuple(resolved["pins"]) if resolved and resolved.get("pins") is not None else None
    if pins is None:
        pins = tool.resolve(request, root)
    path = _env_path(request, pins, root, tool)
    if pins is not None and resolved is None:  # kept at once: a build that fails is tried again with these pins
        _write_json(resolution, {"version": VERSION, "pins": list(pins), "environment": path.name,
                                 "requirements": list(request.requirements)})
    with _FolderLock(path):
        record = _kept(path)
        built = record is None
        if record is None:
            if path.exists():
                shutil.rmtree(str(path), ignore_errors=True)  # an interrupted build, or one that no longer starts
            started = time.monotonic()
            try:
                launch = tool.build(request, pins, path)
            except BaseException:
                shutil.rmtree(str(path), ignore_errors=True)
                raise
            record = {"version": VERSION, "python": list(launch.python), "site_dirs": list(launch.site_dirs),
                      "packages": launch.packages, "requirements": list(request.requirements),
                      "interpreter": interpreter_identity(request.interpreter), "installer": tool.name,
                      "made": time.strftime("%Y-%m-%dT%H:%M:%S"), "seconds": round(time.monotonic() - started, 2)}
            _write_json(path / MARKER, record)
    if pins is None:
        pins = tuple(f"{name}=={version}" for name, version in sorted(record["packages"].items()))
    _write_json(resolution, {"version": VERSION, "pins": list(pins), "environment": path.name,
                             "requirements": list(request.requirements)})
    return _environment(request, path, record), built


# -- seeing and cleaning the cache ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    """An environment in the cache, as `mpmatrix envs` lists it."""

    path: Path
    interpreter: Dict[str, Any]
    requirements: Tuple[str, ...]
    packages: Dict[str, str]
    installer: str
    made: str
    seconds: float
    size: int


def disk_use(path: Path, seen: Optional[set] = None) -> int:
    """Bytes under a folder, each file once however many links it has (uv links files from its own cache)."""
    seen = set() if seen is None else seen
    total = 0
    for folder, _, files in os.walk(str(path)):
        for name in files:
            try:
                stat = os.lstat(os.path.join(folder, name))
            except OSError:
                continue
            if (stat.st_dev, stat.st_ino) in seen:
                continue
            seen.add((stat.st_dev, stat.st_ino))
            total += stat.st_size
    return total


def kept_environments(environ: Mapping[str, str] = os.environ) -> Iterator[Kept]:
    root = envs_dir(environ)
    if not root.is_dir():
        return
    for path in sorted(root.iterdir()):
        record = _read_json(path / MARKER) if path.is_dir() else None
        if record is None:
            continue
        yield Kept(path, dict(record.get("interpreter", {})), tuple(record.get("requirements", ())),
                   dict(record.get("packages", {})), str(record.get("installer", "")), str(record.get("made", "")),
                   float(record.get("seconds", 0.0)), disk_use(path))


def clean(environ: Mapping[str, str] = os.environ) -> Tuple[int, int]:
    """Remove every kept environment and resolution; (environments removed, bytes freed)."""
    root = envs_dir(environ)
    if not root.is_dir():
        return 0, 0
    count = sum(1 for path in root.iterdir() if (path / MARKER).is_file())
    size = disk_use(root)
    shutil.rmtree(str(root), ignore_errors=True)
    return count, size
