"""JSON renderer: the merged results file (readable back by `mpmatrix report`) plus each case's behaviour classes."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from harness.analysis import AXES, CaseAnalysis, analyse, coordinates, coordinates_key, describe_class
from harness.model import Result, Run

REPORT_VERSION = 1


def cell_coordinates(cell: Any) -> Dict[str, str]:
    return {axis: value for axis, value in zip(AXES, cell)}


def observation(result: Result) -> Dict[str, Any]:
    """The normalized observation that makes a behaviour class, and the verdict on the claim."""
    return {
        "status": result.status.label,
        "holds": result.holds,
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


def report_data(run: Run) -> Dict[str, Any]:
    """The results file's keys first (so the schema and `read_run` accept the report), then the analysis."""
    data = run.to_json()
    # Merged runs list cells in the order the files were read; sort them so the same results give the same bytes.
    cells: List[Result] = sorted(run.results, key=lambda r: (r.case, coordinates_key(coordinates(r))))
    data["cells"] = [r.to_json() for r in cells]
    data["report_version"] = REPORT_VERSION
    data["cases"] = [case_entry(a) for a in analyse(run)]
    return data


def render(run: Run) -> str:
    return json.dumps(report_data(run), ensure_ascii=False, indent=2) + "\n"
