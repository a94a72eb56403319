"""Behaviour classes and their attribution to axes, on results whose differences are built by hand."""

from __future__ import annotations

from typing import Any, Dict, Optional

from test_render_synthetic import demo_run, grid, make_result, make_run

from harness.analysis import (
    analyse,
    analyse_case,
    class_diff,
    describe_cells,
    difference_summary,
    minimal_axes,
    python_boundaries,
)
from harness.model import Layout, Status, value_order as version_key

OK: Dict[str, Any] = dict(stdout="result is 42\n")
BROKEN: Dict[str, Any] = dict(stdout="", exit="1", exception="RuntimeError: boom", holds=False)


def test_same_everywhere_is_one_class_and_no_axes() -> None:
    analysis = analyse_case(grid("c", lambda p, v, m: OK, platforms=("linux", "darwin")))
    assert len(analysis.classes) == 1
    assert analysis.differs_by == ()
    assert analysis.boundary is None and analysis.boundaries == {}
    assert not analysis.differs
    assert len(analysis.classes[0].cells) == 18


def test_differs_only_by_start_method() -> None:
    analysis = analyse_case(grid("c", lambda p, v, m: OK if m == "fork" else BROKEN, platforms=("linux", "darwin")))
    assert analysis.differs_by == ("start_method",)
    assert analysis.boundary is None
    usual, other = analysis.classes
    assert len(usual.cells) == 12 and {c.start_method for c in usual.cells} == {"spawn", "forkserver"}
    assert {c.start_method for c in other.cells} == {"fork"}
    assert other.representative.judged.holds is True and usual.representative.judged.holds is False


def test_differs_only_by_python_with_a_boundary() -> None:
    results = grid("c", lambda p, v, m: BROKEN if version_key(v) >= version_key("3.12") else OK,
                   pythons=("3.10", "3.11", "3.12", "3.13"))
    analysis = analyse_case(results)
    assert analysis.differs_by == ("python",)
    assert analysis.boundary == "3.12"
    assert analysis.boundaries == {"everywhere": "3.12"}
    assert difference_summary(analysis) == "differs by python; changed in 3.12"


def test_version_order_is_numeric_not_textual() -> None:
    results = grid("c", lambda p, v, m: OK if v in ("3.8", "3.9") else BROKEN, pythons=("3.9", "3.10", "3.8", "3.11"))
    assert analyse_case(results).boundary == "3.10"


def test_start_method_and_python_spawn_changed_in_312() -> None:
    results = grid("c", lambda p, v, m: BROKEN if m == "spawn" and v in ("3.12", "3.13") else OK,
                   pythons=("3.10", "3.11", "3.12", "3.13"))
    analysis = analyse_case(results)
    assert analysis.differs_by == ("python", "start_method")
    assert analysis.boundary == "3.12"
    assert analysis.boundaries == {"start_method=spawn": "3.12"}  # fork and forkserver never change
    assert difference_summary(analysis) == "differs by python, start_method; changed in 3.12 (start_method=spawn)"
    broken = [c for c in analysis.classes if c.representative.exit == "1"][0]
    assert describe_cells(broken.cells, analysis.differs_by, analysis.layout) == "start_method spawn; python 3.12, 3.13"


def test_per_group_boundaries_when_groups_disagree() -> None:
    def outcome(p: str, v: str, m: str) -> Optional[Dict[str, Any]]:
        changed = {"fork": "3.13", "spawn": "3.12", "forkserver": "99"}[m]
        return BROKEN if version_key(v) >= version_key(changed) else OK

    analysis = analyse_case(grid("c", outcome, pythons=("3.11", "3.12", "3.13")))
    assert analysis.differs_by == ("python", "start_method")
    assert analysis.boundary is None
    assert analysis.boundaries == {"start_method=fork": "3.13", "start_method=spawn": "3.12"}
    assert "start_method=fork: in 3.13" in difference_summary(analysis)


def test_back_and_forth_has_no_boundary() -> None:
    results = grid("c", lambda p, v, m: BROKEN if v == "3.12" else OK, pythons=("3.11", "3.12", "3.13"))
    analysis = analyse_case(results)
    assert analysis.differs_by == ("python",)
    assert analysis.boundary is None
    assert analysis.boundaries == {"everywhere": None}


def test_platform_beats_python_only_when_it_explains_more() -> None:
    results = grid("c", lambda p, v, m: OK if p == "linux" else BROKEN, platforms=("linux", "win32"))
    assert analyse_case(results).differs_by == ("platform",)


def test_ties_go_to_the_earlier_axis() -> None:
    # fork only seen on 3.11, spawn only on 3.12: either axis explains it; start_method comes first.
    results = [make_result("c", python="3.11", start_method="fork", **OK),
               make_result("c", python="3.12", start_method="spawn", **BROKEN)]
    assert analyse_case(results).differs_by == ("start_method",)


