"""JUnit XML renderer for CI systems: one testcase per cell, a suite per case, well-formed whatever the output."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Dict, List, Optional

from harness.analysis import analyse, coordinates, coordinates_key
from harness.model import Result, Run, Status
from harness.target import Target

# XML 1.0 allows only these characters; anything else (NUL, escape sequences, lone surrogates from undecodable
# bytes) makes the whole file unreadable to a CI server, so it is written as a visible \xNN escape instead.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MAX_TEXT = 64 * 1024
SKIPPED = (Status.UNSUPPORTED, Status.SKIP)
# A cell that behaved as its known-bug expectation says is reported the way pytest reports an xfail: <skipped> with
# this type and the reason, so CI shows it apart from passes and failures and never fails the build on it.
KNOWN_BUG_TYPE = "mpmatrix.known_bug"


def xml_text(text: str, limit: int = MAX_TEXT) -> str:
    """Text any XML 1.0 parser accepts, capped: CI servers choke on megabytes in one testcase."""
    if len(text) > limit:
        text = text[:limit] + f"\n... clipped ({len(text)} characters in all)"
    return _NOT_XML.sub(lambda m: "\\x%02x" % ord(m.group()) if ord(m.group()) < 0x100 else "\\u%04x" % ord(m.group()), text)


def testcase_name(r: Result) -> str:
    """linux-3.12-spawn, linux-pypy3.11-spawn: the column of the matrix."""
    return f"{r.platform}-{r.tag}-{r.start_method}"


def _evidence(r: Result) -> str:
    parts = []
    if r.diff:
        parts.append(r.diff.rstrip("\n"))
    parts.append(f"exit: {r.exit}")
    if r.exception:
        parts.append(f"exception: {r.exception}")
    if r.expectation:
        parts.append(f"expectation: {r.expectation}")
    if r.leftovers:
        parts.append("leftover processes:\n" + "\n".join(f"  pid {x.pid}: {x.cmdline}" for x in r.leftovers))
    for o in r.observations:
        parts.append(f"observed {o.get('count')}x: {o.get('status')}, exit {o.get('exit')}" + (f", {o.get('exception')}" if o.get("exception") else ""))
    if r.stacks:
        parts.append("stacks:\n" + r.stacks)
    return "\n".join(parts)


def is_skipped(r: Result) -> bool:
    """Not run (unsupported, skipped), or a known bug seen as expected: neither a pass nor a failure to CI."""
    return r.status in SKIPPED or (bool(r.known_bug) and not r.status.is_failure)


def testcase(r: Result) -> ET.Element:
    element = ET.Element("testcase", {"classname": xml_text(r.case, 1000), "name": xml_text(testcase_name(r), 1000),
                                      "time": f"{r.duration_s:.3f}", "file": xml_text(r.case_path, 1000)})
    message = xml_text(f"{r.status.label}: {r.message}" if r.message else r.status.label, 2000)
    if r.status in SKIPPED:
        ET.SubElement(element, "skipped", {"message": message})
    elif r.known_bug and not r.status.is_failure:
        ET.SubElement(element, "skipped", {"type": KNOWN_BUG_TYPE, "message": xml_text(f"known bug: {r.known_bug}", 2000)})
    elif r.status is Status.ERROR:
        ET.SubElement(element, "error", {"message": message, "type": r.status.label}).text = xml_text(_evidence(r))
    elif r.status.is_failure:
        if r.known_bug:  # the known bug's expectation did not match: fixed upstream, or it shows differently now
            message = xml_text(f"{r.status.label}: {r.message} (the expectation declares a known bug: {r.known_bug})", 2000)
        ET.SubElement(element, "failure", {"message": message, "type": r.status.label}).text = xml_text(_evidence(r))
    out = r.stdout_raw or r.stdout
    if r.holds is False:  # a passing cell can still refute the claim: say so where CI shows the output
        out = f"[mpmatrix] the claim is refuted here: {r.claim}\n" + out
    if out:
        ET.SubElement(element, "system-out").text = xml_text(out)
    err = r.stderr_raw or r.stderr
    if err:
        ET.SubElement(element, "system-err").text = xml_text(err)
    return element


def _counts(results: List[Result]) -> Dict[str, str]:
    return {
        "tests": str(len(results)),
        "failures": str(sum(1 for r in results if r.status.is_failure and r.status is not Status.ERROR)),
        "errors": str(sum(1 for r in results if r.status is Status.ERROR)),
        "skipped": str(sum(1 for r in results if is_skipped(r))),
        "time": f"{sum(r.duration_s for r in results):.3f}",
    }


def render(run: Run, target: Optional[Target] = None) -> str:
    """One testsuite per case; the target does not add testcases (a cell no run observed has no outcome to report)."""
    by_case: Dict[str, List[Result]] = {}
    for r in sorted(run.results, key=lambda r: coordinates_key(coordinates(r))):
        by_case.setdefault(r.case, []).append(r)
    root = ET.Element("testsuites", dict({"name": "mpmatrix"}, **_counts(list(run.results))))
    for analysis in analyse(run):
        results = by_case[analysis.case]
        suite = ET.SubElement(root, "testsuite", dict({"name": xml_text(analysis.case, 1000)}, **_counts(results)))
        if run.started:
            suite.set("timestamp", run.started)
        for r in results:
            suite.append(testcase(r))
    if hasattr(ET, "indent"):  # 3.9+; older Pythons write one long line, still valid
        ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
