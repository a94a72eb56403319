"""A new process closes its ``sys.stdin`` and reads from ``os.devnull`` instead, while descriptor 0 stays open.

``BaseProcess._bootstrap`` calls ``util._close_stdin()``: ``sys.stdin.close()``, then ``sys.stdin = open(fd,
closefd=False)`` on a descriptor opened on ``os.devnull`` (it used to be ``os.close(sys.stdin.fileno())``, the
cause of bpo-5155/5313/5331).  The child reports: the ``sys.stdin`` object it had before the bootstrap
(``ORIGINAL``, taken when the module was imported: in the parent under fork, in the child itself under spawn and
forkserver) is closed; the new ``sys.stdin`` is the null device and reads nothing; descriptor 0 is still open.
The parent's own ``sys.stdin`` is untouched.

"The null device" is tested as on each platform it can be: on POSIX ``sys.stdin``'s descriptor and a fresh
``os.stat(os.devnull)`` have the same device and inode numbers.  On Windows ``os.stat`` gives ``st_dev = st_ino =
0`` for ``nul`` and for a pipe alike, so there the case compares kernel object names instead: the name of the
handle behind ``sys.stdin`` (``msvcrt.get_osfhandle``, then ``NtQueryObject(ObjectNameInformation)``) must be the
name of a handle the case opens on ``os.devnull`` itself, and not empty.  Wine 10 names both ``\\Device\\Null``
(as Windows is expected to; not observed there yet), Wine 8.0 both ``\\??\\Z:\\dev\\null`` (the Linux file
it maps ``nul`` to).  A pipe's handle is named ``\\Device\\NamedPipe\\...``, and the standard handles Wine
makes from a Linux ``/dev/null`` (the harness's stdin) have an empty name, so neither passes for the null device.
"""
# /// case
# claim = "A new process closes sys.stdin and replaces it with a file opened on os.devnull, instead of closing file descriptor 0."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D45"]
# timeout = 30
# platforms = ["linux", "darwin", "win32"]
#
# [expect]
# stdout = """
# the child's original sys.stdin object is closed: True
# the child's sys.stdin is the null device: True
# reading it gives: ''
# descriptor 0 is still open in the child: True
# the parent's sys.stdin is still open: True
# """
# stderr = ""
# exit = 0
#
# # Windows CPython 3.8.10-3.13.2 under Wine 8.0 and Wine 10.0 (spawn, 3 runs of each column): what [expect]
# # says, the null device told by its object name (see the docstring).  Not yet observed on Windows itself.
# ///
import multiprocessing
import os
import sys

ORIGINAL = sys.stdin


def handle_name(fd):
    """Windows: the kernel object name of the handle behind descriptor fd (NtQueryObject, ObjectNameInformation),
    or "" where it has none."""
    import ctypes
    import msvcrt
    from ctypes import wintypes

    class UNICODE_STRING(ctypes.Structure):
        _fields_ = [("Length", wintypes.USHORT), ("MaximumLength", wintypes.USHORT), ("Buffer", ctypes.c_void_p)]

    ntdll = ctypes.WinDLL("ntdll")
    ntdll.NtQueryObject.argtypes = [wintypes.HANDLE, ctypes.c_int, ctypes.c_void_p, wintypes.ULONG,
                                    ctypes.POINTER(wintypes.ULONG)]
    ntdll.NtQueryObject.restype = ctypes.c_long
    buf = ctypes.create_string_buffer(4096)
    needed = wintypes.ULONG()
    status = ntdll.NtQueryObject(msvcrt.get_osfhandle(fd), 1, buf, ctypes.sizeof(buf), ctypes.byref(needed))
    if status != 0:
        return ""
    name = UNICODE_STRING.from_buffer(buf)
    return ctypes.wstring_at(name.Buffer, name.Length // 2) if name.Buffer else ""


def is_null_device(fd):
    if sys.platform == "win32":
        null = os.open(os.devnull, os.O_RDONLY)
        try:
            null_name = handle_name(null)
        finally:
            os.close(null)
        return null_name != "" and handle_name(fd) == null_name
    null = os.stat(os.devnull)
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (null.st_dev, null.st_ino)


def report(q):
    try:
        os.fstat(0)
        fd0_open = True
    except OSError:
        fd0_open = False
    q.put([
        f"the child's original sys.stdin object is closed: {ORIGINAL.closed}",
        f"the child's sys.stdin is the null device: {is_null_device(sys.stdin.fileno())}",
        f"reading it gives: {sys.stdin.read()!r}",
        f"descriptor 0 is still open in the child: {fd0_open}",
    ])


if __name__ == "__main__":
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=report, args=(q,))
    p.start()
    for line in q.get(timeout=60):
        print(line)
    p.join()
    print(f"the parent's sys.stdin is still open: {not sys.stdin.closed}")
