"""HTML renderer: one self-contained page, a compatibility grid of cases × (OS, Python, start method) with details."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

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
    DEFAULT_MARK,
    METHOD_ABBREV,
    PLATFORM_NAMES,
    Result,
    Run,
    Status,
    Verdict,
    implementation_name,
    method_legend,
    tag_label,
)
from harness.claims import ClaimsBook, ClaimsFile
from harness.render.links import http_url
from harness.render.terminal import columns, default_methods, escape_control, render_not_observed, summary_line
from harness.target import Target
from harness.verdicts import results_by_claim, summarize

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


def _cell_title(r: Result) -> str:
    """What a cell's tooltip says: where, the status, and what the cell settles about the claim."""
    words = {Verdict.HOLDS: "claim holds", Verdict.REFUTED: "claim refuted here", Verdict.NOT_JUDGED: "claim not judged",
             Verdict.KNOWN_BUG: f"known bug: {r.known_bug}"}
    verdict = words.get(r.verdict, "")
    if r.verdict is Verdict.UNSETTLED:
        verdict = f"unsettled (its expectation: {words[r.expected_verdict]})"
    return f"{r.case} · {PLATFORM_NAMES.get(r.platform, r.platform)} {tag_label(r.tag)} {r.start_method}: {r.status.label}, {verdict}"


def _versions(results: List[Result]) -> Dict[Tuple[str, str], str]:
    """Per (platform, column), the exact interpreters observed in it: `CPython 3.11.7`, `PyPy 8.0.1 (Python 3.11.13)`."""
    seen: Dict[Tuple[str, str], List[str]] = {}
    for r in results:
        own = r.implementation_version
        name = implementation_name(r.implementation)
        text = f"{name} {r.python}" if not own or own == r.python else f"{name} {own} (Python {r.python})"
        names = seen.setdefault((r.platform, r.tag), [])
        if text not in names:
            names.append(text)
    return {key: ", ".join(names) for key, names in seen.items()}


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
            case_claim = next((r.claim for r in named[claim_id] if r.claim), "")
            summary = summarize(named[claim_id], target)
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
    analyses = analyse(run)
    cols = columns(results, target)
    index = {(r.case, r.platform, r.tag, r.start_method): r for r in results}
    rows: List[Dict[str, Any]] = []
    details: List[Dict[str, Any]] = []
    for analysis in analyses:
        cells: List[Optional[Dict[str, Any]]] = []
        for col, (platform, tag, method) in enumerate(cols):
            r = index.get((analysis.case, platform, tag, method))
            first_of_platform = col == 0 or cols[col - 1][0] != platform
            first_of_python = first_of_platform or cols[col - 1][1] != tag
            if r is None:
                cells.append({"result": None, "group_start": first_of_python, "platform_start": first_of_platform})
                continue
            cell_id = f"cell-{len(details) + 1}"
            details.append({"id": cell_id, "r": r})
            cells.append({"result": r, "id": cell_id, "title": _cell_title(r), "group_start": first_of_python,
                          "platform_start": first_of_platform})
        first = next(r for r in results if r.case == analysis.case)
        rows.append({"analysis": analysis, "path": first.case_path, "cells": cells, "anchor": f"case-{len(rows) + 1}"})
    platforms: List[Dict[str, Any]] = []
    pythons: List[Dict[str, Any]] = []
    versions = _versions(results)
    for platform, tag, _ in cols:
        observed = versions.get((platform, tag), "not observed")
        if not platforms or platforms[-1]["name"] != platform:
            platforms.append({"name": platform, "label": PLATFORM_NAMES.get(platform, platform), "span": 0})
            pythons.append({"tag": tag, "label": tag_label(tag), "title": observed, "span": 0, "platform_start": True})
        elif pythons[-1]["tag"] != tag:
            pythons.append({"tag": tag, "label": tag_label(tag), "title": observed, "span": 0, "platform_start": False})
        platforms[-1]["span"] += 1
        pythons[-1]["span"] += 1
    defaults = default_methods(results)
    methods = []
    for col, (platform, tag, method) in enumerate(cols):
        is_default = defaults.get((platform, tag)) == method
        methods.append({"name": method + (" (the default here)" if is_default else ""),
                        "abbrev": METHOD_ABBREV.get(method, method[:2]) + (DEFAULT_MARK if is_default else ""),
                        "group_start": col == 0 or cols[col - 1][:2] != (platform, tag),
                        "platform_start": col == 0 or cols[col - 1][0] != platform})
    differences = []
    for analysis in differing(analyses):
        usual = analysis.classes[0].representative
        differences.append({
            "analysis": analysis,
            "summary": difference_summary(analysis),
            "classes": [
                {"letter": chr(ord("A") + i), "where": describe_class(analysis, i), "count": len(b.cells), "r": b.representative,
                 "diff": class_diff(usual, b.representative, max_lines=60) if i else []}
                for i, b in enumerate(analysis.classes)
            ],
        })
    counts = {s: sum(1 for r in results if r.status is s) for s in Status}
    verdict_counts = {v: sum(1 for r in results if r.verdict is v) for v in Verdict}
    claim_groups = _claim_groups(run, analyses, claims, target)
    anchors = {row["analysis"].case: row["anchor"] for row in rows}
    summaries = {c["id"]: c["line"] for g in claim_groups for c in g["claims"]}
    return {
        "claim_groups": claim_groups, "row_groups": _row_groups(rows, claim_groups), "anchors": anchors,
        "summaries": summaries, "verdict_counts": verdict_counts, "unobserved": sum(1 for row in rows for c in row["cells"] if c["result"] is None),
        "column_count": len(cols) + 1, "has_claims_files": bool(claims),
        "run": run, "summary": summary_line(results) + ("" if run.complete else " (incomplete: the run was interrupted)"),
        "statuses": list(Status), "symbols": SYMBOLS, "verdicts": list(Verdict), "Verdict": Verdict,
        "method_names": ", ".join(f"{a} {m}" for a, m in method_legend({r.start_method for r in results})), "default_mark": DEFAULT_MARK, "counts": counts, "platforms": platforms, "pythons": pythons, "methods": methods,
        "rows": rows, "details": details, "differences": differences, "analyses": analyses,
        "refuted": sum(1 for r in results if r.holds is False), "plural": plural,
        "same_everywhere": [a for a in analyses if not a.differs and a.classes],
        "not_observed": render_not_observed(results, target),
    }


def render(run: Run, target: Optional[Target] = None, claims: Sequence[ClaimsFile] = ()) -> str:
    """The page; `claims` (the claims files read) groups the claims, and the grid's rows, by source."""
    return _environment().get_template("report.html.j2").render(**_view(run, target, claims))

