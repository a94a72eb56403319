"""Results on disk: versioned JSON written atomically (one cell a line), an append-only journal during a run (the
run's record: each result whole on disk, brief in memory), reading back (bounded, checked against the schema, a line
at a time where the layout allows), merging."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import math
import os
import re
import signal
import tempfile
import threading
from pathlib import Path
from typing import IO, Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from harness import files
from harness.errors import UsageError
from harness.judge import combine, combine_by_cell
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


def write_text_atomic(path: Path, text: str, mode: int = 0o644) -> None:
    """UTF-8 text written beside the target and renamed over it; a lone surrogate is written as "\\udcff".

    A terminating signal that arrives meanwhile is acted on once the file is in place (HeldSignals)."""
    write_chunks_atomic(path, [text.encode("utf-8", "backslashreplace")], mode)


def write_chunks_atomic(path: Path, chunks: Iterable[bytes], mode: int = 0o644) -> None:
    """The one way a file is replaced here (results.json, a journal's start, the timings cache, a report's -o): the
    chunks are written as they come to a temporary file beside `path`, so that the whole is never in memory, then
    flushed to disk and renamed over it; an exception meanwhile (from `chunks`, ENOSPC, EROFS, ...) leaves the old
    file as it was and no temporary file behind. A terminating signal meanwhile is acted on once the file is in
    place (HeldSignals)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    held = HeldSignals()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in chunks:
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, mode)  # mkstemp makes it private; a results file is for everyone who may read the folder
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


def fallback_folders(folder: Path) -> List[Path]:
    """Where results go when `folder` cannot take them (a full disk, no right to write): other file systems,
    likely: the temporary folder, then the home folder."""
    candidates = [Path(tempfile.gettempdir()), Path.home()]
    try:
        asked = folder.resolve()
    except OSError:
        asked = folder
    return [c for c in candidates if c.is_dir() and c.resolve() != asked]


Cells = Callable[[], Iterable[Result]]  # the cells of a run, whole, as often as asked (a journal reads them back)
_CELLS_OPEN = ',"cells":['


def results_chunks(run: Run, cells: Optional[Cells] = None) -> Iterator[str]:
    """results.json as written: the run's keys on its first line, then one cell a line, each made when it is
    written (dumps: no lone surrogate, so UTF-8 always encodes it). A reader can take such a file one line at a time
    (iter_results); any JSON reader takes it whole."""
    head = dumps(run.header_json())
    yield head[:-1] + _CELLS_OPEN
    separator = "\n"
    for result in (cells() if cells is not None else run.results):
        yield separator + dumps(result.to_json())
        separator = ",\n"
    yield "\n]}\n"


def write_run(run: Run, path: Path, cells: Optional[Cells] = None) -> None:
    """The run's results file, replaced atomically; its cells are `cells()` when given (whole results, where the run
    holds brief ones), else its own."""
    write_chunks_atomic(path, (chunk.encode("utf-8") for chunk in results_chunks(run, cells)))


def write_run_somewhere(run: Run, path: Path, fallbacks: Sequence[Path] = (),
                        cells: Optional[Cells] = None) -> Tuple[Path, str]:
    """Write the results where asked or, when that fails, in the first fallback folder that takes them.

    Returns where they went and, when that is not `path`, why (the problem to report; "" when all went well).
    Raises ResultsNotWritten when they could be written nowhere."""
    try:
        write_run(run, path, cells)
        return path, ""
    except OSError as exc:
        blocked = blocking_file(path)
        problem = f"cannot write {path}: " + (f"{blocked} is a file, not a folder" if blocked else exc.strerror or str(exc))
    run_id = re.sub(r"[^A-Za-z0-9_-]", "_", str(run.host.get("run_id", "run")))[:64]  # a file name, whatever it says
    name = f"mpmatrix-results-{run_id}.json"
    for folder in fallbacks:
        try:
            write_run(run, folder / name, cells)
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


def _line(result: Result) -> bytes:
    return (dumps(result.to_json()) + "\n").encode("utf-8")  # dumps writes a lone surrogate as its \\u escape


