"""Terminal renderer: a matrix of cases × (python, start method), one symbol per cell, then what failed and why."""

from __future__ import annotations

import re
from collections import Counter
from typing import Dict, List, Optional, Sequence, Tuple

from rich.cells import cell_len as rich_cell_len

from harness.analysis import CaseAnalysis, analyse, class_diff, describe_class, difference_summary, differing, plural
from harness.model import NOT_OBSERVED, Layout, Result, Run, Status, legend
from harness.render.grid import Grid
from harness.target import Target, describe_columns, not_observed

# Controls (tab and newline aside), bidirectional controls (which reorder what a reader sees: "Trojan Source"),
# the line and paragraph separators (which str.splitlines() and some terminals and editors take for line breaks),
# and lone surrogates (an undecodable byte of a file name, as Python keeps it).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
MAX_LINE_CELLS = 400  # a line of a report longer than this is clipped, saying how much was left out
MAX_MESSAGE_CELLS = 4000  # the harness's own messages name long paths: clipped only when a value in them is huge


def _escape_one(match: "re.Match[str]") -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:
        return "\\x%02x" % (code - 0xDC00)  # the byte surrogateescape stands for
    return "\\x%02x" % code if code < 0x100 else "\\u%04x" % code


def escape_control(text: str) -> str:
    """Untrusted text (case output, file names, results files) made inert: no escape sequence reaches the user's
    terminal, no bidirectional control reorders what is shown. Idempotent: what it writes is plain text."""
    return _UNSAFE.sub(_escape_one, text)


def escape_name(text: str) -> str:
    """A name (of a case, a file, a claim, a column) made one inert line: escaped as escape_control escapes it, and
    its newlines and tabs written as \\n and \\t, so that no name can start a line of its own (a forged `✓` row)
    or shift a column. Multi-line text (a message, a diff) keeps its lines: only names go through here."""
    return escape_control(text).replace("\n", "\\n").replace("\t", "\\t")


def cell_len(text: str) -> int:
    """Terminal columns the text takes: a wide (CJK) character takes two."""
    return rich_cell_len(text)


def pad(text: str, width: int) -> str:
    """ljust by terminal columns, so that rows with wide characters stay aligned."""
    return text + " " * max(0, width - cell_len(text))


