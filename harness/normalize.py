"""Normalize a cell's output so that runs differing only in paths, pids, addresses and stdlib frames compare equal."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence as SequenceABC
from dataclasses import dataclass, field, replace
from typing import List, Optional, Sequence, Tuple

import regex as bounded_re

from harness.budget import REGEX_CALL_S, Budget, JudgingTimeout

STDLIB = "<stdlib>"
SITE = "<site-packages>"  # a case's environment's site-packages (harness/environments.py)
CASE = "<case>"
TMP = "<tmp>"
STDLIB_FRAMES = "[stdlib frames]"

# The characters str.splitlines() ends a line at (besides "\r\n").
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


class NormalizeError(ValueError):
    """A case's normalize rule that cannot work. .index: 0-based pair index (-1: not a list); .value: the bad part."""

    def __init__(self, message: str, index: int, value: str) -> None:
        # All three in args, so the error pickles and crosses process boundaries intact.
        super().__init__(message, index, value)
        self.message = message
        self.index = index
        self.value = value

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Context:
    """What the cell knows about its paths; each known folder becomes a placeholder."""

    stdlib_dirs: Tuple[str, ...] = ()  # the target's sysconfig stdlib and platstdlib (and their realpaths)
    case_dir: str = ""
    work_dir: str = ""
    site_dirs: Tuple[str, ...] = ()  # the site-packages of the cell's environment, if it has one
    bootstrap: str = ""  # the harness's bootstrap.py, whose frames `python CASE` would not have


@dataclass(frozen=True)
class Rules:
    """A case's own normalize rules, compiled: applied to each line after the built-ins.

    `pairs` are checked with the standard library's `re` (the documented syntax); `bounded` holds the same regexes
    compiled by the `regex` package, which applies them under a time limit. `where` is the case file's
    `normalize` line, for messages."""

    pairs: Tuple[Tuple["re.Pattern[str]", str], ...] = ()
    bounded: Tuple[object, ...] = field(default=(), compare=False, repr=False)
    where: str = field(default="", compare=False)

    def located(self, where: str) -> "Rules":
        return replace(self, where=where)


def compile_rules(pairs: Sequence[Sequence[str]]) -> Rules:
    """Compile `[[regex, replacement], ...]`, checking both halves now rather than on the first output."""
    if isinstance(pairs, (str, bytes)) or not isinstance(pairs, SequenceABC):
        raise NormalizeError(f"normalize must be a list of [regex, replacement] pairs, got {pairs!r}", -1, repr(pairs))
    compiled: List[Tuple["re.Pattern[str]", str]] = []
    for index, pair in enumerate(pairs):
        if (
            isinstance(pair, (str, bytes))
            or not isinstance(pair, SequenceABC)
            or len(pair) != 2
            or not all(isinstance(part, str) for part in pair)
        ):
            raise NormalizeError(
                f"normalize rule {index + 1} must be a pair of strings [regex, replacement], got {pair!r}",
                index, repr(pair),
            )
        expression, replacement = pair
        try:
            regex = re.compile(expression)
        except (re.error, OverflowError, RecursionError) as exc:
            raise NormalizeError(f"normalize rule {index + 1}: invalid regex {expression!r}: {exc}", index, expression) from None
        try:
            _probe(regex).expand(replacement)
        except (re.error, IndexError) as exc:
            raise NormalizeError(
                f"normalize rule {index + 1}: invalid replacement {replacement!r} for {expression!r}: {exc}",
                index, replacement,
            ) from None
        compiled.append((regex, replacement))
    bounded = []
    for index, (regex, _) in enumerate(compiled):
        try:
            bounded.append(bounded_re.compile(regex.pattern))
        except (bounded_re.error, OverflowError, RecursionError, ValueError) as exc:
            raise NormalizeError(f"normalize rule {index + 1}: regex {regex.pattern!r} is valid for `re` but not for "
                                 f"the time-bounded matcher: {exc}", index, regex.pattern) from None
    return Rules(tuple(compiled), tuple(bounded))


def _probe(regex: "re.Pattern[str]") -> "re.Match[str]":
    """A match with the regex's groups (numbers and names), so expanding a replacement checks its references."""
    names = {number: name for name, number in regex.groupindex.items()}
    groups = "".join(f"(?P<{names[number]}>)" if number in names else "()" for number in range(1, regex.groups + 1))
    match = re.match(groups, "")
    assert match is not None  # empty groups always match the empty string
    return match


