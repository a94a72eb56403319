"""Tests for harness.normalize: each built-in normalizer, real tracebacks across versions, and case rules."""

from __future__ import annotations

import pickle
import re
from typing import List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.normalize import Context, NormalizeError, Rules, compile_rules, normalize, normalize_line


def pyenv_context(version: str) -> Context:
    """The context judge gives a cell of ~/.pyenv/versions/VERSION running a case from /tmp/tbs/cases."""
    minor = version.rsplit(".", 1)[0]
    return Context(stdlib_dirs=(f"/root/.pyenv/versions/{version}/lib/python{minor}",), case_dir="/tmp/tbs/cases")


# Real stderr of `bootstrap.py spawn ... cases/pool_queue.py` (Pool.apply with a multiprocessing.Queue argument) and
# of cases/pool_raise.py (the worker raises ValueError), captured from pyenv's 3.8.18, 3.12.1 and 3.13.0.
PY38_POOL_QUEUE = """\
Traceback (most recent call last):
  File "/tmp/tbs/cases/pool_queue.py", line 9, in <module>
    print(pool.apply(work, (q,)))
  File "/root/.pyenv/versions/3.8.18/lib/python3.8/multiprocessing/pool.py", line 357, in apply
    return self.apply_async(func, args, kwds).get()
  File "/root/.pyenv/versions/3.8.18/lib/python3.8/multiprocessing/pool.py", line 771, in get
    raise self._value
  File "/root/.pyenv/versions/3.8.18/lib/python3.8/multiprocessing/pool.py", line 537, in _handle_tasks
    put(task)
  File "/root/.pyenv/versions/3.8.18/lib/python3.8/multiprocessing/connection.py", line 206, in send
    self._send_bytes(_ForkingPickler.dumps(obj))
  File "/root/.pyenv/versions/3.8.18/lib/python3.8/multiprocessing/reduction.py", line 51, in dumps
    cls(buf, protocol).dump(obj)
  File "/root/.pyenv/versions/3.8.18/lib/python3.8/multiprocessing/queues.py", line 58, in __getstate__
    context.assert_spawning(self)
  File "/root/.pyenv/versions/3.8.18/lib/python3.8/multiprocessing/context.py", line 359, in assert_spawning
    raise RuntimeError(
RuntimeError: Queue objects should only be shared between processes through inheritance
"""

PY312_POOL_QUEUE = """\
Traceback (most recent call last):
  File "/tmp/tbs/cases/pool_queue.py", line 9, in <module>
    print(pool.apply(work, (q,)))
          ^^^^^^^^^^^^^^^^^^^^^^
  File "/root/.pyenv/versions/3.12.1/lib/python3.12/multiprocessing/pool.py", line 360, in apply
    return self.apply_async(func, args, kwds).get()
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/root/.pyenv/versions/3.12.1/lib/python3.12/multiprocessing/pool.py", line 774, in get
    raise self._value
  File "/root/.pyenv/versions/3.12.1/lib/python3.12/multiprocessing/pool.py", line 540, in _handle_tasks
    put(task)
  File "/root/.pyenv/versions/3.12.1/lib/python3.12/multiprocessing/connection.py", line 206, in send
    self._send_bytes(_ForkingPickler.dumps(obj))
                     ^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/root/.pyenv/versions/3.12.1/lib/python3.12/multiprocessing/reduction.py", line 51, in dumps
    cls(buf, protocol).dump(obj)
  File "/root/.pyenv/versions/3.12.1/lib/python3.12/multiprocessing/queues.py", line 58, in __getstate__
    context.assert_spawning(self)
  File "/root/.pyenv/versions/3.12.1/lib/python3.12/multiprocessing/context.py", line 374, in assert_spawning
    raise RuntimeError(
RuntimeError: Queue objects should only be shared between processes through inheritance
"""