def test_holds_alone_makes_a_different_class() -> None:
    results = [make_result("c", start_method="fork", holds=True), make_result("c", start_method="spawn", holds=False)]
    assert analyse_case(results).differs_by == ("start_method",)


def test_missing_cells_are_not_guessed() -> None:
    # spawn broken, fork fine; forkserver and all of 3.13 were never observed.
    results = grid("c", lambda p, v, m: None if m == "forkserver" or v == "3.13" else (OK if m == "fork" else BROKEN))
    analysis = analyse_case(results)
    assert analysis.differs_by == ("start_method",)
    assert sum(len(c.cells) for c in analysis.classes) == 4
    assert all(c.start_method != "forkserver" for k in analysis.classes for c in k.cells)


def test_unsupported_skip_and_flaky_cells_are_not_attributed() -> None:
    def outcome(p: str, v: str, m: str) -> Dict[str, Any]:
        if m == "forkserver":
            return dict(status=Status.UNSUPPORTED, exit="78", holds=None)
        if m == "spawn" and v == "3.12":
            return dict(status=Status.FLAKY, holds=None, exit="1")
        if m == "spawn" and v == "3.11":
            return dict(status=Status.SKIP, holds=None, exit="77")
        return OK

    analysis = analyse_case(grid("c", outcome))
    assert analysis.differs_by == ()
    assert len(analysis.classes) == 1
    assert sorted(r.status.label for r in analysis.excluded) == ["flaky", "skip", "unsupported", "unsupported", "unsupported"]


def test_a_case_with_only_excluded_cells_has_no_classes() -> None:
    analysis = analyse_case([make_result("c", status=Status.UNSUPPORTED, holds=None)])
    assert analysis.classes == () and analysis.differs_by == () and not analysis.differs


def test_minimal_axes_needs_two_when_neither_alone_explains() -> None:
    values = {("fork", "3.11", "linux", "cpython"): "a", ("fork", "3.12", "linux", "cpython"): "b",
              ("spawn", "3.11", "linux", "cpython"): "b", ("spawn", "3.12", "linux", "cpython"): "b"}
    layout = Layout(())  # the four axes of every layout, no variant
    assert minimal_axes(values, layout) == ("python", "start_method")
    boundary, boundaries = python_boundaries(values, ("python", "start_method"), layout)
    assert boundary == "3.12" and boundaries == {"start_method=fork": "3.12"}


def test_free_threaded_sorts_after_its_twin() -> None:
    assert sorted(["3.13t", "3.14", "3.13", "3.9"], key=version_key) == ["3.9", "3.13", "3.13t", "3.14"]


def test_analyse_orders_cases_by_claim_id() -> None:
    analyses = analyse(demo_run())
    assert [a.ids[0] for a in analyses] == sorted((a.ids[0] for a in analyses), key=lambda i: int(i[1:]))
    by_case = {a.case: a for a in analyses}
    assert by_case["process_queue_argument_no_join"].differs_by == ("start_method",)
    assert by_case["main_exit_workers"].boundary == "3.12"
    assert by_case["process_queue_argument"].differs_by == ()


def test_class_diff_shows_what_changed() -> None:
    usual = make_result("c", stdout="a\nb\n")
    other = make_result("c", stdout="a\nc\n", exit="1", holds=False)
    diff = class_diff(usual, other)
    assert "-exit: 0" in diff and "+exit: 1" in diff
    assert "-  b" in diff and "+  c" in diff
    assert not any(line.startswith(("---", "+++")) for line in diff)


def test_empty_run() -> None:
    assert analyse(make_run([])) == ()


# -- implementations: PyPy 3.11 is Python 3.11 on the python axis, and a PyPy-only difference is `implementation`

LOCAL = ("3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15", "pypy3.9", "pypy3.11")


def interpreters_grid(outcome: Any, tags: Any = LOCAL, methods: Any = ("fork", "spawn", "forkserver")) -> list:
    """Cells for interpreter tags (3.11, pypy3.11, 3.13t); outcome(implementation, python tag, method) -> kwargs."""
    results = []
    for tag in tags:
        implementation = "pypy" if tag.startswith("pypy") else "cpython"
        python = tag[len("pypy"):] if implementation == "pypy" else tag
        version = python.rstrip("t") + ".5"
        for method in methods:
            kwargs = outcome(implementation, python, method)
            results.append(make_result("c", "linux", version, method, implementation=implementation,
                                       free_threaded=python.endswith("t"), **kwargs))
    return results


