"""Markdown renderer for a GitHub job summary: the matrix, failures and flaky cells, then where behaviour differs."""

from __future__ import annotations

import functools
import html
import re
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from harness.analysis import (
    CaseAnalysis,
    analyse,
    by_status,
    case_order_key,
    class_diff,
    describe_class,
    difference_summary,
    differing,
    plural,
)
from harness.model import DEFAULT_MARK, NOT_OBSERVED, Layout, Result, Run, Status, legend
from harness.render.grid import Grid
from harness.render.terminal import (
    claim_words,
    escape_control,
    known_bug_groups,
    places,
    render_not_observed,
    summary_line,
    unsettled_note,
)
from harness.render.links import http_url, markdown_url
from harness.target import Target

# GitHub refuses a job summary over 1 MiB; stay under it with room for the closing note.
LIMIT_BYTES = 1024 * 1024
NOTE_RESERVE = 2048
MAX_DIFF_LINES = 40
MAX_DIFF_CHARS = 4000
MAX_CLASSES = 4

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~#!{}])")


def inline(text: str, newline: str = " ↵ ") -> str:
    """Untrusted text made inert in running Markdown or a table cell: no HTML, no table pipes, no code spans."""
    text = escape_control(text.replace("\r\n", "\n").replace("\t", " "))
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("\n", newline)


def html_text(text: str) -> str:
    """Untrusted text inside raw HTML such as <summary>, where Markdown is not parsed."""
    return html.escape(escape_control(text.replace("\n", " ↵ ")), quote=True)


def source_text(source: str) -> str:
    """A case's source in running Markdown: a link when it is an http(s) address, inert text otherwise."""
    url = http_url(source)
    if url is None:
        return inline(source)
    return f"[{inline(url)}]({markdown_url(url)})"


def code_block(text: str, info: str = "") -> str:
    """A fenced block no line of `text` can close: the fence is longer than any run of backticks inside."""
    text = escape_control(text)
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = text if text.endswith("\n") or not text else text + "\n"
    return f"{fence}{info}\n{body}{fence}\n"


def clip(text: str, max_lines: int = MAX_DIFF_LINES, max_chars: int = MAX_DIFF_CHARS) -> str:
    lines = text.splitlines()
    kept = lines[:max_lines]
    out = "\n".join(kept)
    if len(out) > max_chars:
        out = out[:max_chars] + " …"
    dropped = len(lines) - len(kept)
    if dropped > 0 or len("\n".join(kept)) > max_chars:
        out += f"\n… clipped ({len(text)} characters, {len(lines)} lines in all)"
    return out


