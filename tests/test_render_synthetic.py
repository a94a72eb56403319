"""Synthetic results shared by the analysis and renderer tests, and checks that they are valid results."""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from conftest import flat_result, import_jsonschema
from harness.model import Leftover, Result, Run, Status
from harness.results import SCHEMA_PATH, schema_problem

VERSIONS = {"3.10": "3.10.14", "3.11": "3.11.9", "3.12": "3.12.4", "3.13": "3.13.1", "3.13t": "3.13.1"}
METHODS = ("fork", "spawn", "forkserver")


def make_result(
    case: str = "demo", platform: str = "linux", python: str = "3.12", start_method: str = "fork",
    status: Status = Status.PASS, holds: Optional[bool] = True, exit: Optional[str] = "0", stdout: str = "",
    stderr: str = "", exception: str = "", ids: Sequence[str] = ("S1",), claim: str = "", **extra: Any,
) -> Result:
    """One cell; `python` is a tag (3.12, 3.13t) or a full version."""
    version = VERSIONS.get(python, python)
    values: Dict[str, Any] = dict(
        case=case, case_path=f"cases/{case}.py", ids=tuple(ids), claim=claim or f"The {case} claim.",
        python=version, implementation="cpython", free_threaded=python.endswith("t"), platform=platform,
        machine="x86_64", start_method=start_method, default_start_method="fork", status=status, holds=holds,
        exit=exit, exception=exception, stdout=stdout, stderr=stderr, stdout_raw=stdout, stderr_raw=stderr,
        duration_s=0.25,
    )
    values.update(extra)
    return flat_result(**values)


def grid(
    case: str, outcome: Any, platforms: Iterable[str] = ("linux",), pythons: Iterable[str] = ("3.11", "3.12", "3.13"),
    methods: Iterable[str] = METHODS, **common: Any,
) -> List[Result]:
    """A full block of cells; `outcome(platform, python, method)` returns the keyword arguments of each cell, or None
    for a cell that was not observed."""
    out = []
    for platform in platforms:
        for python in pythons:
            for method in methods:
                kwargs = outcome(platform, python, method)
                if kwargs is None:
                    continue
                merged = dict(common)
                merged.update(kwargs)
                out.append(make_result(case, platform, python, method, **merged))
    return out


def make_run(results: Iterable[Result], **extra: Any) -> Run:
    values: Dict[str, Any] = dict(
        results=tuple(results), started="2024-05-01T10:00:00+00:00", finished="2024-05-01T10:01:00+00:00",
        host={"platform": "linux"}, harness_version="0.1.0", sources=("results/linux.json",),
    )
    values.update(extra)
    return Run(**values)


def demo_run() -> Run:
    """A small run with every kind of cell the renderers must show: same everywhere, differing by start method,
    changed in a version, failures, a flaky cell, unsupported and skipped cells, and hostile output."""
    cells: List[Result] = []
    cells += grid("process_queue_argument", lambda p, v, m: dict(stdout="I am Process-1, result is 42\n"),
                  platforms=("linux", "darwin"), ids=("S1",), claim="A Queue passed to Process works.",
                  source="https://example.org/post#queues")
    cells += grid(
        "process_queue_argument_no_join",
        lambda p, v, m: dict(stdout="I am Process-1, result is 42\n") if m == "fork" else dict(
            stdout="", exit="1", exception="FileNotFoundError: [Errno 2] No such file or directory", holds=False,
            stderr="Traceback (most recent call last):\n  [stdlib frames]\nFileNotFoundError: [Errno 2] No such file or directory\n"),
        platforms=("linux", "darwin"), ids=("S1",), claim="A Queue passed to Process works (without join).",
        source="https://example.org/post#queues",
    )
    cells += grid(
        "pool_queue_argument", lambda p, v, m: dict(
            exit="1", exception="RuntimeError: Queue objects should only be shared between processes through inheritance",
            stderr="Traceback (most recent call last):\n...\n"),
        ids=("S2",), claim="A Queue passed to Pool.apply raises RuntimeError.", source="seed §进程 › Process和Pool中使用队列",
    )
    cells += grid(
        "module_level_code",
        lambda p, v, m: dict(stdout="in MainProcess\n" + ("" if m == "fork" else "in SpawnPoolWorker-N\n" * 2)),
        ids=("S17",), claim="Module-level code runs again in every pool worker.",
    )
    cells += grid(
        "main_exit_workers",
        lambda p, v, m: dict(stdout="workers left: 0\n") if not (m == "spawn" and v >= "3.12") else dict(
            status=Status.FAIL, holds=False, stdout="workers left: 2\n", message="stdout: line 1 differs",
            diff="stdout:\n-workers left: 0\n+workers left: 2\n",
            leftovers=(Leftover(pid=4242, cmdline="python -c from multiprocessing.spawn import spawn_main"),)),
        ids=("S23",), claim="If the main process ends, all pool workers end too.",
        source="https://en.wikipedia.org/wiki/Fork_(system_call)",
    )
    hostile = "<script>alert(1)</script> | `tick` </table> &amp;\x1b[31mred\x1b[0m\x00\n"
    cells += grid(
        "hostile_output", lambda p, v, m: dict(
            status=Status.RECORDED, holds=None, stdout=hostile, stderr="</pre><b>bold</b>\n", message="no expectation applies here")
        if m != "forkserver" else dict(status=Status.UNSUPPORTED, holds=None, exit="78", message="start method forkserver is not offered here"),
        pythons=("3.12",), ids=("S99",), claim="Output <b>is</b> | untrusted.", source="javascript:alert(1)",
    )
    cells.append(make_result("sigint_pool", "linux", "3.12", "fork", status=Status.TIMEOUT, holds=None, exit=None,
                             message="still running after 10 s; its process tree was ended", ids=("S24",),
                             stacks="Thread 0x<addr> (most recent call first):\n  File \"<case>/sigint_pool.py\", line 9 in main\n"))
    cells.append(make_result("sigint_pool", "linux", "3.12", "spawn", status=Status.FLAKY, holds=None, exit="1",
                             ids=("S24",), message="2 different observations: pass ×2, timeout ×1",
                             observations=({"count": 2, "status": "pass", "exit": "1", "exception": "KeyboardInterrupt", "stdout": "", "stderr": ""},
                                           {"count": 1, "status": "timeout", "exit": None, "exception": "", "stdout": "", "stderr": ""})))
    cells.append(make_result("sigint_pool", "linux", "3.12", "forkserver", status=Status.CRASH, holds=None, exit="signal:SIGKILL",
                             ids=("S24",), message="ended by SIGKILL"))
    cells.append(make_result("darwin_only", "linux", "3.12", "fork", status=Status.SKIP, holds=None, exit="77",
                             ids=("S5",), message="the case skipped itself (exit 77)"))
    cells.append(make_result("darwin_only", "linux", "3.12", "spawn", status=Status.ERROR, holds=None, exit=None,
                             ids=("S5",), message="cannot start interpreter: [Errno 2] No such file"))
    return make_run(cells)


