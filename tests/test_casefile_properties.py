"""Property tests: the case-file parser raises nothing but CaseError, whatever the file holds."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.casefile import CaseError, parse_case

KEYS = ["claim", "source", "ids", "timeout", "normalize", "platforms", "stdout", "stderr", "exit", "exception",
        "holds", "leaks", "start_method", "platform", "python", "implementation", "when", "bogus", "expect"]
HEADERS = ["[expect]", "[[expect.when]]", "[expect.when]", "[[expect]]", "[other]", "[expect.x]"]
SCALARS = st.one_of(
    st.integers(-5, 10**6), st.floats(allow_nan=True), st.booleans(),
    st.sampled_from(["fork", "spwan", "linux", "win32", ">=3.12", "=>3", "[..]", "...", "a(b (re)", "signal:SIGINT",
                     "signal:nope", "S1", "0x7ffd12345678", "[unordered]", "[/unordered]", "x\\ny"]),
    st.text(max_size=20),
)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if value == value and abs(value) != float("inf") else "nan"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


LINES = st.one_of(
    st.builds(lambda k, v: f"{k} = {toml_value(v)}", st.sampled_from(KEYS), st.one_of(SCALARS, st.lists(SCALARS, max_size=3))),
    st.sampled_from(HEADERS),
    st.sampled_from(['stdout = """', '"""', "", "# a comment", "normalize = [['(', 'x']]", "normalize = [['a', '\\\\9']]"]),
    st.text(max_size=30).map(lambda t: t.replace("\n", " ")),
)


def as_case(lines: list) -> str:
    body = "".join(("# " + line if line else "#") + "\n" for line in lines)
    return "# /// case\n" + body + "# ///\nprint('hi')\n"


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, max_size=25))
def test_structured_blocks_raise_only_case_errors(lines: list) -> None:
    try:
        parse_case(as_case(lines), "cases/generated.py")
    except CaseError as exc:
        assert str(exc).startswith("cases/generated.py")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_raises_only_case_errors(text: str) -> None:
    try:
        parse_case(text, "cases/random.py")
    except CaseError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_inside_a_block_raises_only_case_errors(text: str) -> None:
    try:
        parse_case(as_case(text.split("\n")), "cases/random.py")
    except CaseError:
        pass


def test_a_timeout_that_is_not_a_finite_positive_number_is_refused() -> None:
    for value in ("nan", "inf", "-1", "0", "1e400"):
        text = f'# /// case\n# claim = "c"\n# source = "s"\n# ids = ["S1"]\n# timeout = {value}\n# ///\n'
        with pytest.raises(CaseError, match=re.escape("cases/t.py:5: bad timeout")):
            parse_case(text, "cases/t.py")


def test_nondeterministic_must_say_why() -> None:
    head = '# /// case\n# claim = "c"\n# source = "s"\n# ids = ["S1"]\n'
    assert parse_case(head + '# nondeterministic = "hangs in 6 of 231 runs"\n# ///\n', "c.py").nondeterministic
    with pytest.raises(CaseError, match=re.escape("c.py:5: empty 'nondeterministic'")):
        parse_case(head + '# nondeterministic = " "\n# ///\n', "c.py")


def test_exit_may_name_a_posix_signal_or_a_windows_crash() -> None:
    head = '# /// case\n# claim = "c"\n# source = "s"\n# ids = ["S1"]\n# [expect]\n'
    for value in ("signal:SIGINT", "signal:ACCESS_VIOLATION"):
        assert parse_case(head + f'# exit = "{value}"\n# ///\n', "c.py").expect.exit == value
    with pytest.raises(CaseError, match=re.escape("c.py:6: bad exit 'signal:sigint'")):
        parse_case(head + '# exit = "signal:sigint"\n# ///\n', "c.py")
