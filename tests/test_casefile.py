"""Tests for harness.casefile: every key, [[expect.when]] overlays and selectors, and every kind of bad input."""

from __future__ import annotations

import dataclasses
import re
import sys

import pytest

from harness.casefile import DEFAULT_TIMEOUT, CaseError, declares_case, find_cases, load_case, parse_case
from harness.model import Interpreter

from conftest import write_case

HEAD = 'claim = "A claim."\nsource = "seed §A/B"\nids = ["S1"]\n'


def block(toml: str, code: str = 'print("hi")\n') -> str:
    lines = ["# /// case"] + [("# " + line) if line else "#" for line in toml.strip("\n").splitlines()] + ["# ///"]
    return "\n".join(lines) + "\n" + code


def parse(toml: str, path: str = "cases/x.py"):
    return parse_case(block(toml), path)


def error(toml: str, path: str = "cases/bad.py") -> CaseError:
    with pytest.raises(CaseError) as info:
        parse(toml, path)
    return info.value


def interp(version: str = "3.12.1", platform: str = "linux", implementation: str = "cpython") -> Interpreter:
    return Interpreter(executable="python", version=version, platform=platform, implementation=implementation)


# -- every key ------------------------------------------------------------------------------------------------


def test_minimal_case_has_defaults():
    case = parse(HEAD)
    assert (case.name, case.claim, case.source, case.ids) == ("x", "A claim.", "seed §A/B", ("S1",))
    assert case.timeout == DEFAULT_TIMEOUT and case.platforms is None and case.expect is None and case.when == ()
    assert case.block == (1, 5)


def test_every_top_level_and_expect_key():
    case = parse(HEAD + '''timeout = 2.5
normalize = [["id=\\\\d+", "id=N"]]
platforms = ["linux", "darwin"]

[expect]
stdout = """
line one
"""
stderr = ""
exit = "signal:SIGINT"
exception = "KeyboardInterrupt"
holds = false
leaks = true
''')
    assert case.timeout == 2.5 and case.platforms == ("linux", "darwin")
    assert len(case.rules.pairs) == 1
    e = case.expect
    assert e.stdout.match("line one\n") is None and e.stdout.match("line two\n") is not None
    assert e.stderr.match("") is None and e.stderr.match("x") is not None
    assert (e.exit, e.holds, e.leaks, e.expected_exit) == ("signal:SIGINT", False, True, "signal:SIGINT")
    assert e.exception.match("KeyboardInterrupt") is None


def test_exit_defaults_to_1_with_an_exception_else_0():
    assert parse(HEAD + '[expect]\nexception = "ValueError: x"\n').expect.expected_exit == "1"
    assert parse(HEAD + '[expect]\nstdout = ""\n').expect.expected_exit == "0"
    assert parse(HEAD + "[expect]\nexit = 3\n").expect.expected_exit == "3"


def test_ids_may_be_one_string():
    assert parse('claim = "c"\nsource = "s"\nids = "S7"\n').ids == ("S7",)


# -- [[expect.when]]: overlay order and selectors -------------------------------------------------------------


OVERLAYS = HEAD + '''
[expect]
stdout = "base"
exit = 0

[[expect.when]]
start_method = ["spawn", "forkserver"]
stdout = "not fork"

[[expect.when]]
start_method = ["forkserver"]
stdout = "forkserver"
holds = false

[[expect.when]]
python = "<3.8"
exit = 1
'''


def test_when_tables_apply_in_file_order_later_ones_win():
    case = parse(OVERLAYS)
    fork, origin = case.expectation_for(interp().cell_id("fork"))
    assert fork.stdout.source == "base" and fork.holds is None and origin == "[expect]"
    spawn, origin = case.expectation_for(interp().cell_id("spawn"))
    assert spawn.stdout.source == "not fork" and spawn.exit == "0"
    assert origin == "[expect] + [[expect.when]] at line 10"
    server, origin = case.expectation_for(interp().cell_id("forkserver"))
    assert server.stdout.source == "forkserver" and server.holds is False
    assert origin == "[expect] + [[expect.when]] at line 10 + [[expect.when]] at line 14"
    old, _ = case.expectation_for(interp("3.7.16").cell_id("forkserver"))
    assert (old.stdout.source, old.exit, old.holds) == ("forkserver", "1", False)  # untouched keys carry over


