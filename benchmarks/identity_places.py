"""Count the places in harness/ that spell out a cell's identity: a key or a sort order built from its axes.

A place is a tuple, a sort key (`key=` of sorted/min/max, a function named like a key or an order) or a
comparison-ready value that names two or more of the axes of a cell (platform, start method, implementation,
Python version or tag, free-threading, flavour). One place per line. Run from the repository's top:

    python benchmarks/identity_places.py            # the count, then each place
    python benchmarks/identity_places.py --count    # the count alone
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Iterator, List, Set, Tuple

AXES = {"platform", "start_method", "implementation", "python", "tag", "python_tag", "version", "free_threaded",
        "flavour", "build"}
KEY_NAMES = ("key", "order")


def axis_names(node: ast.AST) -> Set[str]:
    """The axes a piece of code reads: attributes (`r.platform`), names (`platform`) and string keys ("platform")."""
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute) and child.attr in AXES:
            found.add(child.attr)
        elif isinstance(child, ast.Name) and child.id in AXES:
            found.add(child.id)
        elif isinstance(child, ast.Constant) and isinstance(child.value, str) and child.value in AXES:
            found.add(child.value)
    return found


def places(path: Path) -> Iterator[Tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(k in node.name.lower() for k in KEY_NAMES):
            if len(axis_names(node)) >= 2:
                yield node.lineno, f"def {node.name}"
        elif isinstance(node, ast.Tuple) and len(node.elts) >= 2:
            if len({name for element in node.elts for name in axis_names(element)}) >= 2:
                yield node.lineno, "tuple of axes"
        elif isinstance(node, ast.keyword) and node.arg == "key" and len(axis_names(node.value)) >= 2:
            yield node.value.lineno, "key="


def main(argv: List[str]) -> int:
    root = Path(__file__).resolve().parent.parent / "harness"
    found = []
    for path in sorted(root.rglob("*.py")):
        lines = sorted(set(places(path)))
        seen_lines = set()
        for lineno, what in lines:
            if lineno in seen_lines:
                continue
            seen_lines.add(lineno)
            found.append(f"{path.relative_to(root.parent)}:{lineno}: {what}")
    print(len(found))
    if "--count" not in argv:
        print("\n".join(found))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