def normalize(text: str, context: Context = Context(), rules: Rules = Rules(), budget: Optional[Budget] = None) -> str:
    """The built-in normalizers in order (paths, tracebacks, addresses, pool workers, pids), then the case's rules.

    Line by line in effect; a Windows line ending becomes a plain newline, every other line ending is kept. The
    built-ins whose regexes cannot cross a line break run over the whole text at once (a few MiB of short lines
    would otherwise take seconds); the traceback steps look at lines only when the text has a frame. The case's
    rules run per line under a time limit (`budget`'s stop event ends them too): raises JudgingTimeout naming
    the rule.
    """
    if context.bootstrap and 'File "' in text and context.bootstrap in text:
        text = _without_bootstrap_frames(text, context.bootstrap)
    text = _normalize_known_dirs(text, context)
    if 'File "' in text:
        bodies, endings = _split_lines(text)
        bodies = [_normalize_frame_file(line) for line in bodies]
        bodies, endings = _collapse_tracebacks(bodies, endings)
        text = "".join(body + ending for body, ending in zip(bodies, endings))
    else:
        text = text.replace("\r\n", "\n")  # what splitting into lines and joining them again does
    if "pymp-" in text or "listener-" in text:
        text = _MP_TEMP_NAME.sub(r"\g<prefix>-<id>", text)
    text = _normalize_ids(text)
    if rules.pairs:
        text = _apply_rules(text, rules, budget or Budget())
    return text


def _apply_rules(text: str, rules: Rules, budget: Budget) -> str:
    bodies, endings = _split_lines(text)
    for number, ((regex, replacement), bounded) in enumerate(zip(rules.pairs, rules.bounded), 1):
        out = []
        for body in bodies:
            allowed = max(min(budget.remaining(), REGEX_CALL_S), 0.001)
            try:
                out.append(bounded.sub(replacement, body, timeout=allowed, concurrent=True))  # type: ignore[attr-defined]
            except TimeoutError:
                budget.spent()  # an interruption is told apart from a slow regex
                raise JudgingTimeout(
                    f"normalize rule {number} ({regex.pattern!r}) took more than {allowed:.2g} s of CPU time against "
                    f"one line of {len(body):,} characters; simplify the regex", number, regex.pattern, rules.where,
                ) from None
            if budget.tick():
                raise JudgingTimeout(f"normalize rule {number} ({regex.pattern!r}) took more than {budget.seconds:g} s "
                                     f"of CPU time over {len(bodies):,} lines", number, regex.pattern, rules.where)
        bodies = out
    return "".join(body + ending for body, ending in zip(bodies, endings))


def normalize_line(line: str) -> str:
    """The context-free built-ins on a single line: what compile_pattern(normalize=...) checks literal text with."""
    return normalize(line)


def _split_lines(text: str) -> Tuple[List[str], List[str]]:
    bodies: List[str] = []
    endings: List[str] = []
    for line in text.splitlines(True):
        ending_length = 2 if line.endswith("\r\n") else int(line[-1] in _LINE_BREAKS)
        bodies.append(line[: len(line) - ending_length])
        endings.append("\n" if ending_length == 2 else line[len(line) - ending_length :])
    return bodies, endings


# -- 1. paths ------------------------------------------------------------------------------------------------------

# A separator as printed, or as repr() doubles it on Windows ('C:\\Users').
_SEPARATOR = r"(?:/|\\\\?)"
# The rest of a path after a known folder, up to whitespace, quotes or punctuation that ends a path in prose.
_PATH_TAIL = rf"(?P<tail>(?:{_SEPARATOR}[^\s/\\\"'<>|:*?,;()\[\]]*)*)"
# Where a known folder may start and end: not in the middle of a longer name.
_BEFORE = r"(?<![\w.~-])"
_AFTER = r"(?![\w~-]|\.[\w.~-])"
_TRACEBACK_FILE = re.compile(r'^(?P<head>(?: *\| )?\s*File ")(?P<file>[^"]*)(?P<rest>",.*)$')
_GENERIC_STDLIB = re.compile(r"^.*(?:[/\\]lib[/\\](?:python|pypy)\d+\.\d+[/\\]|\\Lib\\)")
_MP_TEMP_NAME = re.compile(r"\b(?P<prefix>pymp|listener)-[a-z0-9_]+\b")


