"""Tests for benchmarks/bench.py's arithmetic: the limit of a run, failing cells by interpreter, tox env names."""

from __future__ import annotations

import importlib.util
import math

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench", REPO / "benchmarks" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_limit_is_the_cpu_per_core_or_the_longest_cell_whichever_is_larger(bench):
    cpu_bound = bench.with_limit({"wall_s": 60.0, "cpu_s": 100.0}, [3.0, 10.0], cores=2)
    assert (cpu_bound["cpu_per_core_s"], cpu_bound["longest_cell_s"], cpu_bound["limit_s"]) == (50.0, 10.0, 50.0)
    assert cpu_bound["wall_per_limit"] == 1.2
    waiting = bench.with_limit({"wall_s": 30.0, "cpu_s": 10.0}, [20.0, 1.0], cores=2)
    assert (waiting["limit_s"], waiting["wall_per_limit"]) == (20.0, 1.5)
    assert math.isnan(bench.with_limit({"wall_s": 1.0, "cpu_s": 0.0}, [], cores=2)["wall_per_limit"])


def test_cells_not_passing_are_counted_by_interpreter_column(bench):
    def cell(implementation, python, status):
        return {"implementation": implementation, "python": python, "status": status}

    cells = [cell("cpython", "3.12.1", "pass"), cell("cpython", "3.12.1", "timeout"), cell("cpython", "3.12.1", "leak"),
             cell("cpython", "3.8.18", "pass"), cell("pypy", "3.11.13", "fail"), cell("pypy", "3.11.13", "unsupported")]
    assert bench.failing_by_interpreter(cells) == {"3.12": {"timeout": 1, "leak": 1}, "3.8": {}, "pypy3.11": {"fail": 1}}


@pytest.mark.parametrize("env, expected", [("py312-spawn", ("3.12", "spawn")), ("py38-forkserver", ("3.8", "forkserver")),
                                           ("py315-fork", ("3.15", "fork"))])
def test_a_tox_env_names_its_interpreter_and_start_method(bench, env, expected):
    assert bench.env_version_method(env) == expected
