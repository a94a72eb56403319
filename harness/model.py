"""The one data model: where a cell runs (CellId, its axes, and the Layout that names columns), what to run (Interpreter,
Cell), what happened (Observation), how it was judged (Judgement, Result) and a whole run (Run), with the words and
symbols every report uses for them."""

from __future__ import annotations

import enum
import functools
import hashlib
import re
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

SCHEMA_VERSION = 2
READABLE_SCHEMA_VERSIONS = (1, 2)  # version 1 had no flavour and no variant: native platforms, no further axes
START_METHODS = ("fork", "spawn", "forkserver")
# A case whose claim does not depend on how processes start (threads, coroutines) runs once per interpreter, under
# the interpreter's own default start method, left as the interpreter chose it: its cells' start method is this.
DEFAULT_METHOD = "default"
CASE_METHODS = START_METHODS + (DEFAULT_METHOD,)
PLATFORMS = ("linux", "darwin", "win32")
PLATFORM_NAMES = {"linux": "Linux", "darwin": "macOS", "win32": "Windows"}
# How a platform is provided when it is not the real thing: "wine8.0" is Windows as Wine 8.0 provides it on Linux.
# A flavoured platform is its own column and never counts as the platform itself (Wine is not Windows).
FLAVOUR_NAMES = {"wine": "Wine"}
# sys.implementation.name of the Python implementations a case may select; CPython's tags carry no prefix.
IMPLEMENTATIONS = ("cpython", "pypy", "graalpy")
IMPLEMENTATION_NAMES = {"cpython": "CPython", "pypy": "PyPy", "graalpy": "GraalPy"}
# Builds of one version: the letters a tag carries after the version, and the words for each.
BUILDS = {"": "", "t": "free-threaded", "o": "stdlib without asserts", "to": "free-threaded, stdlib without asserts"}
# Exit codes a case (or the bootstrap that runs it) uses to say something to the harness; bootstrap.py, which is
# standalone, has its own copies (tests/test_bootstrap.py keeps them equal).
CASE_EXIT_SKIP = 77  # "not applicable in this cell"
CASE_EXIT_UNSUPPORTED = 78  # the start method is not offered by this interpreter or OS
# Windows statuses a process that crashed ends with, by the name an expectation writes (`exit = "signal:NAME"`);
# 0xC000013A, CTRL_C_EXIT, is how CPython ends after an uncaught KeyboardInterrupt, not a crash.
WINDOWS_STATUSES = {
    0xC0000005: "ACCESS_VIOLATION", 0xC00000FD: "STACK_OVERFLOW", 0xC0000409: "STACK_BUFFER_OVERRUN",
    0xC000001D: "ILLEGAL_INSTRUCTION", 0xC0000094: "INTEGER_DIVIDE_BY_ZERO", 0x40010004: "DEBUGGER_TERMINATED",
}


MAX_NUMBER_DIGITS = 18  # a version part, a claim ID's number: longer runs of digits all read as 10**18


def number(digits: str) -> int:
    """A run of digits as an int, at most 10**18: a version or ID of 5,000 digits (schema-valid text in a results
    file) then sorts after every real one instead of exceeding int()'s digit limit."""
    significant = digits.lstrip("0")
    return int(significant or "0") if len(significant) <= MAX_NUMBER_DIGITS else 10 ** MAX_NUMBER_DIGITS


def version_numbers(version: str) -> Tuple[int, ...]:
    """3.13.0rc1 -> (3, 13, 0); "" -> ()."""
    match = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    return tuple(number(part) for part in match.groups() if part is not None) if match else ()


def minor_version(version: str) -> str:
    """3.12.1 -> 3.12: the language's minor version, which a column shows unless two releases of it share one."""
    return ".".join(version.split(".")[:2])


# The grammar of an interpreter tag, the one regex for it: an implementation prefix (none for CPython), a version
# (3.12, or a release: 3.12.1), and a build letter (t: free-threaded). Columns, --python specs and matrix.toml use it.
_TAG = re.compile(r"^(?P<implementation>[A-Za-z]*?)(?P<version>\d+\.\d+(?:\.\d+)?)(?P<build>t?o?)$")


def parse_tag(tag: str) -> Optional[Tuple[str, str, str]]:
    """pypy3.11 -> ("pypy", "3.11", ""); 3.13t -> ("cpython", "3.13", "t"); 3.13.18 -> ("cpython", "3.13.18", "");
    None when the text is not a tag."""
    match = _TAG.match(tag)
    if match is None:
        return None
    return (match["implementation"].lower() or "cpython"), match["version"], match["build"]


def split_platform_tag(platform_tag: str) -> Tuple[str, str]:
    """win32-wine8.0 -> ("win32", "wine8.0"); linux -> ("linux", "")."""
    platform, _, flavour = platform_tag.partition("-")
    return platform, flavour


