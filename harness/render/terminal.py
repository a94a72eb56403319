"""Terminal renderer: a matrix of cases × (python, start method), one symbol per cell, then what failed and why."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

from harness.model import Result, Run, Status

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
METHOD_ABBREV = {"fork": "F", "spawn": "S", "forkserver": "V"}


def escape_control(text: str) -> str:
    """Case output is untrusted: no escape sequence from a case reaches the user's terminal."""
    return _CONTROL.sub(lambda m: "\\x%02x" % ord(m.group()), text)


DEFAULT_MARK = "*"
REFUTED_MARK = "†"  # the cell behaved as expected, and that behaviour refutes the claim
NOT_OBSERVED = "?"  # no run holds this cell: it says nothing about the case there, least of all that it passed


def default_methods(results: Sequence[Result]) -> Dict[Tuple[str, str], str]:
    """What the default start method resolves to for each (platform, interpreter): users write code against it."""
    return {(r.platform, r.tag): r.default_start_method for r in results if r.default_start_method}


def method_label(method: str, platform: str, tag: str, defaults: Dict[Tuple[str, str], str], abbrev: Dict[str, str] = METHOD_ABBREV) -> str:
    label = abbrev.get(method, method[:2])
    return label + (DEFAULT_MARK if defaults.get((platform, tag)) == method else "")


def columns(results: Sequence[Result], target: Optional["Target"] = None) -> List[Tuple[str, str, str]]:
    """(platform, interpreter tag, start method) columns in matrix order: those observed, and the target's."""
    from harness.target import all_columns

    return all_columns(results, target)


def render_matrix(results: Sequence[Result]) -> str:
    """Cases × observed columns; a column group is as wide as its label (pypy3.11 is wider than three cells)."""
    cols = columns(results)
    cases = sorted({r.case for r in results})
    by_cell: Dict[Tuple[str, str, str, str], Result] = {(r.case, r.platform, r.tag, r.start_method): r for r in results}
    width = max([len(c) for c in cases] + [4])
    platforms = sorted({c[0] for c in cols})
    defaults = default_methods(results)
    groups: List[Tuple[Tuple[str, str], List[str]]] = []
    for platform, tag, method in cols:
        if not groups or groups[-1][0] != (platform, tag):
            groups.append(((platform, tag), []))
        groups[-1][1].append(method)
    lines = []
    header_py = " " * width + "  "
    header_m = " " * width + "  "
    rows = {case: case.ljust(width) + "  " for case in cases}
    missing = 0
    for (platform, tag), methods in groups:
        label = tag if len(platforms) == 1 else f"{platform[:3]}{tag}"
        span = max(3 * len(methods) - 1, len(label))
        header_py += " " + label.ljust(span + 1)
        header_m += " " + "".join(method_label(m, platform, tag, defaults).ljust(3) for m in methods).ljust(span + 1)
        for case in cases:
            cells = ""
            for method in methods:
                result = by_cell.get((case, platform, tag, method))
                if result is None:
                    missing += 1
                    cells += NOT_OBSERVED + "  "
                    continue
                mark = REFUTED_MARK if result.holds is False else " "
                cells += result.status.symbol + mark + " "
            rows[case] += " " + cells.ljust(span + 1)
    lines.append(header_py.rstrip())
    lines.append(header_m.rstrip())
    lines.extend(rows[case].rstrip() for case in cases)
    legend = "  ".join(f"{s.symbol} {s.label}" for s in Status)
    unseen = f"  {NOT_OBSERVED} not observed" if missing else ""
    lines.append("")
    lines.append(f"F fork  S spawn  V forkserver  {DEFAULT_MARK} the default there    {legend}{unseen}  {REFUTED_MARK} claim refuted there")
    return "\n".join(lines)


def render_not_observed(results: Sequence[Result], target: Optional["Target"]) -> str:
    """The target's columns no run holds, named compactly below the matrix."""
    from harness.target import describe_columns, not_observed

    missing = not_observed(results, target)
    if target is None or not missing:
        return ""
    return f"Not observed ({len(missing)} of the {len(target.columns())} columns of {target.path}): {describe_columns(missing, target)}"


