"""Cases with dependencies: the `# /// script` block read as uv and pipx read it, `[variants]` and `[flags]`, and the
`packages` and `flags` selectors of `[[expect.when]]`, with errors naming the file, line and value."""

from __future__ import annotations

import re

import pytest

from harness.casefile import RESERVED_FLAGS, CaseError, Selector, parse_case
from harness.execute import CELL_ENV
from harness.model import CellId

CASE = '''# /// case
# claim = "claim"
# source = "seed §x"
# ids = ["S1"]
{extra}# ///
print("x")
'''


def text(script: str = "", extra: str = "", between: str = "\n") -> str:
    """A case file: a script block (lines without their `# `), a blank line, and a case block with extra lines."""
    block = "# /// script\n" + "".join(f"# {line}\n" for line in script.splitlines()) + "# ///\n" if script else ""
    lines = "".join(("# " + line if line else "#") + "\n" for line in extra.splitlines())
    return block + (between if block else "") + CASE.format(extra=lines)


def error(source: str) -> CaseError:
    with pytest.raises(CaseError) as caught:
        parse_case(source, "cases/c.py")
    return caught.value


def line_of(source: str, needle: str) -> int:
    return next(number for number, line in enumerate(source.splitlines(), 1) if needle in line)


def test_the_script_block_gives_the_dependencies_and_requires_python() -> None:
    case = parse_case(text('requires-python = ">=3.9"\ndependencies = ["numpy>=1.20", "six; python_version < \'3.12\'"]'),
                      "cases/c.py")
    assert case.dependencies == ("numpy>=1.20", "six; python_version < '3.12'")
    assert case.script.requires_python == ">=3.9"
    assert case.script.allows("3.9.0") and not case.script.allows("3.8.18")
    assert case.variant_choices() == [()] and case.flag_choices() == [()]
    assert case.requirements() == case.dependencies


def test_a_case_without_a_script_block_needs_nothing() -> None:
    case = parse_case(text(), "cases/c.py")
    assert case.dependencies == () and case.script.allows("3.7.0")


def test_a_script_block_right_next_to_the_case_block_is_refused_as_uv_would_misread_it() -> None:
    # PEP 723's reference regex runs the script block on to the case block's `# ///`: uv fails on such a file.
    source = text('dependencies = ["six"]', between="")
    exc = error(source)
    assert exc.line == 1 and "blank line between" in exc.message
    parse_case(text('dependencies = ["six"]'), "cases/c.py")  # with the blank line: fine


def test_a_case_block_before_an_adjacent_script_block_is_refused_too() -> None:
    source = CASE.format(extra="").replace('print("x")\n', "") + '# /// script\n# dependencies = ["six"]\n# ///\n'
    exc = error(source)
    assert exc.line == line_of(source, "/// script")


def test_two_script_blocks_are_refused_as_pep_723_refuses_them() -> None:
    source = '# /// script\n# dependencies = []\n# ///\n\n# /// script\n# dependencies = []\n# ///\n\n' + CASE.format(extra="")
    exc = error(source)
    assert exc.line == 5 and "Multiple script blocks" in exc.message


@pytest.mark.parametrize("script, needle, message", [
    ('dependencies = ["numpy>=1.20", "six=1.16"]', "six=1.16", "invalid PEP 508 requirement 'six=1.16'"),
    ('dependencies = "six"', "dependencies", "must be a list of PEP 508 requirement strings"),
    ('requires-python = "3.9+"', "requires-python", "did you mean '>=3.9'?"),
    ('requires-python = 3.9', "requires-python", "must be a PEP 440 specifier string"),
    ('dependency = ["six"]', "dependency", "did you mean 'dependencies'?"),
])
def test_a_bad_script_block_names_its_line_and_value(script: str, needle: str, message: str) -> None:
    source = text(script)
    exc = error(source)
    assert message in exc.message
    assert exc.line == line_of(source, needle)


def test_a_tool_table_is_allowed_as_pep_723_allows_it() -> None:
    parse_case(text('dependencies = ["six"]\n[tool.something]\nkey = 1'), "cases/c.py")


def test_variants_are_specifiers_of_declared_packages_and_flags_their_values() -> None:
    source = text('dependencies = ["NumPy>=1.20", "requests"]',
                  '[variants]\nnumpy = ["1.26.*", ">=2,<3", "2.1.3"]\n\n[flags]\nGRPC_ENABLE_FORK_SUPPORT = ["0", "1"]')
    case = parse_case(source, "cases/c.py")
    assert case.variants == (("numpy", ("==1.26.*", ">=2,<3", "==2.1.3")),)
    assert case.flags == (("GRPC_ENABLE_FORK_SUPPORT", ("0", "1")),)
    assert len(case.variant_choices()) == 3 and len(case.flag_choices()) == 2
    # the varied package's requirement is narrowed by each value, the others left as written
    assert case.requirements((("numpy", "==1.26.*"),)) == ("NumPy==1.26.*,>=1.20", "requests")


