"""Results on disk: versioned JSON written atomically, an append-only journal during a run, reading back (checked
against the schema), merging."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import re
import signal
import tempfile
import threading
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from harness.errors import UsageError
from harness.judge import combine_by_cell
from harness.model import READABLE_SCHEMA_VERSIONS, Result, Run

RESULTS_NAME = "results.json"
JOURNAL_NAME = "results.partial.jsonl"
JOURNAL_VERSION = 1
SCHEMA_PATH = Path(__file__).parent / "schema" / "results.schema.json"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class ResultsError(Exception):
    """A results file that cannot be used; the message names the file."""


class ResultsNotWritten(OSError):
    """Results could not be written (a full disk, a folder taken away); the message names the file."""


def dumps(data: Any) -> str:
    """JSON as UTF-8 text: non-ASCII kept as is, but a lone surrogate (a file name's undecodable byte, as Python
    keeps it) written as its \\u escape, which json.loads turns back into the same string."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")  # the common case, and much quicker than searching for surrogates
        return text
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), text)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write to a temporary file beside the target, then rename: a reader never sees half a file.

    On failure (ENOSPC, EROFS, ...) the old file is untouched and the temporary one removed."""
    write_text_atomic(path, dumps(data))  # serialized first: an unserializable value leaves nothing behind


def blocking_file(path: Path) -> Optional[Path]:
    """A file where a folder on the way to `path` should be (mkdir would only say "File exists"), or None."""
    for parent in reversed(path.parents):
        if parent.exists() and not parent.is_dir():
            return parent
    return None


TERMINATING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class HeldSignals:
    """Ctrl+C, SIGTERM and SIGHUP wait while results are being written (no file is then left half written or a
    temporary file behind); release() puts the handlers back and says which arrived meanwhile. Only the main thread
    can hold them (it is the one that receives them); elsewhere this does nothing."""

    def __init__(self) -> None:
        self.arrived: List[int] = []
        self.previous: Dict[int, Any] = {}
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in TERMINATING_SIGNALS:
            handler = signal.getsignal(sig)
            if handler not in (signal.SIG_IGN, None):  # an ignored signal stays ignored; None: not set from Python
                self.previous[sig] = signal.signal(sig, self._arrive)

    def _arrive(self, signum: int, frame: Any) -> None:
        self.arrived.append(signum)

    def release(self, deliver: bool = True) -> List[int]:
        """Put the handlers back; with `deliver`, act on the first signal that arrived as if it came now."""
        previous, self.previous = self.previous, {}
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if deliver and self.arrived and previous:
            signal.raise_signal(self.arrived[0])
        return self.arrived


def write_text_atomic(path: Path, text: str) -> None:
    """UTF-8 text written beside the target and renamed over it; a lone surrogate is written as "\\udcff".

    A terminating signal that arrives meanwhile is acted on once the file is in place (HeldSignals)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    held = HeldSignals()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
        try:
            with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as f:
                f.write(text)
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
    finally:
        held.release()


def remove_stale_temporaries(folder: Path) -> List[Path]:
    """Remove the temporary files an earlier run left in its output folder (killed while writing results.json or
    its journal: `.results.json.*.tmp`); only for the run that holds the folder's lock. Returns what it removed."""
    removed = []
    for name in (RESULTS_NAME, JOURNAL_NAME):
        for stale in folder.glob(f".{name}.*.tmp"):
            try:
                stale.unlink()
                removed.append(stale)
            except OSError:
                pass
    return removed


def write_run(run: Run, path: Path) -> None:
    write_json_atomic(path, run.to_json())


def write_run_somewhere(run: Run, path: Path, fallbacks: Sequence[Path] = ()) -> Tuple[Path, str]:
    """Write the results where asked or, when that fails, in the first fallback folder that takes them.

    Returns where they went and, when that is not `path`, why (the problem to report; "" when all went well).
    Raises ResultsNotWritten when they could be written nowhere."""
    try:
        write_run(run, path)
        return path, ""
    except OSError as exc:
        problem = f"cannot write {path}: {exc.strerror or exc}"
    name = f"mpmatrix-results-{run.host.get('run_id', 'run')}.json"
    for folder in fallbacks:
        try:
            write_run(run, folder / name)
            return folder / name, problem
        except OSError:
            continue
    raise ResultsNotWritten(errno.EIO, f"{problem}, nor in {', '.join(str(f) for f in fallbacks) or 'any other folder'}")


# -- the journal ----------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Journaled:
    """What a journal holds: the run it belongs to and the results recorded so far."""

    run_id: str
    started: str
    results: Tuple[Result, ...]
    request: Dict[str, Any] = dataclasses.field(default_factory=dict)  # what the run was asked to run (RunRequest)


