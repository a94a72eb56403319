"""Own the worker pool and the deadline: run planned cells in parallel, report each result as it lands."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import psutil

from harness import wine
from harness.execute import Limits, end_all, run_cell
from harness.judge import before_running, judge, result_of
from harness.model import Judgement, Observation, Result, Status
from harness.plan import Planned
from harness.timings import Key, Timings

Progress = Callable[[Result], None]
Landed = Callable[[Planned, Result], None]

# Admission. Most cells wait (they sleep, join, wait for a worker to die), so as many cells as the cores leave the
# CPUs idle; a few compute. Each cell is expected to keep cpu_s / duration_s of a CPU busy, from its earlier
# timings (harness/timings.py), or, never timed, as the cells of this run that landed did, or COLD_CORES before any
# did. Beyond `jobs` cells (the CPU count), one more starts while the expected CPU of the running cells leaves room
# for it within the CPU count, up to `max_jobs`: waiting cells overlap, computing cells never exceed the cores. The
# machine's own reading (/proc/stat, or psutil, every LOAD_WINDOW_S) corrects the expectation both ways: half idle,
# one more starts anyway; saturated, none does, whoever computes (measured at load 15-30 from other work: cells
# admitted by their expected CPU alone timed out, as their every step waited in the run queue; at `jobs` cells they
# all passed). Between readings the count grows by a step only (Admission.ramp): a burst of start-ups is read first.
COLD_CORES = 0.25  # a cell never timed, before any cell of the run landed (the seed corpus averages 0.2-0.35)
MIN_CORES, MAX_CORES_PER_CELL = 0.02, 4.0  # bounds of a cell's expectation: nothing is free, a pool of 4 is not 40
IDLE_BELOW, SATURATED_ABOVE, LOAD_WINDOW_S = 0.5, 0.95, 0.25
ADAPTIVE_JOBS_FACTOR = 8  # without an explicit job count, up to this many cells per CPU (waiting cells)
MEMORY_PER_CELL = 256 * 1024 * 1024  # and no more cells than the available memory holds at this much each
# Ordering: longest first, so the last cells to finish are short ones. A cell never timed is guessed from its case's
# timeout (authors give slow cases larger ones), slower under PyPy and GraalPy (their start-up and warm-up).
COLD_DURATION_PER_TIMEOUT = 0.1
COLD_SLOWER = {"pypy": 1.5, "graalpy": 2.0}


def cpu_count() -> int:
    """The CPUs this process may run on (a container's or taskset's share), else the machine's."""
    try:
        return len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def job_limits(requested: Optional[int] = None, cpus: Optional[int] = None,
               available_memory: Optional[int] = None) -> Tuple[int, int]:
    """(jobs, max_jobs) for run_all: an explicit count is exact; by default the CPU count, and up to
    ADAPTIVE_JOBS_FACTOR times it (as the memory allows) while the running cells are expected to leave CPUs idle."""
    if requested:
        return requested, requested
    jobs = cpus or cpu_count()
    if available_memory is None:
        available_memory = _available_memory()
    by_memory = available_memory // MEMORY_PER_CELL if available_memory else ADAPTIVE_JOBS_FACTOR * jobs
    return jobs, max(jobs, min(ADAPTIVE_JOBS_FACTOR * jobs, by_memory))


def _available_memory() -> int:
    try:
        return int(psutil.virtual_memory().available)
    except Exception:  # an odd system: no memory bound
        return 0


