"""JSON renderer: the merged results file (readable back by `mpmatrix report`) plus each case's behaviour classes."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional

from harness.analysis import CaseAnalysis, analyse, describe_class
from harness.model import CellId, Layout, Result, Run, parse_tag
from harness.target import Column, Target, not_observed

REPORT_VERSION = 1
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def cell_coordinates(cell: CellId, layout: Layout) -> Dict[str, str]:
    """The cell's value on each axis, and its column: `interpreter` is pypy3.11 where `python` is 3.11."""
    coordinates = {axis.name: value for axis, value in zip(layout.axes, layout.coordinates(cell))}
    coordinates["interpreter"] = layout.tag(cell)
    if cell.flavour:
        coordinates["flavour"] = cell.flavour
    return coordinates


def observation(result: Result) -> Dict[str, Any]:
    """The normalized observation that makes a behaviour class, and the verdict on the claim."""
    judged = result.judged
    return {
        "status": result.status.label,
        "holds": judged.holds,
        "verdict": result.verdict.label,  # holds, refuted, known bug, unsettled or not judged (harness.model.Verdict)
        "known_bug": judged.known_bug,
        "exit": result.exit,
        "exception": judged.exception,
        "stdout": judged.stdout,
        "stderr": judged.stderr,
        "leftovers": len(result.observed.leftovers),
        "message": judged.message,
    }


def behaviour_class(analysis: CaseAnalysis, index: int) -> Dict[str, Any]:
    behaviour = analysis.classes[index]
    return {
        "where": describe_class(analysis, index),
        "cells": [cell_coordinates(c, analysis.layout) for c in behaviour.cells],
        "representative": observation(behaviour.representative),
    }


def case_entry(analysis: CaseAnalysis) -> Dict[str, Any]:
    return {
        "case": analysis.case,
        "ids": list(analysis.ids),
        "claim": analysis.claim,
        "differs_by": list(analysis.differs_by),
        "boundary": analysis.boundary,
        "boundaries": dict(analysis.boundaries),
        "changes": dict(analysis.changes),
        "classes": [behaviour_class(analysis, i) for i in range(len(analysis.classes))],
        "not_attributed": [
            dict(cell_coordinates(r.cell, analysis.layout), status=r.status.label) for r in analysis.excluded
        ],
    }


def report_data(run: Run, target: Optional[Target] = None) -> Dict[str, Any]:
    """The results file's keys first (so the schema and `read_run` accept the report), then the analysis, and the
    target's columns no cell fills."""
    data = run.to_json()
    # Merged runs list cells in the order the files were read; sort them so the same results give the same bytes.
    cells: List[Result] = sorted(run.results, key=lambda r: (r.case.name, r.cell.sort_key()))
    data["cells"] = [r.to_json() for r in cells]
    data["report_version"] = REPORT_VERSION
    data["cases"] = [case_entry(a) for a in analyse(run)]
    if target is not None:
        data["target"] = {"path": target.path, "columns": [column_entry(c) for c in target.columns()]}
        data["not_observed"] = [column_entry(c) for c in not_observed(cells, target)]
    return data


def column_entry(column: Column) -> Dict[str, str]:
    platform, tag, method = column
    implementation = (parse_tag(tag) or ("cpython",))[0]
    return {"platform": platform, "interpreter": tag, "implementation": implementation, "start_method": method}


def render(run: Run, target: Optional[Target] = None) -> str:
    """The report as UTF-8 text; a lone surrogate (an undecodable byte of a file name) written as its \\u escape,
    which readers turn back into the same string (as results files write it)."""
    text = json.dumps(report_data(run, target), ensure_ascii=False, indent=2) + "\n"
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), text)
