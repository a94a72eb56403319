"""Tests for harness.timings: where the cache lives, reading and merging it, and what a broken cache means."""

from __future__ import annotations

import json
from pathlib import Path

from harness import timings
from harness.model import CellId, Judgement, Observation, Status
from harness.timings import Timing, cache_dir, from_results, load_timings, save_timings

from test_runner import planned


def test_the_cache_folder_per_platform_and_its_override():
    home = str(Path("~").expanduser())
    assert cache_dir({}, "linux") == Path(home) / ".cache" / "mpmatrix"
    assert cache_dir({"XDG_CACHE_HOME": "/xdg"}, "linux") == Path("/xdg/mpmatrix")
    assert cache_dir({}, "darwin") == Path(home) / "Library" / "Caches" / "mpmatrix"
    assert cache_dir({"LOCALAPPDATA": "C:/Users/u/AppData/Local"}, "win32") == Path("C:/Users/u/AppData/Local/mpmatrix/Cache")
    assert cache_dir({timings.CACHE_ENV: "/elsewhere"}, "linux") == Path("/elsewhere")
    assert cache_dir({timings.CACHE_ENV: ""}, "linux") is None and timings.cache_path({timings.CACHE_ENV: ""}) is None


def test_saved_timings_load_back_and_newer_ones_replace_older(tmp_path):
    path = tmp_path / "cache" / "timings.json"
    a = ("a", CellId("linux", "", "cpython", "3.12.1", "", "spawn"))
    b = ("b", CellId("win32", "wine8.0", "pypy", "3.11.13", "", "fork", (("numpy", "2.1.3"),)))
    save_timings({a: Timing(1.5, 0.25), b: Timing(0.5, None)}, path)
    save_timings({a: Timing(2.0, 0.5)}, path)
    assert load_timings(path) == {a: Timing(2.0, 0.5), b: Timing(0.5, None)}
    assert [p.name for p in path.parent.iterdir()] == ["timings.json"]  # no temporary file left


def test_a_missing_broken_or_foreign_cache_is_no_cache(tmp_path):
    path = tmp_path / "timings.json"
    assert load_timings(path) == {} and load_timings(None) == {}
    for text in ("{", "[]", json.dumps({"version": 99, "cells": {}}), json.dumps({"version": 1, "cells": {"a": "x"}})):
        path.write_text(text)
        assert load_timings(path) == {}
    key = ("a", CellId())
    save_timings({key: Timing(1.0)}, path)  # a broken cache is replaced
    assert load_timings(path) == {key: Timing(1.0)}


def test_a_cache_that_cannot_be_written_is_no_matter(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    save_timings({("a", CellId()): Timing(1.0)}, blocked / "timings.json")  # its folder is a file: nothing raised
    save_timings({("a", CellId()): Timing(1.0)}, None)


def test_timings_come_from_the_cells_that_ran():
    from harness.judge import result_of

    ran, decided = planned(["ran", "decided"])
    results = [result_of(ran.case, ran.cell, Observation(duration_s=1.25, cpu_s=0.5), Judgement(Status.PASS, True)),
               result_of(decided.case, decided.cell, Observation(), Judgement(Status.UNSUPPORTED))]
    assert from_results(results) == {ran.cell.key: Timing(1.25, 0.5)}
