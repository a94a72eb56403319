"""JSON report: a valid results file (schema, read back) carrying each case's behaviour classes, in stable order."""

from __future__ import annotations

import json
from pathlib import Path

from test_render_synthetic import demo_run, schema_errors

from harness.model import Run
from harness.render.json import render
from harness.results import merge, read_run, write_run


def test_report_is_a_valid_results_file_with_cases(tmp_path: Path) -> None:
    text = render(demo_run())
    data = json.loads(text)
    assert schema_errors(data) == []
    path = tmp_path / "report.json"
    path.write_text(text, encoding="utf-8")
    assert len(read_run(path).results) == len(demo_run().results)  # `mpmatrix report report.json` works too
    assert list(data)[:2] == ["schema_version", "harness_version"]
    by_case = {c["case"]: c for c in data["cases"]}
    no_join = by_case["process_queue_argument_no_join"]
    assert list(no_join) == ["case", "ids", "claim", "differs_by", "boundary", "boundaries", "changes", "classes", "not_attributed"]
    assert no_join["differs_by"] == ["start_method"] and no_join["boundary"] is None
    assert [len(k["cells"]) for k in no_join["classes"]] == [12, 6]
    assert no_join["classes"][1]["representative"]["stdout"] == "I am Process-1, result is 42\n"
    assert no_join["classes"][1]["cells"][0] == {"start_method": "fork", "python": "3.11", "platform": "linux", "implementation": "cpython", "interpreter": "3.11"}
    assert by_case["main_exit_workers"]["boundary"] == "3.12"
    assert by_case["process_queue_argument"]["differs_by"] == []
    assert by_case["sigint_pool"]["not_attributed"][0]["status"] == "flaky"


def test_same_results_give_the_same_bytes_whatever_the_order() -> None:
    run = demo_run()
    shuffled = Run(results=tuple(reversed(run.results)), started=run.started, finished=run.finished,
                   host=run.host, harness_version=run.harness_version, sources=run.sources)
    assert render(run) == render(shuffled)


def test_merged_results_match_the_schema(tmp_path: Path) -> None:
    first, second = demo_run(), demo_run()
    merged = merge([("a.json", first), ("b.json", second)])
    assert schema_errors(merged.to_json()) == []
    write_run(merged, tmp_path / "results.json")
    assert schema_errors(json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))) == []
    assert schema_errors(json.loads(render(merged))) == []
