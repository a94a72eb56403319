"""Judge a cell: decide its status, the one place that does, from what is known before it runs (a broken case file,
an unoffered start method, a platform the case is not for), from its observation (normalized and matched against the
expectation that applies in its cell), or from several observations of it (flaky, or a declared race)."""

from __future__ import annotations

import os
import re
import threading
from collections import Counter
from dataclasses import replace
from typing import Any, Dict, List, Optional, Sequence, Tuple

from harness import files, wine
from harness.execute import BOOTSTRAP
from harness.budget import Budget, JudgingTimeout
from harness.casefile import Case, Expectation, file_digest
from harness.model import (
    CASE_EXIT_SKIP, CASE_EXIT_UNSUPPORTED, DEFAULT_METHOD, Cell, CellId, Judgement, Observation, Result, Status,
    implementation_name, platform_matches,
)
from harness.normalize import Context, normalize
from harness.plan import Planned
from harness.tracebacks import final_exception, read_tracebacks, without_tails


def context_for(cell: Cell) -> Context:
    case_dir = os.path.dirname(os.path.abspath(cell.case_path))
    if wine.is_wine(cell.interpreter.flavour):
        case_dir = wine.linux_path(case_dir)  # a harness itself under Wine: its output is spelled as Linux paths
    return Context(
        stdlib_dirs=cell.interpreter.stdlib_dirs,
        case_dir=case_dir,
        work_dir="",
        site_dirs=cell.environment.site_dirs if cell.environment is not None else (),
        bootstrap=BOOTSTRAP,
    )


def result_of(case: Case, cell: Cell, observation: Observation, judgement: Judgement) -> Result:
    """The result of a cell: its place, its case, what was observed and how it was judged."""
    return Result(cell.id, case.ref, observation, judgement, cell.setting)


def before_running(item: Planned) -> Optional[Result]:
    """The result of a cell that is decided without running it, or None when it must run."""
    case, cell = item.case, item.cell
    interpreter = cell.interpreter
    if item.error is not None:
        return result_of(case, cell, Observation(), Judgement(Status.ERROR, message=str(item.error)))
    if cell.start_method != DEFAULT_METHOD and cell.start_method not in interpreter.start_methods:
        return result_of(case, cell, Observation(), Judgement(
            Status.UNSUPPORTED,
            message=f"start method {cell.start_method} is not offered by {interpreter.platform} Python {interpreter.version}"))
    if case.platforms is not None and not any(platform_matches(p, interpreter.platform, interpreter.flavour)
                                              for p in case.platforms):
        return result_of(case, cell, Observation(), Judgement(
            Status.SKIP, message=f"the case runs on {', '.join(case.platforms)} only"))
    requires = case.script.requires_python
    if requires and not case.dependencies and not case.script.allows(interpreter.version):
        # as uv run and pipx run read it: the script is not for this Python (with dependencies, the environment
        # that cannot be made says the same)
        return result_of(case, cell, Observation(), Judgement(
            Status.UNSUPPORTED, message=f"the case's requires-python {requires!r} excludes "
                                        f"{implementation_name(interpreter.implementation)} {interpreter.version}"))
    environment = cell.environment
    if environment is not None and environment.unavailable:
        return result_of(case, cell, Observation(), Judgement(
            Status.UNSUPPORTED, message=f"no environment for the case's dependencies here: {environment.unavailable}"))
    if environment is not None and environment.error:
        return result_of(case, cell, Observation(), Judgement(Status.ERROR, message=environment.error))
    return None


# The cell's working folder is created by the executor with this prefix, wherever the OS keeps temporary files.
# A match may only start where a path can (after whitespace, a quote or at the start): without that look-behind
# the engine retries from every character of a long line and output of a few MiB takes minutes to judge.
_WORKDIR_RE = re.compile(r"(?<![^\s'\"])[^\s'\"]*mpmatrix-cell-[A-Za-z0-9_]+")


def _redact_workdir(text: str) -> str:
    return _WORKDIR_RE.sub("<tmp>", text) if "mpmatrix-cell-" in text else text


