"""Bless: write observed behaviour into a case's expectations: one [expect] for the most common behaviour and
narrow [[expect.when]] tables for the others, keeping hand-written patterns that still match and the author's `holds`."""

from __future__ import annotations

import difflib
import re
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from harness.casefile import BLOCK_RE, Case, parse_case
from harness.model import Interpreter, Result, Status

BLESSABLE = (Status.PASS, Status.FAIL, Status.RECORDED, Status.CRASH, Status.LEAK)
AXES = ("start_method", "python", "platform")


class BlessError(Exception):
    """Bless cannot write a trustworthy expectation; the message says why."""


@dataclass(frozen=True)
class Written:
    """What bless writes for one cell: pattern text per key, and the author's verdict (holds, known_bug) and negative
    patterns for that cell."""

    stdout: str
    stderr: str
    exit: str
    exception: str
    leaks: bool
    holds: Optional[bool]
    known_bug: Optional[str] = None
    stdout_not: Tuple[str, ...] = ()
    stderr_not: Tuple[str, ...] = ()


def _interpreter_of(result: Result) -> Interpreter:
    return Interpreter(executable="", implementation=result.implementation, version=result.python,
                       free_threaded=result.free_threaded, platform=result.platform)


def _escape_literal(text: str) -> str:
    """Observed text as a pattern that matches exactly it: lines that look like pattern syntax become regexes."""
    out = []
    for line in text.splitlines():
        if line in ("...", "[unordered]", "[/unordered]") or line.endswith(" (re)") or "[..]" in line:
            out.append(re.escape(line) + " (re)")
        else:
            out.append(line)
    return "\n".join(out) + ("\n" if out else "")


def written_for(case: Case, result: Result) -> Written:
    """Keep the existing pattern where it still matches this cell, else the observed (normalized) text."""
    existing, _ = case.expectation_for(_interpreter_of(result), result.start_method)

    def keep(pattern: Any, observed: str, literal: str) -> str:
        from harness.match import JudgingTimeout

        try:
            if pattern is not None and pattern.match(observed) is None:
                return pattern.source
        except JudgingTimeout:  # a pattern too costly to judge is replaced by the observed text
            pass
        return literal

    stdout = keep(existing.stdout if existing else None, result.stdout, _escape_literal(result.stdout))
    stderr = keep(existing.stderr if existing else None, result.stderr, _escape_literal(result.stderr))
    exception = keep(existing.exception if existing else None, result.exception, re.escape(result.exception) + " (re)" if "[..]" in result.exception else result.exception)
    holds = existing.holds if existing is not None else None
    known_bug = existing.known_bug if existing is not None else None
    alive = any(not x.zombie for x in result.leftovers)
    return Written(stdout, stderr, result.exit or "0", exception, alive, holds, known_bug,
                   _kept_negatives(existing.stdout_not if existing else None, result.stdout),
                   _kept_negatives(existing.stderr_not if existing else None, result.stderr))


def _kept_negatives(patterns: Any, observed: str) -> Tuple[str, ...]:
    """The author's negative pattern lines, kept while no observed line matches any of them (else bless drops them:
    the observed output is what it writes)."""
    from harness.match import JudgingTimeout

    try:
        if patterns and all(p.first_matching_line(observed) is None for p in patterns):
            return tuple(p.source for p in patterns)
    except JudgingTimeout:
        pass
    return ()


def _minor(version: str) -> Tuple[int, int]:
    parts = version.split(".")
    return int(parts[0]), int(parts[1])


def _python_runs(versions: Sequence[Tuple[int, int]], chosen: set) -> List[str]:
    """Specifiers covering the chosen minor versions as contiguous runs of the observed ones."""
    ordered = sorted(set(versions))
    runs: List[List[Tuple[int, int]]] = []
    for index, version in enumerate(ordered):
        if version not in chosen:
            continue
        if index and ordered[index - 1] in chosen:
            runs[-1].append(version)  # the previous observed version was chosen too: the run goes on
        else:
            runs.append([version])
    specs = []
    for run in runs:
        low, high = run[0], run[-1]
        parts = []
        if low != ordered[0]:
            parts.append(f">={low[0]}.{low[1]}")
        if high != ordered[-1]:
            after = ordered[ordered.index(high) + 1]
            parts.append(f"<{after[0]}.{after[1]}")
        specs.append(",".join(parts) if parts else ">=0")
    return specs