class CpuLoad:
    """The fraction of all CPUs busy (any process) since the previous reading: /proc/stat, else psutil; None when
    neither answers."""

    def __init__(self) -> None:
        self.last = self._read()
        self.at = time.monotonic()
        self.readable = self.last is not None

    @staticmethod
    def _read() -> Optional[Tuple[float, float]]:
        try:
            with open("/proc/stat", "rb") as f:
                fields = [int(x) for x in f.readline().split()[1:]]
            return float(sum(fields[:8])), float(fields[3] + (fields[4] if len(fields) > 4 else 0))  # idle + iowait
        except (OSError, ValueError, IndexError):
            pass
        try:
            times = psutil.cpu_times()
            return float(sum(times)), float(times.idle + getattr(times, "iowait", 0.0))
        except Exception:
            return None

    def busy(self) -> Optional[float]:
        """None until a full window has passed (or where the CPU times cannot be read)."""
        if self.last is None or time.monotonic() - self.at < LOAD_WINDOW_S:
            return None
        now = self._read()
        if now is None:
            return None
        total, idle = now[0] - self.last[0], now[1] - self.last[1]
        self.last, self.at = now, time.monotonic()
        return None if total <= 0 else 1.0 - idle / total


def _key(item: Planned) -> Key:
    return item.cell.key


def expected_duration(item: Planned, timings: Timings) -> float:
    """Seconds the cell is expected to run: its last timing, else a guess from its case's timeout."""
    timing = timings.get(_key(item))
    if timing is not None:
        return timing.duration_s
    slower = COLD_SLOWER.get(item.cell.interpreter.implementation, 1.0)
    return COLD_DURATION_PER_TIMEOUT * item.case.timeout * slower


def order_longest_first(planned: Sequence[Planned], timings: Optional[Timings] = None) -> List[Planned]:
    """Cells decided without running first (they cost nothing), then the longest expected first."""
    timings = timings or {}

    def expected(item: Planned) -> float:
        return float("inf") if before_running(item) is not None else expected_duration(item, timings)

    return sorted(planned, key=expected, reverse=True)


