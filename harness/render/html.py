"""HTML renderer: one self-contained page, a compatibility grid of cases × (OS, Python, start method) with details."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import jinja2
import markupsafe

from harness.analysis import (
    CaseAnalysis,
    analyse,
    class_diff,
    describe_class,
    difference_summary,
    differing,
    plural,
)
from harness.model import (
    BUILDS,
    DEFAULT_MARK,
    CellId,
    Layout,
    Result,
    Run,
    Status,
    Verdict,
    implementation_name,
    legend,
    verdict_phrase,
)
from harness.casefile import explanation
from harness.claims import ClaimsBook, ClaimsFile
from harness.render.links import http_url
from harness.render.grid import Grid
from harness.render.terminal import escape_control, render_not_observed, summary_line
from harness.target import Target
from harness.verdicts import common_missing, results_by_claim, summarize

TEMPLATES = Path(__file__).parent / "templates"
MAX_OUTPUT = 20 * 1024  # per stream and cell: a runaway case must not make the page unusable
SYMBOLS = {status: status.symbol for status in Status}  # the terminal's, from the one table in harness.model


def clip(text: str, limit: int = MAX_OUTPUT) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… clipped here: {len(text) - limit} more characters (the results JSON has them all)"


def diff_kind(line: str) -> str:
    """CSS class of a unified diff line."""
    if line.startswith("@@"):
        return "hunk"
    if line.startswith("+"):
        return "add"
    if line.startswith("-"):
        return "del"
    return ""


def visible(value: Any) -> Any:
    """Control characters from a case shown as \\xNN: a NUL or an escape sequence has no place in HTML."""
    if isinstance(value, markupsafe.Markup):  # already escaped (e.g. by `join`): \xNN adds no markup
        return markupsafe.Markup(escape_control(str(value)))
    if isinstance(value, str):
        return escape_control(value)
    return value


@functools.lru_cache(maxsize=1)  # compiling the template costs more than rendering it
def _environment() -> jinja2.Environment:
    # Autoescape everywhere, whatever the template's name: every string from a case is untrusted.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined, finalize=visible,
    )
    env.filters["clip"] = clip
    env.filters["diff_kind"] = diff_kind
    env.globals["source_url"] = http_url
    return env


def _cell_title(r: Result, layout: Layout) -> str:
    """What a cell's tooltip says: where, the status, and what the cell settles about the claim."""
    return (f"{r.case.name} · {r.cell.platform_label} {layout.interpreter_label(r.cell)} {r.cell.start_method}: "
            f"{r.status.label}, {verdict_phrase(r, settled=True)}")


def _versions(results: List[Result], layout: Layout) -> Dict[CellId, str]:
    """Per column group, the exact interpreters observed in it: `CPython 3.11.7`, `PyPy 8.0.1 (Python 3.11.13)`."""
    seen: Dict[CellId, List[str]] = {}
    for r in results:
        text = interpreter_text(r)
        names = seen.setdefault(r.cell.interpreter(), [])
        if text not in names:
            names.append(text)
    return {key: ", ".join(names) for key, names in seen.items()}


def interpreter_text(r: Result) -> str:
    """CPython 3.11.7, PyPy 8.0.1 (Python 3.11.13), CPython 3.13.1 free-threaded."""
    own = r.setting.implementation_version
    name = implementation_name(r.cell.implementation)
    version = r.cell.version
    text = f"{name} {version}" if not own or own == version else f"{name} {own} (Python {version})"
    return text + (f" {BUILDS[r.cell.build]}" if BUILDS.get(r.cell.build) else "")


