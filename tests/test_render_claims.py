"""Claims report: the claims the results' cases name, grouped by claims file, a verdict line from the cells that
name each, evidence, the cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_render_synthetic import demo_run, grid, known_bug_run, make_result, make_run

from harness.errors import UsageError
from harness.model import Status
from harness.render.claims import render_claims

CLAIMS = """<!-- a comment with a | table | row -->
# A blog post about processes

## Queues

| ID | claim |
|---|---|
| S1 | A queue passed to `Process` works. |
| S2 | Pool.apply with a queue raises. |
| S10 | Initializer workaround. |

```
| S3 | inside a code block: not a claim |
```

## Shutdown

| ID | claim | where |
|---|---|---|
| S23 | Workers end with the main process \\| always. | the post, §4 |
"""

DOCS = """# The Python documentation: multiprocessing

| ID | claim | section | URL |
|---|---|---|---|
| D7 | A `ProcessPoolExecutor` runs its tasks. | concurrent.futures | https://docs.python.org/3/library/concurrent.futures.html |
| D8 | Not named by any case in the results. | x | y |
"""


def verdict(results, target=None) -> str:
    """A claim's verdict line as the claims report writes it (in bold)."""
    from harness.verdicts import summarize

    return summarize(results, target).text(strong=True)


def claims_file(tmp_path: Path, text: str = CLAIMS, name: str = "claims.md") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def headings(text: str, level: str) -> list:
    return [line[len(level) + 1:] for line in text.splitlines() if line.startswith(level + " ")]


def test_claims_grouped_by_file_title_with_the_regenerate_command(tmp_path: Path) -> None:
    path = claims_file(tmp_path)
    text = render_claims(demo_run(), [path])
    assert headings(text, "##") == ["A blog post about processes", "Claims in no claims file"]
    assert headings(text, "###") == ["S1", "S2", "S23", "S5", "S17", "S24", "S99"]  # file order, then the others
    shown = Path(path).as_posix()  # forward slashes on Windows too, which a POSIX shell's quoting would mangle
    assert text.splitlines()[2].startswith(f"Regenerate with `mpmatrix claims results/linux.json --claims-file {shown}`")
    assert "No case in these results names S10." in text  # named, never given a verdict of "not observed"
    s1 = text[text.index("### S1\n"):text.index("### S2\n")]
    assert "> A queue passed to `Process` works." in s1
    assert "**holds** under fork; **refuted** under spawn, forkserver; not observed: win32" in s1
    assert "#### process\\_queue\\_argument\\_no\\_join (cases/process\\_queue\\_argument\\_no\\_join.py)" in s1
    assert "Source: [https://example.org/post\\#queues](https://example.org/post#queues)" in s1
    assert "I am Process-1, result is 42" in s1
    assert "> Workers end with the main process \\| always." in text  # the second column, an escaped pipe kept
    others = text[text.index("## Claims in no claims file"):]
    assert "> Output &lt;b&gt;is&lt;/b&gt; \\| untrusted." in others  # a case's claim text is made inert


def test_repeatable_claims_files_each_a_source(tmp_path: Path) -> None:
    run = make_run(list(demo_run().results) + list(known_bug_run().results))
    text = render_claims(run, [claims_file(tmp_path), claims_file(tmp_path, DOCS, "python-docs.md")])
    assert headings(text, "##") == ["A blog post about processes", "The Python documentation: multiprocessing",
                                    "Claims in no claims file"]
    docs = text[text.index("## The Python documentation"):text.index("## Claims in no claims file")]
    assert "No case in these results names D8." in docs and "### D7" in docs
    assert "**known bug** on PyPy 3.9 (spawn, forkserver)" in docs
    assert "Known bug: PyPy 3.9: ProcessPoolExecutor under spawn raises AttributeError" in docs


def test_a_claims_file_no_case_names_is_left_out(tmp_path: Path) -> None:
    text = render_claims(demo_run(), [claims_file(tmp_path), claims_file(tmp_path, DOCS, "python-docs.md")])
    assert "Python documentation" not in text and "D8" not in text