class Admission:
    """Which cell may start now: see the comment above COLD_CORES. `jobs` cells always may, none beyond `max_jobs`."""

    def __init__(self, jobs: int, max_jobs: int, cores: float, timings: Optional[Timings] = None,
                 readings: bool = True) -> None:
        self.jobs, self.max_jobs, self.cores = jobs, max(jobs, max_jobs), float(cores)
        self.timings = timings or {}
        self.running: Dict[int, float] = {}  # id of a running cell's Planned: the CPUs it is expected to keep busy
        self.landed_cpu = self.landed_wall = 0.0
        self.busy: Optional[float] = None  # the machine's last reading
        # How many cells may run until the next reading: a reading lets the count grow by `ramp` (cells that land are
        # replaced at once), so every step up is read before the next; nothing beyond `jobs` before the first one.
        self.ceiling = self.jobs if readings else self.max_jobs
        self.ramp = max(1, int(cores) // 2)

    def expected_cores(self, item: Planned) -> float:
        timing = self.timings.get(_key(item))
        if timing is not None and timing.cpu_s is not None and timing.duration_s > 0:
            share = timing.cpu_s / timing.duration_s
        elif self.landed_wall > 0:
            share = self.landed_cpu / self.landed_wall
        else:
            share = COLD_CORES
        return min(max(share, MIN_CORES), MAX_CORES_PER_CELL)

    @property
    def load(self) -> float:
        """The CPUs the running cells are expected to keep busy."""
        return sum(self.running.values())

    def observe(self, busy: Optional[float]) -> None:
        """A reading of the machine's CPUs (the fraction busy over the last window), None when there is none yet."""
        if busy is not None:
            self.busy = busy
            self.ceiling = len(self.running) + self.ramp

    def admits(self, item: Planned) -> bool:
        count = len(self.running)
        if count < self.jobs:
            return True
        if count >= min(self.max_jobs, self.ceiling):
            return False
        if self.busy is not None and self.busy < IDLE_BELOW:
            return True  # the expectations were too high
        if self.busy is not None and self.busy > SATURATED_ABOVE:
            return False  # whoever computes: on a saturated machine a waiting cell waits for a CPU too
        return self.load + self.expected_cores(item) <= self.cores

    def started(self, item: Planned) -> None:
        self.running[id(item)] = self.expected_cores(item)

    def landed(self, item: Planned, result: Result) -> None:
        self.running.pop(id(item), None)
        observed = result.observed
        if observed.cpu_s is not None and observed.duration_s > 0:
            self.landed_cpu += observed.cpu_s
            self.landed_wall += observed.duration_s


def run_one(item: Planned, cap_bytes: int, stop: Optional[threading.Event] = None) -> Result:
    decided = before_running(item)
    if decided is not None:
        return decided
    try:
        if wine.is_wine(item.cell.interpreter.flavour):
            wine.use(item.cell.interpreter.executable)  # its prefix's server up, outside the cell (again, if killed)
        observation = run_cell(item.cell, Limits(timeout=item.case.timeout, cap_bytes=cap_bytes), stop=stop)
    except Exception as exc:  # a harness fault in one cell is that cell's result, never the end of the run
        observation = Observation(harness_error=f"harness error: {exc!r}")
    try:
        return judge(item.case, item.cell, observation, stop)
    except Exception as exc:  # a fault in judging: the cell is an error that keeps what was observed
        return result_of(item.case, item.cell, observation, Judgement(Status.ERROR, message=f"harness error: {exc!r}"))


def run_all(
    planned: Sequence[Planned], jobs: int, progress: Progress = lambda result: None, cap_bytes: int = 4 * 1024 * 1024,
    stop: Optional[threading.Event] = None, max_jobs: Optional[int] = None, landed: Optional[Landed] = None,
    timings: Optional[Timings] = None, cores: Optional[float] = None, keep: bool = True,
) -> Tuple[List[Result], bool]:
    """Run every planned cell in the order given: `jobs` at a time, or up to `max_jobs` while the running cells are
    expected to leave some of the `cores` (the CPU count) idle, from their earlier `timings` (see Admission).

    `landed`, when given, is called with each planned cell and its result before `progress` (a caller that must
    tell apart cells whose results look alike, e.g. two builds of one Python version). Setting `stop` starts no
    more cells. Returns the results (none without `keep`: a run that journals them holds no result whole beyond
    the cells in flight) and whether all cells ran."""
    stop = stop or threading.Event()
    results: List[Result] = []
    pending = iter(planned)
    waiting: Optional[Planned] = None  # the next cell, not yet admitted: cells start in the order given
    running: Dict[Future, Planned] = {}
    jobs = max(1, jobs)
    max_jobs = max(jobs, max_jobs or jobs)
    load = CpuLoad() if max_jobs > jobs else None
    admission = Admission(jobs, max_jobs, cores or cpu_count(), timings, readings=load is not None and load.readable)

    landings = 0

    def land(item: Planned, result: Result) -> None:
        nonlocal landings
        landings += 1
        if keep:
            results.append(result)
        if landed is not None:
            landed(item, result)
        progress(result)

    with ThreadPoolExecutor(max_workers=max_jobs, thread_name_prefix="mpmatrix-cell") as pool:
        try:
            while True:
                while not stop.is_set():
                    item = waiting or next(pending, None)
                    waiting = None
                    if item is None:
                        break
                    decided = before_running(item)
                    if decided is not None:
                        land(item, decided)
                        continue
                    if not admission.admits(item):
                        waiting = item
                        break
                    admission.started(item)
                    running[pool.submit(run_one, item, cap_bytes, stop)] = item
                if not running:
                    break
                done, _ = wait(list(running), return_when=FIRST_COMPLETED, timeout=LOAD_WINDOW_S)
                if load is not None:
                    admission.observe(load.busy())
                for future in done:
                    item = running.pop(future)
                    result = future.result()
                    admission.landed(item, result)
                    land(item, result)
        except BaseException:
            # Leaving the `with` waits for the running cells: end their process trees first, or Ctrl+C would
            # wait for each running cell to reach its own timeout.
            stop.set()
            end_all()
            raise
    return results, landings == len(planned)
