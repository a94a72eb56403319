"""Own the worker pool and the deadline: run planned cells in parallel, report each result as it lands."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from harness.execute import Limits, end_all, run_cell
from harness.judge import judge, make_result
from harness.model import Observation, Result, Status
from harness.plan import Planned

Progress = Callable[[Result], None]
Landed = Callable[[Planned, Result], None]
DEFAULT_DURATION_S = 2.0  # a cold run's guess for a cell never timed before
# Adaptive jobs: most cells sleep, join or wait for a timeout, so `jobs` cells at once can leave the cores idle.
# One more cell may start while the machine's CPUs were less than IDLE_BELOW busy over the last window; none
# starts beyond `jobs` while they are more than BUSY_ABOVE busy. Cells that compute therefore never overlap more.
IDLE_BELOW, BUSY_ABOVE, LOAD_WINDOW_S = 0.5, 0.8, 0.5
ADAPTIVE_JOBS_FACTOR = 4  # without an explicit job count, up to this many cells per CPU while the CPUs are mostly idle


def job_limits(requested: Optional[int] = None, cpus: Optional[int] = None) -> Tuple[int, int]:
    """(jobs, max_jobs) for run_all: an explicit count is exact; by default the CPU count, and up to
    ADAPTIVE_JOBS_FACTOR times it while the CPUs are mostly idle because cells wait."""
    if requested:
        return requested, requested
    jobs = cpus or os.cpu_count() or 1
    return jobs, ADAPTIVE_JOBS_FACTOR * jobs


class CpuLoad:
    """The fraction of all CPUs busy (any process) since the previous reading, from /proc/stat; None elsewhere."""

    def __init__(self) -> None:
        self.last = self._read()
        self.at = time.monotonic()

    @staticmethod
    def _read() -> Optional[Tuple[int, int]]:
        try:
            with open("/proc/stat", "rb") as f:
                fields = [int(x) for x in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields[:8]), idle

    def busy(self) -> Optional[float]:
        """None until a full window has passed (or where /proc/stat is missing)."""
        if self.last is None or time.monotonic() - self.at < LOAD_WINDOW_S:
            return None
        now = self._read()
        if now is None:
            return None
        total, idle = now[0] - self.last[0], now[1] - self.last[1]
        self.last, self.at = now, time.monotonic()
        return None if total <= 0 else 1.0 - idle / total


def adaptive_limit(limit: int, jobs: int, max_jobs: int, busy: Optional[float], saturated: bool) -> int:
    """How many cells may run at once after a load reading: one more when idle and every slot is taken."""
    if busy is None:
        return limit
    if busy < IDLE_BELOW and saturated and limit < max_jobs:
        return limit + 1
    if busy > BUSY_ABOVE and limit > jobs:
        return limit - 1
    return limit


def order_longest_first(planned: Sequence[Planned], durations: Optional[Dict[Tuple[str, ...], float]] = None) -> List[Planned]:
    """Longest cells first, from earlier durations where known, so the last cells to finish are short ones."""
    durations = durations or {}

    def expected(item: Planned) -> float:
        if item.decided is not None:
            return -1.0
        return durations.get(item.cell.key, DEFAULT_DURATION_S)

    return sorted(planned, key=expected, reverse=True)


def run_one(item: Planned, cap_bytes: int, stop: Optional[threading.Event] = None) -> Result:
    if item.decided is not None:
        return item.decided
    try:
        observation = run_cell(item.cell, Limits(timeout=item.case.timeout, cap_bytes=cap_bytes), stop=stop)
        return judge(item.case, item.cell, observation, stop)
    except Exception as exc:  # a harness fault in one cell is that cell's result, never the end of the run
        return make_result(item.case, item.cell, Observation(), Status.ERROR, None, message=f"harness error: {exc!r}")


def run_all(
    planned: Sequence[Planned], jobs: int, progress: Progress = lambda result: None, cap_bytes: int = 4 * 1024 * 1024,
    stop: Optional[threading.Event] = None, max_jobs: Optional[int] = None, landed: Optional[Landed] = None,
) -> Tuple[List[Result], bool]:
    """Run every planned cell, `jobs` at a time, or up to `max_jobs` while the CPUs are mostly idle.

    `landed`, when given, is called with each planned cell and its result before `progress` (a caller that must
    tell apart cells whose results look alike, e.g. two builds of one Python version). Setting `stop` starts no
    more cells. Returns the results and whether all cells ran."""
    stop = stop or threading.Event()
    results: List[Result] = []
    pending = iter(planned)
    running: Dict[Future, Planned] = {}
    jobs = max(1, jobs)
    max_jobs = max(jobs, max_jobs or jobs)
    load = CpuLoad() if max_jobs > jobs else None
    limit = jobs
    with ThreadPoolExecutor(max_workers=max_jobs, thread_name_prefix="mpmatrix-cell") as pool:
        try:
            while True:
                while len(running) < limit and not stop.is_set():
                    item = next(pending, None)
                    if item is None:
                        break
                    if item.decided is not None:
                        results.append(item.decided)
                        if landed is not None:
                            landed(item, item.decided)
                        progress(item.decided)
                        continue
                    running[pool.submit(run_one, item, cap_bytes, stop)] = item
                if not running:
                    break
                done, _ = wait(list(running), return_when=FIRST_COMPLETED, timeout=LOAD_WINDOW_S)
                if load is not None:
                    limit = adaptive_limit(limit, jobs, max_jobs, load.busy(), saturated=len(running) - len(done) >= limit)
                for future in done:
                    item = running.pop(future)
                    result = future.result()
                    results.append(result)
                    if landed is not None:
                        landed(item, result)
                    progress(result)
        except BaseException:
            # Leaving the `with` waits for the running cells: end their process trees first, or Ctrl+C would
            # wait for each running cell to reach its own timeout.
            stop.set()
            end_all()
            raise
    complete = len(results) == len(planned)
    return results, complete
