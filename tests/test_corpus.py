"""The corpus itself: every case file loads, every claim ID is covered, and the starter cases pass for real here."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness.plan import load_cases

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases" / "seed"
STARTERS = ["process_queue_argument", "pool_queue_argument", "manager_queue_pool", "pool_initargs_queue", "module_level_code"]


def test_every_case_file_loads_and_names_are_unique() -> None:
    cases, broken = load_cases([str(CASES)])
    assert broken == []
    assert len({c.name for c in cases}) == len(cases) >= 26


def test_every_claim_of_the_seed_is_named_by_a_case() -> None:
    cases, _ = load_cases([str(CASES)])
    named = {claim_id for case in cases for claim_id in case.ids}
    assert named >= {f"S{n}" for n in range(1, 27)}, sorted({f"S{n}" for n in range(1, 27)} - named)


def test_every_case_says_where_its_claim_comes_from() -> None:
    cases, _ = load_cases([str(CASES)])
    for case in cases:
        assert case.claim and re.match(r"^(seed §|https?://)", case.source), case.path
        assert case.expect is not None or case.when, f"{case.path} has no expectation"


@pytest.mark.e2e
def test_the_starter_cases_pass_under_every_start_method_with_this_python(tmp_path: Path) -> None:
    paths = [str(CASES / f"{name}.py") for name in STARTERS]
    done = subprocess.run(
        [sys.executable, "-m", "harness", "run", *paths, "--python", "current", "--out", str(tmp_path), "--quiet"],
        capture_output=True, text=True, timeout=300, cwd=str(ROOT),
    )
    cells = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["cells"]
    statuses = {(c["case"], c["start_method"]): c["status"] for c in cells}
    assert len(statuses) == len(STARTERS) * 3
    assert set(statuses.values()) == {"pass"}, {k: v for k, v in statuses.items() if v != "pass"}
    assert done.returncode == 0, done.stdout + done.stderr
