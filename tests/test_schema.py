"""The results JSON, as `Run.to_json` writes it, validates against the checked-in schema (and bad files do not)."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from harness.model import Leftover, Run, Status
from harness.results import SCHEMA_PATH, merge

from test_results import result


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
    lambda d: d.update(schema_version=2),
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
