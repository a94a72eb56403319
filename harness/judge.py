"""Judge an observation against the case's expectation in its cell: normalize, match, and decide the status."""

from __future__ import annotations

import dataclasses
import os
import re
import threading
from typing import List, Optional, Tuple

from harness import wine
from harness.casefile import Case, Expectation, file_digest
from harness.execute import EXIT_SKIP, EXIT_UNSUPPORTED
from harness.match import Budget, JudgingTimeout
from harness.model import Cell, Observation, Result, Status
from harness.normalize import Context, normalize
from harness.tracebacks import TRACEBACK_HEADER, final_exception, without_tails

__all__ = ["TRACEBACK_HEADER", "context_for", "decide", "final_exception", "judge", "make_result"]


def context_for(cell: Cell) -> Context:
    return Context(
        stdlib_dirs=cell.interpreter.stdlib_dirs,
        case_dir=os.path.dirname(os.path.abspath(cell.case_path)),
        work_dir="",
    )


# The cell's working folder is created by the executor with this prefix, wherever the OS keeps temporary files.
# A match may only start where a path can (after whitespace, a quote or at the start): without that look-behind
# the engine retries from every character of a long line and output of a few MiB takes minutes to judge.
_WORKDIR_RE = re.compile(r"(?<![^\s'\"])[^\s'\"]*mpmatrix-cell-[A-Za-z0-9_]+")


def _redact_workdir(text: str) -> str:
    return _WORKDIR_RE.sub("<tmp>", text) if "mpmatrix-cell-" in text else text


def judge(case: Case, cell: Cell, observation: Observation, stop: Optional[threading.Event] = None) -> Result:
    """Turn an observation into a result: normalized outputs and a status with its reason.

    Judging is bounded (see harness.match): a pattern or normalize rule that exceeds its budget makes the cell an
    `error` naming the case file's line, with the raw output kept. `stop` (the run being interrupted) abandons
    judging at once with JudgingStopped."""
    changed = _changed_since_read(case)
    if changed:
        return _not_judged(case, cell, observation, changed)
    try:
        return _judge(case, cell, observation, stop)
    except JudgingTimeout as exc:
        return _not_judged(case, cell, observation, f"{exc}; the output is kept raw")


def _not_judged(case: Case, cell: Cell, observation: Observation, why: str) -> Result:
    """An `error` cell that keeps what was observed, raw, and names the expectation that would have applied."""
    _, origin = case.expectation_for(cell.interpreter, cell.start_method)
    return make_result(case, cell, observation, Status.ERROR, None, message=why, origin=origin)


def _changed_since_read(case: Case) -> str:
    """Why the cell cannot be judged because its case file changed after its expectation was read ("" if not):
    the cell ran the file as it was on disk then, so its output and the expectation may come from two versions."""
    if not case.digest:
        return ""
    try:
        with open(case.path, "rb") as f:
            now = file_digest(f.read())
    except OSError as exc:
        return f"the case file {case.path} can no longer be read ({exc.strerror}); its expectation was read when the run started"
    if now == case.digest:
        return ""
    return (f"the case file {case.path} changed during the run, after its expectation was read: the output may "
            "come from the new version, so it is not judged; run the case again (`mpmatrix run --resume DIR` runs "
            "every changed case again)")


def _judge(case: Case, cell: Cell, observation: Observation, stop: Optional[threading.Event]) -> Result:
    context = context_for(cell)
    raw_out, raw_err = observation.stdout, observation.stderr
    if wine.under_wine(cell.interpreter.platform):  # Z:\work\x.py as /work/x.py, the embeddable's stdlib frames
        raw_out, raw_err = wine.posix_paths(raw_out), wine.posix_paths(raw_err)
    stdout = normalize(_redact_workdir(raw_out), context, case.rules, Budget(stop=stop))
    stderr = normalize(_redact_workdir(raw_err), context, case.rules, Budget(stop=stop))
    exception = final_exception(stderr)
    expectation, origin = case.expectation_for(cell.interpreter, cell.start_method)
    if expectation is not None:  # lines an [unordered] group accepts in any order are recorded in one order
        if expectation.stdout is not None:
            stdout = expectation.stdout.canonical(stdout, Budget(stop=stop))
        if expectation.stderr is not None:
            stderr = expectation.stderr.canonical(stderr, Budget(stop=stop))
    status, message, diff = decide(case, cell, observation, expectation, stdout, stderr, exception, stop)
    holds: Optional[bool] = None
    known_bug = ""
    if expectation is not None and status not in (Status.UNSUPPORTED, Status.SKIP, Status.ERROR):
        known_bug = expectation.known_bug or ""
        # A known bug is neither holds nor refuted: its verdict is "known bug" (Result.known_bug).
        holds = None if known_bug else True if expectation.holds is None else expectation.holds
    result = make_result(case, cell, observation, status, holds, stdout, stderr, exception, message, diff, origin)
    if expectation is None:
        return result
    checked = ("exit",) + tuple(k for k in ("exception", "stdout", "stderr") if getattr(expectation, k) is not None)
    return dataclasses.replace(result, checked=checked, known_bug=known_bug)