def _cell_order(result: Result) -> Tuple[Any, ...]:
    """A fixed order of cells, so that ties between behaviours of equal size break the same way every time."""
    return (_minor(result.python), ("fork", "spawn", "forkserver").index(result.start_method)
            if result.start_method in ("fork", "spawn", "forkserver") else 3, result.platform, result.python)


def _cell_axes(result: Result) -> Dict[str, Any]:
    return {"start_method": result.start_method, "python": _minor(result.python), "platform": result.platform}


def selectors_for(members: Sequence[Result], others: Sequence[Result]) -> List[Dict[str, Any]]:
    """The fewest, narrowest selector tables matching every member cell and no cell of another behaviour."""
    from itertools import combinations

    all_cells = list(members) + list(others)
    observed = {axis: {_cell_axes(r)[axis] for r in all_cells} for axis in AXES}
    best: Optional[List[Dict[str, Any]]] = None
    for size in range(1, len(AXES) + 1):
        for axes in combinations(AXES, size):
            if any(len(observed[a]) < 2 for a in axes):
                continue
            values = {a: {_cell_axes(r)[a] for r in members} for a in axes}

            def inside(r: Result) -> bool:
                cell = _cell_axes(r)
                return all(cell[a] in values[a] for a in axes)

            if any(inside(r) for r in others):
                continue
            tables = []
            python_specs = _python_runs(list(observed["python"]), values["python"]) if "python" in axes else [None]
            for spec in python_specs:
                table: Dict[str, Any] = {}
                if "start_method" in axes:
                    table["start_method"] = sorted(values["start_method"], key=("fork", "spawn", "forkserver").index)
                if spec is not None:
                    table["python"] = spec
                if "platform" in axes:
                    table["platform"] = sorted(values["platform"])
                tables.append(table)
            if best is None or len(tables) < len(best):
                best = tables
        if best is not None:
            return best
    # Behaviours that no box of axis values separates (e.g. a checkerboard): one table per cell.
    tables = []
    for r in members:
        axes = _cell_axes(r)
        tables.append({"start_method": [axes["start_method"]], "python": f"=={axes['python'][0]}.{axes['python'][1]}.*",
                       "platform": [axes["platform"]]})
    return tables


def _toml_string(text: str) -> str:
    """Basic strings where nothing needs escaping (as people write them), literal strings for backslashes."""
    controls = re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)
    if text == "":
        return '""'
    if "\n" in text:
        if not controls and "\\" not in text and '"""' not in text and not text.endswith('"'):
            return '"""\n' + text + '"""'
        if not controls and "\'\'\'" not in text and not text.endswith("'"):
            return "\'\'\'\n" + text + "\'\'\'"
        escaped = re.sub(r'["\\\x00-\x08\x0b-\x1f\x7f]', lambda m: "\\u%04x" % ord(m.group()), text)
        return '"""\n' + escaped + '"""'
    if not controls and "\\" not in text and '"' not in text:
        return '"' + text + '"'
    if not controls and "'" not in text:
        return "'" + text + "'"
    return '"' + re.sub(r'["\\\x00-\x1f\x7f]', lambda m: "\\u%04x" % ord(m.group()), text) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return _toml_string(str(value))