def summary_line(results: Sequence[Result], elapsed_s: float = 0.0) -> str:
    counts = Counter(r.status for r in results)
    parts = [f"{counts[s]} {s.label}" for s in Status if counts[s]]
    failures = sum(n for s, n in counts.items() if s.is_failure)
    timing = f" in {elapsed_s:.1f} s" if elapsed_s else ""
    return f"{len(results)} cells{timing}: {', '.join(parts) or 'none'}; {failures} failing"


def _interpreter(r: Result) -> str:
    """3.12.1, or pypy 3.11.13 where the implementation is not CPython."""
    return r.python if r.implementation == "cpython" else f"{r.implementation} {r.python}"


def render_failures(results: Sequence[Result], limit: int = 20) -> str:
    """Failing cells with their reasons and diffs; flaky cells apart, each with its distinct observations."""
    failing = [r for r in results if r.status.is_failure and r.status is not Status.FLAKY]
    flaky = [r for r in results if r.status is Status.FLAKY]
    out: List[str] = []
    for r in failing[:limit]:
        out.append(f"{r.status.label.upper()}: {r.case} [{r.platform} {_interpreter(r)} {r.start_method}] {escape_control(r.message)}")
        if r.diff:
            out.extend("    " + escape_control(line) for line in r.diff.splitlines())
    if len(failing) > limit:
        out.append(f"... and {len(failing) - limit} more failing cells (see the results file)")
    if flaky:
        out.append(f"{len(flaky)} flaky cell(s): the same cell behaved differently between runs")
        for r in flaky[:limit]:
            out.append(f"FLAKY: {r.case} [{r.platform} {_interpreter(r)} {r.start_method}] {escape_control(r.message)}")
    return "\n".join(out)


def render_terminal(run: Run, elapsed_s: float = 0.0, target: Optional["Target"] = None) -> str:
    """The matrix, what the target has that no run observed, what failed and why, the cases whose behaviour differs
    and along which axes, then a summary."""
    from harness.analysis import analyse

    results = list(run.results)
    parts = [render_matrix(results), render_not_observed(results, target)]
    failures = render_failures(results)
    if failures:
        parts.append(failures)
    parts.append(render_differences(analyse(run)))
    parts.append(summary_line(results, elapsed_s) + ("" if run.complete else " (incomplete: the run was interrupted)"))
    return "\n\n".join(part for part in parts if part)


if TYPE_CHECKING:  # for the annotations only: the matrix alone should not import the analysis
    from harness.analysis import CaseAnalysis
    from harness.target import Target


def render_differences(analyses: Sequence[CaseAnalysis], max_classes: int = 4) -> str:
    """Below the matrix: the cases whose behaviour differs, with the axes that explain it and a short diff."""
    from harness.analysis import class_diff, describe_class, difference_summary, differing, plural

    cases = differing(analyses)
    if not cases:
        return f"Behaviour is the same everywhere observed ({len(analyses)} cases)."
    lines = [f"Where behaviour differs ({len(cases)} of {len(analyses)} cases):"]
    for analysis in cases:
        ids = f" [{', '.join(analysis.ids)}]" if analysis.ids else ""
        lines.append("")
        lines.append(f"{escape_control(analysis.case)}{ids}: {difference_summary(analysis)}")
        usual = analysis.classes[0]
        for index, behaviour in enumerate(analysis.classes[:max_classes]):
            r = behaviour.representative
            where = describe_class(analysis, index)
            verdict = {True: "holds", False: "refuted", None: "not judged"}[r.holds]
            lines.append(f"  {chr(ord('A') + index)}. {where} ({plural(len(behaviour.cells), 'cell')}): "
                         f"{r.status.label}, exit {r.exit}, claim {verdict}")
            if index:
                lines.extend("       " + escape_control(line) for line in class_diff(usual.representative, r, max_lines=12))
        if len(analysis.classes) > max_classes:
            lines.append(f"  ... and {len(analysis.classes) - max_classes} more behaviours (see the HTML or JSON report)")
    return "\n".join(lines)
