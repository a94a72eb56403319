"""Tests for harness.runner with a fake executor: parallelism, order, progress, harness faults, interruption."""

from __future__ import annotations

import threading
import time
from typing import List

import pytest

from harness import runner
from harness.casefile import parse_case
from harness.model import Interpreter, Observation, Status
from harness.plan import plan
from harness.runner import adaptive_limit, order_longest_first, run_all

INTERP = Interpreter(executable="python", version="3.12.1", platform="linux")


def make_case(name: str, expect: str = 'stdout = "ok"'):
    text = f'# /// case\n# claim = "c"\n# source = "s"\n# ids = ["S1"]\n#\n# [expect]\n# {expect}\n# ///\n'
    return parse_case(text, f"/cases/{name}.py")


def planned(names: List[str], methods=("fork",)):
    return plan([make_case(n) for n in names], [], [INTERP], list(methods))


class FakeExecutor:
    """Stands in for execute.run_cell: records calls and concurrency, returns canned observations."""

    def __init__(self, seconds: float = 0.0, observations=None, fail_for=()) -> None:
        self.seconds = seconds
        self.observations = observations or {}
        self.fail_for = set(fail_for)
        self.calls: List[str] = []
        self.running = 0
        self.peak = 0
        self.lock = threading.Lock()

    def __call__(self, cell, limits, environ=None, stop=None):
        with self.lock:
            self.calls.append(cell.case_name)
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            if cell.case_name in self.fail_for:
                raise RuntimeError("executor broke")
            deadline = time.monotonic() + self.seconds
            while time.monotonic() < deadline and not (stop is not None and stop.is_set()):
                time.sleep(0.005)
            return self.observations.get(cell.case_name, Observation(exit=0, stdout="ok\n"))
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def fake(monkeypatch):
    executor = FakeExecutor()
    monkeypatch.setattr(runner, "run_cell", executor)
    return executor


def test_every_cell_runs_once_and_progress_sees_each_result(fake):
    items = planned(["a", "b", "c"], ("fork", "spawn"))
    seen = []
    results, complete = run_all(items, jobs=3, progress=seen.append)
    assert complete and len(results) == 6 and seen == results
    assert sorted(fake.calls) == ["a", "a", "b", "b", "c", "c"]
    assert {r.status for r in results} == {Status.PASS}


def test_landed_names_the_planned_cell_of_each_result_even_when_results_look_alike(fake):
    twin = Interpreter(executable="other-python", version="3.12.1", platform="linux", start_methods=("spawn",))
    items = plan([make_case("a")], [], [INTERP, twin], ["fork"])  # the twin's fork cell is decided: unsupported
    pairs = []
    results, _ = run_all(items, jobs=2, landed=lambda item, result: pairs.append((item, result)))
    assert sorted(id(item) for item, _ in pairs) == sorted(id(item) for item in items)
    assert {item.cell.interpreter.executable: result.status for item, result in pairs} == {
        "python": Status.PASS, "other-python": Status.UNSUPPORTED}
    assert [result for _, result in pairs] == results


def test_job_limits():
    assert runner.job_limits(3, cpus=8) == (3, 3)  # an explicit count is exact
    assert runner.job_limits(None, cpus=2) == (2, 2 * runner.ADAPTIVE_JOBS_FACTOR)


def test_jobs_bounds_concurrency(fake):
    fake.seconds = 0.05
    run_all(planned([f"c{i}" for i in range(8)]), jobs=3)
    assert fake.peak == 3


def test_decided_cells_are_not_executed(fake):
    windows = Interpreter(executable="py", version="3.12.1", platform="win32", start_methods=("spawn",))
    items = plan([make_case("a")], [], [windows], ["fork", "spawn"])
    results, complete = run_all(items, jobs=2)
    assert complete and fake.calls == ["a"]
    assert sorted(r.status.label for r in results) == ["pass", "unsupported"]


def test_observations_are_judged(monkeypatch):
    monkeypatch.setattr(runner, "run_cell", FakeExecutor(observations={
        "bad": Observation(exit=0, stdout="nope\n"), "dead": Observation(signal="SIGSEGV"),
        "slow": Observation(signal="SIGTERM", timed_out=True),
    }))
    results, _ = run_all(planned(["ok", "bad", "dead", "slow"]), jobs=4)
    assert {r.case: r.status for r in results} == {"ok": Status.PASS, "bad": Status.FAIL, "dead": Status.CRASH, "slow": Status.TIMEOUT}


def test_a_harness_fault_is_that_cells_error_not_the_end_of_the_run(monkeypatch):
    monkeypatch.setattr(runner, "run_cell", FakeExecutor(fail_for={"b"}))
    results, complete = run_all(planned(["a", "b", "c"]), jobs=1)
    by_case = {r.case: r for r in results}
    assert complete and by_case["b"].status is Status.ERROR and "executor broke" in by_case["b"].message
    assert by_case["a"].status is by_case["c"].status is Status.PASS


def test_stop_leaves_the_run_incomplete(fake):
    stop = threading.Event()
    fake.seconds = 0.02

    def progress(result):
        stop.set()

    results, complete = run_all(planned([f"c{i}" for i in range(6)]), jobs=1, progress=progress, stop=stop)
    assert not complete and 1 <= len(results) < 6


def test_an_interruption_ends_running_cells_before_waiting_for_them(monkeypatch):
    """KeyboardInterrupt in the scheduler: end_all() runs while cells still run, not after the pool waited for them."""
    fake = FakeExecutor(seconds=30)
    monkeypatch.setattr(runner, "run_cell", fake)
    running_at_end_all = []
    monkeypatch.setattr(runner, "end_all", lambda: running_at_end_all.append(fake.running))

    def interrupt(result):
        raise KeyboardInterrupt

    old = Interpreter(executable="p", version="3.13.0", platform="linux", start_methods=("spawn",))
    items = plan([make_case("a"), make_case("b")], [], [INTERP, old], ["fork"])  # 2 cells to run, then 2 decided
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_all(items, jobs=3, progress=interrupt)
    assert running_at_end_all == [2]
    assert time.monotonic() - started < 5  # the fake executor returns as soon as stop is set


def test_order_longest_first_uses_earlier_durations():
    items = planned(["a", "b", "c"])
    durations = {items[0].cell.key: 0.1, items[2].cell.key: 9.0}
    assert [p.cell.case_name for p in order_longest_first(items, durations)] == ["c", "b", "a"]


def test_adaptive_limit():
    assert adaptive_limit(2, 2, 8, None, True) == 2
    assert adaptive_limit(2, 2, 8, 0.1, True) == 3
    assert adaptive_limit(2, 2, 8, 0.1, False) == 2
    assert adaptive_limit(8, 2, 8, 0.1, True) == 8
    assert adaptive_limit(5, 2, 8, 0.95, True) == 4
    assert adaptive_limit(2, 2, 8, 0.95, True) == 2
