"""The per-claim verdict line: cells merged across cases, described along the fewest axes, versions as ranges."""

from __future__ import annotations

import dataclasses

from test_render_synthetic import grid, known_bug_run, make_result

from harness.model import Status
from harness.verdicts import results_by_claim, summarize

PYTHONS = ("3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13")
FULL = {"3.7": "3.7.17", "3.8": "3.8.18", "3.9": "3.9.18"}


def cells(outcome, pythons=PYTHONS, **common):
    found = grid("c", outcome, pythons=pythons, **common)
    return [dataclasses.replace(r, cell=dataclasses.replace(r.cell, version=FULL.get(r.cell.version, r.cell.version)))
            for r in found]


def test_a_version_boundary_reads_as_ranges() -> None:
    line = summarize(cells(lambda p, v, m: dict(holds=v not in ("3.7", "3.8")))).text()
    assert line == "holds on CPython ≥ 3.9; refuted on CPython ≤ 3.8; not observed: darwin, win32"


def test_a_boundary_under_one_method_names_both_axes() -> None:
    line = summarize(cells(lambda p, v, m: dict(holds=not (m == "spawn" and v in ("3.7", "3.8"))))).text()
    assert line.startswith("holds on CPython ≤ 3.8 (fork, forkserver), CPython ≥ 3.9 under every method; "
                           "refuted on CPython ≤ 3.8 (spawn)")


def test_a_middle_run_and_scattered_versions() -> None:
    assert "refuted on CPython 3.9–3.11" in summarize(cells(lambda p, v, m: dict(holds=v not in ("3.9", "3.10", "3.11")))).text()
    assert "refuted on CPython 3.8, 3.12" in summarize(cells(lambda p, v, m: dict(holds=v not in ("3.8", "3.12")))).text()


def test_implementations_are_named_and_known_bugs_counted() -> None:
    summary = summarize(known_bug_run().results)
    assert summary.text().startswith(
        "holds on CPython 3.11 (fork, forkserver), CPython ≥ 3.12 under every method, PyPy 3.9 (fork); "
        "refuted on CPython 3.11 (spawn); known bug on PyPy 3.9 (spawn, forkserver); "
        "unsettled (fail: no observation matched the expectation) on PyPy 3.11 (spawn)")
    assert len(summary.known_bugs) == 1 and summary.known_bugs[0].startswith("PyPy 3.9")


def test_across_cases_refuted_outweighs_known_bug_outweighs_holds() -> None:
    here = dict(python="3.12", start_method="spawn")
    assert summarize([make_result("a", **here), make_result("b", known_bug="x", **here)]).text(strong=True) == \
        "**known bug everywhere observed**; not observed: darwin, win32"
    assert summarize([make_result("a", known_bug="x", **here), make_result("b", holds=False, **here)]).parts[0][0].label == "refuted"


def test_failing_cells_decide_nothing() -> None:
    summary = summarize([make_result(status=Status.FAIL, holds=False), make_result(start_method="spawn")])
    assert summary.text() == ("holds everywhere observed; unsettled (fail: no observation matched the expectation) "
                              "on CPython 3.12 (fork); not observed: darwin, win32")


def test_results_by_claim() -> None:
    a, b = make_result("a", ids=("S1", "S2")), make_result("b", ids=("S2",))
    assert results_by_claim([a, b]) == {"S1": [a], "S2": [a, b]}


def test_not_observed_names_the_target_columns_no_deciding_cell_covers() -> None:
    from harness.target import Target, TargetPlatform

    target = Target((TargetPlatform("linux", ("3.12", "3.13t"), ("fork", "spawn")), TargetPlatform("win32", ("3.12",), ("spawn",))))
    summary = summarize([make_result(python="3.12", start_method=m) for m in ("fork", "spawn")], target)
    assert summary.text() == "holds everywhere observed; not observed: linux 3.13t and win32 (all of it)"


def test_a_release_named_for_a_change_is_checked_against_the_releases_observed() -> None:
    """forkserver_preload_main's shape: the fix of 3.13.8 and 3.14.1; 3.13.0 and 3.13.18 observed, 3.14 only after."""
    def cells_of(changed_in, new_in):
        pythons = ("3.12.1", "3.13.0", "3.13.18", "3.14.10")
        found = grid("c", lambda p, v, m: dict(holds=m == "forkserver" and v in new_in), pythons=pythons)
        return [dataclasses.replace(r, case=dataclasses.replace(r.case, changed_in=changed_in)) for r in found]

    pieces = summarize(cells_of(("3.13.8", "3.14.1"), {"3.13.18", "3.14.10"})).pieces()
    assert ("release-consistent", "consistent with 3.13.8",
            ": 3.13.0 refuted, 3.13.18 holds (the change lies between 3.13.0 and 3.13.18)") in pieces
    assert ("release-unknown", "cannot tell about 3.14.1", ": no release before it was observed (observed: 3.14.10)") in pieces
    alike = summarize(cells_of(("3.13.8",), {"3.14.10"})).pieces()
    assert alike[-2][:2] == ("release-unseen", "no change seen at 3.13.8")
    assert "3.13.0 and 3.13.18 settle the claim alike" in alike[-2][2]
    elsewhere = summarize(cells_of(("3.13.8",), {"3.12.1", "3.13.18"}))  # 3.12.1 new, 3.13.0 old, 3.13.18 new
    assert "consistent with 3.13.8" in elsewhere.text()  # the line of 3.13 alone is compared
    # a release named after the change observed: 3.13.18 already shows the new behaviour, so 3.13.20 is contradicted
    # though nothing from 3.13.20 on was observed
    late = summarize(cells_of(("3.13.20",), {"3.13.18", "3.14.10"})).pieces()
    assert ("release-contradicted", "contradicts 3.13.20",
            ": the verdict changes between 3.13.0 and 3.13.18, not at 3.13.20 (observed: 3.13.0, 3.13.18)") in late
    early = summarize(cells_of(("3.13.0",), {"3.13.18"})).pieces()  # named 3.13.0: the change came later
    assert any(p[:2] == ("release-contradicted", "contradicts 3.13.0") for p in early)


def test_a_verdict_decided_by_a_package_version_names_it() -> None:
    from test_render_synthetic import make_result

    results = [make_result(python=python, start_method=method, variant={"numpy": numpy}, holds=numpy >= "2")
               for python in ("3.11", "3.12") for method in ("fork", "spawn") for numpy in ("1.26.4", "2.1.3")]
    assert summarize(results).text().startswith("holds on numpy 2.1.3; refuted on numpy 1.26.4")