@pytest.mark.parametrize("extra, needle, message", [
    ('[variants]\nscipy = ["1.*"]', "scipy", "'scipy', a package the case's `# /// script` block does not depend on"),
    ('[variants]\nnumpi = ["1.*"]', "numpi", "did you mean 'numpy'?"),
    ('[variants]\nnumpy = ["1.26,*"]', "numpy =", "invalid version '1.26,*' for numpy"),
    ('[variants]\nnumpy = ["2.*", "2.*"]', "numpy =", "'2.*' twice"),
    ('[variants]\nnumpy = []', "numpy =", "non-empty list of strings"),
    ('[flags]\nfork_support = ["1"]', "fork_support", "did you mean 'FORK_SUPPORT'?"),
    ('[flags]\nFORK = [0, 1]', "FORK", "write numbers in quotes"),
    ('[flags]\nPYTHONHASHSEED = ["1"]', "PYTHONHASHSEED", "set by the harness for every cell"),
])
def test_bad_variants_and_flags_name_their_line_and_value(extra: str, needle: str, message: str) -> None:
    source = text('dependencies = ["numpy"]', extra)
    exc = error(source)
    assert message in exc.message
    assert exc.line == line_of(source, needle)


def test_variants_without_a_script_block_say_where_dependencies_go() -> None:
    assert "add a `# /// script` block" in error(text("", '[variants]\nnumpy = ["2.*"]')).message


def test_flags_need_no_dependencies() -> None:
    case = parse_case(text("", '[flags]\nMY_FLAG = ["a", "b"]'), "cases/c.py")
    assert case.flag_choices() == [(("MY_FLAG", "a"),), (("MY_FLAG", "b"),)]


def test_the_reserved_flags_are_the_variables_the_harness_sets() -> None:
    assert set(CELL_ENV) <= set(RESERVED_FLAGS)


WHEN = '''[variants]
numpy = ["1.26.*", "2.*"]

[flags]
FORK_SUPPORT = ["0", "1"]

[expect]
stdout = "old"

[[expect.when]]
{selector}
stdout = "new"
'''


def test_packages_and_flags_selectors_match_the_cells_variant() -> None:
    source = text('dependencies = ["numpy"]', WHEN.format(selector='packages = {numpy = ">=2"}\nflags = {FORK_SUPPORT = ["1"]}'))
    case = parse_case(source, "cases/c.py")
    selector = case.when[0][0]
    assert selector.packages == (("numpy", ">=2"),) and selector.flags == (("FORK_SUPPORT", ("1",)),)

    def where(numpy: str, flag: str) -> CellId:
        return CellId(start_method="spawn", variant=(("numpy", numpy), ("FORK_SUPPORT", flag)))

    assert selector.matches(where("2.1.3", "1"))
    assert not selector.matches(where("1.26.4", "1"))
    assert not selector.matches(where("2.1.3", "0"))
    assert not selector.matches(where("1.26.*", "1"))  # a cell whose environment was never made has no version
    assert Selector(packages=(("numpy", ">=2"),)).to_toml() == {"packages": {"numpy": ">=2"}}
    assert case.expectation_for(where("2.1.3", "1"))[1] == f"[expect] + [[expect.when]] at line {line_of(source, '[[expect.when]]')}"


@pytest.mark.parametrize("selector, message", [
    ('packages = {requests = ">=2"}', "'requests', which is not in the case's [variants]"),
    ('packages = {numpy = "2"}', "did you mean '==2.*'?"),
    ('packages = "numpy>=2"', "packages must be a table"),
    ('flags = {FORK_SUPORT = ["1"]}', "did you mean 'FORK_SUPPORT'?"),
    ('flags = {FORK_SUPPORT = ["2"]}', "a value its cells never have"),
])
def test_bad_selectors_name_their_line_and_value(selector: str, message: str) -> None:
    source = text('dependencies = ["numpy", "requests"]', WHEN.format(selector=selector))
    exc = error(source)
    assert message in exc.message
    assert exc.line == line_of(source, selector.split(" ")[0] + " =")


def test_the_library_corpus_syntax_reads() -> None:
    """The form the library cases use (a blank line between the blocks, bare version wildcards)."""
    source = ('# /// script\n# requires-python = ">=3.7"\n# dependencies = ["grpcio"]\n# ///\n\n'
              + CASE.format(extra='#\n# [variants]\n# grpcio = ["1.73.*", "1.80.*", "1.*"]\n#\n# [flags]\n'
                                  '# GRPC_ENABLE_FORK_SUPPORT = ["0", "1"]\n'))
    case = parse_case(source, "cases/c.py")
    assert len(case.variant_choices()) * len(case.flag_choices()) == 6
    assert re.fullmatch(r"grpcio==1\.73\.\*", case.requirements(case.variant_choices()[0])[0])


@pytest.mark.e2e
def test_uv_reads_the_blocks_as_mpmatrix_says_it_does(tmp_path) -> None:
    """The file mpmatrix refuses (blocks right next to each other) is the one uv cannot read; with the blank line
    between them, both read it."""
    import subprocess
    import sys

    from harness.environments import find_uv

    uv = find_uv()
    if uv is None:
        pytest.skip("no uv")
    outcomes = {}
    for name, between in (("adjacent", ""), ("apart", "\n")):
        path = tmp_path / f"{name}.py"
        path.write_text(text("dependencies = []", between=between), encoding="utf-8")
        done = subprocess.run([uv, "run", "--offline", "--no-project", "--python", sys.executable, "--script", str(path)],
                              capture_output=True, text=True, timeout=120, cwd=str(tmp_path))
        outcomes[name] = done.returncode == 0 and done.stdout == "x\n"
        try:
            parse_case(path.read_text(encoding="utf-8"), str(path))
            mpmatrix_reads = True
        except CaseError:
            mpmatrix_reads = False
        assert mpmatrix_reads == outcomes[name], (name, done.stderr)
    assert outcomes == {"adjacent": False, "apart": True}