_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class Anchors:
    """Stable, unique element ids from names (a case, a cell's identifier): the same results give the same links."""

    def __init__(self) -> None:
        self.used: Dict[str, int] = {}

    def __call__(self, prefix: str, *names: str) -> str:
        base = self._base(prefix, names)
        count = self.used.get(base, 0)
        self.used[base] = count + 1
        return base if count == 0 else f"{base}~{count + 1}"

    def peek(self, prefix: str, *names: str) -> str:
        """The id that the next call with these names gives (to link to what is written later on the page)."""
        base = self._base(prefix, names)
        count = self.used.get(base, 0)
        return base if count == 0 else f"{base}~{count + 1}"

    @staticmethod
    def _base(prefix: str, names: Sequence[str]) -> str:
        return prefix + "-" + "-".join(_ANCHOR_UNSAFE.sub("_", n).strip("_") or "_" for n in names)


def inline_code(text: str) -> markupsafe.Markup:
    """A claims file's claim text: escaped, its `code` spans shown as code (no other Markdown is interpreted)."""
    escaped = str(markupsafe.escape(escape_control(text.replace("\\|", "|"))))  # a table cell's \| is a pipe
    return markupsafe.Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))


def _claim_groups(run: Run, analyses: Sequence[CaseAnalysis], claims: Sequence[ClaimsFile],
                  target: Optional[Target]) -> List[Dict[str, Any]]:
    """The claims the cases name, grouped by claims file (the source), each with its verdict line and cases."""
    book = ClaimsBook(tuple(claims))
    named = results_by_claim(run.results)
    groups = []
    for claims_file, ids in book.group(named):
        entries = []
        for claim_id in ids:
            found = book.lookup(claim_id) if claims_file is not None else None
            case_claim = next((r.case.claim for r in named[claim_id] if r.case.claim), "")
            summary = summarize(named[claim_id], target, run.layout)
            entries.append({
                "id": claim_id, "text": inline_code(found[1].text) if found else case_claim,
                "section": found[1].section if found else "", "summary": summary, "line": summary.text(),
                "cases": [a.case for a in analyses if claim_id in a.ids],
            })
        title = claims_file.title if claims_file else ("Claims in no claims file" if claims else "Claims")
        groups.append({"title": title, "path": claims_file.path if claims_file else "", "claims": entries,
                       "ids": set(ids)})
    return groups


