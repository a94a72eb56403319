"""The one data model: what to run (Case, Interpreter, Cell), what happened (Observation), how it was judged (Result, Run)."""

from __future__ import annotations

import dataclasses
import enum
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

SCHEMA_VERSION = 1
START_METHODS = ("fork", "spawn", "forkserver")
# A case whose claim does not depend on how processes start (threads, coroutines) runs once per interpreter, under
# the interpreter's own default start method, left as the interpreter chose it: its cells' start method is this.
DEFAULT_METHOD = "default"
CASE_METHODS = START_METHODS + (DEFAULT_METHOD,)
PLATFORMS = ("linux", "darwin", "win32")
PLATFORM_NAMES = {"linux": "Linux", "darwin": "macOS", "win32": "Windows"}
# sys.implementation.name of the Python implementations a case may select; CPython's tags carry no prefix.
IMPLEMENTATIONS = ("cpython", "pypy", "graalpy")
IMPLEMENTATION_NAMES = {"cpython": "CPython", "pypy": "PyPy", "graalpy": "GraalPy"}


def python_tag(version: str, free_threaded: bool = False) -> str:
    """The language version of a column: 3.12, 3.13t (free-threaded). PyPy 3.11 is Python 3.11 here."""
    return ".".join(version.split(".")[:2]) + ("t" if free_threaded else "")


def interpreter_tag(implementation: str, version: str, free_threaded: bool = False) -> str:
    """A matrix column's name: 3.12 and 3.13t for CPython, the implementation first otherwise (pypy3.11)."""
    prefix = "" if implementation == "cpython" else implementation
    return prefix + python_tag(version, free_threaded)


def implementation_name(implementation: str) -> str:
    """CPython, PyPy: how people write it."""
    return IMPLEMENTATION_NAMES.get(implementation, implementation)


_TAG = re.compile(r"^(?P<implementation>[a-z]*)(?P<version>\d+\.\d+)(?P<threaded>t?)$")


def split_tag(tag: str) -> Tuple[str, str, bool]:
    """pypy3.11 -> ("pypy", "3.11", False); 3.13t -> ("cpython", "3.13", True); anything else as CPython."""
    match = _TAG.match(tag)
    if match is None:
        return "cpython", tag, False
    return match["implementation"] or "cpython", match["version"], bool(match["threaded"])


def tag_key(tag: str) -> Tuple[Any, ...]:
    """Column order: CPython first (3.9 < 3.10 < 3.13 < 3.13t < 3.14), then each other implementation by version."""
    implementation, version, threaded = split_tag(tag)
    numbers = tuple(int(part) for part in re.findall(r"\d+", version))
    return (implementation != "cpython", implementation, numbers, threaded, tag)


def tag_label(tag: str) -> str:
    """A column as a header shows it: CPython 3.11, CPython 3.13t, PyPy 3.11."""
    implementation, version, threaded = split_tag(tag)
    return f"{implementation_name(implementation)} {version}{'t' if threaded else ''}"


# The symbols every report shows (terminal, Markdown, HTML), so that a reader of one can read the others. Each is a
# single terminal column wide (no East Asian "ambiguous" width except † and ‡, which terminals draw narrow) and is in
# DejaVu, the fallback font of most Linux desktops: ◷ rather than ⧖ for a timeout, which many fonts lack.
METHOD_ABBREV = {"fork": "F", "spawn": "S", "forkserver": "V", DEFAULT_METHOD: "D"}
DEFAULT_MARK = "*"  # after a start method's letter: the default start method of that platform and interpreter
NOT_OBSERVED = "?"


def method_legend(methods_seen) -> Tuple[Tuple[str, str], ...]:
    """(abbreviation, start method) pairs a legend explains: the three start methods always, `default` where seen."""
    return tuple((a, m) for m, a in METHOD_ABBREV.items() if m in START_METHODS or m in methods_seen)  # no run holds this cell: it says nothing about the case there, least of all that it passed


class Status(enum.Enum):
    """How a cell ended, judged against its expectation. Each member knows whether it is a failure."""

    PASS = ("pass", False, "✓")
    FAIL = ("fail", True, "✗")
    RECORDED = ("recorded", False, "○")
    UNSUPPORTED = ("unsupported", False, "·")
    SKIP = ("skip", False, "-")
    TIMEOUT = ("timeout", True, "◷")
    CRASH = ("crash", True, "☠")
    LEAK = ("leak", True, "⚠")
    FLAKY = ("flaky", True, "≈")
    ERROR = ("error", True, "E")

    def __init__(self, label: str, is_failure: bool, symbol: str) -> None:
        self.label = label
        self.is_failure = is_failure
        self.symbol = symbol

    @classmethod
    def from_label(cls, label: str) -> "Status":
        for member in cls:
            if member.label == label:
                return member
        raise ValueError(f"unknown status {label!r}; expected one of {', '.join(m.label for m in cls)}")