_PLATFORM_VALUE = re.compile(r"^(?P<platform>[a-z0-9]+)(?:-(?P<flavour>[a-z]+)(?P<flavour_version>\d+(?:\.\d+)*)?)?$")


def platform_value_error(value: str) -> str:
    """Why `value` cannot name platforms in a case file ("" when it can): linux, win32; win32-wine8.0 for cells under
    Wine 8.0 only, win32-wine for those under any Wine."""
    match = _PLATFORM_VALUE.match(value)
    if match is None or match["platform"] not in PLATFORMS:
        return (f"expected {', '.join(PLATFORMS[:-1])} or {PLATFORMS[-1]} (sys.platform), or one of them with a flavour "
                "such as win32-wine8.0 (Windows under Wine 8.0) or win32-wine (under any Wine)")
    return ""


def platform_matches(value: str, platform: str, flavour: str) -> bool:
    """Whether a platform named in a case file takes in a cell's platform: `win32` takes Windows and Windows under any
    Wine (one expectation serves both where they behave alike), `win32-wine` every Wine, `win32-wine8.0` that one."""
    named, _, wanted = value.partition("-")
    if named != platform:
        return False
    if not wanted:
        return True
    return flavour == wanted or (wanted.isalpha() and re.fullmatch(re.escape(wanted) + r"\d+(\.\d+)*", flavour) is not None)


def implementation_name(implementation: str) -> str:
    """CPython, PyPy: how people write it."""
    return IMPLEMENTATION_NAMES.get(implementation, implementation)


def flavour_name(flavour: str) -> str:
    """wine8.0 -> Wine 8.0."""
    match = re.match(r"([a-z]+)(.*)$", flavour)
    if not match:
        return flavour
    return f"{FLAVOUR_NAMES.get(match[1], match[1])} {match[2]}".strip()


def platform_name(platform: str, flavour: str = "") -> str:
    """Linux, macOS, Windows; `Windows under Wine 8.0` for a flavoured one: never to be read as the platform itself."""
    name = PLATFORM_NAMES.get(platform, platform)
    return f"{name} under {flavour_name(flavour)}" if flavour else name


def _rank(value: str, order: Sequence[str]) -> Tuple[int, str]:
    return (order.index(value) if value in order else len(order), value)


def value_order(text: str) -> Tuple[Any, ...]:
    """An order for versions and other values: numbers as numbers (3.9 < 3.10 < 3.13 < 3.13t < 3.13.18), then text."""
    # the numbers in a tuple of their own: 3.13 and 3.13.0 (a Wine column beside a patch release's) compare as
    # (3, 13) < (3, 13, 0), never a flag against a number
    return (tuple(number(p) for p in re.findall(r"\d+", text)), text.endswith("t"), text)