class Section:
    """Blocks of text added while they fit a byte budget; what does not fit is counted for a closing note."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.parts: List[str] = []
        self.size = 0
        self.left_out = 0

    def add(self, text: str) -> bool:
        size = len(text.encode("utf-8"))
        if self.left_out or self.size + size > self.budget:
            self.left_out += 1
            return False
        self.parts.append(text)
        self.size += size
        return True

    def text(self) -> str:
        return "".join(self.parts)


def _where(r: Result, layout: Optional[Layout] = None) -> str:
    layout = layout or Layout([r.cell])
    return f"{r.cell.platform_tag} {layout.interpreter_label(r.cell)} {r.cell.start_method}"


def render_matrix(results: Sequence[Result], order: Sequence[str], budget: int, layout: Optional[Layout] = None,
                  target: Optional[Target] = None) -> Tuple[str, int]:
    """The matrix as a table: one row per case, one column per observed (platform, interpreter, start method), the
    implementation named in each header (CPython 3.11, PyPy 3.11); what the target has that no run observed is one
    line below it."""
    grid = Grid(results, layout)
    ids: Dict[str, List[str]] = {}
    for r in results:
        ids.setdefault(r.case.name, [])
        ids[r.case.name].extend(i for i in r.case.ids if i not in ids[r.case.name])
    head = "| case | IDs | " + " | ".join(
        f"{inline(c.platform_label)}<br>{inline(grid.layout.interpreter_label(c))}<br>{inline(grid.method_label(c))}"
        for c in grid.columns
    ) + " |\n"
    rule = "|---|---|" + ":-:|" * len(grid.columns) + "\n"
    section = Section(budget)
    section.add(head + rule)
    unobserved = False
    for case in order:
        cells = []
        for column in grid.columns:
            r = grid.result(case, column)
            if r is None:
                unobserved = unobserved or grid.applies(case, column)
                cells.append(NOT_OBSERVED if grid.applies(case, column) else "")
            else:
                cells.append(r.status.symbol + r.verdict.mark)
        section.add(f"| {inline(case)} | {inline(', '.join(ids[case]))} | " + " | ".join(cells) + " |\n")
    entries = legend({r.cell.start_method for r in results}, unobserved)
    marks = " · ".join(f"{e.symbol} {e.meaning}" for e in entries if e.kind in ("status", "verdict") or e.css == "not-observed")
    methods = " · ".join(f"{e.symbol} {e.meaning}" for e in entries if e.kind == "method")
    text = section.text() + f"\n{marks}\n\nColumns: platform, interpreter, start method ({methods}; {DEFAULT_MARK} marks the default start method of that platform and interpreter).\n"
    missing = render_not_observed(results, target)
    if missing:
        text += f"\n{inline(missing)}\n"
    return text, section.left_out


def render_failure(r: Result, layout: Optional[Layout] = None) -> str:
    judged = r.judged
    title = f"{r.status.symbol} {r.status.label}: {r.case.name} · {_where(r, layout)}" + (f" · {judged.message}" if judged.message else "")
    evidence = []
    if judged.diff:
        evidence.append(code_block(clip(judged.diff), "diff"))
    else:
        parts = [f"exit: {r.exit}"]
        if judged.exception:
            parts.append(f"exception: {judged.exception}")
        if judged.stdout:
            parts.append("stdout:\n" + clip(judged.stdout, 12, 1500))
        if judged.stderr:
            parts.append("stderr:\n" + clip(judged.stderr, 12, 1500))
        if r.observed.stacks:
            parts.append("stacks:\n" + clip(r.observed.stacks, 20, 2000))
        evidence.append(code_block("\n".join(parts)))
    if r.setting.packages:
        evidence.append(f"installed: {html_text(r.setting.packages_text())}\n")
    if r.observed.leftovers:
        evidence.append(code_block("\n".join(f"pid {x.pid}{' (zombie)' if x.zombie else ''}: {x.cmdline}" for x in r.observed.leftovers[:10])))
    return f"<details><summary>{html_text(clip(title, 1, 300))}</summary>\n\n" + "\n".join(evidence) + "\n</details>\n\n"


def render_flaky(r: Result, layout: Optional[Layout] = None) -> str:
    lines = [f"- {r.status.symbol} {inline(r.case.name)} · {inline(_where(r, layout))}: {inline(r.judged.message)}"]
    for o in r.judged.observations[:6]:
        detail = f"{o.get('status')} ×{o.get('count')}, exit {o.get('exit')}"
        if o.get("exception"):
            detail += f", {o.get('exception')}"
        lines.append(f"  - {inline(clip(detail, 1, 300))}")
    return "\n".join(lines) + "\n"


def render_difference(analysis: CaseAnalysis) -> str:
    ids = f" ({inline(', '.join(analysis.ids))})" if analysis.ids else ""
    out = [f"### {inline(analysis.case)}{ids}: {inline(difference_summary(analysis))}\n\n"]
    if analysis.claim:
        out.append(f"> {inline(analysis.claim)}\n\n")
    if analysis.source:
        out.append(f"Source: {source_text(analysis.source)}\n\n")
    for index, behaviour in enumerate(analysis.classes[:MAX_CLASSES]):
        r = behaviour.representative
        letter = chr(ord("A") + index)
        out.append(f"- **{letter}** {inline(describe_class(analysis, index))} ({plural(len(behaviour.cells), 'cell')}): "
                   f"{r.status.symbol} {r.status.label}, exit {inline(str(r.exit))}, {claim_words(r)}\n")
    if len(analysis.classes) > MAX_CLASSES:
        out.append(f"- … and {len(analysis.classes) - MAX_CLASSES} more behaviours\n")
    usual = analysis.classes[0].representative
    for index, behaviour in enumerate(analysis.classes[1:MAX_CLASSES], start=1):
        diff = class_diff(usual, behaviour.representative, max_lines=MAX_DIFF_LINES)
        out.append(f"\nA → {chr(ord('A') + index)}:\n\n" + code_block(clip("\n".join(diff)), "diff"))
    return "".join(out) + "\n"


def render_known_bug(item: Tuple[str, str, List[Result]]) -> str:
    case, reason, cells = item
    return f"- {inline(case)} · {inline(places(cells))}{unsettled_note(cells)}: {inline(reason)}\n"


def source_items(analyses: Sequence[CaseAnalysis]) -> List[Tuple[str, List[str]]]:
    """Each source the cases name, in case order, with the cases that name it."""
    by_source: Dict[str, List[str]] = {}
    for analysis in analyses:
        by_source.setdefault(analysis.source or "", []).append(analysis.case)
    return list(by_source.items())


def render_source(item: Tuple[str, List[str]]) -> str:
    source, cases = item
    where = source_text(source) if source else "(no source given)"
    return f"- {where}: {', '.join(inline(case) for case in cases)}\n"


def render(run: Run, limit: int = LIMIT_BYTES, target: Optional[Target] = None) -> str:
    """The whole report, always under `limit` bytes: long sections end with a note of what was left out."""
    results = list(run.results)
    analyses = analyse(run)
    order = [a.case for a in sorted(analyses, key=case_order_key)]
    budget = limit - NOTE_RESERVE
    header = "# mpmatrix report\n\n" + summary_line(results) + ("" if run.complete else " (incomplete: the run was interrupted)") + "\n\n"
    if run.sources:
        header += "Merged from " + ", ".join(inline(s) for s in run.sources[:20]) + (" …" if len(run.sources) > 20 else "") + ".\n\n"
    out = [header]
    used = len(header.encode("utf-8"))

    matrix, rows_left_out = render_matrix(results, order, budget // 2, run.layout, target)
    out.append("## Matrix\n\n" + matrix + "\n")
    if rows_left_out:
        out.append(f"\n… {plural(rows_left_out, 'more case')} not shown: a job summary must stay under 1 MiB.\n")
    used += sum(len(p.encode("utf-8")) for p in out[1:])

    failures = by_status(results, lambda r: r.status.is_failure and r.status is not Status.FLAKY)
    flaky = by_status(results, lambda r: r.status is Status.FLAKY)
    changing = differing(analyses)
    # Items are rendered only while they fit: with thousands of failing cells most would be thrown away.
    nowhere = f"## Where behaviour differs\n\nNowhere: every case behaved alike wherever it was observed ({plural(len(analyses), 'case')}).\n\n"
    # (title, items, render one item, what the items are, what stands in for an empty section)
    sections: List[Tuple[str, Sequence[Any], Callable[[Any], str], str, str]] = [
        (f"## Failures ({len(failures)})\n\n", failures, functools.partial(render_failure, layout=run.layout),
         "failing cells", ""),
        (f"## Flaky cells ({len(flaky)})\n\n", flaky, functools.partial(render_flaky, layout=run.layout), "flaky cells", ""),
        ("## Known bugs\n\nCells whose expectation declares a known upstream bug: the claim neither holds nor is "
         "refuted there.\n\n", known_bug_groups(results), render_known_bug, "known bugs", ""),
        (f"## Where behaviour differs ({len(changing)} of {plural(len(analyses), 'case')})\n\n",
         changing, render_difference, "cases", nowhere),
        ("## Sources\n\nWhere each case's claim is made, and the cases that test it.\n\n",
         source_items(sorted(analyses, key=case_order_key)), render_source, "sources", ""),
    ]
    for index, (title, items, render_item, noun, empty) in enumerate(sections):
        if not items:
            out.append(empty)
            used += len(empty.encode("utf-8"))
            continue
        remaining_sections = sum(1 for later in sections[index:] if later[1])
        share = max(0, (budget - used) // remaining_sections)  # what one section leaves unused, the next may take
        section = Section(share)
        section.add(title)
        for position, item in enumerate(items):
            if not section.add(render_item(item)):
                section.left_out = len(items) - position
                break
        text = section.text()
        if section.left_out:
            text += f"\n… {section.left_out} more {noun} not shown: a job summary must stay under 1 MiB. " \
                    "The HTML and JSON reports (`mpmatrix report --format html`) have them all.\n\n"
        out.append(text.rstrip("\n") + "\n\n")
        used += len(text.encode("utf-8"))
    return _within(escape_control("".join(out)).rstrip("\n") + "\n", limit)  # the last guard: nothing unsafe passes


def _within(text: str, limit: int) -> str:
    """The last guard: cut at a line boundary, never mid-character, and say so."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    note = "\n\n… report cut here: a job summary must stay under 1 MiB.\n"
    cut = data[: limit - len(note.encode("utf-8")) - 8].decode("utf-8", errors="ignore")
    return cut[: cut.rfind("\n") + 1] + note


def render_markdown(run: Run, target: Optional[Target] = None) -> str:
    return render(run, target=target)