def _row_groups(rows: List[Dict[str, Any]], groups: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Grid rows under the claims file of each case's first claim (in file order); one untitled group without files."""
    if len(groups) <= 1:
        return [{"title": groups[0]["title"] if groups and groups[0]["path"] else "", "rows": rows}]
    out = [{"title": g["title"], "rows": []} for g in groups] + [{"title": "Cases naming no claim", "rows": []}]
    for row in rows:
        place = next((i for i, g in enumerate(groups) if g["ids"] & set(row["analysis"].ids)), len(groups))
        out[place]["rows"].append(row)
    return [g for g in out if g["rows"]]


def _view(run: Run, target: Optional[Target] = None, claims: Sequence[ClaimsFile] = ()) -> Dict[str, Any]:
    results = list(run.results)
    layout = run.layout
    analyses = analyse(run)
    grid = Grid(results, layout)
    anchor = Anchors()
    rows: List[Dict[str, Any]] = []
    details: List[Dict[str, Any]] = []
    unobserved = 0
    for analysis in analyses:
        cells: List[Optional[Dict[str, Any]]] = []
        for index, column in enumerate(grid.columns):
            r = grid.result(analysis.case, column)
            edges = {"group_start": grid.first_of_interpreter(index), "platform_start": grid.first_of_platform(index)}
            if r is None:
                applies = grid.applies(analysis.case, column)
                unobserved += applies
                cells.append(dict(edges, result=None, applies=applies))
                continue
            cell_id = anchor("cell", analysis.case, layout.identifier(r.cell))
            details.append({"id": cell_id, "r": r, "where": f"{r.cell.platform_label} · {layout.interpreter_label(r.cell)} · {r.cell.start_method}",
                            "verdict": verdict_phrase(r, settled=True), "interpreter": interpreter_text(r),
                            "why": anchor.peek("why", analysis.case)})
            cells.append(dict(edges, result=r, id=cell_id, title=_cell_title(r, layout)))
        first = next(r for r in results if r.case.name == analysis.case)
        rows.append({"analysis": analysis, "path": first.case.path, "cells": cells, "anchor": anchor("case", analysis.case),
                     "why": explanation(first.case.path) if first.case.path else "", "why_anchor": anchor("why", analysis.case)})
    platforms: List[Dict[str, Any]] = []
    pythons: List[Dict[str, Any]] = []
    versions = _versions(results, layout)
    for interpreter, columns in grid.groups():
        if not platforms or platforms[-1]["name"] != interpreter.platform_tag:
            platforms.append({"name": interpreter.platform_tag, "label": interpreter.platform_label, "span": 0})
            starts_platform = True
        else:
            starts_platform = False
        pythons.append({"tag": layout.tag(interpreter), "label": layout.interpreter_label(interpreter),
                        "title": versions.get(interpreter, "not observed"), "span": len(columns),
                        "platform_start": starts_platform})
        platforms[-1]["span"] += len(columns)
    methods = []
    for index, column in enumerate(grid.columns):
        is_default = grid.default_method(column) == column.start_method
        methods.append({"name": column.start_method + (" (the default here)" if is_default else ""),
                        "abbrev": grid.method_label(column), "group_start": grid.first_of_interpreter(index),
                        "platform_start": grid.first_of_platform(index)})
    differences = []
    for analysis in differing(analyses):
        usual = analysis.classes[0].representative
        differences.append({
            "analysis": analysis,
            "summary": difference_summary(analysis),
            "classes": [
                {"letter": chr(ord("A") + i), "where": describe_class(analysis, i), "count": len(b.cells), "r": b.representative,
                 "verdict": verdict_phrase(b.representative),
                 "diff": class_diff(usual, b.representative, max_lines=60) if i else []}
                for i, b in enumerate(analysis.classes)
            ],
        })
    counts = {s: sum(1 for r in results if r.status is s) for s in Status}
    verdict_counts = {v: sum(1 for r in results if r.verdict is v) for v in Verdict}
    claim_groups = _claim_groups(run, analyses, claims, target)
    said = common_missing(c["summary"] for g in claim_groups for c in g["claims"])
    anchors = {row["analysis"].case: row["anchor"] for row in rows}
    summaries = {c["id"]: c["summary"].text(said=said) for g in claim_groups for c in g["claims"]}
    entries = legend({r.cell.start_method for r in results}, bool(unobserved))
    return {
        "claim_groups": claim_groups, "row_groups": _row_groups(rows, claim_groups), "anchors": anchors, "said": said,
        "summaries": summaries, "verdict_counts": verdict_counts, "unobserved": unobserved,
        "column_count": len(grid.columns) + 1, "has_claims_files": bool(claims),
        "run": run, "summary": summary_line(results) + ("" if run.complete else " (incomplete: the run was interrupted)"),
        "statuses": list(Status), "symbols": SYMBOLS, "verdicts": list(Verdict), "Verdict": Verdict,
        "legend": entries,
        "method_names": ", ".join(f"{e.symbol} {e.meaning}" for e in entries if e.kind == "method"),
        "default_mark": DEFAULT_MARK, "counts": counts, "platforms": platforms, "pythons": pythons, "methods": methods,
        "rows": rows, "details": details, "differences": differences, "analyses": analyses,
        "refuted": verdict_counts[Verdict.REFUTED], "plural": plural,
        "same_everywhere": [a for a in analyses if not a.differs and a.classes],
        "not_observed": render_not_observed(results, target),
    }


def render(run: Run, target: Optional[Target] = None, claims: Sequence[ClaimsFile] = ()) -> str:
    """The page; `claims` (the claims files read) groups the claims, and the grid's rows, by source."""
    return _environment().get_template("report.html.j2").render(**_view(run, target, claims))