def clip_line(line: str, width: int = MAX_LINE_CELLS) -> str:
    """At most `width` columns, saying how many characters were left out."""
    if 2 * len(line) <= width or cell_len(line) <= width:
        return line
    kept = line[:width]
    while cell_len(kept) > width:
        kept = kept[: -max(1, (cell_len(kept) - width) // 2)]
    return f"{kept}… ({len(line) - len(kept):,} more characters)"


def terminal_text(text: str, width: int = MAX_LINE_CELLS) -> str:
    """Everything shown on a terminal goes through here: escaped, and every line clipped to `width` columns."""
    return "\n".join(clip_line(escape_control(line), width) for line in text.split("\n"))


def legend_line(results: Sequence[Result], unobserved: bool) -> str:
    """The legend under the matrix (the same entries as every format's: harness.model.legend)."""
    entries = legend({r.cell.start_method for r in results}, unobserved)
    methods = "  ".join(f"{e.symbol} {e.meaning}" for e in entries if e.kind in ("method", "mark") and e.css != "not-observed")
    rest = "  ".join(f"{e.symbol} {e.meaning}" for e in entries if e.kind not in ("method", "mark") or e.css == "not-observed")
    return f"{methods}    {rest}"


def render_matrix(results: Sequence[Result], layout: Optional[Layout] = None) -> str:
    """Cases × observed columns; a column group is as wide as its label (pypy3.11 is wider than three cells)."""
    grid = Grid(results, layout)
    names = {case: clip_line(escape_name(case), 60) for case in grid.cases}  # untrusted: escaped, then measured
    width = max([cell_len(n) for n in names.values()] + [4])
    several_platforms = len(grid.layout.platforms()) > 1
    header_py = " " * width + "  "
    header_m = " " * width + "  "
    rows = {case: pad(names[case], width) + "  " for case in grid.cases}  # by terminal columns: wide names stay aligned
    missing = 0
    for interpreter, columns in grid.groups():
        tag = grid.layout.tag(interpreter)
        short = interpreter.platform[:3] + (f"-{interpreter.flavour}-" if interpreter.flavour else "")
        label = escape_name(f"{short}{tag}" if several_platforms else tag)
        span = max(3 * len(columns) - 1, len(label))
        header_py += " " + label.ljust(span + 1)
        header_m += " " + "".join(grid.method_label(c).ljust(3) for c in columns).ljust(span + 1)
        for case in grid.cases:
            cells = ""
            for column in columns:
                result = grid.result(case, column)
                if result is None:
                    if grid.applies(case, column):
                        missing += 1
                        cells += NOT_OBSERVED + "  "
                    else:
                        cells += "   "
                    continue
                cells += result.status.symbol + (result.verdict.mark or " ") + " "
            rows[case] += " " + cells.ljust(span + 1)
    lines = [header_py.rstrip(), header_m.rstrip()]
    lines.extend(rows[case].rstrip() for case in grid.cases)
    lines.append("")
    lines.append(legend_line(results, bool(missing)))
    return "\n".join(lines)


def render_not_observed(results: Sequence[Result], target: Optional[Target]) -> str:
    """The target's columns no run holds, named compactly below the matrix."""
    missing = not_observed(results, target)
    if target is None or not missing:
        return ""
    return f"Not observed ({len(missing)} of the {len(target.columns())} columns of {target.path}): {describe_columns(missing, target)}"


def known_bug_groups(results: Sequence[Result]) -> List[Tuple[str, str, List[Result]]]:
    """(case, reason, its cells) for every known bug the expectations declare, in case order."""
    groups: Dict[Tuple[str, str], List[Result]] = {}
    for r in sorted(results, key=lambda r: (r.case.name, r.cell.sort_key())):
        if r.judged.known_bug:
            groups.setdefault((r.case.name, r.judged.known_bug), []).append(r)
    return [(case, reason, cells) for (case, reason), cells in groups.items()]


def places(results: Sequence[Result], layout: Optional[Layout] = None) -> str:
    """`pypy3.9 spawn, forkserver; linux 3.12 fork`: the cells, per interpreter (and platform when there are several)."""
    layout = layout or Layout.of(results)
    several = len({r.cell.platform_tag for r in results}) > 1
    by_column: Dict[str, List[str]] = {}
    for r in results:
        tag = layout.tag(r.cell)
        by_column.setdefault(f"{r.cell.platform_tag} {tag}" if several else tag, []).append(r.cell.start_method)
    return "; ".join(f"{column} {', '.join(methods)}" for column, methods in by_column.items())


def unsettled_note(cells: Sequence[Result]) -> str:
    """After a known bug's cells: how many of them did not behave as the bug's expectation says, or ""."""
    unsettled = sum(1 for r in cells if r.status.is_failure)
    return f" ({unsettled} of them did not behave as the bug's expectation says)" if unsettled else ""


def render_known_bugs(results: Sequence[Result]) -> str:
    """Below the matrix: each known bug an expectation declares, where it applies, and whether it was seen there."""
    groups = known_bug_groups(results)
    if not groups:
        return ""
    lines = [f"Known bugs ({sum(len(cells) for _, _, cells in groups)} cells: neither holds nor refuted):"]
    for case, reason, cells in groups:
        lines.append(f"  {escape_name(case)} [{escape_name(places(cells))}]{unsettled_note(cells)}: {escape_name(reason)}")
    return "\n".join(lines)


def render_skips(results: Sequence[Result], layout: Optional[Layout] = None) -> str:
    """Below the matrix: why cells were skipped, one line per case and reason (for a case that exited 77, the last
    line it wrote), so a skip is never a bare `-`."""
    groups: Dict[Tuple[str, str], List[Result]] = {}
    for r in sorted(results, key=lambda r: (r.case.name, r.cell.sort_key())):
        if r.status is Status.SKIP:
            groups.setdefault((r.case.name, r.judged.message), []).append(r)
    if not groups:
        return ""
    cells_of = Counter(r.case.name for r in results)
    lines = [f"Skipped ({plural(sum(len(cells) for cells in groups.values()), 'cell')}):"]
    for (case, message), cells in groups.items():
        where = "every cell" if len(cells) == cells_of[case] else places(cells, layout)
        lines.append(f"  {escape_name(case)} [{where}]: {escape_name(message)}")
    return "\n".join(lines)


def summary_line(results: Sequence[Result], elapsed_s: float = 0.0) -> str:
    counts = Counter(r.status for r in results)
    parts = [f"{counts[s]} {s.label}" for s in Status if counts[s]]
    failures = sum(n for s, n in counts.items() if s.is_failure)
    timing = f" in {elapsed_s:.1f} s" if elapsed_s else ""
    return f"{plural(len(results), 'cell')}{timing}: {', '.join(parts) or 'none'}; {failures} failing"


def where(r: Result) -> str:
    """A cell as a failure line names it: `linux 3.12.1 spawn`, `linux pypy 3.11.13 fork` (the full version)."""
    version = r.cell.version + r.cell.build
    interpreter = version if r.cell.implementation == "cpython" else f"{r.cell.implementation} {version}"
    variant = f" {r.cell.variant_text()}" if r.cell.variant else ""
    return f"{r.cell.platform_tag} {interpreter}{variant} {r.cell.start_method}"


def render_failures(results: Sequence[Result], limit: int = 20) -> str:
    """Failing cells with their reasons and diffs; flaky cells apart, each with its distinct observations."""
    failing = [r for r in results if r.status.is_failure and r.status is not Status.FLAKY]
    flaky = [r for r in results if r.status is Status.FLAKY]
    out: List[str] = []
    for r in failing[:limit]:
        message = escape_control(r.judged.message).replace("\n", "\n    ")  # a stderr tail, indented as the diff is
        out.append(f"{r.status.label.upper()}: {escape_name(r.case.name)} [{escape_name(where(r))}] {message}"
                   + _more(r, "message", message.count("\n") + 1))
        if r.setting.packages:
            out.append(f"    installed: {escape_name(r.setting.packages_text())}")
        if r.judged.diff:
            shown = r.judged.diff.splitlines()
            out.extend("    " + escape_control(line) for line in shown)
            if r.cut("diff"):
                out.append("    " + _more(r, "diff", len(shown)).strip())
    if len(failing) > limit:
        out.append(f"... and {plural(len(failing) - limit, 'more failing cell')} (see the results file)")
    if flaky:
        out.append(f"{plural(len(flaky), 'flaky cell')}: the same cell behaved differently between runs")
        for r in flaky[:limit]:
            out.append(f"FLAKY: {escape_name(r.case.name)} [{escape_name(where(r))}] {escape_name(r.judged.message)}")
    return "\n".join(out)


def _more(r: Result, name: str, shown_lines: int) -> str:
    """After a text a run kept only the head of in memory (Result.brief): how much more the results file has."""
    cut = r.cut(name)
    if cut is None:
        return ""
    return f" … ({plural(cut.lines - shown_lines, 'more line')}, {cut.chars:,} characters in all, in the results file)"


def render_terminal(run: Run, elapsed_s: float = 0.0, target: Optional[Target] = None) -> str:
    """The matrix, what the target has that no run observed, what failed and why, the cases whose behaviour differs
    and along which axes, then a summary."""
    results = list(run.results)
    parts = [render_matrix(results, run.layout), render_not_observed(results, target), render_known_bugs(results),
             render_skips(results, run.layout)]
    failures = render_failures(results)
    if failures:
        parts.append(failures)
    parts.append(render_differences(analyse(run)))
    parts.append(summary_line(results, elapsed_s) + ("" if run.complete else " (incomplete: the run was interrupted)"))
    return "\n\n".join(part for part in parts if part)


def claim_words(r: Result) -> str:
    """`claim holds`, `claim refuted`, `known bug`, `claim not judged`: what the cell's expectation says of the claim."""
    verdict = r.expected_verdict
    return verdict.phrase


def render_differences(analyses: Sequence[CaseAnalysis], max_classes: int = 4) -> str:
    """Below the matrix: the cases whose behaviour differs, with the axes that explain it and a short diff."""
    cases = differing(analyses)
    unseen = [a for a in analyses if not a.classes]  # every cell error, skip, unsupported or flaky
    statuses = " or ".join(sorted({r.status.label for a in unseen for r in a.excluded}))
    seen = plural(len(analyses) - len(unseen), "case")
    if unseen and len(unseen) == len(analyses):
        return f"No behaviour was observed: every cell of the {plural(len(unseen), 'case')} is {statuses}."
    more = f"; {len(unseen)} more showed none, every cell {statuses}" if unseen else ""
    if not cases:
        return f"Behaviour is the same everywhere observed ({seen}{more})."
    lines = [f"Where behaviour differs ({len(cases)} of {seen}{more}):"]
    for analysis in cases:
        ids = f" [{', '.join(escape_name(i) for i in analysis.ids)}]" if analysis.ids else ""
        lines.append("")
        lines.append(f"{escape_name(analysis.case)}{ids}: {escape_name(difference_summary(analysis))}")
        usual = analysis.classes[0]
        for index, behaviour in enumerate(analysis.classes[:max_classes]):
            r = behaviour.representative
            where = describe_class(analysis, index)
            lines.append(f"  {chr(ord('A') + index)}. {escape_name(where)} ({plural(len(behaviour.cells), 'cell')}): "
                         f"{r.status.label}, exit {r.exit}, {claim_words(r)}")
            if index:
                lines.extend("       " + escape_control(line) for line in class_diff(usual.representative, r, max_lines=12))
        if len(analysis.classes) > max_classes:
            lines.append(f"  ... and {len(analysis.classes) - max_classes} more behaviours (see the HTML or JSON report)")
    return "\n".join(lines)