PY313_POOL_QUEUE = """\
Traceback (most recent call last):
  File "/tmp/tbs/cases/pool_queue.py", line 9, in <module>
    print(pool.apply(work, (q,)))
          ~~~~~~~~~~^^^^^^^^^^^^
  File "/root/.pyenv/versions/3.13.0/lib/python3.13/multiprocessing/pool.py", line 360, in apply
    return self.apply_async(func, args, kwds).get()
           ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~^^
  File "/root/.pyenv/versions/3.13.0/lib/python3.13/multiprocessing/pool.py", line 774, in get
    raise self._value
  File "/root/.pyenv/versions/3.13.0/lib/python3.13/multiprocessing/pool.py", line 540, in _handle_tasks
    put(task)
    ~~~^^^^^^
  File "/root/.pyenv/versions/3.13.0/lib/python3.13/multiprocessing/connection.py", line 206, in send
    self._send_bytes(_ForkingPickler.dumps(obj))
                     ~~~~~~~~~~~~~~~~~~~~~^^^^^
  File "/root/.pyenv/versions/3.13.0/lib/python3.13/multiprocessing/reduction.py", line 51, in dumps
    cls(buf, protocol).dump(obj)
    ~~~~~~~~~~~~~~~~~~~~~~~^^^^^
  File "/root/.pyenv/versions/3.13.0/lib/python3.13/multiprocessing/queues.py", line 56, in __getstate__
    context.assert_spawning(self)
    ~~~~~~~~~~~~~~~~~~~~~~~^^^^^^
  File "/root/.pyenv/versions/3.13.0/lib/python3.13/multiprocessing/context.py", line 374, in assert_spawning
    raise RuntimeError(
    ...<2 lines>...
        )
RuntimeError: Queue objects should only be shared between processes through inheritance
"""

PY38_POOL_RAISE = """\
multiprocessing.pool.RemoteTraceback:
\"\"\"
Traceback (most recent call last):
  File "/root/.pyenv/versions/3.8.18/lib/python3.8/multiprocessing/pool.py", line 125, in worker
    result = (True, func(*args, **kwds))
  File "/tmp/tbs/cases/pool_raise.py", line 4, in work
    raise ValueError("bad %d" % x)
ValueError: bad 3
\"\"\"

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/tmp/tbs/cases/pool_raise.py", line 8, in <module>
    print(pool.apply(work, (3,)))
  File "/root/.pyenv/versions/3.8.18/lib/python3.8/multiprocessing/pool.py", line 357, in apply
    return self.apply_async(func, args, kwds).get()
  File "/root/.pyenv/versions/3.8.18/lib/python3.8/multiprocessing/pool.py", line 771, in get
    raise self._value
ValueError: bad 3
"""

PY312_POOL_RAISE = """\
multiprocessing.pool.RemoteTraceback:
\"\"\"
Traceback (most recent call last):
  File "/root/.pyenv/versions/3.12.1/lib/python3.12/multiprocessing/pool.py", line 125, in worker
    result = (True, func(*args, **kwds))
                    ^^^^^^^^^^^^^^^^^^^
  File "/tmp/tbs/cases/pool_raise.py", line 4, in work
    raise ValueError("bad %d" % x)
ValueError: bad 3
\"\"\"

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/tmp/tbs/cases/pool_raise.py", line 8, in <module>
    print(pool.apply(work, (3,)))
          ^^^^^^^^^^^^^^^^^^^^^^
  File "/root/.pyenv/versions/3.12.1/lib/python3.12/multiprocessing/pool.py", line 360, in apply
    return self.apply_async(func, args, kwds).get()
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/root/.pyenv/versions/3.12.1/lib/python3.12/multiprocessing/pool.py", line 774, in get
    raise self._value
ValueError: bad 3
"""

# Python prints "RemoteTraceback: " with a trailing space, which the constants above leave out to survive editors.
PY38_POOL_RAISE = PY38_POOL_RAISE.replace("RemoteTraceback:\n", "RemoteTraceback: \n")
PY312_POOL_RAISE = PY312_POOL_RAISE.replace("RemoteTraceback:\n", "RemoteTraceback: \n")

NORMALIZED_POOL_QUEUE = """\
Traceback (most recent call last):
  File "<case>/pool_queue.py", line 9, in <module>
    print(pool.apply(work, (q,)))
  [stdlib frames]
RuntimeError: Queue objects should only be shared between processes through inheritance
"""

