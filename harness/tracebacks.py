"""Read the tracebacks in a cell's stderr: each one's exception line and its tail (the rest of a multi-line message
and its PEP 678 notes), for plain and chained tracebacks, exception groups and SyntaxErrors printed without a header.

The exception of a cell is the exception line of the final traceback, never simply its last line: from 3.11 an
exception may carry notes (`add_note()`, and from 3.14 pickling adds `when serializing tuple item 3`), which Python
prints after the exception line. Those lines are the exception's *tail*; they stay in the observed stderr. A stderr
pattern may match the tail, or leave every tail out (see `without_tails` and docs/case-format.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Sequence

from harness.normalize import STDLIB_FRAMES

TRACEBACK_HEADER = "Traceback (most recent call last):"
# A top-level exception group's header; nested groups print theirs inside the `|` margin of their parent.
_GROUP_HEADER = re.compile(r"^  \+ Exception Group Traceback \(most recent call last\):\s*$")
_GROUP_LINE = "  | "  # the margin of a top-level group's own lines (frames, exception line, notes)
_IN_GROUP = re.compile(r"^ +[|+]")  # any line of a group's printout: margins and the `+-+---- 1 ----` boxes
# Where a SyntaxError raised while compiling the script is printed without a traceback header (`python bad.py`):
# its location line has no `, in <function>` part, which every frame line has.
_SYNTAX_LOCATION = re.compile(r'^  File "[^"]*", line \d+\s*$')
# Lines that start something else, so they end the tail before them: another traceback, a multiprocessing child's
# `Process Process-1:` line, the unraisable hook's `Exception ignored in`, and a warning (`file:12: UserWarning: ...`).
_OTHER_OUTPUT = re.compile(
    r"^(?:Traceback \(most recent call last\):|  \+ Exception Group Traceback|Process [\w.:-]+:$|Exception ignored "
    r"|\S.*:\d+: [A-Z]\w*Warning: )"
)
_CHAIN_MESSAGES = (
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
)


@dataclass(frozen=True)
class Traceback:
    """One traceback as printed: where it starts, its exception line (without a group's margin) and its tail.

    Lines are indices into the stderr's lines; `tail` is [start, end): the lines after the exception line that
    belong to it. `exception` is "" when the traceback was cut off before its exception line."""

    start: int
    end: int
    exception: str
    exception_index: int
    tail: range
    group: bool = False


def read_tracebacks(stderr: str) -> List[Traceback]:
    """Every traceback in stderr, in order."""
    lines = stderr.splitlines()
    found: List[Traceback] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        traceback: Optional[Traceback] = None
        if line.strip() == TRACEBACK_HEADER:
            traceback = _plain(lines, index, index + 1)
        elif _GROUP_HEADER.match(line):
            traceback = _group(lines, index)
        elif _SYNTAX_LOCATION.match(line) and (index == 0 or not lines[index - 1][:1].isspace()):
            traceback = _plain(lines, index, index + 1)
            if not traceback.exception.startswith(("SyntaxError", "IndentationError", "TabError")):
                traceback = None  # an indented note or message line that happens to look like a location
        if traceback is None:
            index += 1
            continue
        found.append(traceback)
        index = max(traceback.end, index + 1)
    return found


def final_exception(stderr: str) -> str:
    """The exception line of the final traceback on stderr (`ValueError: bad 3`; an exception group's own line
    `ExceptionGroup: msg (2 sub-exceptions)`), or '' when there is none or it was cut off before that line."""
    tracebacks = read_tracebacks(stderr)
    return tracebacks[-1].exception if tracebacks else ""


def without_tails(stderr: str, tracebacks: Optional[Sequence[Traceback]] = None) -> str:
    """stderr without the tail of any exception: what a stderr pattern that writes out no tail is matched against."""
    tracebacks = read_tracebacks(stderr) if tracebacks is None else tracebacks
    dropped = {index for traceback in tracebacks for index in traceback.tail}
    if not dropped:
        return stderr
    return "".join(line for index, line in enumerate(stderr.splitlines(True)) if index not in dropped)


def _plain(lines: Sequence[str], start: int, body: int) -> Traceback:
    """A traceback (or a header-less SyntaxError) whose frames start at `body`: indented lines up to the exception."""
    index = body
    while index < len(lines) and (not lines[index] or lines[index][0].isspace() or lines[index].startswith(STDLIB_FRAMES)):
        index += 1
    if index == len(lines):  # cut off before the exception line
        return Traceback(start, index, "", -1, range(index, index))
    end = _tail_end(lines, index + 1)
    return Traceback(start, end, _with_message(lines[index].rstrip(), lines[index + 1 : end]), index,
                     range(index + 1, end))


_BARE = re.compile(r"^[A-Za-z_][\w.]*:$")  # `RuntimeError:`: a message that starts on the next line


def _with_message(line: str, tail: Sequence[str]) -> str:
    """The exception line, with the first paragraph of its message where the message starts on the next line (as
    multiprocessing's `RuntimeError:` about the main module's idiom does), joined into one line."""
    if not _BARE.match(line):
        return line
    paragraph: List[str] = []
    for text in tail:
        if not text.strip():
            if paragraph:
                break
            continue
        paragraph.append(text.strip())
    return f"{line} {' '.join(paragraph)}" if paragraph else line


def _tail_end(lines: Sequence[str], index: int) -> int:
    """Where an exception's tail ends: at other output, at the blank line before a chained traceback, or at the end."""
    while index < len(lines):
        line = lines[index]
        if _OTHER_OUTPUT.match(line) or _SYNTAX_LOCATION.match(line):
            break
        if not line.strip() and any(
            following.strip() in _CHAIN_MESSAGES or following.strip() == TRACEBACK_HEADER
            for following in lines[index + 1 : index + 2]
        ):
            break
        index += 1
    return index


def _group(lines: Sequence[str], start: int) -> Traceback:
    """A top-level exception group: its own frames and exception line in the `  | ` margin, its notes after that
    line, then its sub-exceptions in boxes (`+-+---- 1 ----`). The sub-exceptions are not its tail: a stderr
    pattern that wants to leave them out says so with `...`."""
    end = start + 1
    while end < len(lines) and _IN_GROUP.match(lines[end]):
        end += 1
    index = start + 1
    while index < end and lines[index].startswith(_GROUP_LINE):
        content = lines[index][len(_GROUP_LINE) :]
        if content and not content[0].isspace():
            notes_end = index + 1
            while notes_end < end and lines[notes_end].startswith(_GROUP_LINE):
                notes_end += 1
            return Traceback(start, end, content.rstrip(), index, range(index + 1, notes_end), group=True)
        index += 1
    return Traceback(start, end, "", -1, range(end, end), group=True)
