"""Claims files: the title, sections and ID rows of a Markdown claims list, and where the files beside the cases are."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.claims import ClaimsBook, find_claims_files, load_claims_files, parse_claims
from harness.errors import UsageError


def test_title_sections_and_rows() -> None:
    text = """<!--
# not the title
| X1 | in a comment |
-->
# The source

## First part

| ID | claim | URL |
|:--|---|---|
| D1 | The first claim, with a `\\|` in code, \\| escaped as in GitHub tables. | https://example.org |
| D1 | A second row for D1 is ignored. | |
| d2x | not an ID | |
| D3 |  | an empty claim is no claim |

~~~
| D4 | inside a fence |
~~~

## Second part
| D5 | Last. |
"""
    parsed = parse_claims(text, "claims/docs.md")
    assert parsed.title == "The source"
    assert [(c.id, c.section) for c in parsed.claims] == [("D1", "First part"), ("D5", "Second part")]
    assert parsed.claims[0].text == "The first claim, with a `\\|` in code, \\| escaped as in GitHub tables."
    assert parse_claims("| S1 | x |\n", "claims/untitled.md").title == "untitled"


def test_a_book_groups_ids_by_the_first_file_listing_them() -> None:
    blog = parse_claims("# Blog\n| S1 | a |\n| S2 | b |\n", "blog.md")
    docs = parse_claims("# Docs\n| D1 | c |\n| S2 | again |\n", "docs.md")
    book = ClaimsBook((blog, docs))
    groups = [(f.title if f else None, ids) for f, ids in book.group(["D1", "S2", "Z9", "S10"])]
    assert groups == [("Blog", ["S2"]), ("Docs", ["D1"]), (None, ["S10", "Z9"])]
    assert book.lookup("S2")[1].text == "b"


def test_claims_files_are_found_beside_the_cases_and_not_beyond_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    (project / "cases" / "seed").mkdir(parents=True)
    (project / "claims").mkdir()
    (project / "claims" / "b.md").write_text("# B\n")
    (project / "claims" / "a.md").write_text("# A\n")
    monkeypatch.chdir(project)
    assert find_claims_files(["cases/seed/x.py", "cases/seed/y.py"]) == ["claims/a.md", "claims/b.md"]
    assert find_claims_files(["elsewhere/x.py"]) == []  # a folder not found from here: passed over
    nested = project / "sub"
    (nested / "cases").mkdir(parents=True)
    (nested / ".git").mkdir()  # its own repository: the project's claims are not its claims
    assert find_claims_files([str(nested / "cases" / "x.py")]) == []
    assert [f.title for f in load_claims_files(None, ["cases/seed/x.py"])] == ["A", "B"]
    assert [f.title for f in load_claims_files(["claims/b.md"], ["cases/seed/x.py"])] == ["B"]


def test_an_unreadable_claims_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_bytes(b"\xff\xfe\xfa")
    with pytest.raises(UsageError, match="bad.md: cannot read the claims file"):
        load_claims_files([str(tmp_path / "bad.md")], [])