def test_when_without_expect_applies_alone_and_nothing_applies_elsewhere():
    case = parse(HEAD + '[[expect.when]]\nplatform = ["win32"]\nexit = 1\n')
    assert case.expect is None
    assert case.expectation_for(interp().cell_id("spawn")) == (None, "")
    win, origin = case.expectation_for(interp(platform="win32").cell_id("spawn"))
    assert win.exit == "1" and origin == "[[expect.when]] at line 5"


@pytest.mark.parametrize("spec, version, expected", [
    (">=3.12", "3.12.0", True), (">=3.12", "3.11.9", False), ("<3.8", "3.7.16", True),
    (">=3.8,<3.12", "3.11.7", True), (">=3.8,<3.12", "3.12.1", False), ("==3.13.*", "3.13.0", True),
    # PEP 440 as written: a release candidate comes before its release, so ">=3.13" excludes 3.13.0rc2.
    (">=3.13", "3.13.0rc2", False), (">=3.13.0rc1", "3.13.0rc2", True),
    ("~=3.10", "3.9.18", False),
])
def test_python_selector_is_a_pep440_specifier_on_the_full_version(spec, version, expected):
    case = parse(HEAD + f'[[expect.when]]\npython = "{spec}"\nexit = 5\n')
    got, _ = case.expectation_for(interp(version).cell_id("fork"))
    assert (got is not None) is expected


def test_all_selectors_of_a_table_must_match():
    case = parse(HEAD + '''[[expect.when]]
start_method = ["spawn"]
platform = ["darwin"]
python = ">=3.8"
implementation = ["pypy"]
exit = 9
''')
    yes = interp("3.10.1", "darwin", "pypy")
    assert case.expectation_for(yes.cell_id("spawn"))[0].exit == "9"
    assert case.expectation_for(yes.cell_id("fork"))[0] is None
    assert case.expectation_for(dataclasses.replace(yes, platform="linux").cell_id("spawn"))[0] is None
    assert case.expectation_for(dataclasses.replace(yes, implementation="cpython").cell_id("spawn"))[0] is None
    assert case.expectation_for(dataclasses.replace(yes, version="3.7.1").cell_id("spawn"))[0] is None


# -- bad input: each kind names the file, the line and the bad value ------------------------------------------


def assert_names(exc: CaseError, path: str, line: int, *values: str) -> None:
    text = str(exc)
    assert text.startswith(f"{path}:{line}: ") and exc.line == line, text
    for value in values:
        assert value in text, text


def test_no_case_block():
    with pytest.raises(CaseError) as info:
        parse_case("print('no metadata')\n", "cases/plain.py")
    assert str(info.value).startswith("cases/plain.py: no `# /// case` block")


def test_unclosed_case_block_names_its_line():
    exc = pytest.raises(CaseError, parse_case, "import os\n# /// case\n# claim = 'c'\nprint(1)\n", "c.py").value
    assert_names(exc, "c.py", 2, "not closed", "# ///")


def test_two_case_blocks():
    text = block(HEAD) + block(HEAD)
    exc = pytest.raises(CaseError, parse_case, text, "c.py").value
    assert_names(exc, "c.py", 7, "second")


def test_invalid_toml_names_the_file_line():
    assert_names(error(HEAD + "timeout = = 5\n"), "cases/bad.py", 5, "invalid TOML")