def schema_errors(data: Dict[str, Any]) -> List[str]:
    jsonschema = import_jsonschema()

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]


def test_demo_run_is_a_valid_results_file() -> None:
    data = demo_run().to_json()
    assert schema_errors(data) == []
    assert schema_problem(data) == ""


def test_grid_leaves_out_unobserved_cells() -> None:
    cells = grid("c", lambda p, v, m: None if m == "spawn" else {})
    assert {r.cell.start_method for r in cells} == {"fork", "forkserver"}
    assert len(cells) == 6


def keys(results: Iterable[Result]) -> List[Tuple[str, ...]]:
    return sorted(r.key for r in results)


GOLDEN = Path(__file__).parent / "data" / "golden"


def check_golden(name: str, text: str) -> None:
    """Compare with tests/data/golden/<name>; MPMATRIX_UPDATE_GOLDEN=1 writes it instead (bless mode)."""
    path = GOLDEN / name
    if os.environ.get("MPMATRIX_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        return
    assert path.exists(), f"{path} is missing; create it with MPMATRIX_UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), str(path), "rendered"))
        raise AssertionError(f"rendered output differs from {path} (MPMATRIX_UPDATE_GOLDEN=1 to accept):\n{diff}")


def known_bug_run() -> Run:
    """A claim that holds on CPython, is refuted under spawn on 3.11, and meets a known bug on PyPy 3.9 under spawn
    and forkserver; one PyPy cell whose known bug did not show as declared."""
    reason = "PyPy 3.9: ProcessPoolExecutor under spawn raises AttributeError (_adjust_process_count), pypy/pypy#1"
    cells = grid("pool_executor", lambda p, v, m: dict(holds=False) if (v, m) == ("3.11", "spawn") else {},
                 ids=("D7",), claim="A ProcessPoolExecutor runs its tasks.", source="https://docs.python.org/3/library/concurrent.futures.html")
    for method in METHODS:
        extra: Dict[str, Any] = dict(ids=("D7",), claim="A ProcessPoolExecutor runs its tasks.", implementation="pypy",
                                     source="https://docs.python.org/3/library/concurrent.futures.html")
        if method != "fork":
            extra.update(known_bug=reason, holds=None, exit="1", exception="AttributeError: _adjust_process_count")
        cells.append(make_result("pool_executor", "linux", "3.9.18", method, **extra))
    cells.append(make_result("pool_executor", "linux", "3.11.13", "spawn", implementation="pypy", ids=("D7",),
                             status=Status.FAIL, known_bug=reason, holds=None, message="exit: expected 1, got 0"))
    return make_run(cells)


def test_known_bug_run_is_a_valid_results_file() -> None:
    assert schema_errors(known_bug_run().to_json()) == []
