"""Judge an observation against the case's expectation in its cell: normalize, match, and decide the status."""

from __future__ import annotations

import dataclasses
import os
import re
from typing import List, Optional, Tuple

from harness.casefile import Case, Expectation
from harness.execute import EXIT_SKIP, EXIT_UNSUPPORTED
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


def judge(case: Case, cell: Cell, observation: Observation) -> Result:
    """Turn an observation into a result: normalized outputs and a status with its reason."""
    context = context_for(cell)
    stdout = normalize(_WORKDIR_RE.sub("<tmp>", observation.stdout), context, case.rules)
    stderr = normalize(_WORKDIR_RE.sub("<tmp>", observation.stderr), context, case.rules)
    exception = final_exception(stderr)
    expectation, origin = case.expectation_for(cell.interpreter, cell.start_method)
    if expectation is not None:  # lines an [unordered] group accepts in any order are recorded in one order
        stdout = expectation.stdout.canonical(stdout) if expectation.stdout is not None else stdout
        stderr = expectation.stderr.canonical(stderr) if expectation.stderr is not None else stderr
    status, message, diff = decide(case, cell, observation, expectation, stdout, stderr, exception)
    holds: Optional[bool] = None
    if expectation is not None and status not in (Status.UNSUPPORTED, Status.SKIP, Status.ERROR):
        holds = True if expectation.holds is None else expectation.holds
    result = make_result(case, cell, observation, status, holds, stdout, stderr, exception, message, diff, origin)
    if expectation is None:
        return result
    checked = ("exit",) + tuple(k for k in ("exception", "stdout", "stderr") if getattr(expectation, k) is not None)
    return dataclasses.replace(result, checked=checked)


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
        leftovers=observation.leftovers, nondeterministic=case.nondeterministic,
        implementation_version=interpreter.implementation_version,
    )


def decide(
    case: Case, cell: Cell, observation: Observation, expectation: Optional[Expectation], stdout: str, stderr: str,
    exception: str,
) -> Tuple[Status, str, str]:
    """The status rules, in order of precedence."""
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
        mismatch = expectation.exception.match(exception)
        if mismatch is not None:
            failures.append(f"exception: expected {expectation.exception.source!r}, got {exception!r}")
    for name, pattern, text in (("stdout", expectation.stdout, stdout), ("stderr", expectation.stderr, stderr)):
        if pattern is None:
            continue
        mismatch = pattern.match(text)
        if mismatch is not None and name == "stderr" and pattern.match(without_tails(text)) is None:
            mismatch = None  # the pattern leaves out every exception's notes (and the rest of its message)
        if mismatch is not None:
            failures.append(f"{name}: {mismatch.summary}")
            diffs.append(f"{name}:\n{mismatch.diff}")
    if expectation.leaks and not alive:
        failures.append("leaks: expected processes to outlive the main process, none did")
    if failures:
        return Status.FAIL, "; ".join(failures), "\n".join(diffs)
    return Status.PASS, "", ""