class Journal:
    """One line per finished cell, flushed at once, so a killed run loses only the cells in flight; and the run's
    record in memory: each result brief (Result.brief: long texts cut to their head), with where its line is, so
    that results.json is written from the journal cell by cell (combined()) and what a run holds in memory does not
    grow with what its cells print.

    Its first line names the run (run_id), so that a resumed run never mixes its journal with another run's
    results file. A new journal is written whole (header and `seed`, the results it carries over, taken one at a
    time) and then appended to. A write that fails (a full disk) raises ResultsNotWritten, after which nothing more
    is written and every later result is kept whole in memory: at worst the last line is torn, which read_journal
    ignores."""

    def __init__(self, path: Path, run_id: str, started: str, seed: Iterable[Result] = (),
                 request: Optional[Dict[str, Any]] = None) -> None:
        self.path = path
        self._brief: List[Result] = []
        self._lines: List[Optional[Tuple[int, int]]] = []  # (offset, length) of each result's line; None: not written
        self._whole: Dict[int, Result] = {}  # the results whose line could not be written, by their index
        self._end = 0
        header = {"journal": JOURNAL_VERSION, "run_id": run_id, "started": started, "request": request or {}}

        def lines() -> Iterator[bytes]:  # the header, then `seed` one at a time: a resumed run's record is never
            # all in memory
            first = (dumps(header) + "\n").encode("utf-8")
            self._end = len(first)
            yield first
            for result in seed:
                line = _line(result)
                yield line
                self._note(result, (self._end, len(line)))
                self._end += len(line)

        held = HeldSignals()  # a signal meanwhile is acted on once the journal is open for appending, not half made
        try:
            write_chunks_atomic(path, lines())
            self._file: Any = open(path, "ab")
        except OSError as exc:
            raise ResultsNotWritten(exc.errno, f"cannot write the journal {path}: {exc.strerror or exc}") from None
        finally:
            held.release()
        self.seeded = len(self._brief)

    def _note(self, result: Result, line: Optional[Tuple[int, int]]) -> None:
        if line is None:
            self._whole[len(self._brief)] = result
        self._brief.append(result.brief())
        self._lines.append(line)

    def append(self, result: Result) -> int:
        """Journal a result and keep it brief; returns its place among the results (for whole())."""
        if self._file is None:
            self._note(result, None)
            return len(self._brief) - 1
        line = _line(result)
        held = HeldSignals()  # Ctrl+C is acted on after the line, not in the middle of it
        try:
            self._file.write(line)
            self._file.flush()
        except OSError as exc:
            self._abandon()
            self._note(result, None)
            raise ResultsNotWritten(exc.errno, f"cannot write the journal {self.path}: {exc.strerror or exc}") from None
        finally:
            held.release()
        self._note(result, (self._end, len(line)))
        self._end += len(line)
        return len(self._brief) - 1

    def results(self) -> List[Result]:
        """Every result recorded (carried over and appended), brief, in the order they came."""
        return list(self._brief)

    def combined(self) -> Iterator[Result]:
        """Every cell once, whole (read back from the journal) and combined as combine_by_cell combines them, in
        the same order: one cell's observations in memory at a time."""
        groups: Dict[Tuple[Any, ...], List[int]] = {}
        for index, result in enumerate(self._brief):
            groups.setdefault(result.key, []).append(index)
        with self._reading() as read:
            for indices in groups.values():
                yield combine([read(index) for index in indices])

    def whole(self, indices: Iterable[int]) -> Iterator[Result]:
        """The results at these places (append's), whole, in the order given: one in memory at a time."""
        with self._reading() as read:
            for index in indices:
                yield read(index)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Callable[[int], Result]]:
        try:
            with open(self.path, "rb") as f:
                yield lambda index: self._read(f, index)
        except OSError as exc:  # removed or taken away during the run
            raise ResultsNotWritten(exc.errno, f"cannot read back the journal {self.path}: {exc.strerror or exc}") from None

    def _read(self, f: IO[bytes], index: int) -> Result:
        line = self._lines[index]
        if line is None:
            return self._whole[index]
        f.seek(line[0])
        return Result.from_json(json.loads(f.read(line[1]).decode("utf-8")))

    def _abandon(self) -> None:
        file, self._file = self._file, None
        try:
            file.close()
        except OSError:
            pass

    def close(self) -> None:
        if self._file is not None:
            self._abandon()