@pytest.mark.parametrize("toml, line, values", [
    (HEAD + "timout = 5\n", 5, ["'timout'", "did you mean 'timeout'"]),
    (HEAD + "[expect]\nstdot = 'x'\n", 6, ["'stdot'", "[expect]", "did you mean 'stdout'"]),
    (HEAD + "[[expect.when]]\nstart_method = ['fork']\nexits = 1\n", 7, ["'exits'", "did you mean 'exit'"]),
])
def test_unknown_key_with_did_you_mean(toml, line, values):
    assert_names(error(toml), "cases/bad.py", line, *values)


@pytest.mark.parametrize("toml, line, values", [
    ('claim = 5\nsource = "s"\nids = ["S1"]\n', 2, ["claim must be a string", "5"]),
    ('claim = "c"\nsource = "s"\nids = [1]\n', 4, ["ids", "[1]"]),
    (HEAD + 'timeout = "ten"\n', 5, ["'ten'", "positive number"]),
    (HEAD + "timeout = -1\n", 5, ["-1"]),
    (HEAD + "timeout = true\n", 5, ["True"]),
    (HEAD + "[expect]\nexit = 1.5\n", 6, ["1.5", "signal:NAME"]),
    (HEAD + '[expect]\nexit = "SIGINT"\n', 6, ["'SIGINT'", "signal:SIGINT"]),
    (HEAD + "[expect]\nholds = 'no'\n", 6, ["holds must be true or false", "'no'"]),
    (HEAD + "[expect]\nstdout = 3\n", 6, ["stdout must be a string", "3"]),
    (HEAD + "platforms = 'linux'\nnormalize = 'x'\n", 6, ["normalize", "'x'"]),
    (HEAD + "expect = 3\n", 5, ["expect must be a table"]),
])
def test_wrong_type(toml, line, values):
    assert_names(error(toml), "cases/bad.py", line, *values)


def test_missing_required_key_and_empty_ids():
    assert_names(error('claim = "c"\nids = ["S1"]\n'), "cases/bad.py", 1, "'source'")
    assert_names(error('claim = "c"\nsource = "s"\nids = []\n'), "cases/bad.py", 4, "empty 'ids'")


def test_unknown_start_method():
    exc = error(HEAD + '\n[[expect.when]]\nstart_method = ["spwan"]\nexit = 0\n')
    assert_names(exc, "cases/bad.py", 7, "'spwan'", "[[expect.when]]", "did you mean 'spawn'", "fork, spawn, forkserver or default")


def test_a_platform_with_a_flavour_selects_cells_under_wine_and_the_bare_platform_takes_them_too():
    case = parse(HEAD + '''[[expect.when]]
platform = ["win32"]
exit = 1

[[expect.when]]
platform = ["win32-wine"]
exit = 2

[[expect.when]]
platform = ["win32-wine10.0"]
exit = 3
''')
    windows = interp(platform="win32")
    wine8, wine10 = (dataclasses.replace(windows, flavour=f) for f in ("wine8.0", "wine10.0"))
    assert [case.expectation_for(i.cell_id("spawn"))[0].exit for i in (windows, wine8, wine10)] == ["1", "2", "3"]
    assert case.expectation_for(interp().cell_id("spawn"))[0] is None
    only_wine = parse(HEAD + 'platforms = ["linux", "win32-wine8.0"]\n')
    assert only_wine.platforms == ("linux", "win32-wine8.0")
    assert_names(error(HEAD + 'platforms = ["win32-wine8.x"]\n'), "cases/bad.py", 5, "'win32-wine8.x'", "win32-wine8.0")


def test_build_selectors_free_threaded_and_optimized():
    case = parse(HEAD + '''[[expect.when]]
free_threaded = true
exit = 1

[[expect.when]]
optimized = true
exit = 2
''')
    plain = interp("3.13.1")
    assert case.expectation_for(plain.cell_id("fork"))[0] is None
    assert case.expectation_for(dataclasses.replace(plain, free_threaded=True).cell_id("fork"))[0].exit == "1"
    assert case.expectation_for(dataclasses.replace(plain, optimized=True).cell_id("spawn"))[0].exit == "2"
    assert_names(error(HEAD + '[[expect.when]]\nfree_threaded = "yes"\nexit = 1\n'), "cases/bad.py", 6,
                 "free_threaded 'yes'", "true or false")