@functools.lru_cache(maxsize=64)
def _known_dirs(
    stdlib_dirs: Tuple[str, ...], case_dir: str, work_dir: str, site_dirs: Tuple[str, ...] = ()
) -> Optional[Tuple["re.Pattern[str]", Tuple[str, ...]]]:
    """One regex for all folders the context knows, longest first, with the placeholder for each alternative."""
    entries = [(folder, SITE) for folder in site_dirs] + [(folder, STDLIB) for folder in stdlib_dirs]
    entries += [(case_dir, CASE), (work_dir, TMP)]
    seen = set()
    alternatives: List[Tuple[int, str, str]] = []
    for folder, placeholder in entries:
        folder = folder.rstrip("/\\")
        if not folder or re.fullmatch(r"[A-Za-z]:", folder):
            continue  # a root would swallow every path
        windows = re.match(r"[A-Za-z]:|\\\\", folder) is not None
        # macOS links /tmp, /var and /etc into /private; a process may print either spelling of the same folder.
        macos_alias = re.match(r"(?:/private)?(?=/(?:tmp|var|etc)(?:/|$))", folder)
        prefix = ""
        if macos_alias is not None:
            folder, prefix = folder[macos_alias.end() :], "(?:/private)?"
        key = folder.lower().replace("\\", "/") if windows else folder
        if key in seen:
            continue
        seen.add(key)
        regex = prefix + "".join(_SEPARATOR if char in "/\\" else re.escape(char) for char in folder)
        alternatives.append((len(folder), f"(?i:{regex})" if windows else regex, placeholder))
    if not alternatives:
        return None
    # Longest first: the regex takes the first alternative that fits, and a case folder may lie inside another.
    alternatives.sort(key=lambda alternative: -alternative[0])
    union = "|".join(f"(?P<d{index}>{regex})" for index, (_, regex, _) in enumerate(alternatives))
    pattern = re.compile(f"{_BEFORE}(?:{union}){_AFTER}{_PATH_TAIL}")
    return pattern, tuple(placeholder for _, _, placeholder in alternatives)


def _normalize_known_dirs(text: str, context: Context) -> str:
    """Known folders become placeholders. The regex never matches across a line break (its tail stops at
    whitespace), so one pass over the whole text does what a pass per line would."""
    known = _known_dirs(tuple(context.stdlib_dirs), context.case_dir, context.work_dir, tuple(context.site_dirs))
    if known is None or not _may_contain_a_folder(text, context):
        return text
    pattern, placeholders = known

    def replace(match: "re.Match[str]") -> str:
        number = next(index for index in range(len(placeholders)) if match.group(f"d{index}") is not None)
        return placeholders[number] + _forward_slashes(match.group("tail"))

    return pattern.sub(replace, text)


def _may_contain_a_folder(text: str, context: Context) -> bool:
    """A quick look before the regex: each folder's last name appears literally in any spelling of the folder
    (separators and a macOS /private prefix aside), so a text without any of them needs no regex pass."""
    lowered: Optional[str] = None
    for folder in (*context.stdlib_dirs, context.case_dir, context.work_dir, *context.site_dirs):
        name = re.split(r"[/\\]", folder.rstrip("/\\"))[-1]
        if not name or name in text:
            return True
        if re.match(r"[A-Za-z]:|\\\\", folder):  # Windows folders match whatever the case
            lowered = text.lower() if lowered is None else lowered
            if name.lower() in lowered:
                return True
    return False


def _without_bootstrap_frames(text: str, bootstrap: str) -> str:
    """The stack a case prints (traceback.print_stack, faulthandler) without the bootstrap's frames and their source
    lines: under `python CASE` the case's <module> frame is the first, and the bootstrap's path and line numbers
    would tie an expectation to one checkout of one harness version."""
    bodies, endings = _split_lines(text)
    out: List[str] = []
    source_of_dropped = False
    for body, ending in zip(bodies, endings):
        frame = _TRACEBACK_FILE.match(body)
        if frame is not None and frame.group("file") == bootstrap:
            source_of_dropped = True
            continue
        if source_of_dropped and frame is None and body.startswith("    ") and body.strip():
            source_of_dropped = False  # print_stack's line of source under the dropped frame
            continue
        source_of_dropped = False
        out.append(body + ending)
    return "".join(out)


def _normalize_frame_file(line: str) -> str:
    frame = _TRACEBACK_FILE.match(line)
    if frame is not None:
        # A frame in a stdlib the context does not know (a child of another interpreter, a venv's base).
        path = frame.group("file")
        stdlib = _GENERIC_STDLIB.match(path)
        if stdlib is not None:
            path = STDLIB + "/" + _forward_slashes(path[stdlib.end() :])
            line = frame.group("head") + path + frame.group("rest")
    return line


def _forward_slashes(path: str) -> str:
    return re.sub(r"\\\\?", "/", path)


