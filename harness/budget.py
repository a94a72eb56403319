"""Budgets for judging: the CPU time one cell's patterns and normalize rules may take, and the run's stop event, so
that no case output, however built, can stall a run or keep it deaf to Ctrl+C."""

from __future__ import annotations

import threading
import time
from typing import Optional

# Deciding whether one pattern matches a cell's output may take this much CPU time of the judging thread. CPU
# time, not wall time, so that a cell's status does not depend on how busy the machine is. Legitimate output
# under the 4 MiB cap takes a small fraction of it (tests/test_match.py::test_the_worst_legitimate_output_is_far_
# below_the_budget); only a regex that backtracks exponentially, or a pattern built to defeat the search, gets
# near it.
JUDGE_BUDGET_S = 1.0
# One regex against one line gets at most this (the `regex` package counts the process's CPU time): no legitimate
# regex needs a tenth of it on a line under the cap, and it bounds how long a judging thread can be deaf to Ctrl+C.
REGEX_CALL_S = 0.5
_TICK = 256  # loops look at the clock every this many steps


class JudgingTimeout(Exception):
    """Matching ran out of its budget. .line is the pattern line being matched (1-based), .value its text,
    .where the file and line of that pattern line in the case file ("" when the pattern has no origin)."""

    def __init__(self, message: str, line: int, value: str, where: str = "") -> None:
        super().__init__(message, line, value, where)
        self.message = message
        self.line = line
        self.value = value
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class JudgingStopped(Exception):
    """The run is being interrupted: judging was abandoned (the result would be discarded anyway)."""


_cpu_clock = getattr(time, "thread_time", time.process_time)


class Budget:
    """CPU time the judging thread may spend on one pattern; the run's stop event ends it at once (Ctrl+C).

    Made in the thread that uses it: the clock is that thread's CPU time."""

    def __init__(self, seconds: float = JUDGE_BUDGET_S, stop: Optional[threading.Event] = None) -> None:
        self.seconds = seconds
        self.deadline = _cpu_clock() + seconds
        self.stop = stop
        self._steps = 0

    def remaining(self) -> float:
        return self.deadline - _cpu_clock()

    def spent(self) -> bool:
        """Whether the budget is used up; raises JudgingStopped when the run is stopping."""
        if self.stop is not None and self.stop.is_set():
            raise JudgingStopped()
        return _cpu_clock() >= self.deadline

    def tick(self) -> bool:
        """spent(), looked at only every _TICK calls: cheap enough for inner loops."""
        self._steps += 1
        return self._steps % _TICK == 0 and self.spent()