def judge(case: Case, cell: Cell, observation: Observation, stop: Optional[threading.Event] = None) -> Result:
    """Turn an observation into a result: normalized outputs and a status with its reason.

    Judging is bounded (see harness.budget): a pattern or normalize rule that exceeds its budget makes the cell an
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
    _, origin = case.expectation_for(cell.id)
    return result_of(case, cell, observation, Judgement(Status.ERROR, message=why, expectation=origin))


def _changed_since_read(case: Case) -> str:
    """Why the cell cannot be judged because its case file changed after its expectation was read ("" if not):
    the cell ran the file as it was on disk then, so its output and the expectation may come from two versions."""
    if not case.digest:
        return ""
    try:  # a regular file within its bound: one the case made a pipe or a link to /dev/zero is refused at once
        now = file_digest(files.read_bytes(case.path, files.CASE_FILE_LIMIT, "case file"))
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
    if wine.is_wine(cell.interpreter.flavour):
        observation = wine.read_back(observation)  # Wine passes on the low byte of a Windows status alone
        raw_out, raw_err = wine.posix_paths(raw_out), wine.posix_paths(raw_err)  # Z:\work\x.py as /work/x.py
        if observation.stacks:  # a hung cell's stacks name the files as the rest of its output does
            observation = replace(observation, stacks=wine.posix_paths(observation.stacks))
    stdout = normalize(_redact_workdir(raw_out), context, case.rules, Budget(stop=stop))
    stderr = normalize(_redact_workdir(raw_err), context, case.rules, Budget(stop=stop))
    exception = final_exception(stderr)
    expectation, origin = case.expectation_for(cell.id)
    if expectation is not None:  # lines an [unordered] group accepts in any order are recorded in one order
        if expectation.stdout is not None:
            stdout = expectation.stdout.canonical(stdout, Budget(stop=stop))
        if expectation.stderr is not None:
            stderr = expectation.stderr.canonical(stderr, Budget(stop=stop))
    status, message, diff = decide(case, cell.id, observation, expectation, stdout, stderr, exception, stop)
    judgement = Judgement(status, exception=exception, stdout=stdout, stderr=stderr, message=message, diff=diff,
                          expectation=origin)
    if expectation is None:
        return result_of(case, cell, observation, judgement)
    holds: Optional[bool] = None
    known_bug = ""
    if status.ran and status is not Status.ERROR:  # the verdict of the outcome observed; a known bug is neither
        holds, known_bug = expectation.verdict_for(stdout, stderr, Budget(stop=stop))
    checked = ("exit",) + tuple(k for k in ("exception", "stdout", "stderr") if getattr(expectation, k) is not None)
    return result_of(case, cell, observation, replace(judgement, holds=holds, known_bug=known_bug, checked=checked))


_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?::|$)")  # not a line of another process's interleaved output


def _causes(stderr: str) -> str:
    """What a hung cell's processes said before it was ended: the first exception its stderr shows and how many
    times (a respawn storm repeats the one that explains it), or ""."""
    exceptions = [t.exception for t in read_tracebacks(stderr) if _EXCEPTION_LINE.match(t.exception)]
    if not exceptions:
        return ""
    first = exceptions[0]
    times = exceptions.count(first)
    return f"; before that, its processes raised {first}" + (f" ({times} times)" if times > 1 else "")


STDERR_TAIL_LINES = 10


def stderr_tail(stderr: str, count: int = STDERR_TAIL_LINES) -> str:
    """The last lines of (normalized) stderr, to follow a failure's reason: "" when stderr is empty."""
    lines = stderr.rstrip("\n").splitlines()
    if not any(line.strip() for line in lines):
        return ""
    shown = lines[-count:]
    heading = "stderr" if len(shown) == len(lines) else f"stderr, last {len(shown)} of {len(lines)} lines"
    return f"\n{heading}:\n" + "\n".join("  " + line for line in shown)


def _said(text: str, limit: int = 300) -> str:
    """A case's own reason for skipping: the last line it wrote (stderr first), as `: reason`; "" when none."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    reason = lines[-1]
    return ": " + (reason if len(reason) <= limit else reason[:limit] + "...")


def decide(
    case: Case, cell: CellId, observation: Observation, expectation: Optional[Expectation], stdout: str, stderr: str,
    exception: str, stop: Optional[threading.Event] = None,
) -> Tuple[Status, str, str]:
    """The status rules, in order of precedence. Raises JudgingTimeout when a pattern exceeds its budget."""
    if observation.harness_error:
        return Status.ERROR, observation.harness_error, ""
    if observation.exit == CASE_EXIT_UNSUPPORTED:
        return Status.UNSUPPORTED, f"start method {cell.start_method} is not offered here", ""
    if observation.exit == CASE_EXIT_SKIP:
        return Status.SKIP, "the case skipped itself (exit 77)" + _said(stderr or stdout), ""
    if observation.timed_out:
        return Status.TIMEOUT, f"still running after {case.timeout:g} s; its process tree was ended{_causes(stderr)}", ""
    expected_exit = expectation.expected_exit if expectation is not None else None
    if observation.signal and expected_exit != observation.exit_label:
        return Status.CRASH, f"ended by {observation.signal}", ""
    alive = observation.alive_leftovers
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


# -- several observations of one cell --------------------------------------------------------------------------


def combine_by_cell(results: Sequence[Result]) -> List[Result]:
    """Every cell once: observations of the same cell (repeats, several runs) combined, in first-seen order."""
    by_key: Dict[Tuple[Any, ...], List[Result]] = {}
    for result in results:
        by_key.setdefault(result.key, []).append(result)
    return [combine(group) for group in by_key.values()]


def combine(results: Sequence[Result]) -> Result:
    """Several observations of one cell: the same behaviour merges, differing behaviours make the cell flaky.

    A case that declares itself nondeterministic keeps its status while every observation passed: the distinct
    observations and their counts are kept as the evidence of its race. A run that observed nothing of the cell (it
    was skipped or unsupported there: a package or an interpreter that run did not have) takes nothing away from the
    runs that did: it is left out where others observed a behaviour."""
    observed = [r for r in results if r.status.ran]
    if observed and len(observed) < len(results):
        results = observed
    if len(results) == 1:
        return results[0]
    counts = Counter(r.signature() for r in results)
    if len(counts) == 1:
        return results[0]
    first_of: Dict[Tuple[Any, ...], Result] = {}
    for result in results:
        first_of.setdefault(result.signature(), result)
    observations = tuple(
        {"count": counts[sig], "status": r.status.label, "exit": r.exit, "exception": r.judged.exception,
         "stdout": r.judged.stdout, "stderr": r.judged.stderr, "holds": r.judged.holds}
        for sig, r in first_of.items()
    )
    base = results[0]
    summary = ", ".join(f"{o['status']} ×{o['count']}" for o in observations)
    if base.case.nondeterministic and all(r.status is base.status and not r.status.is_failure for r in results):
        usual = first_of[counts.most_common(1)[0][0]]  # the cell shows its most frequent outcome; the rest are kept
        message = (f"{len(observations)} different accepted observations ({summary}); the case declares why: "
                   f"{base.case.nondeterministic}")
        return usual.judged_again(message=message, observations=observations)
    return base.judged_again(status=Status.FLAKY, message=f"{len(observations)} different observations: {summary}",
                             observations=observations)