NORMALIZED_POOL_RAISE = """\
multiprocessing.pool.RemoteTraceback: 
\"\"\"
Traceback (most recent call last):
  [stdlib frames]
  File "<case>/pool_raise.py", line 4, in work
    raise ValueError("bad %d" % x)
ValueError: bad 3
\"\"\"

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "<case>/pool_raise.py", line 8, in <module>
    print(pool.apply(work, (3,)))
  [stdlib frames]
ValueError: bad 3
"""


# -- real tracebacks -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, version",
    [(PY38_POOL_QUEUE, "3.8.18"), (PY312_POOL_QUEUE, "3.12.1"), (PY313_POOL_QUEUE, "3.13.0")],
)
def test_pool_queue_traceback_is_the_same_on_every_version(raw: str, version: str) -> None:
    assert normalize(raw, pyenv_context(version)) == NORMALIZED_POOL_QUEUE


@pytest.mark.parametrize("raw, version", [(PY38_POOL_RAISE, "3.8.18"), (PY312_POOL_RAISE, "3.12.1")])
def test_chained_remote_traceback_is_the_same_on_every_version(raw: str, version: str) -> None:
    assert normalize(raw, pyenv_context(version)) == NORMALIZED_POOL_RAISE


def test_generic_fallback_alone_gives_the_same_traceback() -> None:
    # Without stdlib_dirs, `.../lib/python3.N/` inside File "..." still marks stdlib frames.
    context = Context(case_dir="/tmp/tbs/cases")
    assert normalize(PY38_POOL_QUEUE, context) == normalize(PY312_POOL_QUEUE, context) == NORMALIZED_POOL_QUEUE


def test_exception_line_is_untouched() -> None:
    normalized = normalize(PY312_POOL_QUEUE, pyenv_context("3.12.1"))
    assert normalized.splitlines()[-1] == PY312_POOL_QUEUE.splitlines()[-1]


# -- 1. paths ------------------------------------------------------------------------------------------------------


def test_known_folders_become_placeholders() -> None:
    context = Context(
        stdlib_dirs=("/usr/lib/python3.12", "/usr/lib/python3.12/lib-dynload"),
        case_dir="/home/me/mpmatrix/cases",
        work_dir="/tmp/mpmatrix-cell-abc",
    )
    text = (
        "/usr/lib/python3.12/lib-dynload/_queue.so\n"
        "/usr/lib/python3.12/queue.py\n"
        "reading /home/me/mpmatrix/cases/data.txt and /tmp/mpmatrix-cell-abc/out.txt.\n"
        "/home/me/mpmatrix/cases2/x and /tmp/mpmatrix-cell-abcd stay\n"
        "cwd is /tmp/mpmatrix-cell-abc\n"
    )
    assert normalize(text, context) == (
        "<stdlib>/_queue.so\n"  # longest first: lib-dynload is not left behind
        "<stdlib>/queue.py\n"
        "reading <case>/data.txt and <tmp>/out.txt.\n"
        "/home/me/mpmatrix/cases2/x and /tmp/mpmatrix-cell-abcd stay\n"
        "cwd is <tmp>\n"
    )


def test_case_folder_inside_work_folder() -> None:
    context = Context(case_dir="/tmp/w/cases", work_dir="/tmp/w")
    assert normalize("/tmp/w/cases/a.py /tmp/w/b.txt", context) == "<case>/a.py <tmp>/b.txt"


def test_trailing_separator_in_context_is_ignored() -> None:
    assert normalize("/srv/cases/a.py", Context(case_dir="/srv/cases/")) == "<case>/a.py"


def test_root_folders_are_never_replaced() -> None:
    assert normalize("/etc/hosts C:\\x", Context(case_dir="/", work_dir="C:\\")) == "/etc/hosts C:\\x"


def test_macos_private_aliases() -> None:
    # The caller may know only one spelling; /tmp and /var are links into /private on macOS.
    context = Context(case_dir="/var/folders/xy/T/cases", work_dir="/private/tmp/cell")
    text = "/private/var/folders/xy/T/cases/a.py /var/folders/xy/T/cases/b.py /tmp/cell/c /private/tmp/cell/d"
    assert normalize(text, context) == "<case>/a.py <case>/b.py <tmp>/c <tmp>/d"