def make_result(
    case: Case, cell: Cell, observation: Observation, status: Status, holds: Optional[bool], stdout: str = "",
    stderr: str = "", exception: str = "", message: str = "", diff: str = "", origin: str = "",
) -> Result:
    interpreter = cell.interpreter
    return Result(
        case=case.name, case_path=case.path, ids=case.ids, claim=case.claim, python=interpreter.version,
        implementation=interpreter.implementation, free_threaded=interpreter.free_threaded,
        platform=interpreter.platform, machine=interpreter.machine, start_method=cell.start_method,
        default_start_method=interpreter.default_start_method, status=status, holds=holds,
        exit=observation.exit_label, exception=exception, stdout=stdout, stderr=stderr,
        stdout_raw=observation.stdout, stderr_raw=observation.stderr, duration_s=observation.duration_s,
        message=message, diff=diff, expectation=origin, stdout_dropped=observation.stdout_dropped,
        stderr_dropped=observation.stderr_dropped, invalid_utf8=observation.invalid_utf8, stacks=observation.stacks,
        leftovers=observation.leftovers, nondeterministic=case.nondeterministic, case_digest=case.digest,
        implementation_version=interpreter.implementation_version, source=case.source,
        cpu_s=observation.cpu_s,
    )


STDERR_TAIL_LINES = 10


def stderr_tail(stderr: str, count: int = STDERR_TAIL_LINES) -> str:
    """The last lines of (normalized) stderr, to follow a failure's reason: "" when stderr is empty."""
    lines = stderr.rstrip("\n").splitlines()
    if not any(line.strip() for line in lines):
        return ""
    shown = lines[-count:]
    heading = "stderr" if len(shown) == len(lines) else f"stderr, last {len(shown)} of {len(lines)} lines"
    return f"\n{heading}:\n" + "\n".join("  " + line for line in shown)


def decide(
    case: Case, cell: Cell, observation: Observation, expectation: Optional[Expectation], stdout: str, stderr: str,
    exception: str, stop: Optional[threading.Event] = None,
) -> Tuple[Status, str, str]:
    """The status rules, in order of precedence. Raises JudgingTimeout when a pattern exceeds its budget."""
    if observation.harness_error:
        return Status.ERROR, observation.harness_error, ""
    if observation.exit == EXIT_UNSUPPORTED:
        return Status.UNSUPPORTED, f"start method {cell.start_method} is not offered here", ""
    if observation.exit == EXIT_SKIP:
        return Status.SKIP, "the case skipped itself (exit 77)", ""
    if observation.timed_out:
        return Status.TIMEOUT, f"still running after {case.timeout:g} s; its process tree was ended", ""
    expected_exit = expectation.expected_exit if expectation is not None else None
    if observation.signal and expected_exit != observation.exit_label:
        return Status.CRASH, f"ended by {observation.signal}", ""
    alive = [x for x in observation.leftovers if not x.zombie]
    if alive and not (expectation is not None and expectation.leaks):
        commands = "; ".join(x.cmdline for x in alive[:5])
        return Status.LEAK, f"{len(alive)} process(es) outlived the main process: {commands}", ""
    if expectation is None:
        return Status.RECORDED, "no expectation applies here", ""
    failures: List[str] = []
    diffs: List[str] = []
    if expected_exit != observation.exit_label:
        failures.append(f"exit: expected {expected_exit}, got {observation.exit_label}")
    if expectation.exception is not None:
        mismatch = expectation.exception.match(exception, Budget(stop=stop))
        if mismatch is not None:
            failures.append(f"exception: expected {expectation.exception.source!r}, got {exception!r}")
    for name, pattern, text in (("stdout", expectation.stdout, stdout), ("stderr", expectation.stderr, stderr)):
        if pattern is None:
            continue
        mismatch = pattern.match(text, Budget(stop=stop))
        if mismatch is not None and name == "stderr" and pattern.match(without_tails(text), Budget(stop=stop)) is None:
            mismatch = None  # the pattern leaves out every exception's notes (and the rest of its message)
        if mismatch is not None:
            failures.append(f"{name}: {mismatch.summary}")
            diffs.append(f"{name}:\n{mismatch.diff}")
    for name, patterns, text in (("stdout", expectation.stdout_not, stdout), ("stderr", expectation.stderr_not, stderr)):
        for pattern in patterns or ():
            found = pattern.first_matching_line(text, Budget(stop=stop))
            if found is not None:
                number, line = found
                where = f" ({pattern.origin.where(1)})" if pattern.origin.path else ""
                failures.append(f"{name}_not: {name} line {number} {line!r} matches {pattern.source!r}{where}, "
                                "a line that must not appear")
    if expectation.leaks and not alive:
        failures.append("leaks: expected processes to outlive the main process, none did")
    if failures:
        message = "; ".join(failures)
        if expectation.stderr is None and any(f.startswith(("exit:", "stdout")) for f in failures):
            message += stderr_tail(stderr)  # the reason is often a traceback the case does not check
        return Status.FAIL, message, "\n".join(diffs)
    return Status.PASS, "", ""