def test_a_difference_only_pypy_shows_is_the_implementation() -> None:
    analysis = analyse_case(interpreters_grid(lambda impl, v, m: BROKEN if impl == "pypy" else OK))
    assert analysis.differs_by == ("implementation",)
    assert analysis.boundary is None and analysis.boundaries == {}
    assert difference_summary(analysis) == "differs by implementation"
    broken = [c for c in analysis.classes if c.representative.exit == "1"][0]
    assert describe_cells(broken.cells, analysis.differs_by, analysis.layout) == "pypy"
    assert {(analysis.layout.version_text(c), c.implementation) for c in broken.cells} == {("3.9", "pypy"), ("3.11", "pypy")}  # python axis: the language


def test_a_314_change_that_pypy_follows_as_an_older_python_is_the_python() -> None:
    """CPython changes in 3.14; PyPy 3.9 and 3.11 behave as CPython 3.9 and 3.11 do: one boundary, 3.14."""
    analysis = analyse_case(interpreters_grid(lambda impl, v, m: BROKEN if version_key(v) >= version_key("3.14") else OK))
    assert analysis.differs_by == ("python",)
    assert analysis.boundary == "3.14"
    assert difference_summary(analysis) == "differs by python; changed in 3.14"
    usual = analysis.classes[0]
    places = {analysis.layout.coordinates(c) for c in usual.cells}
    assert ("spawn", "3.11", "linux", "pypy") in places and ("spawn", "3.11", "linux", "cpython") in places


def test_a_314_change_and_a_pypy_difference_together() -> None:
    def outcome(impl: str, v: str, m: str) -> Dict[str, Any]:
        if impl == "pypy":
            return dict(stdout="pypy says so\n")
        return BROKEN if version_key(v) >= version_key("3.14") else OK

    analysis = analyse_case(interpreters_grid(outcome))
    assert analysis.differs_by == ("implementation", "python")
    assert analysis.boundary == "3.14"
    assert analysis.boundaries == {"implementation=cpython": "3.14"}  # PyPy does not change between 3.9 and 3.11
    assert difference_summary(analysis) == "differs by implementation, python; changed in 3.14 (implementation=cpython)"
    assert len(analysis.classes) == 3


def test_pypy_changing_at_its_own_version_gets_its_own_boundary() -> None:
    """PyPy 3.11 already behaves as CPython 3.14 does, PyPy 3.9 not: each implementation has its boundary."""
    new = {"cpython": "3.14", "pypy": "3.11"}
    analysis = analyse_case(interpreters_grid(lambda impl, v, m: BROKEN if version_key(v) >= version_key(new[impl]) else OK))
    assert analysis.differs_by == ("implementation", "python")
    assert analysis.boundary is None
    assert analysis.boundaries == {"implementation=cpython": "3.14", "implementation=pypy": "3.11"}


def test_without_cpython_twins_a_pypy_difference_is_still_the_implementation() -> None:
    """PyPy 3.9 and 3.11 between CPython 3.8, 3.10 and 3.12: the python axis alone would also explain it, but only
    by a behaviour that changes four times along the versions."""
    tags = ("3.8", "pypy3.9", "3.10", "pypy3.11", "3.12")
    analysis = analyse_case(interpreters_grid(lambda impl, v, m: BROKEN if impl == "pypy" else OK, tags))
    assert analysis.differs_by == ("implementation",)


def test_a_single_version_boundary_wins_a_tie_with_the_implementation() -> None:
    """Only PyPy 3.11 and CPython 3.14, 3.15 seen, 3.14 and later new: both axes explain it; one boundary is the story."""
    analysis = analyse_case(interpreters_grid(lambda impl, v, m: BROKEN if version_key(v) >= version_key("3.14") else OK,
                                              ("pypy3.11", "3.14", "3.15")))
    assert (analysis.differs_by, analysis.boundary) == (("python",), "3.14")


def test_cpython_and_pypy_of_one_version_are_different_cells() -> None:
    results = interpreters_grid(lambda impl, v, m: OK, ("3.11", "pypy3.11"))
    assert len({r.key for r in results}) == 6
    layout = Layout.of(results)
    assert {layout.tag(r.cell) for r in results} == {"3.11", "pypy3.11"}
    assert {layout.version_text(r.cell) for r in results} == {"3.11"}


def test_a_known_bug_is_its_own_behaviour_and_says_so() -> None:
    from harness.analysis import behaviour_signature, observation_text

    run = make_run(grid("c", lambda p, v, m: dict(stdout="same\n")))
    plain = run.results[0]
    bug = plain.judged_again(holds=None, known_bug="gh-1: broken")
    assert behaviour_signature(bug) != behaviour_signature(plain.judged_again(holds=None))
    assert observation_text(bug)[1] == "verdict: known bug (gh-1: broken)"


