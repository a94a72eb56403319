"""JUnit XML: one testcase per cell, failures with their diff, skips, and well-formed XML whatever a case prints."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from test_render_synthetic import demo_run, make_result, make_run

from harness.model import Status
from harness.render.junit import render, xml_text


def test_one_testcase_per_cell_with_failures_and_skips() -> None:
    run = demo_run()
    root = ET.fromstring(render(run).encode("utf-8"))
    cases = root.findall(".//testcase")
    assert len(cases) == len(run.results)
    assert root.get("tests") == str(len(run.results))
    failing = {(c.get("classname"), c.get("name")) for c in cases if c.find("failure") is not None}
    assert ("main_exit_workers", "linux-3.12-spawn") in failing
    failure = [c for c in cases if (c.get("classname"), c.get("name")) == ("main_exit_workers", "linux-3.12-spawn")][0].find("failure")
    assert failure.get("type") == "fail" and "+workers left: 2" in failure.text
    skipped = {(c.get("classname"), c.get("name")) for c in cases if c.find("skipped") is not None}
    assert skipped == {("hostile_output", "linux-3.12-forkserver"), ("darwin_only", "linux-3.12-fork")}
    errors = [c for c in cases if c.find("error") is not None]
    assert [(c.get("classname"), c.get("name")) for c in errors] == [("darwin_only", "linux-3.12-spawn")]


def test_control_characters_and_surrogates_stay_well_formed() -> None:
    nasty = "nul\x00 bell\x07 esc\x1b[31m form\x0c lone\udcff ok\ttab ]]> </testcase> & <x>"
    run = make_run([make_result("c\x01", status=Status.FAIL, holds=False, stdout=nasty, stderr=nasty, message=nasty,
                                diff="stdout:\n-a\n+" + nasty, stdout_raw=nasty, stderr_raw=nasty)])
    text = render(run)
    root = ET.fromstring(text.encode("utf-8"))  # raises on anything XML 1.0 forbids
    case = root.find(".//testcase")
    assert "\\x00" in case.find("system-out").text and "]]> </testcase> & <x>" in case.find("system-out").text
    assert case.get("classname") == "c\\x01"
    assert "\\udcff" in case.find("failure").get("message")


def test_xml_text_caps_long_output() -> None:
    assert len(xml_text("x" * 100_000, limit=1000)) < 1100


def test_testcase_names_keep_cpython_and_pypy_apart() -> None:
    run = make_run([make_result("c", "linux", "3.11.7", "spawn"),
                    make_result("c", "linux", "3.11.13", "spawn", implementation="pypy"),
                    make_result("c", "linux", "3.13.1", "spawn", free_threaded=True)])
    root = ET.fromstring(render(run).encode("utf-8"))
    assert sorted(c.get("name") for c in root.findall(".//testcase")) == [
        "linux-3.11-spawn", "linux-3.13t-spawn", "linux-pypy3.11-spawn"]
