"""The corpus itself: every case file loads, every claim ID is covered, and the starter cases pass for real here."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness.plan import load_cases

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases" / "seed"
ALL_CASES = ROOT / "cases"
LIBRARY_CASES = ROOT / "cases" / "libraries"
CLAIMS = ROOT / "claims"
CLAIM_ROW = re.compile(r"^\|\s*([A-Z]+\d+)\s*\|")
# Library cases whose wheels are small (under 15 MB together) and that wait on nothing: the end-to-end test runs
# these; grpcio, numpy, gevent, coverage, pytest-xdist and torch (190 MB) are the full corpus run's (docs/libraries-findings.md)
LIGHT_LIBRARY_CASES = ["psutil_children_forkserver", "cloudpickle_lambda_spawn", "multiprocess_dill_lambda",
                       "requests_session_after_fork", "sqlalchemy_pool_after_fork"]
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


def claim_ids(path: Path) -> set:
    """The IDs in the first column of a claims file's markdown tables (`| D7 | ... |`)."""
    return {m.group(1) for line in path.read_text(encoding="utf-8").splitlines() if (m := CLAIM_ROW.match(line))}


def test_claim_ids_are_read_from_table_rows_only() -> None:
    rows = ["| ID | claim |", "|---|---|", "| D7 | a claim naming D8 |", "D9 outside a table", "| S12 | another |"]
    assert {m.group(1) for line in rows if (m := CLAIM_ROW.match(line))} == {"D7", "S12"}


def test_every_claims_file_has_claims() -> None:
    files = sorted(CLAIMS.glob("*.md"))
    assert files, CLAIMS
    for path in files:
        assert claim_ids(path), f"{path} has no claim table rows"


def test_every_claim_in_every_claims_file_is_named_by_a_case() -> None:
    cases, broken = load_cases([str(ALL_CASES)])
    assert broken == []
    named = {claim_id for case in cases for claim_id in case.ids}
    for path in sorted(CLAIMS.glob("*.md")):
        missing = claim_ids(path) - named
        assert not missing, f"{path.relative_to(ROOT)}: no case under cases/ names {sorted(missing, key=_id_order)}"


def test_every_id_a_case_names_is_a_claim_of_some_claims_file() -> None:
    cases, _ = load_cases([str(ALL_CASES)])
    known = set().union(*(claim_ids(path) for path in CLAIMS.glob("*.md")))
    unknown = {(str(Path(case.path).relative_to(ROOT)), claim_id) for case in cases for claim_id in case.ids
               if claim_id not in known}
    assert not unknown, sorted(unknown)


def test_no_case_of_any_corpus_has_a_warning() -> None:
    """What `mpmatrix list` and `run` would warn about (a [[expect.when]] that can never apply, or repeats [expect])."""
    cases, _ = load_cases([str(ALL_CASES)])
    assert [w for case in cases for w in case.warnings] == []


def claims_rows(path: Path) -> dict:
    """ID -> the row's last column (its source), for a claims file whose tables end with a source column."""
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if CLAIM_ROW.match(line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            rows[cells[0]] = cells[-1]
    return rows


def test_the_library_corpus_loads_and_has_expectations() -> None:
    """Every library case parses with its `# /// script` block (no network: nothing is resolved or installed here),
    cites an issue thread or docs page, has expectations, and expects no missing module (bless's warning: a package
    the case imports but does not declare)."""
    cases, broken = load_cases([str(LIBRARY_CASES)])
    assert broken == []
    assert len(cases) >= 15
    for case in cases:
        assert case.dependencies, f"{case.path}: a library case without a `# /// script` block's dependencies"
        assert re.match(r"^https://", case.source), (case.path, case.source)
        assert case.expect is not None, f"{case.path} has no [expect]: bless it from a run"
        assert "ModuleNotFoundError" not in Path(case.path).read_text(encoding="utf-8"), case.path
        for axis, values in case.variants + case.flags:  # casefile checks what they name; here: that each varies
            assert len(values) >= 2, f"{case.path}: {axis} has one value, which is not an axis"


def test_the_library_cases_are_the_claims_of_claims_libraries_md() -> None:
    """L1-L16: each claim of claims/libraries.md has exactly one case under cases/libraries, citing the source its
    row cites, and the cases name no other IDs."""
    cases, _ = load_cases([str(LIBRARY_CASES)])
    rows = claims_rows(CLAIMS / "libraries.md")
    assert set(rows) >= {f"L{n}" for n in range(1, 17)}, sorted(rows, key=_id_order)
    named = [claim_id for case in cases for claim_id in case.ids]
    assert sorted(named, key=_id_order) == sorted(rows, key=_id_order)
    for case in cases:
        for claim_id in case.ids:
            assert case.source == rows[claim_id], (case.path, claim_id, case.source, rows[claim_id])


def test_the_python_docs_cases_cite_the_docs_with_an_anchor() -> None:
    cases, _ = load_cases([str(ALL_CASES / "python-docs")])
    assert cases
    for case in cases:
        assert re.match(r"^https://docs\.python\.org/3\.15/library/[\w.]+\.html#[\w.-]+$", case.source), (case.path, case.source)


def _id_order(claim_id: str) -> tuple:
    return (claim_id.rstrip("0123456789"), int(claim_id.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")))


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


@pytest.mark.e2e
def test_the_light_library_cases_pass_with_this_python(tmp_path: Path) -> None:
    """The harness makes their environments (uv, wheels from PyPI or uv's cache) in a fresh mpmatrix cache and every
    cell matches its blessed expectation. Where the packages cannot be had (no network and nothing in uv's cache),
    the cells are errors or unsupported, and the test skips saying so."""
    paths = [str(LIBRARY_CASES / f"{name}.py") for name in LIGHT_LIBRARY_CASES]
    done = subprocess.run(
        [sys.executable, "-m", "harness", "run", *paths, "--python", "current", "--out", str(tmp_path / "out"),
         "--quiet"],
        capture_output=True, text=True, timeout=600, cwd=str(ROOT), stdin=subprocess.DEVNULL,
        env={**os.environ, "MPMATRIX_CACHE_DIR": str(tmp_path / "cache")},
    )
    cells = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))["cells"]
    unmade = [c for c in cells if c["status"] in ("error", "unsupported")]
    if unmade and len(unmade) == len(cells):
        pytest.skip(f"the library cases' packages cannot be had here: {unmade[0]['message'][:300]}")
    assert {c["case"] for c in cells} == set(LIGHT_LIBRARY_CASES)
    failing = [(c["case"], c["start_method"], c["variant"], c["status"], c["message"]) for c in cells
               if c["status"] != "pass"]
    assert not failing, failing
    assert all(c["packages"] for c in cells)  # what was installed is part of each cell
    assert done.returncode == 0, done.stdout + done.stderr