WINDOWS_TRACEBACK = r"""Traceback (most recent call last):
  File "C:\Users\runneradmin\work\mpmatrix\cases\pool_queue.py", line 9, in <module>
    print(pool.apply(work, (q,)))
          ^^^^^^^^^^^^^^^^^^^^^^
  File "C:\hostedtoolcache\windows\Python\3.12.1\x64\Lib\multiprocessing\pool.py", line 360, in apply
    return self.apply_async(func, args, kwds).get()
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "c:\hostedtoolcache\windows\python\3.12.1\x64\lib\multiprocessing\pool.py", line 774, in get
    raise self._value
RuntimeError: Queue objects should only be shared between processes through inheritance
"""


def test_windows_paths_case_insensitively_and_with_forward_slashes() -> None:
    context = Context(
        stdlib_dirs=("C:\\hostedtoolcache\\windows\\Python\\3.12.1\\x64\\Lib",),
        case_dir="C:\\Users\\runneradmin\\work\\mpmatrix\\cases",
    )
    # Windows output has CRLF line endings; they become plain newlines.
    assert normalize(WINDOWS_TRACEBACK.replace("\n", "\r\n"), context) == NORMALIZED_POOL_QUEUE


def test_windows_stdlib_fallback_without_context() -> None:
    # Python's own folder is spelled "Lib"; a lower-case "lib" may be the case's own code, so only "Lib" counts.
    text = WINDOWS_TRACEBACK.replace("c:\\hostedtoolcache\\windows\\python", "C:\\hostedtoolcache\\windows\\Python")
    text = text.replace("x64\\lib", "x64\\Lib")
    normalized = normalize(text, Context(case_dir="C:\\Users\\runneradmin\\work\\mpmatrix\\cases"))
    assert normalized == NORMALIZED_POOL_QUEUE
    project = '  File "C:\\proj\\lib\\helpers.py", line 1, in f'
    assert normalize(project) == project


@pytest.mark.parametrize(
    "text, expected",
    [
        ("C:\\Temp\\cell\\out.txt", "<tmp>/out.txt"),
        ("c:/temp/CELL/sub/out.txt", "<tmp>/sub/out.txt"),
        ("FileNotFoundError: 'C:\\\\Temp\\\\cell\\\\missing.txt'", "FileNotFoundError: '<tmp>/missing.txt'"),  # repr
        ("D:\\Temp\\cell\\x", "D:\\Temp\\cell\\x"),
    ],
)
def test_windows_work_dir(text: str, expected: str) -> None:
    assert normalize(text, Context(work_dir="C:\\Temp\\cell")) == expected


def test_posix_paths_are_case_sensitive() -> None:
    assert normalize("/Srv/Cases/a.py", Context(case_dir="/srv/cases")) == "/Srv/Cases/a.py"


def test_multiprocessing_temp_names() -> None:
    text = "/tmp/pymp-2k8rs7b4/listener-q1_w9z0x sock"
    assert normalize(text) == "/tmp/pymp-<id>/listener-<id> sock"


# -- 2. tracebacks -------------------------------------------------------------------------------------------------


def test_frozen_stdlib_frames_collapse() -> None:
    # 3.11+ prints runpy as <frozen runpy>, older versions as a file under the stdlib; both are stdlib frames.
    old = '  File "/usr/lib/python3.8/runpy.py", line 194, in _run_module_as_main\n    return _run_code(code, main_globals, None,\n'
    new = '  File "<frozen runpy>", line 198, in _run_module_as_main\n'
    assert normalize(old) == normalize(new) == "  [stdlib frames]\n"


def test_carets_are_dropped_only_in_frames() -> None:
    text = (
        "^^^ a user's own line\n"
        "    ^^^^\n"
        "Traceback (most recent call last):\n"
        '  File "<case>/a.py", line 3, in <module>\n'
        "    x = f(1) + g(2)\n"
        "        ~~~~~^~~~~~\n"
        "ZeroDivisionError: division by zero\n"
    )
    assert normalize(text) == text.replace("        ~~~~~^~~~~~\n", "")


