"""Whatever a results file holds, if the schema accepts it, it is read (or refused with a message naming the file
and line, never a traceback) and renders in every format: terminal, Markdown, HTML, JSON (read back again), JUnit
and the claims report. Documents are drawn from harness/schema/results.schema.json itself, with the values that
broke readers before: runs of thousands of digits in versions and IDs, controls, lone surrogates, observations
with only their required fields."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Dict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness import results as results_io
from harness.render import claims as claims_report, html, json as json_report, junit, markdown
from harness.render.terminal import render_terminal, terminal_text
from harness.results import SCHEMA_PATH, ResultsError, dumps, read_run, schema_problem

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
LONG_DIGITS = "1" * 5000  # past int()'s 4,300-digit limit for str -> int

# Text that broke a reader or a renderer, or might: digits past int()'s limit, controls, markup, bidi, surrogates.
TRICKY = ["", " ", "a", "S1", "S" + LONG_DIGITS, "3." + LONG_DIGITS, LONG_DIGITS, "0" * 600 + "7", "\x1b[31mred",
          "a\nb\tc", "\u202eevil", "<script>x</script>", "{{ x }}", "`|*_", "\ud800", "../../x", "pypy3.11", "3.13t",
          "ünïcödé 进程", "-", "1.2.3.4.5"]


def text_for(name: str, schema: Dict[str, Any]) -> st.SearchStrategy:
    pattern = schema.get("pattern")
    tricky = st.sampled_from(TRICKY)
    if pattern:
        fitting = [t for t in TRICKY + ["3." + LONG_DIGITS, LONG_DIGITS + ".1" + "2" * 5000, "3.12.1rc1+"]
                   if re.search(pattern, t)]
        strategy = st.from_regex(pattern, fullmatch=True)
        if fitting:
            strategy = strategy | st.sampled_from(fitting)
    elif name in ("case", "platform", "implementation", "python"):
        strategy = st.sampled_from(["a", "b", "linux", "cpython", "pypy"]) | tricky  # alike often: cells meet
    else:
        strategy = tricky | st.text(max_size=12)
    return strategy.filter(lambda t: len(t) >= schema.get("minLength", 0))


FREE_JSON = st.recursive(st.none() | st.booleans() | st.integers(-10, 10 ** 12) | st.sampled_from(TRICKY),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(TRICKY), inner, max_size=3),
                         max_leaves=8)


def from_schema(schema: Dict[str, Any], name: str = "") -> st.SearchStrategy:
    """Values the schema accepts (for the keywords it uses), leaning on the tricky ones."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kinds = schema.get("type")
    if kinds is None:
        return FREE_JSON
    if isinstance(kinds, list):
        return st.one_of([from_schema(dict(schema, type=kind), name) for kind in kinds])
    if kinds == "string":
        return text_for(name, schema)
    if kinds == "boolean":
        return st.booleans()
    if kinds == "null":
        return st.none()
    if kinds == "integer":
        return st.integers(min_value=schema.get("minimum", -(10 ** 12)), max_value=10 ** 30)
    if kinds == "number":
        low = schema.get("minimum", -1e12)
        return st.floats(min_value=low, max_value=1e300, allow_nan=False, allow_infinity=False) | st.integers(int(low), 10 ** 6)
    if kinds == "array":
        return st.lists(from_schema(schema["items"], name) if "items" in schema else FREE_JSON, max_size=3)
    properties = schema.get("properties", {})
    if not properties and "additionalProperties" not in schema:  # `host`, an interpreter: any object
        return st.dictionaries(st.sampled_from(TRICKY + ["run_id"]), FREE_JSON, max_size=3)
    required = list(schema.get("required", ()))
    optional = [key for key in properties if key not in required]
    extra = schema.get("additionalProperties")

    @st.composite
    def objects(draw):
        keys = required + draw(st.lists(st.sampled_from(optional), unique=True)) if optional else list(required)
        value = {key: draw(from_schema(properties[key], key)) for key in keys}
        if isinstance(extra, dict):
            value.update(draw(st.dictionaries(st.sampled_from(TRICKY), from_schema(extra), max_size=2)))
        return value

    return objects()


DOCUMENTS = from_schema(SCHEMA)


def renders_everywhere(run, tmp: Path) -> None:
    """Every format, as UTF-8 a terminal or a file takes; the JSON report read back as a results file."""
    empty = tmp / "claims.md"
    empty.write_text("# none\n")
    outputs = {"terminal": terminal_text(render_terminal(run)), "md": markdown.render(run),
               "html": html.render(run, claims=()), "json": json_report.render(run), "junit": junit.render(run),
               "claims": claims_report.render_claims(run, [str(empty)])}
    for name, text in outputs.items():
        assert text and text.encode("utf-8"), name  # strict: no lone surrogate reaches a terminal or a file
    report = tmp / "report.json"
    report.write_text(outputs["json"], encoding="utf-8")
    assert len(read_run(report).results) == len(run.results)
    ET.fromstring(outputs["junit"].split("\n", 1)[1])  # well-formed XML


