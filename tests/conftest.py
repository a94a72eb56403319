"""Shared fixtures: the running interpreter as a matrix column, running `mpmatrix` as a subprocess, process counts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import pytest

pytest_plugins = ["pytester"]
collect_ignore = ["data"]  # fixture cases and hostile inputs are run by the tests, never collected as tests

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CASES = DATA / "cases"
HOSTILE = DATA / "hostile"


@pytest.fixture(autouse=True)
def timings_cache(tmp_path_factory, monkeypatch):
    """Runs started by a test (in this process or as subprocesses) keep their cell timings in a folder of the
    test's own: never in the user's cache, and no test's order depends on another's timings."""
    from harness.timings import CACHE_ENV

    folder = tmp_path_factory.mktemp("timings-cache")
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def import_jsonschema():
    """jsonschema, or a skip where only the platform keeps it from loading: under Wine 8, its `rpds` extension (Rust)
    imports ProcessPrng from bcryptprimitives.dll, which Wine 8 lacks and Wine 10 has ("DLL load failed while
    importing rpds"). Anywhere else a failed import fails the test."""
    try:
        import jsonschema
    except ImportError as exc:
        from harness import wine

        if wine.wine_version().startswith("8.") and "DLL load failed" in str(exc):
            pytest.skip(f"jsonschema cannot load under Wine 8 ({exc}: Rust's bcryptprimitives.dll is missing there)",
                        allow_module_level=True)  # a test module that imports it at the top is skipped whole
        raise
    return jsonschema


@pytest.fixture(scope="session")
def current_interpreter():
    from harness import interpreters

    return interpreters.current()


@dataclass
class Invocation:
    """One `mpmatrix` command run as a subprocess, and what it left behind."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    out: Optional[Path] = None

    def results(self) -> Dict:
        import json

        assert self.out is not None
        return json.loads((self.out / "results.json").read_text(encoding="utf-8"))

    def cells(self) -> Dict[str, List[Dict]]:
        """Cells by case name."""
        by_case: Dict[str, List[Dict]] = {}
        for cell in self.results()["cells"]:
            by_case.setdefault(cell["case"], []).append(cell)
        return by_case


def mpmatrix(*args: str, out: Optional[Path] = None, timeout: float = 120,
             env: Optional[Dict[str, str]] = None) -> Invocation:
    """Run `python -m harness ARGS` (coverage follows it into the subprocess) and time it; env adds to the
    environment."""
    argv = [sys.executable, "-m", "harness", *args]
    if out is not None:
        argv += ["--out", str(out)]
    started = time.monotonic()
    done = subprocess.run(argv, cwd=str(REPO), capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          env=None if env is None else {**os.environ, **env})
    return Invocation(done.returncode, done.stdout, done.stderr, time.monotonic() - started, out)


def own_session_processes() -> List[int]:
    """Live (non-zombie) processes of the test's own session, other than this one."""
    from harness import execute

    return [pid for pid in execute.session_processes(os.getsid(0)) if not execute._is_zombie(pid)]


def processes_mentioning(marker: str) -> List[str]:
    """Command lines of live (non-zombie) processes mentioning marker: cells run in their own sessions, so this is
    how a test finds a cell's survivors whatever session or process group they moved to."""
    import psutil

    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        try:
            if proc.info["status"] == psutil.STATUS_ZOMBIE or proc.pid == os.getpid():
                continue
            cmdline = " ".join(proc.info["cmdline"] or ())
        except psutil.Error:
            continue
        if marker in cmdline:
            found.append(f"{proc.pid} {cmdline}")
    return found


def wait_until_gone(marker: str, seconds: float = 3.0) -> List[str]:
    """Survivors mentioning marker after giving exiting processes a moment."""
    deadline = time.monotonic() + seconds
    while True:
        left = processes_mentioning(marker)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def write_case(folder: Path, name: str, block: str, code: str = 'print("hi")\n') -> Path:
    """A case file from a TOML block written without the leading `# `."""
    lines = ["# /// case"] + [("# " + line) if line else "#" for line in block.strip("\n").splitlines()] + ["# ///"]
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n" + code, encoding="utf-8")
    return path


def paths(*items: Path) -> Sequence[str]:
    return [str(p) for p in items]


@dataclass
class Watched:
    """A command run while its peak resident memory was sampled (every 20 ms)."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss: int


def run_watched(argv: Sequence[str], timeout: float = 120, **kwargs) -> Watched:
    import threading

    import psutil

    started = time.monotonic()
    process = subprocess.Popen(list(argv), cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, **kwargs)
    peak = [0]

    def watch() -> None:
        try:
            watched = psutil.Process(process.pid)
            while process.poll() is None:
                peak[0] = max(peak[0], watched.memory_info().rss)
                time.sleep(0.02)
        except psutil.Error:
            pass

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    stdout, stderr = process.communicate(timeout=timeout)
    seconds = time.monotonic() - started
    watcher.join()
    return Watched(process.returncode, stdout.decode(errors="replace"), stderr.decode(errors="replace"), seconds, peak[0])


def flat_result(**values):
    """A Result from the flat fields a results file writes for a cell (statuses and leftovers as objects or as JSON)."""
    from harness.model import Leftover, Result, Status

    data = dict(values)
    if isinstance(data.get("status"), Status):
        data["status"] = data["status"].label
    data["leftovers"] = [{"pid": x.pid, "cmdline": x.cmdline, "zombie": x.zombie} if isinstance(x, Leftover) else x
                         for x in data.get("leftovers", ())]
    return Result.from_json(data)


def flat_replace(result, **fields):
    """The result with some of its flat fields (as a results file writes them) changed."""
    data = result.to_json()
    if "free_threaded" in fields and "build" not in fields:
        data.pop("build", None)  # derived from free_threaded, as in a schema 1 file
    data.update(fields)
    return flat_result(**data)