# -- the identity of a cell ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellId:
    """Where a cell runs: its value on every axis of the matrix. It is the key of a cell in results, merges, resumes
    and timings (with the case's name), and the one place its column's tag, labels and sort order come from.

    `version` is the language version at full precision (3.13.18; for PyPy, the Python version it implements).
    `variant` holds further axes, such as a package version or an environment flag, as sorted (name, value) pairs:
    a cell with another value on any axis is another cell."""

    platform: str = "linux"  # sys.platform
    flavour: str = ""  # "" natively; "wine8.0" for Windows provided by Wine 8.0
    implementation: str = "cpython"
    version: str = "0.0.0"
    build: str = ""  # "t": free-threaded; "o": a standard library without asserts (Windows' embeddable CPython)
    start_method: str = "fork"
    variant: Tuple[Tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if list(self.variant) != sorted(self.variant):
            object.__setattr__(self, "variant", tuple(sorted(self.variant)))

    @property
    def free_threaded(self) -> bool:
        return "t" in self.build

    @property
    def platform_tag(self) -> str:
        """linux, win32, win32-wine8.0."""
        return f"{self.platform}-{self.flavour}" if self.flavour else self.platform

    def version_text(self, release: bool = False) -> str:
        """3.13 (or 3.13.18 with `release`), then the build letter: 3.13t."""
        return (self.version if release else minor_version(self.version)) + self.build

    def variant_text(self) -> str:
        """numpy=2.1.3, GRPC_ENABLE_FORK_SUPPORT=1."""
        return ",".join(f"{name}={value}" for name, value in self.variant)

    def tag(self, release: bool = False) -> str:
        """The interpreter column: 3.12, 3.13t, pypy3.11; 3.13.18 at release precision; a variant in brackets."""
        prefix = "" if self.implementation == "cpython" else self.implementation
        variant = f"[{self.variant_text()}]" if self.variant else ""
        return prefix + self.version_text(release) + variant

    def interpreter_label(self, release: bool = False) -> str:
        """CPython 3.11, CPython 3.13t, PyPy 3.11, with the variant: CPython 3.12 numpy=2.1.3."""
        variant = f" {self.variant_text()}" if self.variant else ""
        return f"{implementation_name(self.implementation)} {self.version_text(release)}{variant}"

    @property
    def platform_label(self) -> str:
        return platform_name(self.platform, self.flavour)

    def identifier(self, release: bool = False) -> str:
        """One word for the cell's place, as cibuildwheel names its builds: linux-3.12-spawn, win32-wine8.0-3.12-spawn."""
        return f"{self.platform_tag}-{self.tag(release)}-{self.start_method}"

    def sort_key(self) -> Tuple[Any, ...]:
        """Matrix order: platform (Linux, macOS, Windows, each before its flavours), implementation (CPython first),
        version, build, variant, then start method (fork, spawn, forkserver, default)."""
        return (_rank(self.platform, PLATFORMS), value_order(self.flavour), _rank(self.implementation, IMPLEMENTATIONS),
                version_numbers(self.version), self.version, self.build,
                tuple((name, value_order(value)) for name, value in self.variant),
                _rank(self.start_method, CASE_METHODS))

    @classmethod
    def of_column(cls, platform_tag: str, tag: str, start_method: str) -> "CellId":
        """The place a column names (a matrix.toml column, say), with the version as precise as its tag."""
        platform, flavour = split_platform_tag(platform_tag)
        implementation, version, build = parse_tag(tag) or ("cpython", tag, "")
        return cls(platform, flavour, implementation, version, build, start_method)

    def to_list(self) -> List[Any]:
        """The identity as JSON writes it where a compact key is wanted (the timings cache)."""
        return [self.platform, self.flavour, self.implementation, self.version, self.build, self.start_method,
                [list(pair) for pair in self.variant]]

    @classmethod
    def from_list(cls, items: Sequence[Any]) -> "CellId":
        platform, flavour, implementation, version, build, method, variant = items
        return cls(str(platform), str(flavour), str(implementation), str(version), str(build), str(method),
                   tuple((str(k), str(v)) for k, v in variant))

    def interpreter(self) -> "CellId":
        """The same place without its start method: the column group it belongs to."""
        return replace(self, start_method="")

    def line(self) -> Tuple[Any, ...]:
        """What two releases must share to be told apart by their patch level alone (a column at minor precision)."""
        return (self.platform, self.flavour, self.implementation, minor_version(self.version), self.build,
                self.variant)


# -- the axes a behaviour can differ along --------------------------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    """One dimension of the matrix: how to read a cell's value on it (given the layout's precision), how its values
    sort, and how a value reads in prose."""

    name: str
    read: Callable[["Layout", CellId], str]
    order: Callable[[str], Tuple[Any, ...]]
    label: Callable[[str], str]


def is_flag(name: str) -> bool:
    """Whether a variant axis is an environment flag (written in upper case) rather than a package (whose
    normalized name is lower case): case files keep the two apart (harness/casefile.py)."""
    return name.upper() == name and any(char.isalpha() for char in name)


def _variant_axis(name: str) -> Axis:
    """A package's axis reads `numpy 2.1.3` (`no numpy` where it was not installed); a flag's `NAME=1`."""
    if is_flag(name):
        return Axis(name, lambda layout, cell: dict(cell.variant).get(name, ""), value_order,
                    lambda value: f"{name}={value}" if value else f"{name} unset")
    return Axis(name, lambda layout, cell: dict(cell.variant).get(name, ""), value_order,
                lambda value: f"{name} {value}" if value else f"no {name}")


# In the order that breaks ties between equally small explanations; a run's variant axes follow, by name.
AXES: Tuple[Axis, ...] = (
    Axis("start_method", lambda layout, cell: cell.start_method, lambda v: (_rank(v, CASE_METHODS),), lambda v: v),
    Axis("python", lambda layout, cell: layout.version_text(cell), lambda v: (value_order(v),), lambda v: v),
    Axis("platform", lambda layout, cell: cell.platform_tag,
         lambda v: (_rank(split_platform_tag(v)[0], PLATFORMS), value_order(split_platform_tag(v)[1])),
         lambda v: platform_name(*split_platform_tag(v))),
    Axis("implementation", lambda layout, cell: cell.implementation, lambda v: (_rank(v, IMPLEMENTATIONS),),
         implementation_name),
)
AXIS_NAMES = tuple(axis.name for axis in AXES)


class Layout:
    """The columns of a set of cells, named at the precision that tells them apart: a column shows its minor version
    (3.13) while one release of it was observed there, and each release (3.13.0, 3.13.18) when several were (same
    platform, implementation, build and variant). Every report, the analysis and bless read tags, labels, axes and
    order from here."""

    def __init__(self, cells: Iterable[CellId]) -> None:
        self.cells = sorted(set(cells), key=CellId.sort_key)
        releases: Dict[Tuple[Any, ...], set] = {}
        for cell in self.cells:
            releases.setdefault(cell.line(), set()).add(cell.version)
        self._several = {line for line, versions in releases.items() if len(versions) > 1}
        names = sorted({name for cell in self.cells for name, _ in cell.variant})
        self.axes: Tuple[Axis, ...] = AXES + tuple(_variant_axis(name) for name in names)

    @classmethod
    def of(cls, results: Iterable["Result"]) -> "Layout":
        return cls(r.cell for r in results)

    def release(self, cell: CellId) -> bool:
        """Whether this cell's column names its release (several releases of its minor version were observed)."""
        return cell.line() in self._several

    def version_text(self, cell: CellId) -> str:
        return cell.version_text(self.release(cell))

    def tag(self, cell: CellId) -> str:
        return cell.tag(self.release(cell))

    def interpreter_label(self, cell: CellId) -> str:
        return cell.interpreter_label(self.release(cell))

    def identifier(self, cell: CellId) -> str:
        return cell.identifier(self.release(cell))

    def axis(self, name: str) -> Axis:
        return next(a for a in self.axes if a.name == name)

    def coordinates(self, cell: CellId) -> Tuple[str, ...]:
        """The cell's value on every axis, in the order of `axes`."""
        return tuple(axis.read(self, cell) for axis in self.axes)

    def interpreters(self) -> List[CellId]:
        """The column groups (a cell without its start method), in matrix order."""
        return list(dict.fromkeys(cell.interpreter() for cell in self.cells))

    def platforms(self) -> List[str]:
        return list(dict.fromkeys(cell.platform_tag for cell in self.cells))


# -- what to run ------------------------------------------------------------------------------------------------


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
    flavour: str = ""  # see CellId.flavour
    optimized: bool = False  # its standard library runs without asserts (-O, or compiled so: Windows' embeddable)

    @property
    def build(self) -> str:
        return ("t" if self.free_threaded else "") + ("o" if self.optimized else "")

    def cell_id(self, start_method: str, variant: Tuple[Tuple[str, str], ...] = ()) -> CellId:
        """Where a cell of this interpreter runs under a start method: the one bridge from an install to a cell."""
        return CellId(self.platform, self.flavour, self.implementation, self.version, self.build, start_method, variant)

    def to_json(self) -> Dict[str, Any]:
        """The interpreter as a results file records it (its `interpreters` list)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["start_methods"] = list(self.start_methods)
        data["stdlib_dirs"] = list(self.stdlib_dirs)
        return data

    @property
    def setting(self) -> "Setting":
        return Setting(self.machine, self.default_start_method, self.implementation_version)

    @property
    def tag(self) -> str:
        """The matrix column at minor precision: 3.12, 3.13t, pypy3.11."""
        return self.cell_id("").tag()


@dataclass(frozen=True)
class CaseRef:
    """What a result says of its case: which file (with its digest when it ran) and the claim it tests."""

    name: str
    path: str = ""
    digest: str = ""  # "sha256:..." of the case file as run: --resume runs a cell again when it changed
    ids: Tuple[str, ...] = ()
    claim: str = ""
    source: str = ""  # where the claim is made (a URL or `seed §heading`)
    nondeterministic: str = ""  # the case declares (with evidence) that accepted outcomes vary between runs
    start_methods: Tuple[str, ...] = START_METHODS  # those its cells run under: a column of another does not apply
    changed_in: Tuple[str, ...] = ()  # the CPython releases its claim names for a change (a fix), checked by verdicts

    def applies(self, start_method: str) -> bool:
        return start_method in self.start_methods


@dataclass(frozen=True)
class Environment:
    """Where the cells of a case with dependencies run: a virtual environment made for one interpreter and one set of
    resolved requirements (harness/environments.py), or why none could be made there."""

    python: Tuple[str, ...] = ()  # the command that starts its Python (a chroot's interpreter reaches it through a shim)
    path: str = ""  # its folder
    site_dirs: Tuple[str, ...] = ()  # its site-packages: normalized as <site-packages>
    packages: Tuple[Tuple[str, str], ...] = ()  # the case's direct dependencies as installed: (normalized name, version)
    unavailable: str = ""  # why no environment can be made here (the resolver's answer): the cell is unsupported
    error: str = ""  # why making it failed this time (a download, a crash of the installer): the cell is an error


@dataclass(frozen=True)
class Cell:
    """One thing to run: a case under one interpreter and one start method (and, for a case with dependencies, in
    an environment, with its variant's packages and flags)."""

    case_name: str
    case_path: str
    interpreter: Interpreter
    start_method: str
    repeat_index: int = 0
    variant: Tuple[Tuple[str, str], ...] = ()  # CellId.variant: the varied packages' resolved versions, the flags
    flags: Tuple[Tuple[str, str], ...] = ()  # environment variables the cell sets
    environment: Optional[Environment] = None

    @property
    def id(self) -> CellId:
        return self.interpreter.cell_id(self.start_method, self.variant)

    @property
    def setting(self) -> "Setting":
        packages = self.environment.packages if self.environment is not None else ()
        return replace(self.interpreter.setting, packages=packages)

    @property
    def key(self) -> Tuple[str, CellId]:
        """The same as the key of the result it yields (Result.key): resume and timing history match by it."""
        return (self.case_name, self.id)


# -- what happened ------------------------------------------------------------------------------------------------


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

    @classmethod
    def from_exit_label(cls, label: Optional[str], **values: Any) -> "Observation":
        if label is not None and label.startswith("signal:"):
            return cls(exit=None, signal=label[len("signal:"):], **values)
        return cls(exit=None if label is None else int(label), **values)

    @property
    def alive_leftovers(self) -> Tuple[Leftover, ...]:
        """Leftovers still running: a zombie still being reaped is timing, not behaviour."""
        return tuple(x for x in self.leftovers if not x.zombie)


@dataclass(frozen=True)
class Setting:
    """Facts about the interpreter of a cell that are not part of where it runs."""

    machine: str = ""
    default_start_method: str = ""
    implementation_version: str = ""  # PyPy's own version (7.3.11); for CPython the same as the version
    packages: Tuple[Tuple[str, str], ...] = ()  # the case's direct dependencies as installed in the cell's environment

    def packages_text(self) -> str:
        """numpy 2.1.3, requests 2.32.3: how reports name what the cell's environment held."""
        return ", ".join(f"{name} {version}" for name, version in self.packages)


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

    @property
    def ran(self) -> bool:
        """Whether the case ran in the cell at all (not unsupported there, not skipped)."""
        return self not in (Status.UNSUPPORTED, Status.SKIP)


class Verdict(enum.Enum):
    """What a cell says about its case's claim. Each member knows its mark (shown after the status symbol), its name
    in CSS classes, and how a report words it."""

    HOLDS = ("holds", "", "claim holds")
    REFUTED = ("refuted", "†", "claim refuted")  # the cell behaved as expected, and that behaviour refutes the claim
    KNOWN_BUG = ("known bug", "‡", "known bug")  # a known upstream bug stands in the way: neither holds nor refuted
    UNSETTLED = ("unsettled", "", "unsettled")  # the observation did not match the expectation: it decides nothing
    NOT_JUDGED = ("not judged", "", "claim not judged")  # no expectation applies, or the case did not run there

    def __init__(self, label: str, mark: str, phrase: str) -> None:
        self.label = label
        self.mark = mark
        self.phrase = phrase

    @property
    def css(self) -> str:
        return self.label.replace(" ", "-")

    @property
    def decides(self) -> bool:
        """Whether a cell with this verdict settles something about the claim."""
        return self in (Verdict.HOLDS, Verdict.REFUTED, Verdict.KNOWN_BUG)


@dataclass(frozen=True)
class Judgement:
    """How an observation was judged against the expectation that applies in its cell."""

    status: Status
    holds: Optional[bool] = None  # None when no expectation applies
    known_bug: str = ""  # the applied expectation's known upstream bug: neither holds nor refuted
    exception: str = ""  # the exception line of the final traceback in the normalized stderr
    stdout: str = ""  # normalized
    stderr: str = ""  # normalized
    message: str = ""  # why the status is what it is
    diff: str = ""  # unified diff against the expectation, pattern lines as written
    expectation: str = ""  # which tables applied, e.g. "[expect] + [[expect.when]] at line 14"
    checked: Tuple[str, ...] = ()  # what the applied expectation compares (exit, exception, stdout, stderr); () = none
    observations: Tuple[Dict[str, Any], ...] = ()  # for cells seen several times: each distinct observation, counted


# A text of a result that a run keeps in memory whole when it is at most this long; a longer one is kept as its first
# lines within it (Result.brief), with a Cut, while the journal and results.json keep it whole. Ordinary output is
# far shorter: what the run's report shows of it is then what it showed when every result was kept whole.
BRIEF_CHARS = 8 * 1024
# The texts Result.brief cuts, by their names in a results file (RESULT_FIELDS): (part of the result, attribute).
BRIEF_TEXTS = {"stdout": ("judged", "stdout"), "stderr": ("judged", "stderr"), "exception": ("judged", "exception"),
               "message": ("judged", "message"), "diff": ("judged", "diff"), "stdout_raw": ("observed", "stdout"),
               "stderr_raw": ("observed", "stderr"), "stacks": ("observed", "stacks")}


@dataclass(frozen=True)
class Cut:
    """What a text held before it was cut to its first lines (Result.brief): its digest, so that two behaviours
    still compare exactly, and its size, so that a report can say what it does not show."""

    digest: str  # "sha256:..." of the whole text
    chars: int
    lines: int


def text_digest(text: str) -> str:
    try:
        data = text.encode("utf-8")  # the common case, and much quicker than an error handler's
    except UnicodeEncodeError:
        data = text.encode("utf-8", "surrogatepass")  # a lone surrogate: an undecodable byte, as Python keeps it
    return "sha256:" + hashlib.sha256(data).hexdigest()


def text_head(text: str, limit: int) -> str:
    """The text's first `limit` characters, ending at a line break when one is in their second half (a long line is
    kept in part: a report shows its start, clipped as it clips every long line)."""
    if len(text) <= limit:
        return text
    end = text.rfind("\n", 0, limit)
    return text[: end + 1] if end >= limit // 2 else text[:limit]


_OTHER_LINE_BREAKS = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # what splitlines() breaks at besides \n


def line_count(text: str) -> int:
    """len(text.splitlines()), as reports count lines, without making the list (2 million short lines are 4 MiB)."""
    if _OTHER_LINE_BREAKS.search(text):
        return len(text.splitlines())
    return text.count("\n") + (bool(text) and not text.endswith("\n"))


def cut_of(text: str) -> Cut:
    return Cut(text_digest(text), len(text), line_count(text))


@dataclass(frozen=True)
class Result:
    """An observation judged against the case's expectation in its cell: which cell, which case, what was observed,
    how it was judged, and the facts of the interpreter there.

    `cuts` is empty for a whole result; a brief one (a run keeps its results so, brief()) names each text it holds
    only the head of, and what the whole was."""

    cell: CellId
    case: CaseRef
    observed: Observation
    judged: Judgement
    setting: Setting = Setting()
    cuts: Tuple[Tuple[str, Cut], ...] = ()

    @property
    def key(self) -> Tuple[str, CellId]:
        return (self.case.name, self.cell)

    @property
    def status(self) -> Status:
        return self.judged.status

    @property
    def exit(self) -> Optional[str]:
        return self.observed.exit_label

    @property
    def expected_verdict(self) -> Verdict:
        """What the applied expectation says about the claim here, whether or not the observation matched it."""
        if self.judged.known_bug:
            return Verdict.KNOWN_BUG
        return {True: Verdict.HOLDS, False: Verdict.REFUTED, None: Verdict.NOT_JUDGED}[self.judged.holds]

    @property
    def verdict(self) -> Verdict:
        """What this cell establishes about the claim: only an observation that matched its expectation decides."""
        if self.status.is_failure:
            return Verdict.UNSETTLED
        if not self.status.ran or self.status is Status.ERROR:
            return Verdict.NOT_JUDGED
        return self.expected_verdict

    def compared_streams(self) -> Tuple[str, ...]:
        """The output streams that make up this cell's behaviour: those its expectation checks, or all when none does."""
        checked = self.judged.checked
        return ("stdout", "stderr") if not checked else tuple(s for s in ("stdout", "stderr") if s in checked)

    def cut(self, name: str) -> Optional[Cut]:
        """The Cut of a text (by its name in BRIEF_TEXTS) this result holds only the head of, or None."""
        return dict(self.cuts).get(name)

    def compared(self, name: str) -> Any:
        """A text as behaviours compare it: itself, or the digest of the whole of a cut one. Exact both ways, since
        a text is cut exactly when it is longer than BRIEF_CHARS: two equal texts are both cut or both whole."""
        cut = self.cut(name)
        part, attribute = BRIEF_TEXTS[name]
        return ("cut", cut.digest) if cut else getattr(getattr(self, part), attribute)

    def signature(self) -> Tuple[Any, ...]:
        """What makes two observations of the same cell the same behaviour (the same for a brief result as for the
        whole one)."""
        streams = self.compared_streams()  # output the case does not check (warnings, noise) is not its behaviour
        judged = self.judged
        stdout = self.compared("stdout") if "stdout" in streams else None
        stderr = self.compared("stderr") if "stderr" in streams else None
        exception = self.compared("exception") if not judged.checked or "exception" in judged.checked else None
        # and what it says of the claim: an outcome table may judge a stream the expectation does not compare, so
        # two observations that verdict apart are two behaviours even when the compared streams agree
        return (self.status.label, self.exit, exception, stdout, stderr, len(self.observed.alive_leftovers),
                judged.holds, judged.known_bug)

    def brief(self, limit: int = BRIEF_CHARS) -> "Result":
        """The result as a run keeps it in memory: every text longer than `limit` cut to its head, with its Cut.
        The journal and results.json are written from whole results; a brief one is never written (to_json)."""
        parts: Dict[str, Dict[str, str]] = {"judged": {}, "observed": {}}
        cuts = dict(self.cuts)
        for name, (part, attribute) in BRIEF_TEXTS.items():
            text = getattr(getattr(self, part), attribute)
            if len(text) > limit and name not in cuts:
                cuts[name] = cut_of(text)
                parts[part][attribute] = text_head(text, limit)
        if not parts["judged"] and not parts["observed"]:
            return self
        observations = tuple(dict(o, stdout=text_head(o.get("stdout", ""), limit), stderr=text_head(o.get("stderr", ""), limit))
                             for o in self.judged.observations)
        return replace(self, observed=replace(self.observed, **parts["observed"]),
                       judged=replace(self.judged, observations=observations, **parts["judged"]),
                       cuts=tuple(sorted(cuts.items())))

    def judged_again(self, **changes: Any) -> "Result":
        """The same result with its judgement changed."""
        return replace(self, judged=replace(self.judged, **changes))

    def to_json(self) -> Dict[str, Any]:
        if self.cuts:  # a results file holds every observation whole
            raise ValueError(f"{self.case.name}: a brief result (its {', '.join(n for n, _ in self.cuts)} cut) is "
                             "never written; write the whole one, from the journal")
        return {name: write(self) for name, (_, write, _) in RESULT_FIELDS.items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Result":
        """From a cell the schema accepts (version 1 or 2): what it leaves out gets its empty value."""
        values = {name: (convert(data[name]) if name in data else default)
                  for name, (default, _, convert) in RESULT_FIELDS.items()}
        return cls(
            cell=CellId(values["platform"], values["flavour"], values["implementation"], values["python"],
                        values["build"] if values["build"] is not None else ("t" if values["free_threaded"] else ""),
                        values["start_method"], values["variant"]),
            case=CaseRef(values["case"], values["case_path"], values["case_digest"], values["ids"], values["claim"],
                         values["source"], values["nondeterministic"], values["case_start_methods"],
                         values["changed_in"]),
            observed=Observation.from_exit_label(
                values["exit"], stdout=values["stdout_raw"], stderr=values["stderr_raw"],
                stdout_dropped=values["stdout_dropped"], stderr_dropped=values["stderr_dropped"],
                invalid_utf8=values["invalid_utf8"], duration_s=values["duration_s"], stacks=values["stacks"],
                leftovers=values["leftovers"], cpu_s=values["cpu_s"]),
            judged=Judgement(Status.from_label(values["status"]), values["holds"], values["known_bug"],
                             values["exception"], values["stdout"], values["stderr"], values["message"],
                             values["diff"], values["expectation"], values["checked"], values["observations"]),
            setting=Setting(values["machine"], values["default_start_method"], values["implementation_version"],
                            values["packages"]),
        )


def _leftovers(items: Any) -> Tuple[Leftover, ...]:
    return tuple(Leftover(x["pid"], x["cmdline"], x["zombie"]) for x in items)


def _leftovers_json(r: Result) -> List[Dict[str, Any]]:
    return [{"pid": x.pid, "cmdline": x.cmdline, "zombie": x.zombie} for x in r.observed.leftovers]


def _same(value: Any) -> Any:
    return value


# What an observation of a cell seen several times holds (Judgement.observations); a results file need only give its
# count and status: the rest reads as empty, so that every report finds every key.
OBSERVATION_DEFAULTS: Dict[str, Any] = {"count": 1, "status": "error", "exit": None, "exception": "", "stdout": "",
                                        "stderr": ""}


def _observations(items: Any) -> Tuple[Dict[str, Any], ...]:
    return tuple(dict(OBSERVATION_DEFAULTS, **item) for item in items)


# A result cell as the results file writes it, flat: JSON key -> (value when absent, how to write it from a Result,
# how to read it back). The one table that to_json, from_json and the schema (tests/test_schema.py) follow: a new
# field is one line here and one in harness/schema/results.schema.json.
RESULT_FIELDS: Dict[str, Tuple[Any, Callable[[Result], Any], Callable[[Any], Any]]] = {
    "case": ("", lambda r: r.case.name, _same),
    "case_path": ("", lambda r: r.case.path, _same),
    "ids": ((), lambda r: list(r.case.ids), tuple),
    "claim": ("", lambda r: r.case.claim, _same),
    "python": ("0.0.0", lambda r: r.cell.version, _same),
    "implementation": ("cpython", lambda r: r.cell.implementation, _same),
    "free_threaded": (False, lambda r: r.cell.free_threaded, bool),
    "build": (None, lambda r: r.cell.build, str),  # None when absent (schema 1): then "t" where free_threaded
    "platform": ("linux", lambda r: r.cell.platform, _same),
    "flavour": ("", lambda r: r.cell.flavour, _same),
    "variant": ((), lambda r: dict(r.cell.variant), lambda v: tuple(sorted((str(k), str(x)) for k, x in v.items()))),
    "machine": ("", lambda r: r.setting.machine, _same),
    "start_method": ("fork", lambda r: r.cell.start_method, _same),
    "default_start_method": ("", lambda r: r.setting.default_start_method, _same),
    "status": ("error", lambda r: r.status.label, _same),
    "holds": (None, lambda r: r.judged.holds, _same),
    "exit": (None, lambda r: r.exit, _same),
    "exception": ("", lambda r: r.judged.exception, _same),
    "stdout": ("", lambda r: r.judged.stdout, _same),
    "stderr": ("", lambda r: r.judged.stderr, _same),
    "stdout_raw": ("", lambda r: r.observed.stdout, _same),
    "stderr_raw": ("", lambda r: r.observed.stderr, _same),
    "duration_s": (0.0, lambda r: r.observed.duration_s, _same),
    "message": ("", lambda r: r.judged.message, _same),
    "diff": ("", lambda r: r.judged.diff, _same),
    "expectation": ("", lambda r: r.judged.expectation, _same),
    "stdout_dropped": (0, lambda r: r.observed.stdout_dropped, _same),
    "stderr_dropped": (0, lambda r: r.observed.stderr_dropped, _same),
    "invalid_utf8": (False, lambda r: r.observed.invalid_utf8, _same),
    "stacks": ("", lambda r: r.observed.stacks, _same),
    "leftovers": ((), _leftovers_json, _leftovers),
    "observations": ((), lambda r: list(r.judged.observations), _observations),
    "nondeterministic": ("", lambda r: r.case.nondeterministic, _same),
    "checked": ((), lambda r: list(r.judged.checked), tuple),
    "case_digest": ("", lambda r: r.case.digest, _same),
    "case_start_methods": (START_METHODS, lambda r: list(r.case.start_methods), tuple),
    "changed_in": ((), lambda r: list(r.case.changed_in), tuple),
    "source": ("", lambda r: r.case.source, _same),
    "known_bug": ("", lambda r: r.judged.known_bug, _same),
    "implementation_version": ("", lambda r: r.setting.implementation_version, _same),
    "cpu_s": (None, lambda r: r.observed.cpu_s, _same),
    "packages": ((), lambda r: dict(r.setting.packages), lambda v: tuple(sorted((str(k), str(x)) for k, x in v.items()))),
}


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

    @functools.cached_property
    def layout(self) -> Layout:
        return Layout.of(self.results)

    def header_json(self) -> Dict[str, Any]:
        """Everything a results file holds but its cells (which come last: a run writes them one by one)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "harness_version": self.harness_version,
            "started": self.started,
            "finished": self.finished,
            "complete": self.complete,
            "host": dict(self.host),
            "interpreters": list(self.interpreters),
            "sources": list(self.sources),
        }

    def to_json(self) -> Dict[str, Any]:
        return dict(self.header_json(), cells=[r.to_json() for r in self.results])

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Run":
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


# -- the symbols and words every report uses -------------------------------------------------------------------
# Each symbol is a single terminal column wide (no East Asian "ambiguous" width except † and ‡, which terminals draw
# narrow) and is in DejaVu, the fallback font of most Linux desktops: ◷ rather than ⧖ for a timeout.

METHOD_ABBREV = {"fork": "F", "spawn": "S", "forkserver": "V", DEFAULT_METHOD: "D"}
DEFAULT_MARK = "*"  # after a start method's letter: the default start method of that platform and interpreter
NOT_OBSERVED = "?"  # no run holds this cell: it says nothing about the case there, least of all that it passed


def method_label(method: str, default: str = "") -> str:
    """A start method's column letter, with DEFAULT_MARK when it is the interpreter's default there."""
    return METHOD_ABBREV.get(method, method[:2]) + (DEFAULT_MARK if method == default else "")


def verdict_phrase(result: Result, settled: bool = False) -> str:
    """What a cell says of its claim, in words: its expectation's verdict (`claim refuted`), or with `settled` what
    the cell establishes (`unsettled` when the observation did not match). A known bug names its reason."""
    verdict = result.verdict if settled else result.expected_verdict
    if verdict is Verdict.KNOWN_BUG:
        return f"known bug ({result.judged.known_bug})" if result.judged.known_bug else verdict.phrase
    if verdict is Verdict.UNSETTLED:
        return f"unsettled (its expectation: {verdict_phrase(result)})"
    return verdict.phrase


@dataclass(frozen=True)
class LegendEntry:
    """One entry of a report's legend: the symbol, what it means, the kind of thing it marks and its CSS name."""

    symbol: str
    meaning: str
    kind: str  # "method", "mark", "status", "verdict"
    css: str = ""


def legend(methods_seen: Iterable[str] = (), unobserved: bool = False) -> List[LegendEntry]:
    """The legend of every format, in the order reports show it: the start methods (the three always, `default`
    where seen), the default's mark, the statuses, not observed (where a cell was not), then the verdict marks."""
    seen = set(methods_seen)
    entries = [LegendEntry(a, m, "method") for m, a in METHOD_ABBREV.items() if m in START_METHODS or m in seen]
    entries.append(LegendEntry(DEFAULT_MARK, "the default there", "mark"))
    entries += [LegendEntry(s.symbol, s.label, "status", s.label) for s in Status]
    if unobserved:
        entries.append(LegendEntry(NOT_OBSERVED, "not observed", "mark", "not-observed"))
    entries += [LegendEntry(v.mark, f"{v.phrase} there", "verdict", v.css) for v in Verdict if v.mark]
    return entries
