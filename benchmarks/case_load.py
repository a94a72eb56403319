"""How long a case takes to load as it grows: N `[[expect.when]]` tables, or N `# /// x` lines before its block.

    python benchmarks/case_load.py 8000 100000    # seconds to load each size, for both shapes

Loading must stay linear in the file's size (twice the tables, about twice the time)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from harness.casefile import load_case

HEAD = '# /// case\n# claim = "c"\n# source = "s"\n# ids = ["S1"]\n#\n# [expect]\n# stdout = "x"\n'


def when_tables(count: int) -> str:
    tables = "".join(f'#\n# [[expect.when]]\n# python = ">=3.{i % 20}"\n# stdout = """\n# line {i}\n# """\n'
                     for i in range(count))
    return HEAD + tables + "# ///\nprint('x')\n"


def block_lines(count: int) -> str:
    return "# /// x\n" * count + "pass\n" + HEAD + "# ///\nprint('x')\n"  # openings that never close


def seconds(text: str) -> float:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.py"
        path.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        load_case(str(path))
        return time.perf_counter() - started


def main(sizes: list) -> int:
    for count in sizes:
        for name, make in (("[[expect.when]] tables", when_tables), ("`# /// x` lines", block_lines)):
            text = make(count)
            print(f"{count:>7,} {name:<23} {len(text) / 1e6:6.1f} MB  {seconds(text):7.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main([int(a) for a in sys.argv[1:]] or [8000, 100000]))
