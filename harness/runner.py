"""Own the worker pool and the deadline: run planned cells in parallel, report each result as it lands."""

from __future__ import annotations

import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from harness.execute import Limits, run_cell
from harness.judge import judge, make_result
from harness.model import Observation, Result, Status
from harness.plan import Planned

Progress = Callable[[Result], None]
DEFAULT_DURATION_S = 2.0  # a cold run's guess for a cell never timed before


def order_longest_first(planned: Sequence[Planned], durations: Optional[Dict[Tuple[str, ...], float]] = None) -> List[Planned]:
    """Longest cells first, from earlier durations where known, so the last cells to finish are short ones."""
    durations = durations or {}

    def expected(item: Planned) -> float:
        if item.decided is not None:
            return -1.0
        return durations.get(item.cell.key, DEFAULT_DURATION_S)

    return sorted(planned, key=expected, reverse=True)


def run_one(item: Planned, cap_bytes: int) -> Result:
    if item.decided is not None:
        return item.decided
    try:
        observation = run_cell(item.cell, Limits(timeout=item.case.timeout, cap_bytes=cap_bytes))
        return judge(item.case, item.cell, observation)
    except Exception as exc:  # a harness fault in one cell is that cell's result, never the end of the run
        return make_result(item.case, item.cell, Observation(), Status.ERROR, None, message=f"harness error: {exc!r}")


def run_all(
    planned: Sequence[Planned], jobs: int, progress: Progress = lambda result: None, cap_bytes: int = 4 * 1024 * 1024,
    stop: Optional[threading.Event] = None,
) -> Tuple[List[Result], bool]:
    """Run every planned cell, at most `jobs` at a time. Returns the results and whether all cells ran."""
    stop = stop or threading.Event()
    results: List[Result] = []
    pending = iter(planned)
    running: Dict[Future, Planned] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="mpmatrix-cell") as pool:
        try:
            while True:
                while len(running) < max(1, jobs) and not stop.is_set():
                    item = next(pending, None)
                    if item is None:
                        break
                    if item.decided is not None:
                        results.append(item.decided)
                        progress(item.decided)
                        continue
                    running[pool.submit(run_one, item, cap_bytes)] = item
                if not running:
                    break
                done, _ = wait(list(running), return_when=FIRST_COMPLETED, timeout=0.5)
                for future in done:
                    running.pop(future)
                    result = future.result()
                    results.append(result)
                    progress(result)
        except BaseException:
            stop.set()
            raise
    complete = len(results) == len(planned)
    return results, complete