def test_a_folder_of_ones_own_lists_only_its_claims(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "my-claims"
    (own / "cases").mkdir(parents=True)
    monkeypatch.chdir(own)
    run = make_run(grid("maxtasks", lambda p, v, m: {}, ids=("M1",), claim="Workers are replaced.", case_path="cases/maxtasks.py"))
    text = render_claims(run)  # no claims/ beside the cases: the claim texts come from the cases
    assert headings(text, "###") == ["M1"] and "S1" not in text and "S26" not in text
    assert "## Claims\n\nNo claims file" in text and "> Workers are replaced." in text
    (own / "claims").mkdir()
    (own / "claims" / "mine.md").write_text("# My notes\n\n| ID | claim |\n|--|--|\n| M1 | From *my* list. |\n| M2 | Later. |\n")
    text = render_claims(run)  # claims/*.md beside the cases is found
    assert headings(text, "##") == ["My notes"] and "> From *my* list." in text and "names M2." in text
    assert "claims from claims/mine.md" in text


def test_verdicts() -> None:
    everywhere = grid("c", lambda p, v, m: {}, platforms=("linux", "darwin", "win32"))
    assert verdict(everywhere) == "**holds everywhere observed**"
    refuted = grid("c", lambda p, v, m: dict(holds=False))
    assert verdict(refuted) == "**refuted everywhere observed**; not observed: darwin, win32"
    by_version = grid("c", lambda p, v, m: dict(holds=v < "3.12"))
    assert verdict(by_version).startswith("**holds** on CPython 3.11; **refuted** on CPython ≥ 3.12")
    failing = grid("c", lambda p, v, m: dict(status=Status.FAIL, holds=True))
    assert verdict(failing).startswith("**not settled**") and "unsettled (fail: no observation matched" in verdict(failing)
    assert verdict([]).startswith("**not observed**")


def test_a_missing_claims_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read the claims file"):
        render_claims(demo_run(), [str(tmp_path / "nope.md")])


def test_the_shipped_claims_files_parse() -> None:
    from harness.claims import read_claims_file

    seed = read_claims_file(str(Path(__file__).resolve().parents[1] / "claims" / "seed.md"))
    assert seed.ids()[:3] == ["S1", "S2", "S3"] and len(seed.claims) == 26
    assert seed.claims[0].section.startswith("进程")
    assert make_result().verdict.label == "holds"


def test_the_claim_of_a_wider_row_is_its_second_cell() -> None:
    from harness.claims import parse_claims

    claims = parse_claims(
        "# Docs\n| ID | claim | section | docs |\n|---|---|---|---|\n"
        "| D7 | fds are inherited | Start methods › fork | https://docs.python.org/x.html#fork |\n"
        "| D8 | `a \\| b` stays one cell |\n"
    )
    assert [(c.id, c.text) for c in claims.claims] == [("D7", "fds are inherited"), ("D8", "`a \\| b` stays one cell")]


def test_what_was_not_observed_is_said_once_not_on_every_row() -> None:
    from harness.render.claims import render_claims

    text = render_claims(demo_run())  # S1's cases ran on Linux and macOS, the others on Linux alone
    assert text.count("Not observed for most claims below (the lines of the others say what they lack): darwin, "
                      "win32.") == 1
    table = {line.split("]")[0][3:]: line for line in text.splitlines() if line.startswith("| [")}
    assert "not observed: win32" in table["S1"]  # its own lack, said on its line
    assert all("not observed" not in line for claim, line in table.items() if claim != "S1")


def test_cells_that_show_no_behaviour_are_one_line_per_status_and_reason() -> None:
    from harness.analysis import analyse
    from harness.render.claims import evidence

    needs = "the case skipped itself (exit 77): needs the multiprocess package"
    every = grid("needs_a_package", lambda p, v, m: dict(status=Status.SKIP, stdout="", exit="77", message=needs), ids=("M6",))
    lines = evidence(analyse(make_run(every))[0]).splitlines()
    assert lines == [f"- every cell (9 cells): skip ({needs})"]
    partly = grid("partly", lambda p, v, m: dict(status=Status.SKIP, stdout="", exit="77", message="no pidfd")
                  if v == "3.13" else dict(stdout="same\n"), ids=("M7",))
    lines = evidence(analyse(make_run(partly))[0]).splitlines()
    assert lines[-1] == "- 3.13 fork, spawn, forkserver (3 cells): skip (no pidfd)"