class Verdict(enum.Enum):
    """What a cell says about its case's claim. Each member knows its mark (shown after the status symbol) and its
    name in CSS classes."""

    HOLDS = ("holds", "")
    REFUTED = ("refuted", "†")  # the cell behaved as expected, and that behaviour refutes the claim
    KNOWN_BUG = ("known bug", "‡")  # the expectation declares a known upstream bug: neither holds nor refuted
    UNSETTLED = ("unsettled", "")  # the observation did not match the expectation: it says nothing about the claim
    NOT_JUDGED = ("not judged", "")  # no expectation applies, or the case did not run there (unsupported, skipped)

    def __init__(self, label: str, mark: str) -> None:
        self.label = label
        self.mark = mark

    @property
    def css(self) -> str:
        return self.label.replace(" ", "-")


@dataclass(frozen=True)
class Interpreter:
    """A Python installation that can run cells."""

    executable: str
    implementation: str = "cpython"
    version: str = "0.0.0"  # full version, e.g. 3.12.1
    free_threaded: bool = False
    platform: str = "linux"  # sys.platform
    machine: str = ""
    start_methods: Tuple[str, ...] = START_METHODS
    default_start_method: str = "fork"
    stdlib_dirs: Tuple[str, ...] = ()
    source: str = "current"  # how it was found: current, path, pyenv, py-launcher, explicit
    implementation_version: str = ""  # the implementation's own version: PyPy 7.3.11 runs Python 3.9.16

    @property
    def tag(self) -> str:
        """The matrix column: 3.12, 3.13t, pypy3.11."""
        return interpreter_tag(self.implementation, self.version, self.free_threaded)

    @property
    def python_tag(self) -> str:
        """The language version alone: 3.11 for CPython 3.11 and PyPy 3.11 alike."""
        return python_tag(self.version, self.free_threaded)


@dataclass(frozen=True)
class Cell:
    """One thing to run: a case under one interpreter and one start method."""

    case_name: str
    case_path: str
    interpreter: Interpreter
    start_method: str
    repeat_index: int = 0

    @property
    def key(self) -> Tuple[str, str, str, str, str]:
        """The same as the key of the result it yields (Result.key): resume and timing history match by it."""
        i = self.interpreter
        return (self.case_name, i.implementation, i.python_tag, i.platform, self.start_method)


@dataclass(frozen=True)
class Leftover:
    """A process of the cell still present after its main process ended."""

    pid: int
    cmdline: str
    zombie: bool = False


@dataclass(frozen=True)
class Observation:
    """What happened when a cell ran: raw facts, nothing judged."""

    exit: Optional[int] = None  # exit code, None when killed by a signal or not run
    signal: Optional[str] = None  # e.g. SIGINT when the main process died by a signal
    stdout: str = ""
    stderr: str = ""
    stdout_dropped: int = 0  # bytes beyond the cap, counted not stored
    stderr_dropped: int = 0
    invalid_utf8: bool = False
    duration_s: float = 0.0
    timed_out: bool = False
    stacks: str = ""  # faulthandler dump taken before a timeout
    leftovers: Tuple[Leftover, ...] = ()
    harness_error: str = ""  # the harness could not run the cell at all
    cpu_s: Optional[float] = None  # user+sys of the cell's whole process tree; None where it is not measured

    @property
    def exit_label(self) -> Optional[str]:
        """The exit as case files write it: an int as text, or signal:NAME."""
        if self.signal:
            return f"signal:{self.signal}"
        return None if self.exit is None else str(self.exit)


