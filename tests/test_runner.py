"""Tests for harness.runner with a fake executor and a fake CPU reading: admission, order, progress, harness faults,
interruption. Nothing here depends on how fast the machine is: cells that must overlap wait on a gate."""

from __future__ import annotations

import threading
import time
from typing import List

import pytest

from harness import runner
from harness.casefile import parse_case
from harness.judge import before_running
from harness.model import Interpreter, Judgement, Observation, Status
from harness.plan import plan
from harness.runner import Admission, order_longest_first, run_all
from harness.timings import Timing

INTERP = Interpreter(executable="python", version="3.12.1", platform="linux")


def make_case(name: str, expect: str = 'stdout = "ok"', timeout: float = 30):
    text = (f'# /// case\n# claim = "c"\n# source = "s"\n# ids = ["S1"]\n# timeout = {timeout}\n#\n# [expect]\n'
            f'# {expect}\n# ///\n')
    return parse_case(text, f"/cases/{name}.py")


def planned(names: List[str], methods=("fork",)):
    return plan([make_case(n) for n in names], [], [INTERP], list(methods))


class FakeLoad:
    """Stands in for runner.CpuLoad: the machine's CPUs as busy as the test says (None: no reading)."""

    reading = None
    readable = True

    def busy(self):
        return FakeLoad.reading


@pytest.fixture(autouse=True)
def machine(monkeypatch):
    monkeypatch.setattr(runner, "CpuLoad", FakeLoad)
    FakeLoad.reading = 0.5  # neither idle nor saturated: the expectations decide
    return FakeLoad


class FakeExecutor:
    """Stands in for execute.run_cell: records calls and concurrency, returns canned observations."""

    def __init__(self, seconds: float = 0.0, observations=None, fail_for=(), gate=None) -> None:
        self.seconds = seconds
        self.gate = gate  # when given, every cell waits for it (or for stop)
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
            while self.gate is not None and not self.gate.wait(0.01) and not (stop is not None and stop.is_set()):
                pass
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
    big = 64 * runner.MEMORY_PER_CELL
    assert runner.job_limits(3, cpus=8) == (3, 3)  # an explicit count is exact
    assert runner.job_limits(None, cpus=2, available_memory=big) == (2, 2 * runner.ADAPTIVE_JOBS_FACTOR)
    assert runner.job_limits(None, cpus=2, available_memory=5 * runner.MEMORY_PER_CELL) == (2, 5)  # as memory allows
    assert runner.job_limits(None, cpus=2, available_memory=runner.MEMORY_PER_CELL) == (2, 2)  # never below the CPUs
    assert runner.job_limits(None, cpus=2, available_memory=0) == (2, 2 * runner.ADAPTIVE_JOBS_FACTOR)  # unknown


def timed(items, duration_s, cpu_s):
    return {item.cell.key: Timing(duration_s, cpu_s) for item in items}


def test_waiting_cells_overlap_beyond_the_cpus_up_to_max_jobs(monkeypatch):
    items = planned([f"w{i}" for i in range(30)])
    gate = threading.Event()
    fake = FakeExecutor(gate=gate)
    monkeypatch.setattr(runner, "run_cell", fake)

    def release():  # once 16 run, or when fewer ever will (the test then fails on its count, not on time)
        _wait_for(fake, 16)
        time.sleep(2 * runner.LOAD_WINDOW_S)  # the scheduler looks again: still no 17th
        gate.set()

    threading.Thread(target=release).start()
    results, complete = run_all(items, jobs=2, max_jobs=16, cores=2, timings=timed(items, 4.0, 0.2))  # 0.05 CPUs each
    assert complete and len(results) == 30 and fake.peak == 16


def _wait_for(fake, count):
    deadline = time.monotonic() + 10
    while fake.running < count and time.monotonic() < deadline:
        time.sleep(0.005)


def test_computing_cells_never_overlap_beyond_the_cpus(monkeypatch):
    items = planned([f"c{i}" for i in range(6)])
    gate = threading.Event()
    fake = FakeExecutor(gate=gate)
    monkeypatch.setattr(runner, "run_cell", fake)

    def release():  # once two run, let the scheduler look (and the CPUs read 90% busy) a few times, then open
        _wait_for(fake, 2)
        FakeLoad.reading = 0.9
        time.sleep(4 * runner.LOAD_WINDOW_S)
        gate.set()

    threading.Thread(target=release).start()
    results, complete = run_all(items, jobs=2, max_jobs=16, cores=2, timings=timed(items, 1.0, 0.95))
    assert complete and fake.peak == 2


def started(admission, items):
    for item in items:
        assert admission.admits(item)
        admission.started(item)


def test_a_half_idle_machine_lets_more_cells_start_whatever_was_expected():
    items = planned([f"c{i}" for i in range(8)])
    admission = Admission(jobs=2, max_jobs=16, cores=2, timings=timed(items, 1.0, 1.0))  # each a whole CPU
    started(admission, items[:2])
    admission.observe(0.6)
    assert not admission.admits(items[2])
    admission.observe(0.3)
    assert admission.admits(items[2])


def test_a_saturated_machine_starts_no_cell_beyond_jobs_whoever_computes():
    items = planned([f"c{i}" for i in range(12)])
    admission = Admission(jobs=2, max_jobs=16, cores=2, timings=timed(items, 10.0, 0.1))  # waiting cells
    started(admission, items[:2])
    admission.observe(0.99)  # busy with someone else's work: our cells would wait for a CPU at every step
    assert not admission.admits(items[2])
    admission.observe(0.7)
    assert admission.admits(items[2])