def test_unknown_platform_top_level_and_in_a_selector():
    assert_names(error(HEAD + 'platforms = ["linux", "macos"]\n'), "cases/bad.py", 5, "'macos'", "linux, darwin or win32")
    exc = error(HEAD + '[[expect.when]]\nplatform = ["win64"]\nexit = 0\n')
    assert_names(exc, "cases/bad.py", 6, "'win64'", "did you mean 'win32'")


def test_unknown_selector_names_the_key():
    exc = error(HEAD + '[[expect.when]]\nos = ["linux"]\nexit = 0\n')
    assert_names(exc, "cases/bad.py", 6, "unknown key 'os'", "[[expect.when]]", "start_method")


def test_when_without_any_selector():
    assert_names(error(HEAD + "[[expect.when]]\nexit = 0\n"), "cases/bad.py", 5, "no selector")


@pytest.mark.parametrize("spec", ["3.8+", "> = 3", "python3.12", "=>3.8"])
def test_invalid_pep440_specifier(spec):
    exc = error(HEAD + f'[[expect.when]]\npython = "{spec}"\nexit = 0\n')
    assert_names(exc, "cases/bad.py", 6, f"invalid PEP 440 specifier {spec!r}")


def test_python_selector_must_be_a_string():
    assert_names(error(HEAD + "[[expect.when]]\npython = 3.12\n"), "cases/bad.py", 6, "3.12", "PEP 440")


def test_invalid_regex_names_the_pattern_line_in_a_multiline_string():
    exc = error(HEAD + "[expect]\nstdout = '''\nfine\nvalue=(\\d+ (re)\n'''\n")
    assert_names(exc, "cases/bad.py", 8, "invalid regex", "value=(\\\\d+")


def test_invalid_regex_in_the_exception_line():
    assert_names(error(HEAD + "[expect]\nexception = 'Err[ (re)'\n"), "cases/bad.py", 6, "bad exception pattern", "Err[")


def test_pattern_that_can_never_match():
    exc = error(HEAD + '[expect]\nstdout = """\n<object at 0x7f3a55aa10>\n"""\n')
    assert_names(exc, "cases/bad.py", 7, "can never match", "0x7f3a55aa10")


def test_unclosed_unordered_group():
    exc = error(HEAD + '[expect]\nstdout = """\n[unordered]\na\n"""\n')
    assert_names(exc, "cases/bad.py", 7, "[unordered]", "never closed")


def test_bad_normalize_rule():
    exc = error(HEAD + 'normalize = [["(unclosed", "x"]]\n')
    assert_names(exc, "cases/bad.py", 5, "normalize", "(unclosed")


# -- files ----------------------------------------------------------------------------------------------------


def test_not_utf8_names_line_and_bytes(tmp_path):
    path = tmp_path / "latin1.py"
    path.write_bytes(b'# /// case\n# claim = "caf\xe9"\n# source = "s"\n# ids = ["S1"]\n# ///\n')
    exc = pytest.raises(CaseError, load_case, str(path)).value
    assert_names(exc, str(path), 2, "not UTF-8", "\\xe9")


def test_crlf_file_loads(tmp_path):
    path = tmp_path / "crlf.py"
    path.write_bytes(block(HEAD).replace("\n", "\r\n").encode())
    assert load_case(str(path)).ids == ("S1",)


def test_path_with_spaces_and_non_ascii_simply_works(tmp_path):
    path = write_case(tmp_path / "spaced näme", "ünïcode case.py", HEAD + '[expect]\nstdout = "grüße"\n')
    case = load_case(str(path))
    assert case.name == "ünïcode case" and case.path == str(path)
    found, errors = find_cases([str(tmp_path)])
    assert found == [str(path)] and errors == []