@dataclass(frozen=True)
class Result:
    """An observation judged against the case's expectation in that cell."""

    case: str
    case_path: str
    ids: Tuple[str, ...]
    claim: str
    python: str  # full version
    implementation: str
    free_threaded: bool
    platform: str
    machine: str
    start_method: str
    default_start_method: str
    status: Status
    holds: Optional[bool]  # None when no expectation applies
    exit: Optional[str]  # "0", "1", "signal:SIGINT", or None
    exception: str
    stdout: str  # normalized
    stderr: str  # normalized
    stdout_raw: str
    stderr_raw: str
    duration_s: float
    message: str = ""  # why the status is what it is
    diff: str = ""  # unified diff against the expectation, pattern lines as written
    expectation: str = ""  # which tables applied, e.g. "[expect] + [[expect.when]] at line 14"
    stdout_dropped: int = 0
    stderr_dropped: int = 0
    invalid_utf8: bool = False
    stacks: str = ""
    leftovers: Tuple[Leftover, ...] = ()
    observations: Tuple[Dict[str, Any], ...] = ()  # for flaky cells: each distinct observation and its count
    nondeterministic: str = ""  # the case declares (with evidence) that accepted outcomes vary between runs
    checked: Tuple[str, ...] = ()  # what the applied expectation compares (exit, exception, stdout, stderr); () = none
    case_digest: str = ""  # "sha256:..." of the case file as run: --resume runs a cell again when it changed
    source: str = ""  # the case's `source`: where the claim is made (a URL or `seed §heading`)
    known_bug: str = ""  # the applied expectation's `known_bug` reason: a known upstream bug, neither holds nor refuted
    implementation_version: str = ""  # PyPy's own version (7.3.11); for CPython the same as python
    cpu_s: Optional[float] = None  # user+sys of the cell's process tree (cpu_s / duration_s: computes or waits)

    @property
    def expected_verdict(self) -> Verdict:
        """What the applied expectation says about the claim here, whether or not the observation matched it."""
        if self.known_bug:
            return Verdict.KNOWN_BUG
        return {True: Verdict.HOLDS, False: Verdict.REFUTED, None: Verdict.NOT_JUDGED}[self.holds]

    @property
    def verdict(self) -> Verdict:
        """What this cell establishes about the claim: only an observation that matched its expectation decides."""
        if self.status.is_failure:
            return Verdict.UNSETTLED
        if self.status in (Status.UNSUPPORTED, Status.SKIP, Status.ERROR):
            return Verdict.NOT_JUDGED
        return self.expected_verdict

    def compared_streams(self) -> Tuple[str, ...]:
        """The output streams that make up this cell's behaviour: those its expectation checks, or all when none does."""
        if not self.checked:
            return ("stdout", "stderr")
        return tuple(s for s in ("stdout", "stderr") if s in self.checked)

    @property
    def python_tag(self) -> str:
        """The language version (the python axis): 3.11 for CPython 3.11 and PyPy 3.11 alike."""
        return python_tag(self.python, self.free_threaded)

    @property
    def tag(self) -> str:
        """The interpreter's column: 3.11, 3.13t, pypy3.11."""
        return interpreter_tag(self.implementation, self.python, self.free_threaded)

    @property
    def key(self) -> Tuple[str, str, str, str, str]:
        return (self.case, self.implementation, self.python_tag, self.platform, self.start_method)

    def signature(self) -> Tuple[Any, ...]:
        """What makes two observations of the same cell the same behaviour."""
        alive = sum(1 for x in self.leftovers if not x.zombie)  # a zombie still being reaped is timing, not behaviour
        streams = self.compared_streams()  # output the case does not check (warnings, noise) is not its behaviour
        stdout = self.stdout if "stdout" in streams else None
        stderr = self.stderr if "stderr" in streams else None
        exception = self.exception if not self.checked or "exception" in self.checked else None
        return (self.status.label, self.exit, exception, stdout, stderr, alive)

    def to_json(self) -> Dict[str, Any]:
        data = dataclasses.asdict(self)
        data["status"] = self.status.label
        data["ids"] = list(self.ids)
        data["leftovers"] = [dataclasses.asdict(x) for x in self.leftovers]
        data["observations"] = list(self.observations)
        data["checked"] = list(self.checked)
        return data

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "Result":
        """From a cell the schema accepts: what the schema leaves optional gets its empty value."""
        values = {"claim": "", "free_threaded": False, "machine": "", "default_start_method": "", "exception": ""}
        values.update(data)
        values["status"] = Status.from_label(values["status"])
        values["ids"] = tuple(values.get("ids", ()))
        values["leftovers"] = tuple(Leftover(x["pid"], x["cmdline"], x["zombie"]) for x in values.get("leftovers", ()))
        values["observations"] = tuple(values.get("observations", ()))
        values["checked"] = tuple(values.get("checked", ()))
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass(frozen=True)
class Run:
    """All results of one run, and where and when it happened."""

    results: Tuple[Result, ...]
    started: str
    finished: str = ""
    complete: bool = True
    host: Dict[str, Any] = field(default_factory=dict)
    interpreters: Tuple[Dict[str, Any], ...] = ()
    harness_version: str = ""
    sources: Tuple[str, ...] = ()  # for merged runs: the files they came from

    @property
    def failed(self) -> bool:
        return any(r.status.is_failure for r in self.results)

    def to_json(self) -> Dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "harness_version": self.harness_version,
            "started": self.started,
            "finished": self.finished,
            "complete": self.complete,
            "host": dict(self.host),
            "interpreters": list(self.interpreters),
            "sources": list(self.sources),
            "cells": [r.to_json() for r in self.results],
        }

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "Run":
        return cls(
            results=tuple(Result.from_json(c) for c in data["cells"]),
            started=data.get("started", ""),
            finished=data.get("finished", ""),
            complete=data.get("complete", True),
            host=dict(data.get("host", {})),
            interpreters=tuple(data.get("interpreters", ())),
            harness_version=data.get("harness_version", ""),
            sources=tuple(data.get("sources", ())),
        )


def results_by_key(results: List[Result]) -> Dict[Tuple[str, ...], Result]:
    return {r.key: r for r in results}