class Journal:
    """One line per finished cell, flushed at once, so a killed run loses only the cells in flight.

    Its first line names the run (run_id), so that a resumed run never mixes its journal with another run's
    results file. A new journal is written whole (header and `seed`, the results it carries over) and then
    appended to. A write that fails (a full disk) raises ResultsNotWritten, after which nothing more is written:
    at worst the last line is torn, which read_journal ignores."""

    def __init__(self, path: Path, run_id: str, started: str, seed: Sequence[Result] = (),
                 request: Optional[Dict[str, Any]] = None) -> None:
        self.path = path
        header = {"journal": JOURNAL_VERSION, "run_id": run_id, "started": started, "request": request or {}}
        text = "".join(dumps(item) + "\n" for item in [header, *(r.to_json() for r in seed)])
        held = HeldSignals()  # a signal meanwhile is acted on once the journal is in place, not half made
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(text)
                os.chmod(tmp, 0o644)  # as results.json: for everyone who may read the folder
                os.replace(tmp, path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
            self._file: Any = open(path, "a", encoding="utf-8")
        except OSError as exc:
            raise ResultsNotWritten(exc.errno, f"cannot write the journal {path}: {exc.strerror or exc}") from None
        finally:
            held.release()

    def append(self, result: Result) -> None:
        if self._file is None:
            return
        line = dumps(result.to_json()) + "\n"
        held = HeldSignals()  # Ctrl+C is acted on after the line, not in the middle of it
        try:
            self._file.write(line)
            self._file.flush()
        except OSError as exc:
            self._abandon()
            raise ResultsNotWritten(exc.errno, f"cannot write the journal {self.path}: {exc.strerror or exc}") from None
        finally:
            held.release()

    def _abandon(self) -> None:
        file, self._file = self._file, None
        try:
            file.close()
        except OSError:
            pass

    def close(self) -> None:
        if self._file is not None:
            self._abandon()


def read_journal(path: Path) -> Journaled:
    """The results recorded before an interruption or a crash; a torn last line (killed mid-write) is ignored.

    Raises ResultsError naming the file and line for anything else that is not as this harness writes it."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ResultsError(f"{path}: not UTF-8 text; expected a journal written by `mpmatrix run`") from None
    if lines and not lines[-1].endswith("}"):
        lines.pop()  # torn while being written
    header: Dict[str, Any] = {}
    results: List[Result] = []
    for number, line in enumerate(lines, 1):
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            if number == len(lines):
                break
            raise ResultsError(f"{path}:{number}: not valid JSON ({exc.msg}); expected a journal written by `mpmatrix run`") from None
        if number == 1:
            if not isinstance(data, dict) or data.get("journal") != JOURNAL_VERSION or not isinstance(data.get("run_id"), str):
                raise ResultsError(f"{path}:1: not a journal of this mpmatrix (expected a first line naming the run, "
                                   f"journal version {JOURNAL_VERSION})")
            header = data
            continue
        problem = schema_problem(data, _cell_schema())
        if problem:
            raise ResultsError(f"{path}:{number}: does not match the results schema: {problem}")
        results.append(Result.from_json(data))
    if not header:
        raise ResultsError(f"{path}: empty; expected a journal written by `mpmatrix run`")
    request = header.get("request")
    return Journaled(header["run_id"], str(header.get("started", "")), tuple(results),
                     request if isinstance(request, dict) else {})


# -- reading results files ------------------------------------------------------------------------------------


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
    except RecursionError:
        raise ResultsError(f"{path}: nested too deeply; expected a results file written by `mpmatrix run`") from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise ResultsError(f"{path}: no schema_version; expected a results file written by `mpmatrix run`")
    if data["schema_version"] not in READABLE_SCHEMA_VERSIONS or isinstance(data["schema_version"], bool):
        versions = " and ".join(str(v) for v in READABLE_SCHEMA_VERSIONS)
        raise ResultsError(f"{path}: schema_version {data['schema_version']!r}; this mpmatrix reads versions {versions}")
    problem = schema_problem(data)
    if problem:
        raise ResultsError(f"{path}: does not match the results schema: {problem}")
    return Run.from_json(data)


_SCHEMA: Dict[str, Any] = {}


def results_schema() -> Dict[str, Any]:
    if not _SCHEMA:
        _SCHEMA.update(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    return _SCHEMA


def _cell_schema() -> Dict[str, Any]:
    return results_schema()["properties"]["cells"]["items"]


def schema_problem(data: Any, schema: Optional[Dict[str, Any]] = None) -> str:
    """The first violation of the results schema (or of `schema`), or "": at every read, without jsonschema.

    Checks the keywords the schema uses (type, const, enum, required, properties, additionalProperties, items,
    pattern, minLength, minimum) as JSON Schema 2020-12 defines them; tests/test_schema.py checks it agrees with jsonschema."""
    found = _violation(data, results_schema() if schema is None else schema, [])
    if found is None:
        return ""
    where, message = found
    return f"at {'/'.join(where) or 'top level'}: {message}"


_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
}


def _json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON means it: true is not 1, 1 is 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _violation(value: Any, schema: Dict[str, Any], where: List[str]) -> Optional[Tuple[List[str], str]]:
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[kind](value) for kind in kinds):
            return where, f"{value!r} is not of type {' or '.join(repr(k) for k in kinds)}"
    if "const" in schema and not _json_equal(value, schema["const"]):
        return where, f"{schema['const']!r} was expected"
    if "enum" in schema and not any(_json_equal(value, option) for option in schema["enum"]):
        return where, f"{value!r} is not one of {schema['enum']!r}"
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            return where, f"{value!r} is shorter than {schema['minLength']}"
        if "pattern" in schema and re.search(schema["pattern"], value) is None:
            return where, f"{value!r} does not match {schema['pattern']!r}"
    if _TYPES["number"](value) and "minimum" in schema and value < schema["minimum"]:
        return where, f"{value!r} is less than the minimum of {schema['minimum']!r}"
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                return where, f"{key!r} is a required property"
        properties = schema.get("properties", {})
        for key, subschema in properties.items():
            if key in value:
                found = _violation(value[key], subschema, where + [key])
                if found is not None:
                    return found
        if isinstance(schema.get("additionalProperties"), dict):
            for key in value:
                if key not in properties:
                    found = _violation(value[key], schema["additionalProperties"], where + [str(key)])
                    if found is not None:
                        return found
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found = _violation(item, schema["items"], where + [str(index)])
            if found is not None:
                return found
    return None


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


def iter_failures(results: Iterable[Result]) -> List[Result]:
    return [r for r in results if r.status.is_failure]
