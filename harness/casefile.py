"""Find case files and read their `# /// case` blocks into Case objects, with errors that name file, line and value."""

from __future__ import annotations

import ast
import bisect
import difflib
import functools
import itertools
import hashlib
import io
import os
import re
import sys
import tokenize
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import tomlkit
import tomlkit.container
import tomlkit.items
import tomlkit.parser
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from harness import files
from harness.errors import shown
from harness.match import Pattern, PatternError, compile_line, compile_pattern
from harness.model import (
    CASE_METHODS, DEFAULT_METHOD, IMPLEMENTATIONS, PLATFORMS, START_METHODS, CaseRef, CellId, platform_matches,
    platform_value_error, split_platform_tag,
)
from harness.normalize import NormalizeError, Rules, compile_rules, normalize_line

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older interpreters only
    import tomli as tomllib

DEFAULT_TIMEOUT = 30.0
OPENING_RE = re.compile(r"(?m)^# /// case[ \t]*$")
_BLOCK_OPEN = re.compile(r"^# /// (?P<type>[a-zA-Z0-9-]+)[ \t]*$")
_BLOCK_CLOSE = re.compile(r"^# ///[ \t]*$")
MAX_NESTING = 32  # arrays and tables inside one another in a case block: no expectation needs more

TOP_KEYS = ("claim", "source", "ids", "timeout", "normalize", "platforms", "start_methods", "nondeterministic",
            "changed_in", "variants", "flags", "expect")
REQUIRED_KEYS = ("claim", "source", "ids")
EXPECT_KEYS = ("stdout", "stderr", "exit", "exception", "holds", "leaks", "stdout_not", "stderr_not", "known_bug",
               "outcome")
# An accepted outcome that settles the claim its own way: `[[expect.outcome]]` (or `[[expect.when.outcome]]`, for the
# `[[expect.when]]` above it) says what the verdict is when a line of the output matches.
OUTCOME_KEYS = ("stdout_has", "stderr_has", "holds", "known_bug")
# A [[expect.when]] table that sets any key of a group replaces the whole group: the group's keys it leaves out
# return to their defaults instead of carrying over from earlier tables (see docs/case-format.md, "Overrides").
KEY_GROUPS = {
    "outcome": ("exit", "exception", "stderr", "stderr_not"),  # how the process ended and what it said on stderr
    "stdout": ("stdout", "stdout_not"),
    "verdict": ("holds", "known_bug", "outcome"),
    "leaks": ("leaks",),
}
SELECTOR_KEYS = ("start_method", "platform", "python", "implementation", "free_threaded", "optimized", "packages",
                 "flags")