def test_errors_in_such_a_path_name_it(tmp_path):
    path = write_case(tmp_path / "dir with space", "naïve.py", HEAD + "timout = 1\n")
    exc = pytest.raises(CaseError, load_case, str(path)).value
    assert str(exc).startswith(f"{path}:5: ")


def test_find_cases_skips_helpers_and_reports_missing_paths(tmp_path):
    write_case(tmp_path, "real.py", HEAD)
    (tmp_path / "helper.py").write_text("x = 1\n")
    write_case(tmp_path, "_private.py", HEAD)
    write_case(tmp_path / "__pycache__", "cached.py", HEAD)
    found, errors = find_cases([str(tmp_path), str(tmp_path / "real.py"), str(tmp_path / "missing")])
    assert found == [str(tmp_path / "real.py")]
    assert len(errors) == 1 and errors[0].path == str(tmp_path / "missing") and "no such file" in str(errors[0])


def test_a_case_block_opens_in_a_comment_not_in_a_string(tmp_path):
    real = write_case(tmp_path, "real.py", HEAD)
    (tmp_path / "writer.py").write_text('TEMPLATE = """\\\n' + block(HEAD) + '"""\n')  # a script writing case files
    broken = tmp_path / "broken.py"
    broken.write_text(block(HEAD) + 'def f(:\n    """unterminated\n')
    assert declares_case(real) and not declares_case(tmp_path / "writer.py")
    assert declares_case(broken)  # not valid Python: still a case file, which then fails as one
    assert find_cases([str(tmp_path)]) == ([str(broken), str(real)], [])


def test_error_message_format_matches_style_guide():
    exc = error(HEAD + '\n[[expect.when]]\nstart_method = ["spwan"]\n', path="cases/pool_queue.py")
    assert re.match(r"cases/pool_queue\.py:\d+: unknown start method 'spwan' in \[\[expect\.when\]\]", str(exc))


# -- case files as editors and file systems leave them (issue 11) --------------------------------------------------


def test_a_byte_order_mark_before_a_block_on_line_1_is_allowed(tmp_path):
    path = tmp_path / "bom.py"
    path.write_bytes(b"\xef\xbb\xbf" + block(HEAD).encode())
    case = load_case(str(path))
    assert case.claim == "A claim." and case.block == (1, 5)
    assert find_cases([str(tmp_path)]) == ([str(path)], [])


@pytest.mark.parametrize("toml, line, first", [
    (HEAD + 'claim = "again"\n', 5, 2),  # the last line of the block: tomllib said "at end of document"
    (HEAD + 'claim = "again"\ntimeout = 3\n', 5, 2),
    (HEAD + '[expect]\nexit = 1\nstdout = ""\nexit = 2\n', 8, 6),
])
def test_a_duplicate_key_is_reported_at_its_own_line_naming_the_first(toml, line, first):
    exc = error(toml)
    assert_names(exc, "cases/bad.py", line, "duplicate key", f"(already set on line {first})")


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links: Windows makes them only with a privilege, and "
                    "under Wine a link to a case is not followed (Wine's links are not Windows')")
def test_looped_and_dangling_links_are_reported_not_skipped(tmp_path):
    (tmp_path / "loop_a.py").symlink_to("loop_b.py")
    (tmp_path / "loop_b.py").symlink_to("loop_a.py")
    (tmp_path / "dangling.py").symlink_to("gone.py")
    write_case(tmp_path, "good.py", HEAD)
    (tmp_path / "linked.py").symlink_to("good.py")
    found, errors = find_cases([str(tmp_path)])
    assert found == [str(tmp_path / "good.py"), str(tmp_path / "linked.py")]
    messages = {e.path: e.message for e in errors}
    assert messages[str(tmp_path / "dangling.py")] == ("a dangling symbolic link (it points to 'gone.py', which does not "
                                                       "exist); expected a case file")
    assert messages[str(tmp_path / "loop_a.py")].startswith("a symbolic link loop (it points to 'loop_b.py'")
    assert str(tmp_path / "loop_b.py") in messages
    found, errors = find_cases([str(tmp_path / "dangling.py")])  # named on the command line
    assert found == [] and errors[0].message.startswith("a dangling symbolic link")


