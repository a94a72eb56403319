"""Tests for harness.tracebacks on real stderr: notes, multi-line messages, chains, SyntaxErrors and exception groups.

tests/data/tracebacks/NAME--PYTHON.txt is the real stderr of `bootstrap.py spawn 0 /dev/null scripts/NAME.py` (run
from /tmp/tbs/cases) under CPython 3.8.18, 3.11.7, 3.13.0 (pyenv), 3.14.10, 3.15.2 (Debian), PyPy 3.9 (7.3.11) and
PyPy 3.11 (8.0.1); seed_CASE--PYTHON.txt is a seed case's stderr from `mpmatrix run` on 3.14 and 3.15.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from harness.normalize import Context, normalize
from harness.tracebacks import final_exception, read_tracebacks, without_tails

DATA = Path(__file__).parent / "data" / "tracebacks"
PYTHONS = ("3.8", "3.11", "3.13", "3.14", "3.15", "pypy3.9", "pypy3.11")
OLD = ("3.8", "pypy3.9")  # no add_note, no exception groups, no TaskGroup


def stderr(name: str, python: str) -> str:
    """A capture, normalized as the judge normalizes it (the case folder known; stdlib found by its shape)."""
    raw = (DATA / f"{name}--{python}.txt").read_text(encoding="utf-8")
    case_dir = "/work/wt/i9/cases/seed" if name.startswith("seed_") else "/tmp/tbs/cases"
    return normalize(raw, Context(case_dir=case_dir))


def exceptions_and_tails(text: str) -> List[Tuple[str, List[str]]]:
    lines = text.splitlines()
    return [(t.exception, [lines[i] for i in t.tail]) for t in read_tracebacks(text)]


NOTES = ["first note", "second note", "spanning two lines"]
NO_ADD_NOTE = "AttributeError: '{}' object has no attribute 'add_note'"
# name -> python -> every traceback's (exception line, tail); "*" for the Pythons not listed.
EXPECTED: Dict[str, Dict[str, List[Tuple[str, List[str]]]]] = {
    "notes": {
        "*": [("ValueError: bad value 42", NOTES)],
        **{p: [(NO_ADD_NOTE.format("ValueError"), [])] for p in OLD},
    },
    "pickling_notes": {
        "*": [("TypeError: cannot pickle '_thread.lock' object", [])],
        "3.14": [("TypeError: cannot pickle '_thread.lock' object", ["when serializing tuple item 2", "when serializing dict item 'key'"])],
        "3.15": [("TypeError: cannot pickle '_thread.lock' object", ["when serializing tuple item 2", "when serializing dict item 'key'"])],
        "pypy3.9": [("pickle.PicklingError: Can't pickle <class '_thread.lock'>: it's not found as _thread.lock", [])],
        "pypy3.11": [("_pickle.PicklingError: Can't pickle <class '_thread.lock'>: it's not found as _thread.lock", [])],
    },
    "multiline_message": {"*": [("ValueError: first line", ["second line", "  indented third line"])]},
    "chained": {"*": [("KeyError: 'missing'", []), ("RuntimeError: while handling", [])]},
    "chained_context": {"*": [("ZeroDivisionError: division by zero", []), ("ValueError: during handling", [])]},
    "notes_chained": {
        "*": [("KeyError: 'first'", ["note on the first"]), ("RuntimeError: second", ["note on the second"])],
        **{p: [(NO_ADD_NOTE.format("KeyError"), [])] for p in OLD},
    },
    # The child's note, then the parent's SystemExit message: Python marks neither, so the tail runs on to the end.
    "child_then_main": {
        "*": [("OSError: in the child", ["note from the child", "child exit code 1"])],
        **{p: [(NO_ADD_NOTE.format("OSError"), ["child exit code 1"])] for p in OLD},
    },
    "syntax_error": {
        "*": [("SyntaxError: '(' was never closed", [])],
        "3.8": [("SyntaxError: invalid syntax", [])],
        "pypy3.9": [("SyntaxError: parenthesis is never closed", [])],
    },
    "syntax_error_runtime": {
        "*": [("SyntaxError: '(' was never closed", [])],
        "3.8": [("SyntaxError: unexpected EOF while parsing", [])],
        "pypy3.9": [("SyntaxError: parenthesis is never closed", [])],
    },
    "group": {
        "*": [("ExceptionGroup: several failures (3 sub-exceptions)", ["  | a note on the group"])],
        **{p: [("NameError: name 'ExceptionGroup' is not defined", [])] for p in OLD},
    },
    "group_sub_notes": {  # a sub-exception's note is inside its box, not the group's tail
        "*": [("ExceptionGroup: outer (2 sub-exceptions)", [])],
        **{p: [(NO_ADD_NOTE.format("ValueError"), [])] for p in OLD},
    },
    "group_chained": {
        "*": [("ExceptionGroup: first (1 sub-exception)", []), ("RuntimeError: after the group", [])],
        **{p: [("NameError: name 'ExceptionGroup' is not defined", [])] * 2 for p in OLD},
    },
    "group_taskgroup": {
        "*": [("ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)", [])],
        **{p: [("AttributeError: module 'asyncio' has no attribute 'TaskGroup'", [])] for p in OLD},
    },
    "group_without_traceback": {
        "*": [("BaseExceptionGroup: bare (2 sub-exceptions)", [])],
        **{p: [("NameError: name 'BaseExceptionGroup' is not defined", [])] for p in OLD},
    },
}


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_traceback_its_exception_line_and_tail(name: str, python: str) -> None:
    expected = EXPECTED[name].get(python, EXPECTED[name]["*"])
    text = stderr(name, python)
    assert exceptions_and_tails(text) == expected
    assert final_exception(text) == expected[-1][0]


def test_every_capture_is_covered() -> None:
    names = {path.name.split("--")[0] for path in DATA.glob("*.txt")}
    assert names - set(EXPECTED) == {"seed_pool_queue_argument", "seed_pool_bound_method"}


@pytest.mark.parametrize("python", ["3.14", "3.15"])
def test_pickling_notes_of_3_14_are_the_tail_not_the_exception(python: str) -> None:
    queue = stderr("seed_pool_queue_argument", python)
    assert final_exception(queue) == "RuntimeError: Queue objects should only be shared between processes through inheritance"
    assert queue.splitlines()[-1] == "when serializing tuple item 3"  # what "the last line" used to give
    assert without_tails(queue).endswith("RuntimeError: Queue objects should only be shared between processes through inheritance\n")
    method = stderr("seed_pool_bound_method", python)
    assert final_exception(method) == "NotImplementedError: pool objects cannot be passed between processes or pickled"
    assert exceptions_and_tails(method)[0][1][0] == "when serializing dict item 'pool'"


def test_without_tails_keeps_everything_else() -> None:
    text = stderr("notes_chained", "3.14")
    assert without_tails(text) == (
        "Traceback (most recent call last):\n"
        '  File "<case>/notes_chained.py", line 4, in <module>\n'
        "    raise error\n"
        "KeyError: 'first'\n"
        "\n"
        "During handling of the above exception, another exception occurred:\n"
        "\n"
        "Traceback (most recent call last):\n"
        '  File "<case>/notes_chained.py", line 8, in <module>\n'
        "    raise error\n"
        "RuntimeError: second\n"
    )
    group = without_tails(stderr("group", "3.14"))
    assert "  | a note on the group\n" not in group and "    | ValueError: one\n" in group
    assert without_tails("no traceback here\n") == "no traceback here\n"


def test_group_frames_collapse_like_any_others() -> None:
    """Stdlib frames behind a group's `|` margin fold into one line, and 3.11's and 3.15's groups read the same."""
    text = stderr("group_taskgroup", "3.15")
    assert text == stderr("group_taskgroup", "3.11")
    assert text.startswith(
        "  + Exception Group Traceback (most recent call last):\n"
        '  |   File "<case>/group_taskgroup.py", line 11, in <module>\n'
        "  |     asyncio.run(main())\n"
        "  |   [stdlib frames]\n"
        '  |   File "<case>/group_taskgroup.py", line 7, in main\n'
        "  |     async with asyncio.TaskGroup() as tg:\n"
        "  |   [stdlib frames]\n"
        "  | ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)\n"
    )
    assert "^" not in text and "~" not in text and "/usr/lib" not in text
    # PyPy runs the sub-exceptions' coroutines from a stdlib frame of its own: one more [stdlib frames] line each.
    pypy = stderr("group_taskgroup", "pypy3.11")
    assert pypy.replace("    |   [stdlib frames]\n", "") == text