# Variables the harness sets in every cell (execute.CELL_ENV, and an environment's own): no flag may vary them.
RESERVED_FLAGS = ("PYTHONHASHSEED", "PYTHONUTF8", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PATH", "VIRTUAL_ENV")
EXIT_RE = re.compile(r"^signal:[A-Z][A-Z0-9_]+$")  # POSIX signals (SIGINT) and Windows crash names (ACCESS_VIOLATION)


@functools.lru_cache(maxsize=1024)  # parsing a specifier costs more than matching it, and every cell matches some
def _specifier(text: str) -> SpecifierSet:
    return SpecifierSet(text)


MAX_VERSION_DIGITS = 20  # a number of a version: no release needs more; Python refuses int() of 4,300 digits
_HUGE_NUMBER = re.compile(r"\d{%d,}" % (MAX_VERSION_DIGITS + 1))


def checked_specifier(text: str) -> SpecifierSet:
    """SpecifierSet(text), with every number of it bounded: a specifier is matched against versions by int(), which
    fails (3.11+) or takes quadratic time on a number of thousands of digits, long after the file was read."""
    huge = _HUGE_NUMBER.search(text)
    if huge:
        raise InvalidSpecifier(f"a number of {len(huge.group())} digits (at most {MAX_VERSION_DIGITS})")
    if text.strip() and any(not part.strip() for part in text.split(",")):
        # packaging passes over an empty clause (">=3.9,,"); uv and pip refuse the specifier, so it is refused here
        raise InvalidSpecifier(f"an empty clause between commas in {text!r}")
    return SpecifierSet(text)


@dataclass(frozen=True)
class Block:
    """A `# /// TYPE` comment block of a script (PEP 723's syntax): its type, where it is, and its TOML."""

    type: str
    first_line: int  # the 1-based line of `# /// TYPE`
    lines: Tuple[str, ...]  # the lines between the markers, without their `# ` (or `#`)
    content_start: int  # offsets in the text: where those lines begin and end (what bless rewrites)
    content_end: int

    @property
    def toml(self) -> str:
        return "\n".join(self.lines) + "\n"  # so an error on the last line is placed there, not at "end of document"


def find_blocks(text: str) -> List[Block]:
    """Every `# /// TYPE` ... `# ///` block, as PEP 723 reads them: each line between is `#` or starts with `# `, and
    the first `# ///` closes. One pass over the lines: an opening whose block breaks at a line that is not a comment
    cannot be followed by a good one before that line, so the scan goes on from there."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    found: List[Block] = []
    index = 0
    while index < len(lines):
        opening = _BLOCK_OPEN.match(lines[index])
        if opening is None:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not _BLOCK_CLOSE.match(lines[end]) and (lines[end] == "#" or lines[end].startswith("# ")):
            end += 1
        if end < len(lines) and _BLOCK_CLOSE.match(lines[end]):
            content = tuple(line[2:] if line.startswith("# ") else line[1:] for line in lines[index + 1 : end])
            found.append(Block(opening["type"], index + 1, content, offsets[index + 1], offsets[end]))
            index = end + 1
        else:
            index = max(end, index + 1)
    return found


class CaseError(Exception):
    """A case file that cannot be used; the message names the file, the line and the bad value."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


@dataclass(frozen=True)
class Selector:
    """Where an [[expect.when]] table applies; None means any."""

    start_method: Optional[Tuple[str, ...]] = None
    platform: Optional[Tuple[str, ...]] = None
    python: Optional[str] = None  # PEP 440 specifier
    implementation: Optional[Tuple[str, ...]] = None
    free_threaded: Optional[bool] = None  # a free-threaded build (3.13t)
    optimized: Optional[bool] = None  # a standard library without asserts (-O, or Windows' embeddable CPython: 3.12o)
    packages: Optional[Tuple[Tuple[str, str], ...]] = None  # (package, PEP 440 specifier): a varied package's version
    flags: Optional[Tuple[Tuple[str, Tuple[str, ...]], ...]] = None  # (flag, the values it selects)

    def matches(self, cell: CellId) -> bool:
        if self.start_method is not None and cell.start_method not in self.start_method:
            return False
        if self.packages is not None or self.flags is not None:
            variant = dict(cell.variant)
            for name, spec in self.packages or ():
                version = _version(variant.get(name, ""))
                if version is None or not _specifier(spec).contains(version, prereleases=True):
                    return False
            for name, values in self.flags or ():
                if variant.get(name) not in values:
                    return False
        if self.platform is not None and not any(platform_matches(v, cell.platform, cell.flavour) for v in self.platform):
            return False
        if self.implementation is not None and cell.implementation not in self.implementation:
            return False
        if self.free_threaded is not None and cell.free_threaded != self.free_threaded:
            return False
        if self.optimized is not None and ("o" in cell.build) != self.optimized:
            return False
        if self.python is not None and not _specifier(self.python).contains(cell.version, prereleases=True):
            return False
        return True

    def to_toml(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        for key in SELECTOR_KEYS:
            value = getattr(self, key)
            if key == "packages" and value is not None:
                out[key] = dict(value)
            elif key == "flags" and value is not None:
                out[key] = {name: list(values) for name, values in value}
            elif value is not None:
                out[key] = list(value) if isinstance(value, tuple) else value
        return out


@functools.lru_cache(maxsize=1024)
def _version(text: str) -> Optional[Version]:
    """A resolved version on a package axis; None for what is not one (the specifier of a cell that never ran)."""
    try:
        return Version(text)
    except InvalidVersion:
        return None


@dataclass(frozen=True)
class Outcome:
    """One accepted outcome's own verdict: when a line of the (normalized) stdout or stderr matches, the claim holds
    or not, or a known bug stands in its way, whatever the expectation's `holds` says for the other outcomes."""

    stdout_has: Optional[Pattern] = None
    stderr_has: Optional[Pattern] = None
    holds: Optional[bool] = None
    known_bug: Optional[str] = None
    line: int = 0

    def seen_in(self, stdout: str, stderr: str, budget: Any = None) -> bool:
        return all(pattern is None or pattern.first_matching_line(text, budget) is not None
                   for pattern, text in ((self.stdout_has, stdout), (self.stderr_has, stderr)))


@dataclass(frozen=True)
class Expectation:
    """Expected behaviour; a None field is not set by this table."""

    stdout: Optional[Pattern] = None
    stderr: Optional[Pattern] = None
    exit: Optional[str] = None  # "0", "1", "signal:SIGINT"
    exception: Optional[Pattern] = None
    holds: Optional[bool] = None
    leaks: Optional[bool] = None
    stdout_not: Optional[Tuple[Pattern, ...]] = None  # pattern lines no line of the normalized stdout may match
    stderr_not: Optional[Tuple[Pattern, ...]] = None
    known_bug: Optional[str] = None  # a known upstream bug (with a reference): verdict "known bug"
    outcome: Optional[Tuple[Outcome, ...]] = None  # outcomes whose verdict is their own, the first seen wins
    line: int = 0

    def verdict_for(self, stdout: str, stderr: str, budget: Any = None) -> Tuple[Optional[bool], str]:
        """(holds, known bug) of the outcome observed: the first `outcome` table whose line is in the output, else
        this expectation's own (holds when it says nothing)."""
        for outcome in self.outcome or ():
            if outcome.seen_in(stdout, stderr, budget):
                return (None, outcome.known_bug) if outcome.known_bug else (outcome.holds, "")
        if self.known_bug:
            return None, self.known_bug
        return (True if self.holds is None else self.holds), ""

    def overlay(self, other: "Expectation") -> "Expectation":
        """This expectation with each key group (KEY_GROUPS) that other sets any key of replaced by other's."""
        values = {}
        for group in KEY_GROUPS.values():
            source = other if any(getattr(other, key) is not None for key in group) else self
            for key in group:
                values[key] = getattr(source, key)
        return Expectation(line=other.line or self.line, **values)

    @property
    def expected_exit(self) -> str:
        if self.exit is not None:
            return self.exit
        return "1" if self.exception is not None else "0"


@dataclass(frozen=True)
class Case:
    """A claim as a runnable file, with its metadata and expectations."""

    name: str
    path: str
    claim: str
    source: str
    ids: Tuple[str, ...]
    timeout: float = DEFAULT_TIMEOUT
    rules: Rules = field(default_factory=Rules)
    platforms: Optional[Tuple[str, ...]] = None
    # The start methods its cells run under (None: fork, spawn and forkserver); ("default",) for a claim about
    # threads or coroutines: one cell per interpreter, under the start method the interpreter chose itself.
    start_methods: Optional[Tuple[str, ...]] = None
    nondeterministic: str = ""  # why (with evidence) outcomes the expectation accepts may vary between runs
    changed_in: Tuple[str, ...] = ()  # the releases the claim names for a change (a fix): CPython 3.13.8, 3.14.1
    expect: Optional[Expectation] = None
    when: Tuple[Tuple[Selector, Expectation], ...] = ()
    block: Tuple[int, int] = (0, 0)  # first and last line of the `# /// case` block, 1-based
    digest: str = ""  # "sha256:..." of the file's bytes, recorded with each result (see `mpmatrix run --resume`)
    warnings: Tuple[str, ...] = ()  # "path:line: ..." for what is allowed but cannot be meant (see table_warnings)
    script: "Script" = field(default_factory=lambda: Script())  # its `# /// script` block: what it needs installed
    # `[variants]`: (package, PEP 440 specifiers), one environment per value; `[flags]`: (environment variable,
    # values), one cell per value. Each is an axis of its own (see docs/case-format.md, "Dependencies").
    variants: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    flags: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()

    @property
    def dependencies(self) -> Tuple[str, ...]:
        return self.script.dependencies

    def variant_choices(self) -> List[Tuple[Tuple[str, str], ...]]:
        """Every combination of one specifier per varied package: [((numpy, "==1.26.*"),), ((numpy, "==2.*"),)]."""
        return [tuple(zip([n for n, _ in self.variants], values))
                for values in itertools.product(*(specs for _, specs in self.variants))]

    def flag_choices(self) -> List[Tuple[Tuple[str, str], ...]]:
        """Every combination of one value per flag: [((GRPC_ENABLE_FORK_SUPPORT, "0"),), (... "1"),)]."""
        return [tuple(zip([n for n, _ in self.flags], values))
                for values in itertools.product(*(values for _, values in self.flags))]

    def requirements(self, choice: Sequence[Tuple[str, str]] = ()) -> Tuple[str, ...]:
        """The dependencies to install for one variant choice: each varied package's requirement narrowed by the
        chosen specifier (extras and markers kept)."""
        chosen = dict(choice)
        out = []
        for text in self.script.dependencies:
            requirement = Requirement(text)
            name = canonicalize_name(requirement.name)
            if name in chosen:
                requirement.specifier &= SpecifierSet(chosen[name])
                text = str(requirement)
            out.append(text)
        return tuple(out)

    @property
    def ref(self) -> CaseRef:
        """What a result records of its case."""
        return CaseRef(self.name, self.path, self.digest, self.ids, self.claim, self.source, self.nondeterministic,
                       self.start_methods or START_METHODS, self.changed_in)

    def expectation_for(self, cell: CellId) -> Tuple[Optional[Expectation], str]:
        """The expectation that applies in a cell, and which tables it came from."""
        result = self.expect
        origin = ["[expect]"] if self.expect is not None else []
        for selector, expectation in self.when:
            if selector.matches(cell):
                result = expectation if result is None else result.overlay(expectation)
                origin.append(f"[[expect.when]] at line {expectation.line}")
        return result, " + ".join(origin)


def find_cases(paths: Sequence[str]) -> Tuple[List[str], List[CaseError]]:
    """Case files under the given files and folders, sorted; a path that does not exist is an error."""
    found: List[str] = []
    errors: List[CaseError] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for candidate in sorted(path.rglob("*.py")):
                if "__pycache__" in candidate.parts or candidate.name.startswith(("_", ".")) or candidate.is_dir():
                    continue
                refused = _broken_link(candidate) or _refusal(candidate)
                if refused:  # said, not skipped: a case the author meant to run would silently not run
                    errors.append(CaseError(str(candidate), 0, refused))
                elif declares_case(candidate):
                    found.append(str(candidate))
        elif _broken_link(path):
            errors.append(CaseError(raw, 0, _broken_link(path)))
        elif os.path.exists(path) and _refusal(path):
            errors.append(CaseError(raw, 0, _refusal(path)))
        elif path.is_file():
            found.append(str(path))
        else:
            errors.append(CaseError(raw, 0, "no such file or folder; expected a case file or a folder of them"))
    unique = sorted(dict.fromkeys(os.path.normpath(p) for p in found))
    return unique, errors


def _refusal(path: Path) -> str:
    """Why a file found where cases are is not read as one (a named pipe, a link to /dev/zero, a file beyond the
    bound: harness.files), or ""."""
    try:
        refused = files.refusal(path, files.CASE_FILE_LIMIT, "case file")
    except OSError:
        return ""  # gone meanwhile: nothing to read, nothing to say
    return f"{refused}; expected a case file" if refused else ""


def _broken_link(path: Path) -> str:
    """Why a symbolic link leads to no file (a loop, or a target that does not exist), or "" when it is fine."""
    if not path.is_symlink():
        return ""
    try:
        path.stat()
        return ""
    except OSError as exc:
        target = os.readlink(path)
        if exc.errno == getattr(__import__("errno"), "ELOOP", -1):
            return f"a symbolic link loop (it points to {target!r}, which leads back to it); expected a case file"
        return f"a dangling symbolic link (it points to {target!r}, which does not exist); expected a case file"


def declares_case(path: Path) -> bool:
    """Whether a file opens a `# /// case` block in a comment: a script quoting one in a string (one that writes case
    files) is not a case file. A file that is not valid Python still is, and fails as a case when it runs."""
    try:  # a byte order mark is no part of the text
        text = files.read_text(path, files.CASE_FILE_LIMIT, "case file", "utf-8-sig", "replace")
    except OSError:
        return False
    if "# /// case" not in text:
        return False
    try:
        return any(token.type == tokenize.COMMENT and OPENING_RE.match(token.string)
                   for token in tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return OPENING_RE.search(text) is not None


def explanation(path: str) -> str:
    """A case file's docstring: why the case shows what it shows (the mechanism and the stdlib line behind it), as
    `mpmatrix show` and the HTML report give it; "" when it has none or the file cannot be read as Python."""
    try:
        tree = ast.parse(files.read_bytes(path, files.CASE_FILE_LIMIT, "case file"), path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return ""
    return ast.get_docstring(tree) or ""


def case_name(path: str) -> str:
    return Path(path).stem


def load_case(path: str) -> Case:
    """Read and check one case file; raises CaseError."""
    try:
        data = files.read_bytes(path, files.CASE_FILE_LIMIT, "case file")
    except OSError as exc:
        raise CaseError(path, 0, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")  # a byte order mark is allowed, as Python allows it in a source file
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.end]
        raise CaseError(path, data.count(b"\n", 0, exc.start) + 1, f"not UTF-8 text: {bad!r} ({exc.reason}); save the file as UTF-8") from None
    case = parse_case(text.replace("\r\n", "\n").replace("\r", "\n"), path)  # as text mode would
    return replace(case, digest=file_digest(data))


def file_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def parse_case(text: str, path: str) -> Case:
    """Parse a case file's text; raises CaseError."""
    blocks = [b for b in find_blocks(text) if b.type == "case"]
    if not blocks:
        opening = OPENING_RE.search(text)
        if opening:
            raise CaseError(path, _line_of(text, opening.start()), "`# /// case` is not closed by a `# ///` line; "
                            "expected every line up to it to start with `#` (see docs/case-format.md)")
        raise CaseError(path, 0, "no `# /// case` block; expected one, closed by `# ///` (see docs/case-format.md)")
    if len(blocks) > 1:
        raise CaseError(path, blocks[1].first_line, "a second `# /// case` block; expected exactly one")
    block = blocks[0]
    script = read_script(text, path)
    data = read_toml(block, path)
    reader = _BlockReader(path, block)
    return reader.case(data, (block.first_line, block.first_line + len(block.lines) + 1), script)


# -- the `# /// script` block (PEP 723): what a case needs installed, read as uv and pipx read it --------------------

SCRIPT_KEYS = ("dependencies", "requires-python", "tool")
# PEP 723's reference regex, which uv and pipx follow: a block runs on to the *last* `# ///` of an unbroken run of
# comment lines, so a block written right next to another one reads as one with it there.
PEP723_BLOCK = re.compile(r"(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$")


@dataclass(frozen=True)
class Script:
    """A case's `# /// script` block: the PEP 508 requirements it needs installed and the Pythons it allows."""

    dependencies: Tuple[str, ...] = ()
    requires_python: str = ""  # a PEP 440 specifier; "" when the block sets none
    block: Tuple[int, int] = (0, 0)  # first and last line, 1-based; (0, 0) when there is no block

    def allows(self, version: str) -> bool:
        return not self.requires_python or _specifier(self.requires_python).contains(version, prereleases=True)


def read_script(text: str, path: str) -> Script:
    """The case's `# /// script` block, checked as uv and pipx check it; raises CaseError naming the line. A file
    without one has no dependencies."""
    blocks = [b for b in find_blocks(text) if b.type == "script"]
    if not blocks:
        return Script()
    if len(blocks) > 1:
        raise CaseError(path, blocks[1].first_line, "a second `# /// script` block; PEP 723 allows one (uv and pipx "
                        "refuse the file: \"Multiple script blocks found\")")
    block = blocks[0]
    theirs = [m for m in PEP723_BLOCK.finditer(text) if m["type"] == "script"]
    if not theirs or _uncommented(theirs[0]["content"]) != block.toml:
        raise CaseError(path, block.first_line, "uv and pipx would not read this `# /// script` block as written: "
                        "PEP 723's reader runs a block on to the last `# ///` of an unbroken run of comment lines, "
                        "so this block and the one beside it read as one there (or, with text after `script`, it "
                        "is not seen); put a blank line between the `# /// script` and `# /// case` blocks")
    data = read_toml(block, path)
    reader = _BlockReader(path, block)
    for key in data:
        if key not in SCRIPT_KEYS:
            raise reader.error(reader.line(key), f"unknown key {key!r} in the `# /// script` block"
                               f"{did_you_mean(key, SCRIPT_KEYS)}; PEP 723 allows {_or(SCRIPT_KEYS)}")
    dependencies: List[str] = []
    if "dependencies" in data:
        value = data["dependencies"]
        line = reader.line("dependencies")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise reader.error(line, f"dependencies must be a list of PEP 508 requirement strings such as "
                               f"\"numpy>=1.26\", got {value!r}")
        for text_value in value:
            try:
                Requirement(text_value)
            except InvalidRequirement as exc:
                raise reader.error(reader._item_line(line, text_value, 0), f"invalid PEP 508 requirement "
                                   f"{text_value!r} in dependencies: {exc}") from None
            dependencies.append(text_value)
    requires_python = ""
    if "requires-python" in data:
        value = data["requires-python"]
        line = reader.line("requires-python")
        if not isinstance(value, str):
            raise reader.error(line, f"requires-python must be a PEP 440 specifier string such as \">=3.9\", got {value!r}")
        try:
            checked_specifier(value)
        except InvalidSpecifier:
            raise reader.error(line, f"invalid PEP 440 specifier {shown(value)} in requires-python{_specifier_hint(value)}; "
                               "expected e.g. \">=3.9\"") from None
        requires_python = value
    if "tool" in data and not isinstance(data["tool"], dict):
        raise reader.error(reader.line("tool"), f"tool must be a table ([tool.NAME]), got {data['tool']!r}")
    return Script(tuple(dependencies), requires_python, (block.first_line, block.first_line + len(block.lines) + 1))


def _uncommented(content: str) -> str:
    return "".join((line[2:] if line.startswith("# ") else line[1:]) + "\n" for line in content.splitlines())


def read_toml(block: Block, path: str) -> Dict[str, Any]:
    """The block's TOML as values; raises CaseError naming the file line and what is wrong."""
    lines, first_line = list(block.lines), block.first_line
    deep = too_deep(lines)
    if deep:
        raise CaseError(path, first_line + deep, f"arrays or tables nested more than {MAX_NESTING} deep; a case "
                        "block needs a few levels at most")
    try:
        return tomllib.loads(block.toml)
    except tomllib.TOMLDecodeError as exc:
        line, message = _toml_error(str(exc))
        duplicate = _duplicate_key(lines, line, first_line)
        if duplicate:
            message = duplicate
        elif not line and (opened_at := _unclosed_string(lines)):  # the parser ran into the end of the block in a string
            line, message = opened_at, f"{message}: the string opened on this line is never closed"
        elif message.startswith(("Unclosed array", "Unclosed inline table")):
            opened = _opening_key(lines, line)
            if opened:
                line, message = opened, f"{message}: the value opened on this line is never closed"
        line = line or len(lines)
        raise CaseError(path, first_line + line, f"invalid TOML in the case block: {message}") from None
    except ValueError as exc:  # an integer beyond Python's digit limit for str -> int (3.11+)
        raise CaseError(path, first_line, f"a value the TOML reader refuses: {exc}") from None


def too_deep(lines: Sequence[str]) -> int:
    """The block line (1-based) where values first nest deeper than MAX_NESTING, or 0: brackets outside strings,
    and the dots of a dotted key (`a.b.c = 1` and `[a.b.c]` are tables in tables as much as `{b = {c = 1}}` is).
    Counted before parsing: the TOML readers recurse once per level, as does every later walk of the values (a
    message's repr of one), and a deep enough file would exhaust the stack."""
    depth = 0
    quote = ""
    for number, line in enumerate(lines, 1):
        position = 0
        dots = 0  # of the key being read: reset where a key or a value starts
        while position < len(line):
            char = line[position]
            if quote:
                if line.startswith(quote, position):
                    position += len(quote) - 1
                    quote = ""
                elif char == "\\" and quote in ('"', '"""'):
                    position += 1
            elif char == "#":
                break
            elif char in "\"'":
                quote = line[position : position + 3] if line.startswith(char * 3, position) else char
                position += len(quote) - 1
            elif char in "[{":
                depth += 1
                dots = 0
                if depth > MAX_NESTING:
                    return number
            elif char in "]}":
                depth = max(0, depth - 1)
            elif char in ",=":
                dots = 0
            elif char == ".":  # in a key, one level more; in a value (1.5, a time's fraction) one dot, reset at ,
                dots += 1
                if depth + dots > MAX_NESTING:
                    return number
            position += 1
        if quote in ('"', "'"):  # a one-line string ends with its line
            quote = ""
    return 0


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _duplicate_key(lines: List[str], line: int, first_line: int) -> str:
    """When block line `line` (1-based) sets a key its table already set, say so and where (as a file line)."""
    match = re.match(r"^\s*([A-Za-z0-9_-]+)\s*=", lines[line - 1]) if 0 < line <= len(lines) else None
    if match is None:
        return ""
    key = match.group(1)
    for index in range(line - 2, -1, -1):
        if re.match(r"^\s*\[", lines[index]):
            return ""  # the table began without it
        if re.match(r"^\s*" + re.escape(key) + r"\s*=", lines[index]):
            return f"duplicate key {key!r} (already set on line {first_line + 1 + index}); keep one of them"
    return ""


def _unclosed_string(lines: List[str]) -> int:
    """The block line (1-based) where a multi-line string opens that is never closed, or 0."""
    inside, opened = "", 0
    for number, line in enumerate(lines, 1):
        rest = line
        while rest:
            if inside:
                end = rest.find(inside)
                if end < 0:
                    break
                rest, inside = rest[end + 3 :], ""
                continue
            found = [(rest.find(q), q) for q in ('"""', "'''") if q in rest]
            if not found:
                break
            start, quote = min(found)
            rest, inside, opened = rest[start + 3 :], quote, number
    return opened if inside else 0


def _opening_key(lines: List[str], line: int) -> int:
    """The block line (1-based) of the nearest `key = [` or `key = {` at or above `line` that opens an unclosed value."""
    for index in range(min(line, len(lines)) - 1, -1, -1):
        text = lines[index]
        if re.match(r"^\s*[A-Za-z0-9_.\"'-]+\s*=\s*[\[{]", text):
            if text.count("[") + text.count("{") > text.count("]") + text.count("}"):
                return index + 1
    return 0


def _toml_error(message: str) -> Tuple[int, str]:
    match = re.search(r"\(at line (\d+), column \d+\)", message)
    if match:
        return int(match.group(1)), message[: match.start()].strip()
    return 0, message.replace("(at end of document)", "").strip()


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Located(tomlkit.parser.Parser):
    """tomlkit's parser, noting where each key and each table header starts in the text as it goes."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.keys: Dict[int, int] = {}  # id(item) -> offset of its key
        self.headers: List[int] = []  # offsets of the `[...]` and `[[...]]` headers, in document order

    def _parse_key_value(self, parse_comment: bool = False) -> Any:
        start = self._idx
        key, item = super()._parse_key_value(parse_comment)
        self.keys[id(item)] = start
        return key, item

    def _parse_table(self, parent_name: Any = None, parent: Any = None) -> Any:
        self.headers.append(self._idx)
        return super()._parse_table(parent_name, parent)


@dataclass(frozen=True)
class Positions:
    """Where the keys and tables of a case block are: block lines, 0-based. `top`, `expect` and each of `when` map
    key -> line; `headers` maps `[expect]` and `[[expect.when]]` to the lines of their headers, in order."""

    top: Dict[str, int] = field(default_factory=dict)
    expect: Dict[str, int] = field(default_factory=dict)
    when: Tuple[Dict[str, int], ...] = ()
    headers: Dict[str, Tuple[int, ...]] = field(default_factory=dict)
    tables: Dict[str, Dict[str, int]] = field(default_factory=dict)  # `[variants]`, `[flags]`: key -> line


def block_positions(block: Block) -> Positions:
    """The block's key and header lines, from tomlkit's reading of it: one pass, whatever its size. A block tomlkit
    cannot read (it has been read as TOML already) has no positions: messages then name the block's first line."""
    text = block.toml
    parser = _Located(text)
    try:
        document = parser.parse()
    except Exception:  # tomlkit's ParseError and its occasional internal errors alike
        return Positions()
    starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    def keys(container: Any) -> Dict[str, int]:
        out: Dict[str, int] = {}
        body = container.body if isinstance(container, tomlkit.container.Container) else container.value.body
        for key, item in body:
            if key is not None and id(item) in parser.keys:
                out.setdefault(key.key, line_of(parser.keys[id(item)]))
        return out

    headers: Dict[str, List[int]] = {}
    for offset in parser.headers:
        end = text.find("\n", offset)
        header = re.sub(r"\s+", "", text[offset : end if end >= 0 else len(text)].split("#", 1)[0])
        headers.setdefault(header, []).append(line_of(offset))
    expect = document.get("expect")
    when = expect.get("when") if isinstance(expect, dict) else None
    tables = list(when.body) if isinstance(when, tomlkit.items.AoT) else []
    named = {f"[{name}]": keys(document[name]) for name in ("variants", "flags")
             if isinstance(document.get(name), tomlkit.items.Table)}
    return Positions(keys(document), keys(expect) if isinstance(expect, tomlkit.items.Table) else {},
                     tuple(keys(t) for t in tables), {k: tuple(v) for k, v in headers.items()}, named)


class _BlockReader:
    """Turns the parsed TOML into a Case, finding line numbers for messages."""

    def __init__(self, path: str, block: Block) -> None:
        self.path = path
        self.lines = list(block.lines)
        self.first_line = block.first_line  # the line of `# /// case`; block line i (0-based) is file line first_line+1+i
        self.positions = block_positions(block)
        self.outcomes_read: Dict[str, int] = {}  # outcome tables read so far, per header: their lines follow in order
        self.variants: Dict[str, Tuple[str, ...]] = {}  # read before the expectations, whose selectors name them
        self.flags: Dict[str, Tuple[str, ...]] = {}

    # -- line numbers -------------------------------------------------------------------------------------
    def header_line(self, table: str, occurrence: int = 0) -> int:
        """The file line of a table's header (`[expect]`, `[[expect.when]]`), or the block's first line."""
        found = self.positions.headers.get(table, ())
        return self.first_line + 1 + found[occurrence] if occurrence < len(found) else self.first_line

    def line(self, key: str, table: str = "", occurrence: int = 0) -> int:
        """The file line of a key in a table ("" the top of the block), or of the table's header when it is not
        there."""
        if table == "[expect]":
            keys = self.positions.expect
        elif table == "[[expect.when]]":
            keys = self.positions.when[occurrence] if occurrence < len(self.positions.when) else {}
        elif table in self.positions.tables:
            keys = self.positions.tables[table]
        else:
            keys = self.positions.top
        if key in keys:
            return self.first_line + 1 + keys[key]
        return self.header_line(table, occurrence) if table else self.first_line + 1

    def error(self, line: int, message: str) -> CaseError:
        return CaseError(self.path, line, message)

    # -- values -------------------------------------------------------------------------------------------
    def case(self, data: Dict[str, Any], block: Tuple[int, int], script: Script = Script()) -> Case:
        for key in data:
            if key not in TOP_KEYS:
                raise self.error(self.line(key), f"unknown key {key!r}{did_you_mean(key, TOP_KEYS)}; expected one of {', '.join(TOP_KEYS)}")
        for key in REQUIRED_KEYS:
            if key not in data:
                raise self.error(self.first_line, f"missing required key {key!r}; every case needs {', '.join(REQUIRED_KEYS)}")
        claim = self._string(data, "claim")
        source = self._string(data, "source")
        ids = self._strings(data, "ids")
        if not ids:
            raise self.error(self.line("ids"), "empty 'ids'; expected at least one claim ID such as \"S1\"")
        timeout = data.get("timeout", DEFAULT_TIMEOUT)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < 86400:
            raise self.error(self.line("timeout"), f"bad timeout {timeout!r}; expected a positive number of seconds below a day")
        rules = self._rules(data.get("normalize", []))
        platforms = None
        if "platforms" in data:
            platforms = self._platforms(data, "platforms", "")
        start_methods = None
        if "start_methods" in data:
            start_methods = self._choices(data, "start_methods", CASE_METHODS, "")
            if not start_methods:
                raise self.error(self.line("start_methods"), "empty 'start_methods'; expected some of "
                                 f"{_or(CASE_METHODS)} ({DEFAULT_METHOD!r}: once, under the interpreter's own default)")
        changed_in: Tuple[str, ...] = ()
        if "changed_in" in data:
            changed_in = tuple(self._strings(data, "changed_in"))
            if not changed_in:
                raise self.error(self.line("changed_in"), "empty 'changed_in'; expected the CPython releases the "
                                 "change landed in, such as [\"3.13.8\", \"3.14.1\"], or no changed_in at all")
            lines: Dict[str, str] = {}
            for release in changed_in:
                numbers = release.split(".")
                if not (2 <= len(numbers) <= 3 and all(n.isdigit() and len(n) <= MAX_VERSION_DIGITS for n in numbers)):
                    raise self.error(self.line("changed_in"), f"bad release {shown(release)} in changed_in; expected "
                                     "CPython releases such as \"3.13.8\" (one per minor version the change landed in)")
                minor = ".".join(numbers[:2])
                if minor in lines:
                    raise self.error(self.line("changed_in"), f"changed_in names two releases of {minor} "
                                     f"({lines[minor]!r} and {release!r}); expected one per minor version: the "
                                     "release the change landed in there")
                lines[minor] = release
        nondeterministic = self._string(data, "nondeterministic") if "nondeterministic" in data else ""
        if "nondeterministic" in data and not nondeterministic.strip():
            raise self.error(self.line("nondeterministic"), "empty 'nondeterministic'; say why the outcome varies, with evidence")
        self.variants = self._variants(data.get("variants"), script) if "variants" in data else {}
        self.flags = self._flags(data.get("flags")) if "flags" in data else {}
        expect, when = self._expectations(data.get("expect"), rules)
        case = Case(
            name=case_name(self.path), path=self.path, claim=claim, source=source, ids=tuple(ids),
            timeout=float(timeout), rules=rules, platforms=platforms, start_methods=start_methods,
            nondeterministic=nondeterministic, changed_in=changed_in, expect=expect,
            when=when, block=block, script=script, variants=tuple(self.variants.items()),
            flags=tuple(self.flags.items()),
        )
        return replace(case, warnings=tuple(f"{self.path}:{line}: {text}" for line, text in table_warnings(case)))

    def _variants(self, table: Any, script: Script) -> Dict[str, Tuple[str, ...]]:
        """`[variants]`: package -> PEP 440 specifiers, each package one its `# /// script` block depends on."""
        if not isinstance(table, dict):
            raise self.error(self.line("variants"), f"variants must be a table ([variants]) of package = [versions], "
                             f"got {table!r}")
        declared = {canonicalize_name(Requirement(d).name): d for d in script.dependencies}
        found: Dict[str, Tuple[str, ...]] = {}
        for key, values in table.items():
            line = self.line(key, "[variants]")
            name = canonicalize_name(key)
            if name not in declared:
                known = f"; it depends on {', '.join(sorted(declared))}" if declared else (
                    "; it declares none: add a `# /// script` block with `dependencies` (see docs/case-format.md)")
                raise self.error(line, f"variants names {key!r}, a package the case's `# /// script` block does not "
                                 f"depend on{did_you_mean(name, declared)}{known}")
            if name in found:
                raise self.error(line, f"variants names {key!r} twice (as {name!r}); keep one")
            found[name] = self._values(values, key, line, "[variants]", self._version_spec)
        return found

    def _version_spec(self, value: str, key: str, line: int) -> str:
        """A variant value as a specifier: `2.*` and `1.26.4` mean ==; `>=2,<3` and `~=1.26` are kept as written."""
        spec = value.strip() if re.match(r"\s*[<>=!~]", value) else f"=={value.strip()}"
        try:
            checked_specifier(spec)
        except InvalidSpecifier:
            raise self.error(line, f"invalid version {shown(value)} for {key} in [variants]{_specifier_hint(value)}; "
                             "expected a version (\"2.1.3\"), a wildcard (\"2.*\") or a PEP 440 specifier "
                             "(\">=2,<3\")") from None
        return spec

    def _flags(self, table: Any) -> Dict[str, Tuple[str, ...]]:
        """`[flags]`: environment variable -> the values its cells set it to."""
        if not isinstance(table, dict):
            raise self.error(self.line("flags"), f"flags must be a table ([flags]) of NAME = [values], got {table!r}")
        found: Dict[str, Tuple[str, ...]] = {}
        for key, values in table.items():
            line = self.line(key, "[flags]")
            if not re.fullmatch(r"[A-Z_][A-Z0-9_]*", key):
                upper = re.sub(r"[^A-Z0-9_]", "_", key.upper())
                hint = f" (did you mean {upper!r}?)" if re.fullmatch(r"[A-Z_][A-Z0-9_]*", upper) else ""
                raise self.error(line, f"bad flag name {key!r}{hint}; a flag is an environment variable written in "
                                 "upper case (letters, digits, _), so that on the variant axis it is never taken "
                                 "for a package, whose names are lower case")
            if key in RESERVED_FLAGS:
                raise self.error(line, f"flag {key!r} is set by the harness for every cell (so that cells compare); "
                                 f"a case cannot vary it")
            found[key] = self._values(values, key, line, "[flags]", lambda value, key, line: value)
        return found

    def _values(self, values: Any, key: str, line: int, table: str, check: Any) -> Tuple[str, ...]:
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise self.error(line, f"{key} in {table} must be a non-empty list of strings such as [\"1\", \"2\"], "
                             f"got {values!r}" + (" (write numbers in quotes)" if isinstance(values, list) and
                                                  any(isinstance(v, (int, float)) for v in values) else ""))
        out: List[str] = []
        for value in values:
            checked = check(value, key, line)
            if checked in out:
                raise self.error(line, f"{key} in {table} has {value!r} twice; keep one")
            out.append(checked)
        return tuple(out)

    def _string(self, data: Dict[str, Any], key: str, table: str = "", occurrence: int = 0) -> str:
        value = data[key]
        if not isinstance(value, str):
            raise self.error(self.line(key, table, occurrence), f"{key} must be a string, got {value!r}")
        return value

    def _strings(self, data: Dict[str, Any], key: str, table: str = "", occurrence: int = 0) -> List[str]:
        value = data[key]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(self.line(key, table, occurrence), f"{key} must be a list of strings, got {value!r}")
        return value

    def _choices(self, data: Dict[str, Any], key: str, allowed: Sequence[str], table: str, occurrence: int = 0) -> Tuple[str, ...]:
        values = self._strings(data, key, table, occurrence)
        for value in values:
            if value not in allowed:
                where = f" in {table}" if table else ""
                raise self.error(
                    self.line(key, table, occurrence),
                    f"unknown {key.replace('_', ' ')} {value!r}{where}{did_you_mean(value, allowed)}; expected {_or(allowed)}",
                )
        return tuple(values)

    def _platforms(self, data: Dict[str, Any], key: str, table: str, occurrence: int = 0) -> Tuple[str, ...]:
        values = self._strings(data, key, table, occurrence)
        for value in values:
            problem = platform_value_error(value)
            if problem:
                where = f" in {table}" if table else ""
                raise self.error(self.line(key, table, occurrence),
                                 f"unknown platform {value!r}{where}{did_you_mean(value, PLATFORMS)}; {problem}")
        return tuple(values)

    def _bool(self, data: Dict[str, Any], key: str, table: str, occurrence: int) -> bool:
        value = data[key]
        if not isinstance(value, bool):
            raise self.error(self.line(key, table, occurrence), f"bad {key} {value!r} in {table}; expected true or false")
        return value

    def _implementations(self, table: Dict[str, Any], name: str, index: int) -> Tuple[str, ...]:
        """sys.implementation.name values, written as Python spells them: `PyPy` is a mistake, named as one."""
        values = self._strings(table, "implementation", name, index)
        for value in values:
            if value not in IMPLEMENTATIONS:
                suggestion = value.lower() if value.lower() in IMPLEMENTATIONS else None
                hint = f" (did you mean {suggestion!r}?)" if suggestion else did_you_mean(value.lower(), IMPLEMENTATIONS)
                raise self.error(
                    self.line("implementation", name, index),
                    f"unknown implementation {value!r} in {name}{hint}; expected {_or(IMPLEMENTATIONS)} "
                    "(sys.implementation.name, lower case)",
                )
        return tuple(values)

    def _rules(self, pairs: Any) -> Rules:
        if not isinstance(pairs, list):
            raise self.error(self.line("normalize"), f"normalize must be a list of [regex, replacement] pairs, got {pairs!r}")
        try:
            return compile_rules(pairs).located(f"{self.path}:{self.line('normalize')}")
        except NormalizeError as exc:
            raise self.error(self.line("normalize"), f"bad normalize rule: {exc}") from None

    def _expectations(self, expect: Any, rules: Rules) -> Tuple[Optional[Expectation], Tuple[Tuple[Selector, Expectation], ...]]:
        if expect is None:
            return None, ()
        if not isinstance(expect, dict):
            raise self.error(self.line("expect"), f"expect must be a table, got {expect!r}")
        base_keys = {k: v for k, v in expect.items() if k != "when"}
        base = self._expectation(base_keys, "[expect]", 0, rules) if base_keys else None
        whens = expect.get("when", [])
        if not isinstance(whens, list):
            raise self.error(self.line("when", "[expect]"), "expect.when must be an array of tables: write [[expect.when]]")
        when = tuple(self._when(table, index, rules) for index, table in enumerate(whens))
        return base, when

    def _when(self, table: Any, index: int, rules: Rules) -> Tuple[Selector, Expectation]:
        name = "[[expect.when]]"
        header_line = self.header_line(name, index)
        if not isinstance(table, dict):
            raise self.error(header_line, f"{name} must be a table")
        allowed = EXPECT_KEYS + SELECTOR_KEYS
        for key in table:  # before "no selector": a misspelt selector is the likelier mistake, so name it
            if key not in allowed:
                raise self.error(self.line(key, name, index), f"unknown key {key!r} in {name}{did_you_mean(key, allowed)}; expected a selector ({', '.join(SELECTOR_KEYS)}) or one of {', '.join(EXPECT_KEYS)}")
        selector_values: Dict[str, Any] = {}
        for key in SELECTOR_KEYS:
            if key not in table:
                continue
            if key == "start_method":
                selector_values[key] = self._choices(table, key, CASE_METHODS, name, index)
            elif key == "platform":
                selector_values[key] = self._platforms(table, key, name, index)
            elif key == "implementation":
                selector_values[key] = self._implementations(table, name, index)
            elif key in ("free_threaded", "optimized"):
                selector_values[key] = self._bool(table, key, name, index)
            elif key == "packages":
                selector_values[key] = self._package_selector(table[key], self.line(key, name, index))
            elif key == "flags":
                selector_values[key] = self._flag_selector(table[key], self.line(key, name, index))
            else:
                selector_values[key] = self._specifier(table, index)
        if not selector_values:
            raise self.error(header_line, f"{name} has no selector; expected at least one of {', '.join(SELECTOR_KEYS)}")
        rest = {k: v for k, v in table.items() if k not in SELECTOR_KEYS}
        expectation = self._expectation(rest, name, index, rules, header_line)
        return Selector(**selector_values), expectation

    def _package_selector(self, value: Any, line: int) -> Tuple[Tuple[str, str], ...]:
        """`packages = {numpy = ">=2"}`: a specifier per package of [variants], matched against the resolved version."""
        if not isinstance(value, dict) or not value:
            raise self.error(line, f"packages must be a table of package = \"PEP 440 specifier\" such as "
                             f"{{numpy = \">=2\"}}, got {value!r}")
        out = []
        for key, spec in value.items():
            name = canonicalize_name(key)
            if name not in self.variants:
                varied = f"; [variants] names {', '.join(self.variants)}" if self.variants else "; it has no [variants]"
                raise self.error(line, f"packages selects by {key!r}, which is not in the case's [variants]"
                                 f"{did_you_mean(name, self.variants)}{varied}: only a varied package's version is "
                                 "an axis of the cell")
            if not isinstance(spec, str):
                raise self.error(line, f"packages.{key} must be a PEP 440 specifier string such as \">=2\", got {spec!r}")
            try:
                checked_specifier(spec)
            except InvalidSpecifier:
                raise self.error(line, f"invalid PEP 440 specifier {shown(spec)} for {key} in packages"
                                 f"{_specifier_hint(spec)}; expected e.g. \">=2\" or \"==1.26.*\"") from None
            out.append((name, spec))
        return tuple(sorted(out))

    def _flag_selector(self, value: Any, line: int) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
        """`flags = {GRPC_ENABLE_FORK_SUPPORT = ["1"]}`: the values of [flags] it selects."""
        if not isinstance(value, dict) or not value:
            raise self.error(line, f"flags must be a table of NAME = [values] such as {{NAME = [\"1\"]}}, got {value!r}")
        out = []
        for key, values in value.items():
            if key not in self.flags:
                declared = f"; [flags] names {', '.join(self.flags)}" if self.flags else "; it has no [flags]"
                raise self.error(line, f"flags selects by {key!r}, which is not in the case's [flags]"
                                 f"{did_you_mean(key, self.flags)}{declared}")
            chosen = self._values(values, key, line, "flags", lambda value, key, line: value)
            for choice in chosen:
                if choice not in self.flags[key]:
                    raise self.error(line, f"flags selects {key} = {choice!r}, a value its cells never have; "
                                     f"[flags] gives it {_or([repr(v) for v in self.flags[key]])}")
            out.append((key, chosen))
        return tuple(sorted(out))

    def _specifier(self, table: Dict[str, Any], index: int) -> str:
        value = table["python"]
        line = self.line("python", "[[expect.when]]", index)
        if not isinstance(value, str):
            raise self.error(line, f"python must be a PEP 440 specifier string such as \">=3.12\", got {value!r}")
        try:
            checked_specifier(value)
        except InvalidSpecifier:
            hint = _specifier_hint(value)
            raise self.error(line, f"invalid PEP 440 specifier {shown(value)}{hint}; expected e.g. \">=3.12\" or \">=3.8,<3.12\"") from None
        return value

    def _expectation(self, table: Dict[str, Any], name: str, index: int, rules: Rules, header_line: int = 0) -> Expectation:
        allowed = EXPECT_KEYS + (SELECTOR_KEYS if name != "[expect]" else ()) + (("when",) if name == "[expect]" else ())
        for key in table:
            if key not in allowed:
                raise self.error(self.line(key, name, index), f"unknown key {key!r} in {name}{did_you_mean(key, allowed)}; expected one of {', '.join(allowed)}")
        values: Dict[str, Any] = {}
        for key in ("stdout", "stderr"):
            if key in table:
                values[key] = self._pattern(table, key, name, index, rules)
        if "exception" in table:
            text = self._string(table, "exception", name, index)
            try:
                values["exception"] = compile_line(text, normalize=normalize_line).located(
                    self.path, self.line("exception", name, index), False)
            except PatternError as exc:
                raise self.error(self.line("exception", name, index), f"bad exception pattern {text!r}: {exc}") from None
        for key in ("stdout_not", "stderr_not"):
            if key in table:
                values[key] = self._negative(table, key, name, index)
        if "known_bug" in table:
            reason = self._string(table, "known_bug", name, index)
            if not reason.strip():
                raise self.error(self.line("known_bug", name, index), "empty 'known_bug'; say which upstream bug, "
                                 "with a reference (an issue URL or number)")
            values["known_bug"] = reason
        if "exit" in table:
            values["exit"] = self._exit(table["exit"], self.line("exit", name, index))
        for key in ("holds", "leaks"):
            if key in table:
                if not isinstance(table[key], bool):
                    raise self.error(self.line(key, name, index), f"{key} must be true or false, got {table[key]!r}")
                values[key] = table[key]
        if "outcome" in table:
            values["outcome"] = self._outcomes(table["outcome"], name, index)
        line = header_line or self.header_line(name, index)
        return Expectation(line=line, **values)

    def _key_below(self, header: int, key: str) -> int:
        """The file line of `key` in the table whose header is on file line `header` (up to the next header), or
        the header's when it is not found there."""
        for number in range(header - self.first_line, len(self.lines)):  # the lines below the header
            text = self.lines[number].strip()
            if text.startswith("["):
                break
            if re.match(r"^%s\s*=" % re.escape(key), text) or re.match(r'^["\']%s["\']\s*=' % re.escape(key), text):
                return self.first_line + 1 + number
        return header

    def _outcomes(self, tables: Any, name: str, index: int) -> Tuple[Outcome, ...]:
        """The `[[...outcome]]` tables of one expectation table, in order; their lines follow the document's."""
        where = "[[expect.outcome]]" if name == "[expect]" else "[[expect.when.outcome]]"
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise self.error(self.line("outcome", name, index), f"outcome must be an array of tables: write {where}")
        found = []
        for table in tables:
            header = self.header_line(where, self.outcomes_read.get(where, 0))
            self.outcomes_read[where] = self.outcomes_read.get(where, 0) + 1
            for key in table:
                if key not in OUTCOME_KEYS:
                    raise self.error(self._key_below(header, key), f"unknown key {key!r} in {where}{did_you_mean(key, OUTCOME_KEYS)}; "
                                             f"expected {_or(OUTCOME_KEYS)}")
            if "stdout_has" not in table and "stderr_has" not in table:
                raise self.error(header, f"{where} says no outcome; expected stdout_has or stderr_has, a pattern line "
                                         "that a line of the output matches in that outcome")
            if "holds" not in table and "known_bug" not in table:
                raise self.error(header, f"{where} gives no verdict; expected holds = true or false, or known_bug")
            values: Dict[str, Any] = {"line": header}
            for key in ("stdout_has", "stderr_has"):
                if key in table:
                    text = table[key]
                    if not isinstance(text, str):
                        raise self.error(self._key_below(header, key), f"{key} must be a pattern line (a string), got {text!r}")
                    try:
                        values[key] = compile_line(text, normalize=normalize_line).located(self.path, header, False)
                    except PatternError as exc:
                        raise self.error(self._key_below(header, key), f"bad {key} pattern {text!r} in {where}: {exc}") from None
            if "holds" in table:
                if not isinstance(table["holds"], bool):
                    raise self.error(self._key_below(header, "holds"), f"holds must be true or false, got {table['holds']!r}")
                values["holds"] = table["holds"]
            if "known_bug" in table:
                if not isinstance(table["known_bug"], str) or not table["known_bug"].strip():
                    raise self.error(self._key_below(header, "known_bug"), "empty 'known_bug'; say which upstream bug, with a reference")
                values["known_bug"] = table["known_bug"]
            found.append(Outcome(**values))
        return tuple(found)

    def _pattern(self, table: Dict[str, Any], key: str, name: str, index: int, rules: Rules) -> Pattern:
        text = self._string(table, key, name, index)
        key_line = self.line(key, name, index)
        block_index = key_line - self.first_line - 1
        raw = self.lines[block_index] if 0 <= block_index < len(self.lines) else ""
        multiline = raw.rstrip().endswith(('"""', "'''"))
        try:
            return compile_pattern(text, normalize=normalize_line).located(self.path, key_line, multiline)
        except PatternError as exc:
            line = key_line + (exc.line if multiline else 0)
            raise self.error(line, f"bad {key} pattern in {name}: {exc}") from None

    def _negative(self, table: Dict[str, Any], key: str, name: str, index: int) -> Tuple[Pattern, ...]:
        """Lines that must not appear: a list of single-line patterns (a multi-line string is read as one per line)."""
        key_line = self.line(key, name, index)
        value = table[key]
        multiline = isinstance(value, str)
        if isinstance(value, str):
            value = value.splitlines()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key_line, f"{key} must be a list of pattern lines (strings), got {table[key]!r}")
        if not value:
            raise self.error(key_line, f"empty {key!r}; expected at least one pattern line that must not appear")
        patterns = []
        for number, text in enumerate(value, 1):
            line = self._item_line(key_line, text, number if multiline else 0)
            try:
                patterns.append(compile_line(text, normalize=normalize_line).located(self.path, line, False))
            except PatternError as exc:
                raise self.error(line, f"bad {key} pattern {text!r} in {name}: {exc}") from None
        return tuple(patterns)

    def _item_line(self, key_line: int, text: str, number: int) -> int:
        """The file line of one item of a list or multi-line string starting at key_line (the key's own line if not found)."""
        if number:
            return key_line + number
        block_index = key_line - self.first_line - 1
        quoted = (repr(text)[1:-1], text)
        for index in range(max(block_index, 0), len(self.lines)):
            if any(f'"{q}"' in self.lines[index] or f"'{q}'" in self.lines[index] for q in quoted):
                return self.first_line + 1 + index
            if index > block_index and re.match(r"^\s*([A-Za-z0-9_-]+\s*=|\[)", self.lines[index]):
                break
        return key_line

    def _exit(self, value: Any, line: int) -> str:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise self.error(line, f"bad exit {value!r}; expected an integer or \"signal:NAME\"")
        if isinstance(value, int):
            return str(value)
        if not EXIT_RE.match(value):
            raise self.error(line, f"bad exit {value!r}; expected an integer or \"signal:NAME\" such as \"signal:SIGINT\" or \"signal:ACCESS_VIOLATION\"")
        return value


def table_warnings(case: Case) -> List[Tuple[int, str]]:
    """(line, why) for each `[[expect.when]]` table that can never apply (its platforms or start methods are none of
    the case's) or that says nothing [expect] does not already say where it applies."""
    found: List[Tuple[int, str]] = []
    for selector, expectation in case.when:
        if case.platforms is not None and selector.platform is not None and not any(
                platform_matches(p, *split_platform_tag(v)) or platform_matches(v, *split_platform_tag(p))
                for p in case.platforms for v in selector.platform):
            found.append((expectation.line, f"this [[expect.when]] can never apply: platform = {list(selector.platform)} "
                                            f"but the case runs on {', '.join(case.platforms)} only"))
            continue
        methods = case.start_methods or START_METHODS
        if selector.start_method is not None and not set(selector.start_method) & set(methods):
            found.append((expectation.line, f"this [[expect.when]] can never apply: start_method = "
                                            f"{list(selector.start_method)} but the case's cells run under "
                                            f"{', '.join(methods)}"))
            continue
        if case.expect is not None and replace(case.expect.overlay(expectation), line=0) == replace(case.expect, line=0):
            found.append((expectation.line, "this [[expect.when]] repeats [expect]: every key it sets has the same "
                                            "value there; remove it, or say what differs"))
    return found


def _specifier_hint(value: str) -> str:
    """A likely meaning of an invalid python specifier, as " (did you mean ...?)", or ""."""
    text = value.strip()
    huge = _HUGE_NUMBER.search(text)
    if huge:
        return f" (a number of {len(huge.group())} digits in it: at most {MAX_VERSION_DIGITS})"
    candidates = []
    bare = re.fullmatch(r"v?(\d+(?:\.\d+)*)", text)
    if bare:
        candidates.append(f"=={bare.group(1)}.*" if bare.group(1).count(".") < 2 else f"=={bare.group(1)}")
    plus = re.fullmatch(r"v?(\d+(?:\.\d+)*)\s*\+", text)
    if plus:
        candidates.append(f">={plus.group(1)}")
    swapped = text.replace("=>", ">=").replace("=<", "<=")
    swapped = re.sub(r"(?<=\d)\s*(?:,|\s|&&|and)\s*(?=[<>=!~])", ",", swapped)
    swapped = re.sub(r"(?<![<>=!~])=(?=\d)", "==", swapped) if not swapped.startswith(("==", ">=", "<=", "!=", "~=")) else swapped
    candidates.append(re.sub(r"^==(\d+\.\d+)$", r"==\1.*", swapped))  # ==3.12 would be 3.12.0 alone
    for candidate in candidates:
        if candidate == value:
            continue
        try:
            SpecifierSet(candidate)
        except InvalidSpecifier:
            continue
        return f" (did you mean {candidate!r}?)"
    return ""


def _or(values: Sequence[str]) -> str:
    values = list(values)
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]