# -- the implementation selector -------------------------------------------------------------------------------


@pytest.mark.parametrize("value, values", [
    ('"PyPy"', ["'PyPy'", "did you mean 'pypy'", "expected cpython, pypy or graalpy"]),
    ('"CPython"', ["'CPython'", "did you mean 'cpython'"]),
    ('"pypi"', ["'pypi'", "did you mean 'pypy'"]),
    ('"jython"', ["'jython'", "expected cpython, pypy or graalpy"]),
])
def test_implementation_selector_values_are_checked(value, values):
    exc = error(HEAD + f'[[expect.when]]\nstart_method = ["fork"]\nimplementation = ["cpython", {value}]\nexit = 1\n')
    assert_names(exc, "cases/bad.py", 7, "unknown implementation", "[[expect.when]]", *values)


def test_python_selector_selects_pypy_by_its_language_version():
    case = parse(HEAD + '[expect]\nexit = 0\n\n[[expect.when]]\npython = ">=3.11"\nexit = 3\n\n'
                 '[[expect.when]]\nimplementation = ["pypy"]\npython = "<3.10"\nexit = 4\n')
    pypy311 = Interpreter("pypy3.11", "pypy", "3.11.13", implementation_version="8.0.1")
    pypy39 = Interpreter("pypy3", "pypy", "3.9.16", implementation_version="7.3.11")
    assert case.expectation_for(pypy311.cell_id("fork"))[0].exit == "3"
    assert case.expectation_for(pypy39.cell_id("fork"))[0].exit == "4"
    assert case.expectation_for(interp("3.9.18").cell_id("fork"))[0].exit == "0"
    assert case.expectation_for(interp("3.11.7").cell_id("fork"))[0].exit == "3"


# -- [[expect.when]] replaces whole key groups -------------------------------------------------------------------


GROUPS = HEAD + '''
[expect]
stdout = "ok"
stderr = ""
exit = 0
holds = false
leaks = true

[[expect.when]]
start_method = ["spawn"]
exception = "AttributeError: [..]"

[[expect.when]]
start_method = ["forkserver"]
stdout_not = ["Traceback[..]"]

[[expect.when]]
python = "<3.8"
known_bug = "bpo-12345: the worker hangs"
'''


def test_a_when_table_that_sets_exception_replaces_the_outcome_group():
    case = parse(GROUPS)
    spawn, _ = case.expectation_for(interp().cell_id("spawn"))
    assert spawn.exception.source == "AttributeError: [..]"
    assert (spawn.exit, spawn.stderr, spawn.expected_exit) == (None, None, "1")  # exit 0 and stderr "" did not carry over
    assert (spawn.stdout.source, spawn.holds, spawn.leaks) == ("ok", False, True)  # other groups did


def test_a_when_table_that_sets_stdout_not_replaces_the_stdout_group():
    server, _ = parse(GROUPS).expectation_for(interp().cell_id("forkserver"))
    assert server.stdout is None and [p.source for p in server.stdout_not] == ["Traceback[..]"]
    assert (server.exit, server.stderr.source, server.holds) == ("0", "", False)


def test_a_when_table_that_sets_known_bug_replaces_the_verdict_group():
    old, _ = parse(GROUPS).expectation_for(interp("3.7.16").cell_id("fork"))
    assert (old.known_bug, old.holds, old.stdout.source, old.leaks) == ("bpo-12345: the worker hangs", None, "ok", True)


