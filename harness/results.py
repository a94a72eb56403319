"""Results on disk: versioned JSON written atomically, an append-only journal during a run, reading back, merging."""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Iterable, List, Sequence, Tuple

from harness.errors import UsageError
from harness.model import SCHEMA_VERSION, Result, Run, Status

RESULTS_NAME = "results.json"
JOURNAL_NAME = "results.partial.jsonl"
SCHEMA_PATH = Path(__file__).parent / "schema" / "results.schema.json"


class ResultsError(Exception):
    """A results file that cannot be used; the message names the file."""


def write_json_atomic(path: Path, data: Any) -> None:
    """Write to a temporary file beside the target, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a results file is for everyone who may read the folder
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_run(run: Run, path: Path) -> None:
    write_json_atomic(path, run.to_json())


class Journal:
    """One line per finished cell, flushed at once, so a killed run loses only the cells in flight."""

    def __init__(self, path: Path, resume: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file = open(path, "a" if resume else "w", encoding="utf-8")  # a new run starts a new journal

    def append(self, result: Result) -> None:
        self._file.write(json.dumps(result.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def read_journal(path: Path) -> List[Result]:
    """Results recorded before an interruption; a torn last line (killed mid-write) is ignored."""
    results: List[Result] = []
    if not path.exists():
        return results
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                results.append(Result.from_json(json.loads(line)))
            except (ValueError, KeyError, TypeError):
                continue
    return results


def read_run(path: Path) -> Run:
    """Read and check one results file; raises ResultsError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ResultsError(f"{path}: not UTF-8 text; expected a results JSON file") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); expected a results file written by `mpmatrix run`") from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise ResultsError(f"{path}: no schema_version; expected a results file written by `mpmatrix run`")
    if data["schema_version"] != SCHEMA_VERSION:
        raise ResultsError(f"{path}: schema_version {data['schema_version']!r}; this mpmatrix reads version {SCHEMA_VERSION}")
    problem = schema_problem(data)
    if problem:
        raise ResultsError(f"{path}: does not match the results schema: {problem}")
    return Run.from_json(data)


def schema_problem(data: Any) -> str:
    """The first schema violation, or ''. Uses jsonschema where installed, else checks the essentials."""
    try:
        import jsonschema
    except ImportError:  # a lean install still refuses the worst
        cells = data.get("cells")
        if not isinstance(cells, list):
            return "'cells' must be a list"
        for index, cell in enumerate(cells):
            for key in ("case", "status", "python", "start_method", "platform"):
                if not isinstance(cell, dict) or key not in cell:
                    return f"cells[{index}] has no {key!r}"
        return ""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if error is None:
        return ""
    where = "/".join(str(p) for p in error.absolute_path) or "top level"
    return f"at {where}: {error.message}"


def load_runs(paths: Sequence[str]) -> List[Tuple[str, Run]]:
    """Every results file under the paths, read and checked; a problem is a UsageError naming the file."""
    files = results_files(paths)
    if not files:
        raise UsageError(f"no results files in {', '.join(paths)}; run `mpmatrix run` first")
    runs = []
    for path in files:
        try:
            runs.append((str(path), read_run(path)))
        except ResultsError as exc:
            raise UsageError(str(exc)) from None
    return runs


def results_files(paths: Sequence[str]) -> List[Path]:
    """Files named, and *.json files inside folders named (sorted)."""
    files: List[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.json") if not p.name.startswith(".")))
        else:
            files.append(path)
    return files


def merge(runs: Sequence[Tuple[str, Run]]) -> Run:
    """One run from several: the same cell seen twice merges; seen with different outcomes it becomes flaky."""
    merged = combine_by_cell(result for _, run in runs for result in run.results)
    started = min((r.started for _, r in runs if r.started), default="")
    finished = max((r.finished for _, r in runs if r.finished), default="")
    interpreters: Dict[str, Dict[str, Any]] = {}
    for _, run in runs:
        for info in run.interpreters:
            interpreters[json.dumps(info, sort_keys=True)] = info
    return Run(
        results=tuple(merged), started=started, finished=finished, complete=all(r.complete for _, r in runs),
        host={"merged": len(runs)}, interpreters=tuple(interpreters.values()),
        harness_version=runs[0][1].harness_version if runs else "", sources=tuple(name for name, _ in runs),
    )


def combine_by_cell(results: Iterable[Result]) -> List[Result]:
    """Every cell once: observations of the same cell (repeats, several runs) combined, in first-seen order."""
    by_key: Dict[Tuple[str, ...], List[Result]] = {}
    for result in results:
        by_key.setdefault(result.key, []).append(result)
    return [combine(group) for group in by_key.values()]


def combine(results: Sequence[Result]) -> Result:
    """Several observations of one cell: the same behaviour merges, differing behaviours make the cell flaky.

    A case that declares itself nondeterministic keeps its status while every observation passed: the distinct
    observations and their counts are kept as the evidence of its race."""
    if len(results) == 1:
        return results[0]
    counts = Counter(r.signature() for r in results)
    if len(counts) == 1:
        return results[0]
    first_of: Dict[Tuple[Any, ...], Result] = {}
    for result in results:
        first_of.setdefault(result.signature(), result)
    observations = tuple(
        {"count": counts[sig], "status": r.status.label, "exit": r.exit, "exception": r.exception, "stdout": r.stdout, "stderr": r.stderr}
        for sig, r in first_of.items()
    )
    base = results[0]
    summary = ", ".join(f"{o['status']} ×{o['count']}" for o in observations)
    if base.nondeterministic and all(r.status is base.status and not r.status.is_failure for r in results):
        usual = first_of[counts.most_common(1)[0][0]]  # the cell shows its most frequent outcome; the rest are kept
        message = f"{len(observations)} different accepted observations ({summary}); the case declares why: {base.nondeterministic}"
        return dataclasses.replace(usual, message=message, observations=observations)
    return dataclasses.replace(base, status=Status.FLAKY, message=f"{len(observations)} different observations: {summary}", observations=observations)


def iter_failures(results: Iterable[Result]) -> List[Result]:
    return [r for r in results if r.status.is_failure]