def test_syntax_error_carets_are_dropped() -> None:
    py38 = '  File "/tmp/tbs/cases/syn.py", line 1\n    x = (1,\n          ^\nSyntaxError: unexpected EOF while parsing\n'
    py312 = '  File "/tmp/tbs/cases/syn.py", line 1\n    x = (1,\n        ^\nSyntaxError: \'(\' was never closed\n'
    context = Context(case_dir="/tmp/tbs/cases")
    assert normalize(py38, context).splitlines()[:2] == normalize(py312, context).splitlines()[:2]
    assert len(normalize(py312, context).splitlines()) == 3


def test_faulthandler_dumps_collapse_too() -> None:
    py312 = (
        "Thread 0x00007fd893ebbb80 (most recent call first):\n"
        '  File "/root/.pyenv/versions/3.12.1/lib/python3.12/threading.py", line 359 in wait\n'
        '  File "/root/.pyenv/versions/3.12.1/lib/python3.12/queue.py", line 180 in get\n'
        '  File "/tmp/tbs/cases/hang.py", line 5 in <module>\n'
    )
    assert normalize(py312, pyenv_context("3.12.1")) == (
        "Thread 0x<addr> (most recent call first):\n  [stdlib frames]\n  File \"<case>/hang.py\", line 5 in <module>\n"
    )


def test_user_frames_separate_stdlib_runs() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "<stdlib>/a.py", line 1, in a\n    a()\n'
        '  File "<case>/c.py", line 2, in c\n    c()\n'
        '  File "<stdlib>/b.py", line 3, in b\n    b()\n'
        "  [Previous line repeated 996 more times]\n"
        '  File "<stdlib>/b.py", line 3, in b\n    b()\n'
        "RecursionError: maximum recursion depth exceeded\n"
    )
    assert normalize(text) == (
        "Traceback (most recent call last):\n"
        "  [stdlib frames]\n"
        '  File "<case>/c.py", line 2, in c\n    c()\n'
        "  [stdlib frames]\n"
        "  [Previous line repeated 996 more times]\n"
        "  [stdlib frames]\n"
        "RecursionError: maximum recursion depth exceeded\n"
    )


# -- 3.-5. addresses, pool workers, pids ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ("<__main__.C object at 0x7f09239ebc10>", "<__main__.C object at 0x<addr>>"),
        ("<__main__.C object at 0x000002C12D314408>", "<__main__.C object at 0x<addr>>"),
        ("flags 0x12345 and 0xff", "flags 0x12345 and 0xff"),  # fewer than 6 hex digits: a value, not an address
        ("I am SpawnPoolWorker-7", "I am SpawnPoolWorker-N"),
        ("ForkPoolWorker-12, ForkServerPoolWorker-3, PoolWorker-1", "ForkPoolWorker-N, ForkServerPoolWorker-N, PoolWorker-N"),
        ("ForkPoolWorker-1:2:3 started", "ForkPoolWorker-N started"),
        ("Process-1 and Process-1:2 keep their ordinals", "Process-1 and Process-1:2 keep their ordinals"),
        ("MyPoolWorker-3", "MyPoolWorker-3"),
        ("child pid 1234", "child pid <pid>"),
        ("pid=1234, PID 99, pid: 7, ppid=1", "pid=<pid>, PID <pid>, pid: <pid>, ppid=<pid>"),
        ("rapid 1234 and pid 12ab", "rapid 1234 and pid 12ab"),
        (
            "<Process name='Process-1' pid=2844 parent=2842 stopped exitcode=0>",
            "<Process name='Process-1' pid=<pid> parent=<pid> stopped exitcode=0>",
        ),
        (
            "'<ForkProcess name='ForkPoolWorker-1' parent=30081 started daemon>'",
            "'<ForkProcess name='ForkPoolWorker-N' parent=<pid> started daemon>'",
        ),
    ],
)
def test_ids(line: str, expected: str) -> None:
    assert normalize(line) == expected
    assert normalize_line(line) == expected


def test_line_endings() -> None:
    assert normalize("a\r\nb\r\n") == "a\nb\n"
    assert normalize("a\nb") == "a\nb"
    assert normalize("progress 1\rprogress 2\n") == "progress 1\rprogress 2\n"
    assert normalize("") == ""


