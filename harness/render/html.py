"""HTML renderer: one self-contained page, a compatibility grid of cases × (OS, Python, start method) with details."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import jinja2
import markupsafe

from harness.analysis import (
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
    tag_label,
)
from harness.render.links import http_url
from harness.render.terminal import columns, default_methods, escape_control, render_not_observed, summary_line
from harness.target import Target

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
    verdict = {True: "claim holds", False: "claim refuted here", None: "claim not judged"}[r.holds]
    if r.known_bug:
        verdict = f"known bug: {r.known_bug}"
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


def _view(run: Run, target: Optional[Target] = None) -> Dict[str, Any]:
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
        rows.append({"analysis": analysis, "path": first.case_path, "cells": cells})
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
    return {
        "run": run, "summary": summary_line(results) + ("" if run.complete else " (incomplete: the run was interrupted)"),
        "statuses": list(Status), "symbols": SYMBOLS, "verdicts": list(Verdict), "Verdict": Verdict,
        "method_names": ", ".join(f"{a} {m}" for m, a in METHOD_ABBREV.items()), "default_mark": DEFAULT_MARK, "counts": counts, "platforms": platforms, "pythons": pythons, "methods": methods,
        "rows": rows, "details": details, "differences": differences, "analyses": analyses,
        "refuted": sum(1 for r in results if r.holds is False), "plural": plural,
        "same_everywhere": [a for a in analyses if not a.differs and a.classes],
        "not_observed": render_not_observed(results, target),
    }


def render(run: Run, target: Optional[Target] = None) -> str:
    return _environment().get_template("report.html.j2").render(**_view(run, target))

