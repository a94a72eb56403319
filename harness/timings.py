"""Cell timings kept between runs (wall and CPU seconds per cell), so a run starts its longest cells first and knows
which cells compute and which wait."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple

from harness import files, results as results_io
from harness.model import CellId, Result

CACHE_ENV = "MPMATRIX_CACHE_DIR"  # where the cache goes; empty: no cache at all
FILE_NAME = "timings.json"
VERSION = 2  # 2: keyed by the full cell identity (version 1 by the minor version alone: such a cache is not read)
Key = Tuple[str, CellId]  # (case name, where): Result.key and Cell.key


@dataclass(frozen=True)
class Timing:
    """How long a cell took when it last ran, and how much CPU its processes used (None: not measured)."""

    duration_s: float
    cpu_s: Optional[float] = None


Timings = Dict[Key, Timing]


def cache_dir(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Optional[Path]:
    """The user's cache folder for mpmatrix (as platformdirs places it); $MPMATRIX_CACHE_DIR overrides, and an empty
    value turns the cache off."""
    if CACHE_ENV in environ:
        return Path(environ[CACHE_ENV]) if environ[CACHE_ENV] else None
    if platform == "win32":
        base = environ.get("LOCALAPPDATA") or os.path.join(os.path.expanduser("~"), "AppData", "Local")
        return Path(base) / "mpmatrix" / "Cache"
    if platform == "darwin":
        return Path(os.path.expanduser("~")) / "Library" / "Caches" / "mpmatrix"
    return Path(environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")) / "mpmatrix"


def cache_path(environ: Mapping[str, str] = os.environ) -> Optional[Path]:
    folder = cache_dir(environ)
    return None if folder is None else folder / FILE_NAME


def from_results(results: Iterable[Result]) -> Timings:
    """The timings of the cells that ran (a cell decided without running has no duration)."""
    return {r.key: Timing(r.observed.duration_s, r.observed.cpu_s) for r in results if r.observed.duration_s > 0}


def _text(key: Key) -> str:
    name, cell = key
    return json.dumps([name] + cell.to_list())


def _key(items: Any) -> Key:
    return str(items[0]), CellId.from_list(items[1:])


def load_timings(path: Optional[Path]) -> Timings:
    """The cached timings; an absent, unreadable or foreign file is no cache (timings only order cells)."""
    if path is None:
        return {}
    try:  # a regular file within its bound: the cache folder is the user's, but a pipe there must not hang a run
        data = json.loads(files.read_text(path, files.CACHE_LIMIT, "timings cache"))
        if data.get("version") != VERSION:
            return {}
        return {_key(json.loads(key)): Timing(float(value[0]), None if value[1] is None else float(value[1]))
                for key, value in data["cells"].items()}
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return {}


def save_timings(timings: Timings, path: Optional[Path]) -> None:
    """Merge these timings into the cache (newest wins), replacing the file at once so concurrent runs (tox's envs)
    never read half of it; a cache that cannot be written is no matter."""
    if path is None or not timings:
        return
    merged = load_timings(path)
    merged.update(timings)
    cells = {_text(key): [t.duration_s, t.cpu_s] for key, t in merged.items()}
    data = {"version": VERSION, "cells": dict(sorted(cells.items()))}
    try:
        results_io.write_json_atomic(path, data)
    except OSError:
        pass


def known_timings(results_path: Optional[Path]) -> Timings:
    """Earlier timings of the cells, to start the longest first and to know which compute: the user's cache, and the
    cells of an earlier results file (an output folder's, --mpmatrix-results) where the cache has none. Neither is any
    matter when it cannot be read."""
    known: Timings = {}
    try:
        if results_path is not None and results_path.is_file():  # one cell at a time: an earlier run may be large
            known = from_results(results_io.iter_results(results_path)[1])
    except (results_io.ResultsError, OSError):
        pass
    known.update(load_timings(cache_path()))
    return known