@pytest.mark.parametrize("stderr_text, expected", [
    # a traceback cut off (the output cap) before its exception line has no exception, even after an earlier one
    ("Traceback (most recent call last):\n  File \"a\"\nKeyError: 1\nTraceback (most recent call last):\n  File \"b\"\n", ""),
    # a group header alone
    ("  + Exception Group Traceback (most recent call last):\n  |   File \"a\", line 1, in <module>\n", ""),
    # an indented line shaped like a SyntaxError's location, followed by no SyntaxError, is not a traceback
    ('  File "x", line 3\nValueError: not a syntax error\n', ""),
    # a warning after the exception ends its tail
    ("Traceback (most recent call last):\n  File \"x\"\nValueError: v\nnote\n"
     "<stdlib>/multiprocessing/resource_tracker.py:254: UserWarning: resource_tracker: leaked\n", "ValueError: v"),
])
def test_edge_cases(stderr_text: str, expected: str) -> None:
    assert final_exception(stderr_text) == expected


def test_a_warning_a_child_and_unraisable_output_end_a_tail() -> None:
    for other in ("<stdlib>/x.py:3: DeprecationWarning: old", "Process SpawnProcess-2:", "Exception ignored in: <function f>"):
        text = f"Traceback (most recent call last):\n  File \"x\"\nValueError: v\nthe note\n{other}\n"
        assert exceptions_and_tails(text)[0] == ("ValueError: v", ["the note"])
        assert without_tails(text).endswith(f"ValueError: v\n{other}\n")


def test_a_message_that_starts_on_the_next_line_is_part_of_the_exception_line() -> None:
    """multiprocessing's error for a forgotten `if __name__ == '__main__':` starts its message on a new line."""
    stderr = ("Traceback (most recent call last):\n  File \"<case>/x.py\", line 2, in <module>\n"
              "RuntimeError: \n        An attempt has been made to start a new process before the\n"
              "        current process has finished its bootstrapping phase.\n\n"
              "        This probably means that you are not using fork to start your\n")
    assert final_exception(stderr) == ("RuntimeError: An attempt has been made to start a new process before the "
                                       "current process has finished its bootstrapping phase.")
    assert final_exception("Traceback (most recent call last):\nKeyboardInterrupt\n") == "KeyboardInterrupt"