# -- 2. tracebacks -------------------------------------------------------------------------------------------------

# An exception group (3.11+) prints its frames, and those of its sub-exceptions, behind a `|` margin ("  |   File").
_MARGIN = r"(?: *\| )?"
# A frame as traceback, traceback.print_stack and faulthandler print it, inside an exception group's margin or not.
_FRAME = re.compile(r'^(?P<margin>' + _MARGIN + r')(?P<indent>[ \t]*)File "(?P<file>[^"]*)", line \d+')
# 3.11+ marks the failing expression under the source line; 3.13 adds `~`. Older versions print nothing there.
_CARETS = re.compile(r"^\s*[~^]*\^[~^]*\s*$")


def _collapse_tracebacks(bodies: List[str], endings: List[str]) -> Tuple[List[str], List[str]]:
    """Fold each run of stdlib frames into one line and drop caret lines, which differ between versions."""
    out_bodies: List[str] = []
    out_endings: List[str] = []
    index = 0
    while index < len(bodies):
        frame = _FRAME.match(bodies[index])
        if frame is None:
            out_bodies.append(bodies[index])
            out_endings.append(endings[index])
            index += 1
            continue
        margin, indent = frame.group("margin"), frame.group("indent")
        stop = _frame_end(bodies, index, margin, len(indent))
        if _is_stdlib(frame.group("file")):
            if not out_bodies or out_bodies[-1] != margin + indent + STDLIB_FRAMES:
                out_bodies.append(margin + indent + STDLIB_FRAMES)
                out_endings.append(endings[stop - 1])
            else:
                out_endings[-1] = endings[stop - 1]
        else:
            for line_index in range(index, stop):
                if line_index == index or not _CARETS.match(bodies[line_index][len(margin) :]):
                    out_bodies.append(bodies[line_index])
                    out_endings.append(endings[line_index])
        index = stop
    return out_bodies, out_endings


def _frame_end(bodies: Sequence[str], start: int, margin: str, indent: int) -> int:
    """The index after a frame: its header plus the lines indented deeper than it (source, carets, `...<N lines>...`),
    behind the same exception-group margin as the header when it has one."""
    stop = start + 1
    while stop < len(bodies):
        line = bodies[stop]
        if margin:
            if not line.startswith(margin):
                break
            line = line[len(margin) :]
        depth = len(line) - len(line.lstrip())
        if not line.strip() or depth <= indent or _FRAME.match(bodies[stop]):
            break
        stop += 1
    return stop


def _is_stdlib(path: str) -> bool:
    # `<frozen runpy>`: 3.11+ prints frozen stdlib modules this way, older versions print their file. A package's
    # frames in the cell's environment fold with them: their lines differ between the package's versions as the
    # stdlib's do between Python's (as a venv's frames of an interpreter the context does not know always did).
    return path.startswith(STDLIB) or path.startswith("<frozen ") or path.startswith(SITE)


# -- 3.-5. addresses, pool workers, pids ---------------------------------------------------------------------------

# Whitespace within a line: these regexes run over whole texts, and `\s` would also take a line break.
_BLANK = "[^\\S\\n\\r\\x0b\\x0c\\x1c\\x1d\\x1e\\x85\\u2028\\u2029]"
_IDS: Tuple[Tuple["re.Pattern[str]", str], ...] = (
    (re.compile(r"\b0x[0-9a-fA-F]{6,}"), "0x<addr>"),
    # Process-1 is left alone: its ordinal is deterministic and claims mention it.
    (re.compile(r"\b(?P<kind>(?:Spawn|Fork|ForkServer)?PoolWorker)-\d+(?::\d+)*\b"), r"\g<kind>-N"),
    (re.compile(rf"\b(?P<key>(?i:p?pid))(?P<sep>{_BLANK}*[=:]{_BLANK}*|{_BLANK}+)\d+\b"), r"\g<key>\g<sep><pid>"),
    (re.compile(r"\bparent=\d+\b"), "parent=<pid>"),
)
_IDS_NEED = ("0x", "poolworker-", "pid", "parent=")  # in lower case: each regex's match contains it


def _normalize_ids(text: str) -> str:
    """Addresses, pool worker names and pids; no regex here crosses a line break, so a text is one pass each,
    and a pass is skipped when the literal text every match contains is absent (a quick look at a few MiB)."""
    lowered = text.lower()
    for (regex, replacement), needed in zip(_IDS, _IDS_NEED):
        if needed in lowered:
            text = regex.sub(replacement, text)
    return text

