"""Reading files that others control (case files, results files, journals, claims files, matrix.toml, a cell's stack
file): regular files only, each read with a size bound, and never blocking on one.

A named pipe blocks whoever opens it until a writer comes, a symbolic link to /dev/zero reads without end, a device
may do anything when opened: each is refused, by name, before it is opened (stat), and again after (fstat on a
descriptor opened with O_NONBLOCK, which no pipe blocks), in case it was swapped in between. A file beyond its bound
is refused from its size, before it is read, and a file that grows while it is read is read to the bound and no
further."""

from __future__ import annotations

import errno
import os
import stat
from typing import IO, Union

PathLike = Union[str, "os.PathLike[str]"]

KiB, MiB, GiB = 1024, 1024 ** 2, 1024 ** 3
CASE_FILE_LIMIT = 8 * MiB  # a case file is a script; the largest of the corpora is under 20 KiB
RESULTS_LIMIT = 4 * GiB  # a results file, read whole by `report` (about three times its size in memory)
JOURNAL_LIMIT = 1024 * GiB  # a journal (and a results.json a run wrote) is read a line at a time: no bound but
JOURNAL_LINE_LIMIT = 512 * MiB  # the line's, which holds one cell (its outputs are capped: 4 MiB a stream by default)
CLAIMS_LIMIT = 16 * MiB
TARGET_LIMIT = 1 * MiB  # matrix.toml
STACKS_LIMIT = 8 * MiB  # a timed-out cell's stack dump
CACHE_LIMIT = 256 * MiB  # the timings cache

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX; Windows keeps its named pipes out of folders of files
_OPEN_FLAGS = os.O_RDONLY | _NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


class NotRegular(OSError):
    """A file that is not read: not a regular file, or larger than its bound. `strerror` says which, in words
    (`a named pipe, not a regular file`), so that every `except OSError` that names a file names the reason too."""

    def __init__(self, path: PathLike, why: str) -> None:
        super().__init__(errno.EINVAL, why, os.fspath(path))


def size_words(count: int) -> str:
    """8 MiB, 512 KiB, 300 bytes."""
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count:,} bytes"


def kind(mode: int) -> str:
    """What a file of this mode is, in words: a folder, a named pipe, a character device (/dev/zero)..."""
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _not_regular(path: PathLike, mode: int) -> NotRegular:
    link = ""
    try:
        if os.path.islink(path):
            link = f" (a symbolic link to {os.readlink(path)!r})"
    except OSError:
        pass
    return NotRegular(path, f"{kind(mode)}{link}, not a regular file")


def _check(path: PathLike, status: os.stat_result, limit: int, noun: str) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise _not_regular(path, status.st_mode)
    if status.st_size > limit:
        raise NotRegular(path, f"{status.st_size:,} bytes, more than the {size_words(limit)} a {noun} may have")


def refusal(path: PathLike, limit: int, noun: str) -> str:
    """Why the file at `path` (symbolic links followed) would be refused, or "" when it would be read; an OSError (no
    such file) propagates. For finders, which name what they pass over without opening it."""
    try:
        _check(path, os.stat(path), limit, noun)
    except NotRegular as exc:
        return exc.strerror
    return ""


def open_regular(path: PathLike, limit: int, noun: str) -> IO[bytes]:
    """The file opened for reading in binary, once it is known to be a regular file of at most `limit` bytes; raises
    NotRegular otherwise (and OSError when it cannot be opened). Reading it is then the caller's: read at most
    `limit` bytes (read_bytes does)."""
    _check(path, os.stat(path), limit, noun)  # a pipe or a device is never opened, when it is one already
    fd = os.open(path, _OPEN_FLAGS)  # O_NONBLOCK: a pipe swapped in since the stat does not block the open
    try:
        _check(path, os.fstat(fd), limit, noun)
        if _NONBLOCK:
            os.set_blocking(fd, True)  # a regular file: reads block only as long as the disk takes
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def open_for_update(path: PathLike, noun: str) -> IO[str]:
    """A regular file opened (created if need be) for reading and appending text, as a lock file is; raises
    NotRegular for anything else (a pipe would block its reader, /dev/zero never end it)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | (_OPEN_FLAGS & ~os.O_RDONLY & ~getattr(os, "O_BINARY", 0))
    fd = os.open(path, flags, 0o644)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise _not_regular(path, status.st_mode)
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "a+", encoding="utf-8")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: PathLike, limit: int, noun: str) -> bytes:
    """A regular file's bytes, at most `limit` of them; raises NotRegular for anything else or anything larger
    (a file that grows past the bound while it is read included)."""
    with open_regular(path, limit, noun) as f:
        size = os.fstat(f.fileno()).st_size
        data = f.read(size + 1)  # one more than it had: whether it grew meanwhile
        if len(data) > size:
            data += f.read(limit + 1 - len(data))
    if len(data) > limit:
        raise NotRegular(path, f"more than the {size_words(limit)} a {noun} may have (it grew while it was read)")
    return data


def read_text(path: PathLike, limit: int, noun: str, encoding: str = "utf-8", errors: str = "strict") -> str:
    """A regular file's text (see read_bytes); UnicodeDecodeError as bytes.decode raises it."""
    return read_bytes(path, limit, noun).decode(encoding, errors)


def is_regular(path: PathLike) -> bool:
    """Whether `path` is a regular file (symbolic links followed), without opening it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def described(exc: BaseException) -> str:
    """An OSError's reason in words (`a named pipe, not a regular file`, `No such file or directory`)."""
    return getattr(exc, "strerror", None) or str(exc)

