"""JSON renderer: the merged results file (readable back by `mpmatrix report`) plus each case's behaviour classes."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from harness.analysis import AXES, CaseAnalysis, analyse, coordinates, coordinates_key, describe_class
from harness.model import Result, Run, split_tag
from harness.target import Column, Target, not_observed

REPORT_VERSION = 1


def cell_coordinates(cell: Any) -> Dict[str, str]:
    """The cell's value on each axis, and its column: `interpreter` is pypy3.11 where `python` is 3.11."""
    coordinates = {axis: value for axis, value in zip(AXES, cell)}
    prefix = "" if coordinates["implementation"] == "cpython" else coordinates["implementation"]
    coordinates["interpreter"] = prefix + coordinates["python"]
    return coordinates


def observation(result: Result) -> Dict[str, Any]:
    """The normalized observation that makes a behaviour class, and the verdict on the claim."""
    return {
        "status": result.status.label,
        "holds": result.holds,
        "verdict": result.verdict.label,  # holds, refuted, known bug, unsettled or not judged (harness.model.Verdict)
        "known_bug": result.known_bug,
        "exit": result.exit,
        "exception": result.exception,
        "stdout": result.stdout,
        "stderr": result.stderr,
        "leftovers": len(result.leftovers),
        "message": result.message,
    }


def behaviour_class(analysis: CaseAnalysis, index: int) -> Dict[str, Any]:
    behaviour = analysis.classes[index]
    return {
        "where": describe_class(analysis, index),
        "cells": [cell_coordinates(c) for c in behaviour.cells],
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
        "classes": [behaviour_class(analysis, i) for i in range(len(analysis.classes))],
        "not_attributed": [
            dict(cell_coordinates(coordinates(r)), status=r.status.label) for r in analysis.excluded
        ],
    }


def report_data(run: Run, target: Optional[Target] = None) -> Dict[str, Any]:
    """The results file's keys first (so the schema and `read_run` accept the report), then the analysis, and the
    target's columns no cell fills."""
    data = run.to_json()
    # Merged runs list cells in the order the files were read; sort them so the same results give the same bytes.
    cells: List[Result] = sorted(run.results, key=lambda r: (r.case, coordinates_key(coordinates(r))))
    data["cells"] = [r.to_json() for r in cells]
    data["report_version"] = REPORT_VERSION
    data["cases"] = [case_entry(a) for a in analyse(run)]
    if target is not None:
        data["target"] = {"path": target.path, "columns": [column_entry(c) for c in target.columns()]}
        data["not_observed"] = [column_entry(c) for c in not_observed(cells, target)]
    return data


def column_entry(column: Column) -> Dict[str, str]:
    platform, tag, method = column
    implementation, _, _ = split_tag(tag)
    return {"platform": platform, "interpreter": tag, "implementation": implementation, "start_method": method}


def render(run: Run, target: Optional[Target] = None) -> str:
    return json.dumps(report_data(run, target), ensure_ascii=False, indent=2) + "\n"