# -- negative patterns and known bugs ------------------------------------------------------------------------------


def test_negative_patterns_are_a_list_or_lines_of_a_string_each_one_pattern_line():
    case = parse(HEAD + '[expect]\nstdout_not = ["Traceback[..]", "Error: \\\\d+ (re)"]\n'
                 'stderr_not = """\nWarning\nDeprecation[..]\n"""\n')
    assert [p.source for p in case.expect.stdout_not] == ["Traceback[..]", "Error: \\d+ (re)"]
    assert [p.source for p in case.expect.stderr_not] == ["Warning", "Deprecation[..]"]
    assert case.expect.stdout_not[0].first_matching_line("a\nTraceback (most recent call last):\n") == (
        2, "Traceback (most recent call last):")
    assert case.expect.stdout_not[1].first_matching_line("Error: x\n") is None


@pytest.mark.parametrize("toml, line, values", [
    ('stdout_not = ["a", "..."]', 6, ["stdout_not", "'...'", "not allowed"]),
    ('stdout_not = [\n  "fine",\n  "bad (re[) (re)",\n]', 8, ["stdout_not", "invalid regex"]),
    ('stderr_not = """\nfine\n[unordered]\n"""', 8, ["stderr_not", "[unordered]"]),
    ("stdout_not = []", 6, ["empty 'stdout_not'"]),
    ("stdout_not = 3", 6, ["stdout_not must be a list of pattern lines"]),
    ('known_bug = ""', 6, ["empty 'known_bug'", "reference"]),
    ("known_bug = true", 6, ["known_bug must be a string"]),
])
def test_bad_negative_patterns_and_known_bugs_name_their_line(toml, line, values):
    assert_names(error(HEAD + "[expect]\n" + toml + "\n"), "cases/bad.py", line, *values)


# -- selectors and TOML errors: did you mean, and the line at fault ------------------------------------------------


@pytest.mark.parametrize("spec, suggestion", [
    ("3.12", "==3.12.*"), ("3.12+", ">=3.12"), ("=>3.12", ">=3.12"), (">=3.8 <3.12", ">=3.8,<3.12"),
    ("=3.12", "==3.12.*"),
])
def test_an_invalid_python_specifier_says_what_was_likely_meant(spec, suggestion):
    exc = error(HEAD + f'[[expect.when]]\npython = "{spec}"\nexit = 1\n')
    assert_names(exc, "cases/bad.py", 6, f"invalid PEP 440 specifier {spec!r}", f"did you mean {suggestion!r}?")


@pytest.mark.parametrize("value, line, values", [
    ('start_method = ["spwan"]', 6, ["unknown start method 'spwan'", "did you mean 'spawn'?"]),
    ('platform = ["windows", "linux"]', 6, ["unknown platform 'windows'", "expected linux, darwin or win32"]),
    ('platform = ["Linux"]', 6, ["did you mean 'linux'?"]),
    ('implementation = ["PyPy"]', 6, ["did you mean 'pypy'?"]),
])
def test_every_selector_value_is_checked(value, line, values):
    assert_names(error(HEAD + f"[[expect.when]]\n{value}\nexit = 1\n"), "cases/bad.py", line, *values)


@pytest.mark.parametrize("toml, line, values", [
    ('[expect]\nexit = 1\nstdout = """\nfoo\nbar\n', 7, ["Unterminated string", "opened on this line"]),
    ("[expect]\nstdout = '''\nfoo\n'''\nstderr = '''\nbar\nexit = 1\n", 9, ["opened on this line"]),
    ('[expect]\nstdout_not = ["a",\n"b"\nexit = 1\n', 6, ["Unclosed array", "opened on this line"]),
    ('[expect]\nstdout = "foo\nexit = 1\n', 6, ["invalid TOML"]),
    ("[expect]\nexit = 1\n[[expect.when]\nexit = 2\n", 7, ["invalid TOML"]),
    ("[expect]\nexit = 1\nexit = 2\n", 7, ["duplicate key 'exit' (already set on line 6)"]),
])
def test_toml_errors_name_the_line_at_fault(toml, line, values):
    assert_names(error(HEAD + toml), "cases/bad.py", line, *values)


