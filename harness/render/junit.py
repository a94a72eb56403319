"""JUnit XML renderer for CI systems: one testcase per cell, a suite per case, well-formed whatever the output."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Dict, List, Optional

from harness.analysis import analyse
from harness.model import Layout, Result, Run, Status
from harness.target import Target

# XML 1.0 allows only these characters; anything else (NUL, escape sequences, lone surrogates from undecodable
# bytes) makes the whole file unreadable to a CI server, so it is written as a visible \xNN escape instead.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MAX_TEXT = 64 * 1024
# A cell that behaved as its known-bug expectation says is reported the way pytest reports an xfail: <skipped> with
# this type and the reason, so CI shows it apart from passes and failures and never fails the build on it.
KNOWN_BUG_TYPE = "mpmatrix.known_bug"


def xml_text(text: str, limit: int = MAX_TEXT) -> str:
    """Text any XML 1.0 parser accepts, capped: CI servers choke on megabytes in one testcase."""
    if len(text) > limit:
        text = text[:limit] + f"\n... clipped ({len(text)} characters in all)"
    return _NOT_XML.sub(lambda m: "\\x%02x" % ord(m.group()) if ord(m.group()) < 0x100 else "\\u%04x" % ord(m.group()), text)


def testcase_name(r: Result, layout: Optional[Layout] = None) -> str:
    """linux-3.12-spawn, linux-pypy3.11-spawn, win32-wine8.0-3.12-spawn: the column of the matrix."""
    return (layout or Layout([r.cell])).identifier(r.cell)


def _evidence(r: Result) -> str:
    judged, observed = r.judged, r.observed
    parts = []
    if judged.diff:
        parts.append(judged.diff.rstrip("\n"))
    parts.append(f"exit: {r.exit}")
    if judged.exception:
        parts.append(f"exception: {judged.exception}")
    if judged.expectation:
        parts.append(f"expectation: {judged.expectation}")
    if observed.leftovers:
        parts.append("leftover processes:\n" + "\n".join(f"  pid {x.pid}: {x.cmdline}" for x in observed.leftovers))
    for o in judged.observations:
        parts.append(f"observed {o.get('count')}x: {o.get('status')}, exit {o.get('exit')}" + (f", {o.get('exception')}" if o.get("exception") else ""))
    if observed.stacks:
        parts.append("stacks:\n" + observed.stacks)
    return "\n".join(parts)


def is_skipped(r: Result) -> bool:
    """Not run (unsupported, skipped), or a known bug seen as expected: neither a pass nor a failure to CI."""
    return not r.status.ran or (bool(r.judged.known_bug) and not r.status.is_failure)


def testcase(r: Result, layout: Optional[Layout] = None) -> ET.Element:
    judged = r.judged
    element = ET.Element("testcase", {"classname": xml_text(r.case.name, 1000), "name": xml_text(testcase_name(r, layout), 1000),
                                      "time": f"{r.observed.duration_s:.3f}", "file": xml_text(r.case.path, 1000)})
    message = xml_text(f"{r.status.label}: {judged.message}" if judged.message else r.status.label, 2000)
    if not r.status.ran:
        ET.SubElement(element, "skipped", {"message": message})
    elif judged.known_bug and not r.status.is_failure:
        ET.SubElement(element, "skipped", {"type": KNOWN_BUG_TYPE, "message": xml_text(f"known bug: {judged.known_bug}", 2000)})
    elif r.status is Status.ERROR:
        ET.SubElement(element, "error", {"message": message, "type": r.status.label}).text = xml_text(_evidence(r))
    elif r.status.is_failure:
        if judged.known_bug:  # the known bug's expectation did not match: fixed upstream, or it shows differently now
            message = xml_text(f"{r.status.label}: {judged.message} (the expectation declares a known bug: {judged.known_bug})", 2000)
        ET.SubElement(element, "failure", {"message": message, "type": r.status.label}).text = xml_text(_evidence(r))
    out = r.observed.stdout or judged.stdout
    if judged.holds is False:  # a passing cell can still refute the claim: say so where CI shows the output
        out = f"[mpmatrix] the claim is refuted here: {r.case.claim}\n" + out
    if out:
        ET.SubElement(element, "system-out").text = xml_text(out)
    err = r.observed.stderr or judged.stderr
    if err:
        ET.SubElement(element, "system-err").text = xml_text(err)
    return element


def _counts(results: List[Result]) -> Dict[str, str]:
    return {
        "tests": str(len(results)),
        "failures": str(sum(1 for r in results if r.status.is_failure and r.status is not Status.ERROR)),
        "errors": str(sum(1 for r in results if r.status is Status.ERROR)),
        "skipped": str(sum(1 for r in results if is_skipped(r))),
        "time": f"{sum(r.observed.duration_s for r in results):.3f}",
    }


def render(run: Run, target: Optional[Target] = None) -> str:
    """One testsuite per case; the target does not add testcases (a cell no run observed has no outcome to report)."""
    by_case: Dict[str, List[Result]] = {}
    for r in sorted(run.results, key=lambda r: r.cell.sort_key()):
        by_case.setdefault(r.case.name, []).append(r)
    root = ET.Element("testsuites", dict({"name": "mpmatrix"}, **_counts(list(run.results))))
    for analysis in analyse(run):
        results = by_case[analysis.case]
        suite = ET.SubElement(root, "testsuite", dict({"name": xml_text(analysis.case, 1000)}, **_counts(results)))
        if run.started:
            suite.set("timestamp", xml_text(run.started, 100))  # from a results file: any text
        for r in results:
            suite.append(testcase(r, run.layout))
    if hasattr(ET, "indent"):  # 3.9+; older Pythons write one long line, still valid
        ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