def test_the_count_grows_by_one_step_per_reading_and_nothing_beyond_jobs_before_the_first():
    items = planned([f"c{i}" for i in range(8)])
    admission = Admission(jobs=2, max_jobs=16, cores=2, timings=timed(items, 10.0, 0.1))
    started(admission, items[:2])
    assert not admission.admits(items[2])  # no reading yet
    admission.observe(None)  # no full window yet
    assert not admission.admits(items[2])
    admission.observe(0.7)
    started(admission, items[2:3])
    assert admission.ramp == 1 and not admission.admits(items[3])  # that step is read before the next
    admission.landed(items[0], runner.result_of(items[0].case, items[0].cell, Observation(duration_s=1.0), Judgement(Status.PASS, True)))
    assert admission.admits(items[3])  # a cell that landed is replaced at once
    admission.started(items[3])
    admission.observe(0.7)
    started(admission, items[4:5])
    blind = Admission(jobs=2, max_jobs=4, cores=2, timings=timed(items, 10.0, 0.1), readings=False)  # no /proc/stat
    started(blind, items[:4])  # the expectations alone decide, up to max_jobs
    assert not blind.admits(items[4])


def test_cells_never_timed_are_expected_to_use_what_the_landed_cells_used():
    items = planned(["a", "b", "c"])
    admission = Admission(jobs=1, max_jobs=8, cores=2)
    assert admission.expected_cores(items[0]) == runner.COLD_CORES
    admission.started(items[0])
    result = runner.result_of(items[0].case, items[0].cell, Observation(duration_s=2.0, cpu_s=1.0), Judgement(Status.PASS, True))
    admission.landed(items[0], result)
    assert admission.expected_cores(items[1]) == 0.5 and admission.load == 0


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
    assert {r.case.name: r.status for r in results} == {"ok": Status.PASS, "bad": Status.FAIL, "dead": Status.CRASH, "slow": Status.TIMEOUT}


def test_a_harness_fault_is_that_cells_error_not_the_end_of_the_run(monkeypatch):
    monkeypatch.setattr(runner, "run_cell", FakeExecutor(fail_for={"b"}))
    results, complete = run_all(planned(["a", "b", "c"]), jobs=1)
    by_case = {r.case.name: r for r in results}
    assert complete and by_case["b"].status is Status.ERROR and "executor broke" in by_case["b"].judged.message
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


def test_order_longest_first_uses_earlier_timings():
    items = planned(["a", "b", "c"])
    timings = {items[0].cell.key: Timing(0.1, 0.05), items[1].cell.key: Timing(2.0, None), items[2].cell.key: Timing(9.0, 1.0)}
    assert [p.cell.case_name for p in order_longest_first(items, timings)] == ["c", "b", "a"]


def test_a_cold_run_starts_cases_with_larger_timeouts_first_then_pypy_cells():
    pypy = Interpreter(executable="pypy", implementation="pypy", version="3.11.9", platform="linux")
    cases = [make_case("quick", timeout=10), make_case("slow", timeout=60)]
    items = plan(cases, [], [INTERP, pypy], ["fork", "spawn"])
    order = [(p.cell.case_name, p.cell.interpreter.implementation, p.cell.start_method) for p in order_longest_first(items)]
    assert order == [("slow", "pypy", "fork"), ("slow", "pypy", "spawn"), ("slow", "cpython", "fork"),
                     ("slow", "cpython", "spawn"), ("quick", "pypy", "fork"), ("quick", "pypy", "spawn"),
                     ("quick", "cpython", "fork"), ("quick", "cpython", "spawn")]  # otherwise as planned


def test_decided_cells_come_first_they_cost_nothing():
    windows = Interpreter(executable="py", version="3.12.1", platform="win32", start_methods=("spawn",))
    items = plan([make_case("a")], [], [windows], ["spawn", "fork"])
    assert [before_running(p) is not None for p in order_longest_first(items)] == [True, False]


def test_a_wine_cell_has_its_prefixs_server_up_before_it_starts_and_a_wine_failure_is_its_error(fake, monkeypatch):
    """Each Wine cell asks for its server first (started again if something killed it during the run): a cell that
    started one itself would hold the server and Wine's services as its leaks."""
    from harness import wine

    asked: List[str] = []
    monkeypatch.setattr(wine, "use", lambda executable: asked.append(executable))
    windows = Interpreter(executable="/opt/wine-pythons/bin/python3.12", version="3.12.9", platform="win32",
                          start_methods=("spawn",), default_start_method="spawn", flavour="wine8.0")
    items = plan([make_case("a")], [], [INTERP, windows], ["spawn"])
    results, _ = run_all(items, jobs=1)
    assert asked == [windows.executable] and {r.status for r in results} == {Status.PASS}

    def broken(executable):
        raise wine.WineError("/opt/wine-pythons/bin: `wine cmd /c exit` exited with status 1")

    monkeypatch.setattr(wine, "use", broken)
    (result,) = [r for r in run_all(items, jobs=1)[0] if r.cell.flavour]
    assert result.status is Status.ERROR and "wine cmd /c exit" in result.judged.message