# -- reading the block: its lines, its nesting, its numbers ---------------------------------------------------------


def test_blocks_are_found_as_pep_723_reads_them() -> None:
    from harness.casefile import find_blocks

    text = ("# /// script\n# dependencies = []\n# ///\nx = 1\n"
            "# /// case\n#\n# claim = 'c'\n# ///\n"
            "# /// broken\n# a\nprint()\n# ///\n"  # a line that is not a comment ends the chance of a block
            "# /// x\n# /// y\n# ///\n")  # the first `# ///` closes: `# /// y` is a line of block x
    found = [(b.type, b.first_line, b.lines) for b in find_blocks(text)]
    assert found == [("script", 1, ("dependencies = []",)), ("case", 5, ("", "claim = 'c'")), ("x", 13, ("/// y",))]


def test_a_block_nested_too_deep_is_an_error_at_its_line_not_a_recursion() -> None:
    deep = "[" * 500 + "]" * 500
    exc = error(HEAD + f"normalize = {deep}\n")
    assert_names(exc, "cases/bad.py", 5, "nested more than 32 deep")
    assert "[" * 40 not in str(exc)  # the value itself is not repeated back
    # brackets inside strings and comments are text
    assert parse(HEAD + "[expect]\nstdout = '" + "[" * 100 + "'  # " + "{" * 100 + "\n").expect.stdout.source == "[" * 100


def test_an_integer_too_long_to_read_is_an_error_naming_the_file() -> None:
    exc = error(HEAD + "timeout = " + "9" * 5000 + "\n")
    assert exc.path == "cases/bad.py" and ("digit" in str(exc) or "timeout" in str(exc))


def test_key_lines_come_from_the_toml_reader_whatever_the_layout() -> None:
    """Keys are placed by the TOML reader (tomlkit), not by matching lines: a multi-line value that holds text like
    `exit = 3` or a `[[expect.when]]` line is no key, and indented or commented keys are still found."""
    toml = HEAD + '[expect]\nstdout = """\nexit = 3\n[[expect.when]]\n"""\n  exit = "signal:SIGKILL"  # crash\n' \
                  '\n[[expect.when]]\npython = ">=3.12"\nexit = "bad"\n'
    exc = error(toml)
    assert_names(exc, "cases/bad.py", 14, "bad exit 'bad'")  # the second table's exit, not the string's text
    case = parse(HEAD + '[expect]\nstdout = """\nexit = 3\n"""\n  exit = 2\n')
    assert case.expect.exit == "2" and case.expect.stdout.origin.key_line == 6


def test_tables_that_can_never_apply_or_repeat_expect_are_warned_about() -> None:
    case = parse(HEAD + 'platforms = ["linux"]\nstart_methods = ["spawn"]\n\n[expect]\nstdout = "a"\n\n'
                 '[[expect.when]]\nplatform = ["win32"]\nexit = 77\n\n'
                 '[[expect.when]]\nstart_method = ["fork"]\nstdout = "b"\n\n'
                 '[[expect.when]]\npython = ">=3.12"\nstdout = "a"\n\n'
                 '[[expect.when]]\npython = ">=3.13"\nstdout = "c"\n')
    assert case.warnings == (
        "cases/x.py:11: this [[expect.when]] can never apply: platform = ['win32'] but the case runs on linux only",
        "cases/x.py:15: this [[expect.when]] can never apply: start_method = ['fork'] but the case's cells run under spawn",
        "cases/x.py:19: this [[expect.when]] repeats [expect]: every key it sets has the same value there; remove it, "
        "or say what differs",
    )
