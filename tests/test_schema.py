"""The results JSON, as `Run.to_json` writes it, validates against the checked-in schema (and bad files do not)."""

from __future__ import annotations

import copy
import json

import pytest

from harness.model import Leftover, Run, Status
from harness.results import SCHEMA_PATH, merge

from conftest import import_jsonschema
from test_results import result

jsonschema = import_jsonschema()  # a skip of the module where only the platform keeps it from loading (Wine 8)


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def every_status_run() -> Run:
    cells = [result(f"case_{s.label}", status=s) for s in Status]
    cells.append(result("leaky", status=Status.LEAK, leftovers=(Leftover(12, "python x", False), Leftover(13, "py", True))))
    cells.append(result("signal", status=Status.CRASH, exit="signal:SIGSEGV", holds=None))
    cells.append(result("none", status=Status.ERROR, exit=None, holds=None))
    return Run(results=tuple(cells), started="s", finished="f", complete=False, host={"x": 1},
               interpreters=({"executable": "python"},), harness_version="0.1")


def test_every_status_validates(validator):
    validator.validate(every_status_run().to_json())


def test_a_merged_run_with_flaky_observations_validates(validator):
    a = Run(results=(result(),), started="s")
    b = Run(results=(result(status=Status.FAIL, stdout="other"),), started="s")
    validator.validate(merge([("a.json", a), ("b.json", b)]).to_json())


@pytest.mark.parametrize("breakage", [
    lambda d: d.pop("cells"),
    lambda d: d.update(schema_version=3),
    lambda d: d["cells"][0].update(status="passed"),
    lambda d: d["cells"][0].pop("start_method"),
    lambda d: d["cells"][0].update(duration_s="1s"),
    lambda d: d.update(complete="yes"),
])
def test_broken_documents_do_not_validate(validator, breakage):
    data = copy.deepcopy(every_status_run().to_json())
    breakage(data)
    assert list(validator.iter_errors(data))


@pytest.mark.e2e
def test_real_results_validate(validator, tmp_path):
    """A results file written by an actual (tiny) run, in process."""
    from harness import interpreters
    from harness.plan import load_cases, plan
    from harness.runner import run_all
    from conftest import CASES

    cases, broken = load_cases([str(CASES / "pass_simple.py"), str(CASES / "recorded.py"), str(tmp_path / "missing")])
    planned = plan(cases, broken, [interpreters.current()], ["fork"])
    results, complete = run_all(planned, jobs=2)
    assert complete and {r.status for r in results} == {Status.PASS, Status.RECORDED, Status.ERROR}
    validator.validate(Run(results=tuple(results), started="s").to_json())


# -- the built-in validator (results are checked at every read, without jsonschema) agrees with jsonschema -------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from harness.results import schema_problem  # noqa: E402

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2, allow_nan=False) | st.sampled_from(
        ["", "pass", "bogus", "3.12", "3.12.1", "signal:SIGINT", "-1", "fork", "default", "sha256:" + "0" * 64, "x"]),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from(["pid", "cmdline", "zombie", "count", "status"]), inner, max_size=3),
    max_leaves=6,
)


def paths_in(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths_in(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths_in(item, prefix + (index,))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_the_built_in_validator_agrees_with_jsonschema(validator, data):
    document = copy.deepcopy(every_status_run().to_json())
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(list(paths_in(document))))
        if not path:
            continue
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(JSON_VALUES)
    assert (schema_problem(document) == "") == (not list(validator.iter_errors(document))), schema_problem(document)


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d["cells"][0].update(status="bogus"), "at cells/0/status: 'bogus' is not one of"),
    (lambda d: d["cells"][0].pop("python"), "at cells/0: 'python' is a required property"),
    (lambda d: d["cells"][0].update(python=3.12), "at cells/0/python: 3.12 is not of type 'string'"),
    (lambda d: d["cells"][0].update(exit=True), "at cells/0/exit: True is not of type 'string' or 'null'"),
    (lambda d: d["cells"][0].update(duration_s=-1), "at cells/0/duration_s: -1 is less than the minimum of 0"),
])
def test_the_built_in_validator_names_where_and_what(breakage, message):
    data = copy.deepcopy(every_status_run().to_json())
    breakage(data)
    assert schema_problem(data).startswith(message)


def test_the_schema_and_the_model_name_the_same_cell_fields() -> None:
    """Run.to_json and Result.from_json follow harness.model.RESULT_FIELDS: the schema must describe exactly those."""
    from harness.model import RESULT_FIELDS

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cell = schema["properties"]["cells"]["items"]
    assert set(cell["properties"]) == set(RESULT_FIELDS)
    assert set(cell["required"]) <= set(RESULT_FIELDS)
    assert set(result().to_json()) == set(RESULT_FIELDS)