def _group_lines(written: Written, group: str) -> List[str]:
    """The lines of one key group (casefile.KEY_GROUPS), written in full: a [[expect.when]] table that sets any key
    of a group replaces the whole group, so it must say every key of it that is checked."""
    lines = []
    if group == "outcome":
        exit_value: Any = int(written.exit) if re.fullmatch(r"-?\d+", written.exit) else written.exit
        lines.append(f"exit = {_toml_value(exit_value)}")
        if written.exception:
            lines.append(f"exception = {_toml_value(written.exception)}")
    elif group == "stdout":
        lines.append(f"stdout = {_toml_value(written.stdout)}")
        if written.stdout_not:
            lines.append(f"stdout_not = {_toml_value(list(written.stdout_not))}")
    elif group == "stderr":
        lines.append(f"stderr = {_toml_value(written.stderr)}")
        if written.stderr_not:
            lines.append(f"stderr_not = {_toml_value(list(written.stderr_not))}")
    elif group == "leaks":
        lines.append(f"leaks = {_toml_value(written.leaks)}")
    elif group == "verdict":
        if written.known_bug:
            lines.append(f"known_bug = {_toml_value(written.known_bug)}")
        if written.holds is not None or not written.known_bug:
            lines.append(f"holds = {_toml_value(True if written.holds is None else written.holds)}")
    return lines


_GROUP_FIELDS = {
    "outcome": ("exit", "exception", "stderr", "stderr_not"),
    "stdout": ("stdout", "stdout_not"),
    "verdict": ("holds", "known_bug"),
    "leaks": ("leaks",),
}


def _expectation_lines(written: Written, base: Optional[Written] = None) -> List[str]:
    """[expect] (base None) says everything checked; a [[expect.when]] table each group that differs from base."""
    if base is None:
        lines = _group_lines(written, "outcome") + _group_lines(written, "stdout") + _group_lines(written, "stderr")
        if written.leaks:
            lines += _group_lines(written, "leaks")
        if written.holds is not None or written.known_bug:
            lines += _group_lines(written, "verdict")
        return lines
    lines = []
    for group, fields in _GROUP_FIELDS.items():
        if all(getattr(written, f) == getattr(base, f) for f in fields):
            continue
        if group == "outcome":
            lines += _group_lines(written, "outcome") + _group_lines(written, "stderr")
        else:
            lines += _group_lines(written, group)
    return lines


def _unobserved_tables(case: Case, block_lines: List[str], results: Sequence[Result]) -> List[str]:
    """Hand-written [[expect.when]] tables that match no observed cell (other OSes): kept word for word."""
    header = re.compile(r"^\s*\[\[expect\.when\]\]")
    starts = [i for i, line in enumerate(block_lines) if header.match(line)]
    any_header = re.compile(r"^\s*\[")
    kept: List[str] = []
    for index, (selector, _) in enumerate(case.when):
        if any(selector.matches(_interpreter_of(r), r.start_method) for r in results):
            continue
        if index >= len(starts):
            continue
        start = starts[index]
        end = next((j for j in range(start + 1, len(block_lines)) if any_header.match(block_lines[j])), len(block_lines))
        # comments directly above the table belong to it
        while start > 0 and block_lines[start - 1].startswith("#"):
            start -= 1
        kept.extend(block_lines[start:end])
    return kept


def blessed_text(text: str, case: Case, results: Sequence[Result]) -> str:
    """The case file's text with its expectations rewritten from the observed results."""
    usable = [r for r in results if r.status in BLESSABLE]
    if not usable:
        raise BlessError(f"{case.path}: no cell can be blessed (statuses: {', '.join(sorted({r.status.label for r in results})) or 'none'})")
    match = next(m for m in BLOCK_RE.finditer(text) if m.group("type") == "case")
    raw_lines = match.group("content").splitlines()
    block_lines = [line[2:] if line.startswith("# ") else line[1:] for line in raw_lines]
    first_expect = next((i for i, line in enumerate(block_lines) if re.match(r"^\s*\[(\[)?expect", line)), len(block_lines))
    head = block_lines[:first_expect]
    while head and head[-1].strip() == "":
        head.pop()

    groups: Dict[Written, List[Result]] = {}
    for result in usable:
        groups.setdefault(written_for(case, result), []).append(result)
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), min(_cell_order(r) for r in item[1])))
    base_written, _ = ranked[0]
    body: List[str] = ["", "[expect]"] + _expectation_lines(base_written)
    for written, members in ranked[1:]:
        others = [r for w, rs in groups.items() if w != written for r in rs]
        for table in selectors_for(members, others):
            body += ["", "[[expect.when]]"] + [f"{k} = {_toml_value(v)}" for k, v in table.items()]
            body += _expectation_lines(written, base_written)
    unobserved = _unobserved_tables(case, block_lines, usable)
    notes = [line for line in block_lines[first_expect:] if line.startswith("#") and line not in unobserved]
    if notes:  # the author's remarks among the old tables are kept, after the blessed ones
        body += [""] + notes
    if unobserved:
        body += [""] + unobserved
    new_lines = "\n".join(head + body).split("\n")  # multi-line values become several comment lines
    while new_lines and new_lines[-1].strip() == "":
        new_lines.pop()
    content = "".join(("# " + line if line else "#") + "\n" for line in new_lines)
    return text[: match.start("content")] + content + text[match.end("content") :]