class JournalFile:
    """A journal read back, one line at a time: its header at once (a ResultsError when it is not one of this
    mpmatrix), then results(), each line bounded (harness.files.JOURNAL_LINE_LIMIT) and checked against the schema.
    A torn last line (killed mid-write) is ignored."""

    EXPECTED = "expected a journal written by `mpmatrix run`"

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._open() as f:
            first = self._next(f, 1)
        if first is None:
            raise ResultsError(f"{path}: empty; {self.EXPECTED}")
        data = _parse(first, path, 1, self.EXPECTED) if first.endswith("}") else None
        if not isinstance(data, dict) or data.get("journal") != JOURNAL_VERSION or not isinstance(data.get("run_id"), str):
            raise ResultsError(f"{path}:1: not a journal of this mpmatrix (expected a first line naming the run, "
                               f"journal version {JOURNAL_VERSION})")
        self.run_id: str = data["run_id"]
        self.started = str(data.get("started", ""))
        request = data.get("request")
        self.request: Dict[str, Any] = request if isinstance(request, dict) else {}  # what the run was asked to run

    def _open(self) -> IO[bytes]:
        try:
            return files.open_regular(self.path, files.JOURNAL_LIMIT, "journal")
        except OSError as exc:
            raise ResultsError(f"{self.path}: cannot read: {files.described(exc)}; {self.EXPECTED}") from None

    def _next(self, f: IO[bytes], number: int) -> Optional[str]:
        """The next line, without its line break; None at the end."""
        try:
            raw = f.readline(files.JOURNAL_LINE_LIMIT + 1)
        except OSError as exc:
            raise ResultsError(f"{self.path}:{number}: cannot read: {files.described(exc)}") from None
        if not raw:
            return None
        if len(raw) > files.JOURNAL_LINE_LIMIT:
            raise ResultsError(f"{self.path}:{number}: a line of more than {files.size_words(files.JOURNAL_LINE_LIMIT)}; "
                               f"{self.EXPECTED}")
        try:
            return raw.decode("utf-8").rstrip("\n")
        except UnicodeDecodeError:
            raise ResultsError(f"{self.path}:{number}: not UTF-8 text; {self.EXPECTED}") from None

    def results(self) -> Iterator[Result]:
        schema = _cell_schema()
        with self._open() as f:
            self._next(f, 1)
            number, line = 2, self._next(f, 2)
            while line is not None:
                following = self._next(f, number + 1)
                last = following is None
                if last and not line.endswith("}"):
                    return  # torn while being written
                try:
                    data = _parse(line, self.path, number, self.EXPECTED)
                except ResultsError:
                    if last:
                        return
                    raise
                problem = schema_problem(data, schema)
                if problem:
                    raise ResultsError(f"{self.path}:{number}: does not match the results schema: {problem}")
                yield Result.from_json(data)
                number, line = number + 1, following


def read_journal(path: Path) -> Journaled:
    """The results recorded before an interruption or a crash; a torn last line (killed mid-write) is ignored.

    Raises ResultsError naming the file and line for anything else that is not as this harness writes it."""
    journal = JournalFile(path)
    return Journaled(journal.run_id, journal.started, tuple(journal.results()), journal.request)


# -- reading results files ------------------------------------------------------------------------------------

# Bounds on what a reader takes from a results file or journal (files others may have written): nesting (the JSON
# reader recurses once per level; a results file nests five deep) and the length of numbers (counts, sizes,
# seconds and pids, none near 40 characters; int() refuses more than 4,300 digits, and a report would choke on
# them). NaN and Infinity, which Python's reader takes, are no JSON.
MAX_JSON_NESTING = 64
MAX_NUMBER_CHARS = 40
_JSON_TOKEN = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|[\[\]{}]|-?[0-9][0-9.eE+-]*|[A-Za-z]+|"')


