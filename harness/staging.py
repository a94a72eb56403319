"""What a cell's interpreter sees of the harness's files, and copies of them where it sees them when it does not.

An interpreter may see another file system than the harness does: a wrapper that runs it in a chroot (the
newest-pythons wrappers bind /proc, /dev, /work, /tmp and /root alone) or in a container. A checkout anywhere else
(CI clones into /check/work/main) is then invisible to it, and `python .../harness/bootstrap.py` ended with status 2
and "can't open file", recorded as if the case had said so. execute.py asks each interpreter once per case folder
whether it sees the bootstrap and the case (VISIBILITY_SCRIPT); when it does not, but sees the run's temporary
folder (where each cell's working folder already is), the bootstrap and the case's folder are copied there, the
cell runs the copies, and its output is spelled back with the original paths (Stage.back), as if run in place: the
normaliser then turns the case's folder into <case> as it does for every other cell.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from typing import List, Tuple

from harness import files
from harness.files import MiB

# Run as `python -E -s -c SCRIPT PATH...`: one digit per path, 1 when the interpreter sees it. Any Python >= 2.7.
VISIBILITY_SCRIPT = "import os, sys\nprint(''.join('1' if os.path.exists(p) else '0' for p in sys.argv[1:]))"
# A case's folder is copied whole (the case may import a module beside it) within these bounds; the corpora's
# largest folder is under 300 KiB.
COPY_LIMIT_BYTES = 64 * MiB
COPY_LIMIT_FILES = 2000
SKIPPED_NAMES = ("__pycache__", ".git", ".hg", ".tox", ".venv", "node_modules")


class NotSeen(Exception):
    """The interpreter sees neither the harness's files nor a place to copy them to; the message says what to do."""


@dataclass(frozen=True)
class Stage:
    """The paths a cell's command names, and how its output is spelled back when they are copies."""

    bootstrap: str
    case_dir: str  # the case's folder, or its copy
    copies: Tuple[Tuple[str, str], ...] = ()  # (copy, original) folders and files, longest copy first

    def case(self, path: str) -> str:
        """The path the command names for a case of this folder."""
        return os.path.join(self.case_dir, os.path.basename(path)) if self.copies else path

    def back(self, text: str) -> str:
        """The output with each copy's path as the original's."""
        for copy, original in self.copies:
            if copy in text:
                text = text.replace(copy, original)
        return text


def seen(answer: str, count: int) -> List[bool]:
    """The visibility script's answer as one flag per path; None of it parsed (a wrapper that printed something
    else first) counts as seen, so that the cell runs as before and says itself what went wrong."""
    lines = [line.strip() for line in answer.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    if len(last) != count or set(last) - {"0", "1"}:
        return [True] * count
    return [digit == "1" for digit in last]


def copy_folder(source: str, target: str) -> None:
    """Copy the regular files of `source` and its subfolders into `target` (made), within COPY_LIMIT_*; links and
    special files (a pipe a case made beside itself) are left out, as are caches and version-control folders.
    Raises NotSeen when the folder is over the bounds, OSError when it cannot be read."""
    total, count = 0, 0
    for top, folders, names in os.walk(source):
        folders[:] = sorted(name for name in folders if name not in SKIPPED_NAMES
                            and not os.path.islink(os.path.join(top, name)))
        into = os.path.join(target, os.path.relpath(top, source))
        os.makedirs(into, exist_ok=True)
        for name in sorted(names):
            path = os.path.join(top, name)
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode):
                continue
            count += 1
            if total + info.st_size > COPY_LIMIT_BYTES or count > COPY_LIMIT_FILES:
                raise NotSeen(f"the case's folder {source} is too large to copy ({count} files, "
                              f"{(total + info.st_size) // MiB} MiB so far; at most {COPY_LIMIT_FILES} files and "
                              f"{COPY_LIMIT_BYTES // MiB} MiB)")
            try:  # opened as a regular file, read within the bound, never blocking (a file turned into a pipe)
                data = files.read_bytes(path, COPY_LIMIT_BYTES - total, "file beside a case")
            except files.NotRegular:
                continue  # it changed under us: left out, as a link or a pipe is
            total += len(data)
            with open(os.path.join(into, name), "wb") as f:
                f.write(data)


def stage(bootstrap: str, case_dir: str, target: str) -> Stage:
    """Copies of the bootstrap and of a case's folder in `target` (a fresh folder the interpreter sees)."""
    bootstrap_copy = os.path.join(target, "harness", os.path.basename(bootstrap))
    case_copy_dir = os.path.join(target, "case")
    os.makedirs(os.path.dirname(bootstrap_copy))
    shutil.copyfile(bootstrap, bootstrap_copy)  # the harness's own file
    copy_folder(case_dir, case_copy_dir)
    copies = ((bootstrap_copy, bootstrap), (case_copy_dir, case_dir))
    return Stage(bootstrap_copy, case_copy_dir, tuple(sorted(copies, key=lambda pair: -len(pair[0]))))


def not_seen_message(command: str, missing: List[str], where: str) -> str:
    return (f"{command} does not see {', '.join(missing)}: it runs on a file system of its own (a chroot or a "
            f"container), and it does not see the temporary folder {where} either, to which the harness would copy "
            "them; run the harness from a folder the interpreter sees, or set TMPDIR to one")