def check_blessed(new_text: str, path: str, results: Sequence[Result]) -> None:
    """The rewritten case must parse and must pass on every cell it was blessed from."""
    from harness.judge import decide
    from harness.model import Cell, Observation

    from harness.casefile import CaseError

    try:
        case = parse_case(new_text, path)
    except CaseError as exc:
        raise BlessError(f"the blessed text would not parse: {exc}") from None
    for r in results:
        if r.status not in BLESSABLE:
            continue
        interpreter = _interpreter_of(r)
        expectation, _ = case.expectation_for(interpreter, r.start_method)
        signal = r.exit[len("signal:"):] if r.exit and r.exit.startswith("signal:") else None
        observation = Observation(exit=None if signal else int(r.exit or 0), signal=signal, leftovers=tuple(r.leftovers))
        cell = Cell(case.name, path, interpreter, r.start_method)
        status, message, _ = decide(case, cell, observation, expectation, r.stdout, r.stderr, r.exception)
        if status is not Status.PASS:
            raise BlessError(f"{path}: the blessed expectation does not pass on {r.python} {r.start_method}: {message}")


def bless_command(args: Any) -> int:
    from harness.casefile import CaseError, load_case
    from harness.errors import EXIT_FAILED, EXIT_OK, UsageError
    from harness.interpreters import select_interpreters
    from harness.plan import plan
    from harness.results import load_runs, merge
    from harness.runner import run_all

    status = EXIT_OK
    for path in args.paths:
        try:
            case = load_case(path)
        except CaseError as exc:
            raise UsageError(str(exc)) from None
        if args.results:
            merged = merge(load_runs(args.results))
            results = [r for r in merged.results if r.case == case.name]
        else:
            interpreters = select_interpreters(args.python, lambda line: print(line, file=sys.stderr))
            results, _ = run_all(plan([case], [], interpreters, args.start_methods), args.jobs)
        skipped = Counter(r.status.label for r in results if r.status not in BLESSABLE)
        if skipped:
            print(f"{path}: not blessed from {', '.join(f'{n} {s}' for s, n in skipped.items())} cell(s)", file=sys.stderr)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        try:
            new_text = blessed_text(text, case, results)
            check_blessed(new_text, path, results)
        except BlessError as exc:
            print(f"mpmatrix: {exc}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        if new_text == text:
            print(f"{path}: expectations already match the {len(results)} observed cells")
            continue
        diff = "".join(difflib.unified_diff(text.splitlines(True), new_text.splitlines(True), path, path + " (blessed)"))
        sys.stdout.write(diff)
        if not args.yes:
            if not sys.stdin.isatty():
                print(f"{path}: not written (no terminal to ask; pass --yes)", file=sys.stderr)
                status = EXIT_FAILED
                continue
            answer = input(f"write {path}? [y/N] ").strip().lower()
            if answer not in ("y", "yes"):
                continue
        with open(path, "w", encoding="utf-8") as f:
            f.write(new_text)
        print(f"{path}: blessed from {len(results)} cells")
    return status