def _parse(text: str, path: Path, first_line: int, expected: str) -> Any:
    """JSON text read within the bounds above; a ResultsError names the file and the line of what breaks one (or of
    the JSON error)."""

    def error(offset: int, message: str) -> ResultsError:
        return ResultsError(f"{path}:{first_line + text.count(chr(10), 0, offset)}: {message}; {expected}")

    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        value = token.group()
        first = value[0]
        if first == '"':
            if len(value) == 1:
                break  # a string never closed: the JSON reader says where
        elif first in "[{":
            depth += 1
            if depth > MAX_JSON_NESTING:
                raise error(token.start(), f"arrays and objects nested more than {MAX_JSON_NESTING} deep")
        elif first in "]}":
            depth -= 1
        elif first.isalpha():
            if value in ("NaN", "Infinity"):
                raise error(token.start(), f"{value} is not a JSON number")
        elif len(value) > MAX_NUMBER_CHARS:
            raise error(token.start(), f"a number of {len(value):,} characters (more than {MAX_NUMBER_CHARS})")
        elif not value.lstrip("-").isdigit():
            try:
                if not math.isfinite(float(value)):
                    raise error(token.start(), f"{value} is beyond the largest JSON number a reader keeps")
            except ValueError:
                pass  # not a number: the JSON reader says so
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise error(exc.pos, f"not valid JSON ({exc.msg})") from None
    except (ValueError, RecursionError, MemoryError) as exc:  # what the bounds above may not foresee
        raise error(0, f"not readable as JSON ({exc!r})") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_run(path: Path) -> Run:
    """Read and check one results file; raises ResultsError naming the file."""
    expected = "expected a results file written by `mpmatrix run`"
    try:
        text = files.read_text(path, files.RESULTS_LIMIT, "results file")
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read: {files.described(exc)}") from None
    except UnicodeDecodeError:
        raise ResultsError(f"{path}: not UTF-8 text; expected a results JSON file") from None
    data = _parse(text, path, 1, expected)
    del text
    _check_header(data, path)
    problem = schema_problem(data)
    if problem:
        raise ResultsError(f"{path}: does not match the results schema: {problem}")
    return Run.from_json(data)


def _check_header(data: Any, path: Path) -> None:
    if not isinstance(data, dict) or "schema_version" not in data:
        raise ResultsError(f"{path}: no schema_version; expected a results file written by `mpmatrix run`")
    if data["schema_version"] not in READABLE_SCHEMA_VERSIONS or isinstance(data["schema_version"], bool):
        versions = " and ".join(str(v) for v in READABLE_SCHEMA_VERSIONS)
        raise ResultsError(f"{path}: schema_version {data['schema_version']!r}; this mpmatrix reads versions {versions}")


def iter_results(path: Path) -> Tuple[Run, Iterator[Result]]:
    """A results file's run (without its cells) and its cells, one at a time when the file is laid out as a run
    writes it (results_chunks: one cell a line), else read whole; each cell checked against the schema."""
    expected = "expected a results file written by `mpmatrix run`"
    try:
        f = files.open_regular(path, files.JOURNAL_LIMIT, "results file")
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read: {files.described(exc)}") from None
    with f:
        first = f.readline(files.JOURNAL_LINE_LIMIT + 1).decode("utf-8", "replace").rstrip("\n")
    if not first.endswith(_CELLS_OPEN):
        run = read_run(path)
        return dataclasses.replace(run, results=()), iter(run.results)
    header = _parse(first[: -len(_CELLS_OPEN)] + "}", path, 1, expected)
    _check_header(header, path)
    problem = schema_problem(dict(header, cells=[]))
    if problem:
        raise ResultsError(f"{path}: does not match the results schema: {problem}")
    return Run.from_json(dict(header, cells=[])), _cells_by_line(path, expected)


def _cells_by_line(path: Path, expected: str) -> Iterator[Result]:
    schema = _cell_schema()
    with files.open_regular(path, files.JOURNAL_LIMIT, "results file") as f:
        f.readline(files.JOURNAL_LINE_LIMIT + 1)
        for number, raw in enumerate(iter(lambda: f.readline(files.JOURNAL_LINE_LIMIT + 1), b""), 2):
            if len(raw) > files.JOURNAL_LINE_LIMIT:
                raise ResultsError(f"{path}:{number}: a line of more than "
                                   f"{files.size_words(files.JOURNAL_LINE_LIMIT)}; {expected}")
            try:
                line = raw.decode("utf-8").rstrip("\n")
            except UnicodeDecodeError:
                raise ResultsError(f"{path}:{number}: not UTF-8 text; {expected}") from None
            if line == "]}":
                return
            if not line.startswith("{"):
                raise ResultsError(f"{path}:{number}: not a cell of a results file as `mpmatrix run` writes one; {expected}")
            data = _parse(line[:-1] if line.endswith(",") else line, path, number, expected)
            problem = schema_problem(data, schema)
            if problem:
                raise ResultsError(f"{path}:{number}: does not match the results schema: {problem}")
            yield Result.from_json(data)
    raise ResultsError(f"{path}: ends before its last cell; {expected}")


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