def test_a_pypy_3_9_only_difference_among_cpython_and_pypy_3_11_is_named_with_its_implementation() -> None:
    """The bless issue's run, analysed: CPython 3.8, 3.12, 3.14, PyPy 3.9 and 3.11, only PyPy 3.9 differs. Python
    alone separates it, but only by a behaviour that comes and goes along the versions; with the implementation it
    is one boundary. Either way the class reads pypy3.9, never a 3.9 that sounds like CPython."""
    tags = ("3.8", "3.12", "3.14", "pypy3.9", "pypy3.11")
    analysis = analyse_case(interpreters_grid(lambda impl, v, m: BROKEN if (impl, v) == ("pypy", "3.9") else OK, tags))
    assert analysis.differs_by == ("implementation", "python")
    odd = [c for c in analysis.classes if c.representative.exit == "1"][0]
    assert "pypy" in describe_cells(odd.cells, analysis.differs_by, analysis.layout)
    assert describe_cells(odd.cells, ("python",), analysis.layout) == "pypy3.9"


def test_a_change_between_two_releases_of_one_version_is_placed_between_them() -> None:
    """3.13.0 re-runs module code in forkserver workers, 3.13.18 does not (the fix of 3.13.8): the boundary lies
    between the two nearest observed releases, and the releases in between were not observed."""
    pythons = ("3.12.1", "3.13.0", "3.13.18", "3.14.10")
    new = {"3.13.18", "3.14.10"}
    analysis = analyse_case(grid("c", lambda p, v, m: BROKEN if m == "forkserver" and v in new else OK, pythons=pythons))
    assert analysis.differs_by == ("python", "start_method")
    assert analysis.changes == {"start_method=forkserver": "between 3.13.0 and 3.13.18 (3.13.1-3.13.17 not observed)"}
    assert difference_summary(analysis) == ("differs by python, start_method; changed between 3.13.0 and 3.13.18 "
                                            "(3.13.1-3.13.17 not observed) (start_method=forkserver)")
    assert analysis.layout.tag(analysis.classes[0].cells[0]) in ("3.12", "3.13.0", "3.13.18", "3.14")


def test_two_minor_lines_that_each_change_in_a_patch_release_say_so() -> None:
    pythons = ("3.13.0", "3.13.18", "3.14.0", "3.14.10")
    analysis = analyse_case(grid("c", lambda p, v, m: BROKEN if v in ("3.13.18", "3.14.10") else OK, pythons=pythons))
    assert analysis.differs_by == ("python",)
    assert analysis.changes == {"everywhere": "in patch releases: between 3.13.0 and 3.13.18 (3.13.1-3.13.17 not "
                                              "observed); between 3.14.0 and 3.14.10 (3.14.1-3.14.9 not observed)"}
    # a minor version in between that was not observed is named too
    gap = analyse_case(grid("c", lambda p, v, m: BROKEN if v == "3.12" else OK, pythons=("3.8", "3.12")))
    assert gap.changes == {"everywhere": "between 3.8 and 3.12 (3.9-3.11 not observed)"}


def test_a_difference_along_a_package_version_is_put_down_to_it_with_its_boundary() -> None:
    results = [make_result(python=python, start_method="spawn", variant={"numpy": numpy}, packages={"numpy": numpy},
                           stdout="new\n" if numpy >= "2" else "old\n")
               for python in ("3.11", "3.12") for numpy in ("1.26.4", "2.0.2", "2.1.3")]
    analysis = analyse_case(results)
    assert analysis.differs_by == ("numpy",)
    assert difference_summary(analysis) == "differs by numpy; changed in numpy 2.0.2"
    assert describe_cells(analysis.classes[1].cells, analysis.differs_by, analysis.layout) == "numpy 1.26.4"


def test_a_flag_reads_as_an_assignment_beside_a_package() -> None:
    results = [make_result(start_method="spawn", variant={"six": six, "FORK": flag}, stdout=f"{six} {flag}\n")
               for six in ("1.16.0", "1.17.0") for flag in ("0", "1")]
    analysis = analyse_case(results)
    assert analysis.differs_by == ("FORK", "six")
    assert difference_summary(analysis) == "differs by FORK, six; changed in six 1.17.0"
    assert describe_cells(analysis.classes[0].cells, analysis.differs_by, analysis.layout) == "FORK=0; six 1.16.0"


def test_values_of_other_precisions_sort_together() -> None:
    """A Wine column (3.13, its tag at minor precision) beside patch releases (3.13.0, 3.13.18) in one merge: the
    analysis sorted them with a flag against a number and failed."""
    from harness.model import value_order

    assert sorted(["3.13.18", "3.13", "3.13.0", "3.13t", "3.9", "3.10"], key=value_order) == [
        "3.9", "3.10", "3.13", "3.13t", "3.13.0", "3.13.18"]
