"""The pytest plugin end to end with pytester: `pytest DIR` collects case files as one item per start method."""

from __future__ import annotations

import json
import sys
import shutil
import xml.etree.ElementTree as ET

import pytest

from conftest import CASES, HOSTILE

pytestmark = pytest.mark.e2e


@pytest.fixture
def project(pytester):
    """A project whose `mpmatrix_case_dirs` is `claims/`, holding some fixture cases and one malformed one."""
    folder = pytester.path / "claims"
    folder.mkdir()
    for name in ("pass_simple.py", "fail_diff.py", "not_offered.py", "when_start_method.py"):
        shutil.copy(CASES / name, folder / name)
    shutil.copy(HOSTILE / "malformed" / "unknown_key.py", folder / "unknown_key.py")
    (folder / "helper.py").write_text("VALUE = 1\n")  # no case block: not collected
    pytester.makeini("[pytest]\nmpmatrix_case_dirs = claims\naddopts = -p no:cacheprovider\n")
    return pytester


def test_items_are_named_file_and_start_method(project):
    result = project.runpytest("--collect-only", "-q", "claims")
    items = {line for line in result.outlines if "::" in line}
    expected = {f"claims/{case}.py::{method}" for case in ("pass_simple", "fail_diff", "not_offered", "when_start_method")
                for method in ("fork", "spawn", "forkserver")}
    assert expected | {"claims/unknown_key.py::case"} == items


def test_start_method_narrows(project):
    result = project.runpytest("--collect-only", "-q", "claims", "--start-method", "spawn")
    items = [line for line in result.outlines if "::" in line]
    assert len(items) == 5 and all(i.endswith(("::spawn", "::case")) for i in items)


def test_k_selects(project):
    result = project.runpytest("claims", "-k", "pass_simple and spawn", "-q")
    result.assert_outcomes(passed=1, deselected=12)


def test_passing_and_skipped_cells(project):
    result = project.runpytest("claims/when_start_method.py", "claims/not_offered.py", "-q", "-rs")
    result.assert_outcomes(passed=3, skipped=3)
    text = result.stdout.str()
    assert "claims/not_offered.py:1: unsupported: start method spawn is not offered here" in text
    assert "claims/not_offered.py:1: skip: the case skipped itself (exit 77)" in text


def test_a_failing_cell_shows_the_diff(project):
    result = project.runpytest("claims/fail_diff.py", "--start-method", "spawn")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*fail: stdout:*", "*-two", "*+TWO"])
    assert "Traceback" not in result.stdout.str()


def test_a_malformed_case_is_one_failing_item_naming_file_and_line(project):
    result = project.runpytest("claims/unknown_key.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*claims/unknown_key.py:5: unknown key 'timout' (did you mean 'timeout'?)*"])


def test_junit_xml(project):
    result = project.runpytest("claims/pass_simple.py", "claims/fail_diff.py", "--start-method", "fork",
                               "--junit-xml", "junit.xml")
    result.assert_outcomes(passed=1, failed=1)
    cases = ET.parse(str(project.path / "junit.xml")).getroot().iter("testcase")
    outcome = sorted((c.get("classname"), c.get("name"), [child.tag for child in c]) for c in cases)
    assert outcome == [("claims.fail_diff", "fork", ["failure"]), ("claims.pass_simple", "fork", [])]
    text = (project.path / "junit.xml").read_text()
    assert "+TWO" in text and 'tests="2"' in text


def test_results_json(project):
    import jsonschema

    from harness.results import SCHEMA_PATH

    result = project.runpytest("claims/pass_simple.py", "claims/not_offered.py", "--start-method", "spawn",
                               "--mpmatrix-results", "out/{platform}-{python}.json")
    result.assert_outcomes(passed=1, skipped=1)
    (path,) = (project.path / "out").glob("*.json")
    data = json.loads(path.read_text())
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert {c["case"]: c["status"] for c in data["cells"]} == {"pass_simple": "pass", "not_offered": "unsupported"}
    assert data["host"]["runner"] == "pytest" and data["complete"] is True
    (interpreter,) = data["interpreters"]  # the one running pytest, described as `mpmatrix run` describes it
    assert interpreter["implementation"] == sys.implementation.name and interpreter["implementation_version"]
    assert path.name == f"{sys.platform}-{data['cells'][0]['python'].rsplit('.', 1)[0]}.json"