# -- case rules ----------------------------------------------------------------------------------------------------


def test_rules_run_after_the_built_ins_on_each_line() -> None:
    rules = compile_rules([["^pid <pid> says (\\w+)$", "says \\1"], ["took [0-9.]+ s", "took <t> s"]])
    assert normalize("pid 77 says hi\nit took 0.31 s\n", rules=rules) == "says hi\nit took <t> s\n"


def test_named_groups_in_replacements() -> None:
    rules = compile_rules([("(?P<n>\\d+) items", "\\g<n> things")])
    assert normalize("3 items", rules=rules) == "3 things"


@pytest.mark.parametrize(
    "pairs, index, value, fragment",
    [
        ([["ok", "x"], ["(", "x"]], 1, "(", "invalid regex '('"),
        ([["(a)", "\\2"]], 0, "\\2", "invalid replacement"),
        ([["(?P<a>x)", "\\g<b>"]], 0, "\\g<b>", "unknown group name"),
        ([["x", "\\q"]], 0, "\\q", "bad escape"),
        ([["x"]], 0, "['x']", "must be a pair of strings"),
        ([["x", "y", "z"]], 0, "['x', 'y', 'z']", "must be a pair of strings"),
        ([["x", 1]], 0, "['x', 1]", "must be a pair of strings"),
        (["xy"], 0, "'xy'", "must be a pair of strings"),  # a string is a sequence of two strings, but not a pair
        ("xy", -1, "'xy'", "must be a list"),
    ],
)
def test_bad_rules(pairs: object, index: int, value: str, fragment: str) -> None:
    with pytest.raises(NormalizeError) as info:
        compile_rules(pairs)  # type: ignore[arg-type]
    assert (info.value.index, info.value.value) == (index, value)
    assert fragment in str(info.value)


def test_normalize_error_pickles() -> None:
    error = pickle.loads(pickle.dumps(NormalizeError("bad", 2, "(")))
    assert (str(error), error.index, error.value) == ("bad", 2, "(")


def test_empty_rules() -> None:
    assert compile_rules([]) == Rules()


# -- properties ----------------------------------------------------------------------------------------------------

NOISY_TEXT = st.lists(
    st.one_of(
        st.text(max_size=30),
        st.sampled_from(
            [
                '  File "/usr/lib/python3.9/x.py", line 3, in f',
                '  File "C:\\Python39\\Lib\\x.py", line 3, in f',
                '  File "<frozen runpy>", line 1',
                "    source()",
                "    ^^^^",
                "Traceback (most recent call last):",
                "pid 12 ForkPoolWorker-3:1 0xdeadbeef00 /tmp/pymp-abc",
            ]
        ),
    ),
    max_size=8,
).map("\n".join)


@settings(max_examples=150, deadline=None)
@given(NOISY_TEXT)
def test_built_ins_are_idempotent(text: str) -> None:
    # compile_pattern's "can never match" check relies on normalized output being left alone by normalization.
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=100, deadline=None)
@given(NOISY_TEXT, st.lists(st.text(max_size=12), max_size=3), st.text(max_size=12), st.text(max_size=12))
def test_normalize_never_raises(text: str, stdlib_dirs: List[str], case_dir: str, work_dir: str) -> None:
    assert isinstance(normalize(text, Context(tuple(stdlib_dirs), case_dir, work_dir)), str)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.lists(st.one_of(st.text(max_size=8), st.sampled_from(["(a)", "\\1", "\\g<0>", "(?P<n>x)", "\\g<n>"]))),
            st.lists(st.integers(), max_size=2),
            st.text(max_size=4),
        ),
        max_size=3,
    ),
    st.text(max_size=20),
)
def test_compile_rules_only_raises_normalize_error(pairs: list, text: str) -> None:
    try:
        rules = compile_rules(pairs)
    except NormalizeError as error:
        assert 0 <= error.index < len(pairs)
        return
    assert len(rules.pairs) == len(pairs)
    assert all(isinstance(regex, re.Pattern) for regex, _ in rules.pairs)
    assert isinstance(normalize(text, rules=rules), str)