def read(document: Any, tmp: Path):
    path = tmp / "results.json"
    path.write_text(dumps(document), encoding="utf-8")
    return read_run(path)


def too_long_number(document: Any) -> bool:
    text = json.dumps(document)
    return any(len(n) > results_io.MAX_NUMBER_CHARS for n in re.findall(r"(?<![\w.\"])-?\d[\d.eE+-]*", text))


@settings(max_examples=int(os.environ.get("MPMATRIX_EXAMPLES", "80")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                   HealthCheck.function_scoped_fixture])
@given(document=DOCUMENTS)
def test_any_results_file_the_schema_accepts_is_read_and_renders_in_every_format(document, tmp_path):
    assert schema_problem(document) == "", schema_problem(document)  # the strategy draws what the schema accepts
    try:
        run = read(document, tmp_path)
    except ResultsError as exc:  # the readers' own bounds, said with file and line; nothing else refuses it
        assert too_long_number(document) and "a number of" in str(exc), str(exc)
        return
    renders_everywhere(run, tmp_path)
    merged = results_io.merge([("a.json", run), ("b.json", run)])  # every cell seen twice: merged, not flaky
    renders_everywhere(merged, tmp_path)


def minimal_cell(**extra: Any) -> Dict[str, Any]:
    """A cell with its required fields only."""
    cell = {"case": "c", "case_path": "", "ids": [], "python": "3.12", "implementation": "cpython",
            "platform": "linux", "start_method": "fork", "status": "flaky", "holds": None, "exit": None,
            "stdout": "", "stderr": "", "stdout_raw": "", "stderr_raw": "", "duration_s": 0}
    cell.update(extra)
    return cell


MINIMAL = {"schema_version": 2, "harness_version": "", "started": "", "complete": True, "host": {}}


@pytest.mark.parametrize("cells", [
    [],
    [minimal_cell()],
    [minimal_cell(observations=[{"count": 1, "status": "pass"}, {"count": 2, "status": "fail"}])],
    [minimal_cell(observations=[{"count": 1, "status": "pass"}], nondeterministic="a race", status="pass", holds=True),
     minimal_cell(start_method="spawn", status="pass", holds=False, exit="0")],
    [minimal_cell(python="3." + LONG_DIGITS, ids=["S" + LONG_DIGITS], changed_in=["3." + LONG_DIGITS]),
     minimal_cell(python=LONG_DIGITS + ".1", status="pass", exit="0", holds=True)],
    [minimal_cell(variant={"python": LONG_DIGITS, "": ""}, leftovers=[{"pid": 1, "cmdline": "x", "zombie": False}])],
], ids=["no cells", "one cell", "observations with count and status only", "a race of minimal observations",
        "5,000-digit versions and IDs", "odd variants"])
def test_minimal_documents_are_read_and_render_in_every_format(cells, tmp_path):
    document = dict(MINIMAL, cells=cells)
    assert schema_problem(document) == ""
    renders_everywhere(read(document, tmp_path), tmp_path)


@pytest.mark.parametrize("number", ["1" * 4301, "-" + "9" * 5000, "1e999", "1" + "0" * 45])
def test_an_over_long_number_in_a_results_file_or_journal_is_an_error_at_its_line(tmp_path, number, capsys):
    from harness import cli

    text = dumps(dict(MINIMAL, cells=[minimal_cell()]))
    text = text.replace('"duration_s":0', f'"duration_s":\n{number}')
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "results.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ResultsError) as refused:
        read_run(path)
    assert str(refused.value).startswith(f"{path}:2: ") and "expected a results file" in str(refused.value)
    for argv in (["report", str(path)], ["claims", str(path)]):
        assert cli.main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"mpmatrix: error: {path}:2: ") and "Traceback" not in err
    journal = tmp_path / "out" / results_io.JOURNAL_NAME
    header = dumps({"journal": results_io.JOURNAL_VERSION, "run_id": "r", "started": ""})
    journal.write_text(header + "\n" + dumps(minimal_cell()).replace('"duration_s":0', f'"duration_s":{number}')
                       + "\n" + dumps(minimal_cell(case="d")) + "\n", encoding="utf-8")
    with pytest.raises(ResultsError, match=re.escape(f"{journal}:2: ")):
        results_io.read_journal(journal)


def test_nesting_nan_and_the_digits_of_an_exit_are_bounded_at_their_line(tmp_path):
    deep = dumps(dict(MINIMAL, cells=[minimal_cell()])).replace('"host":{}', '"host":\n' + "[" * 100 + "]" * 100)
    nan = dumps(dict(MINIMAL, cells=[minimal_cell()])).replace('"duration_s":0', '"duration_s":\nNaN')
    for text, message in ((deep, "nested more than 64 deep"), (nan, "NaN is not a JSON number")):
        path = tmp_path / "r.json"
        path.write_text(text)
        with pytest.raises(ResultsError, match=re.escape(f"{path}:2: ") + ".*" + message):
            read_run(path)
    document = dict(MINIMAL, cells=[minimal_cell(exit=LONG_DIGITS)])  # int() would refuse it: the schema does first
    assert "at cells/0/exit" in schema_problem(document)
