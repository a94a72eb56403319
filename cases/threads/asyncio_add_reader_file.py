"""``loop.add_reader()`` and ``add_writer()`` cannot be used to monitor file I/O, says "Platform Support" for all
platforms: on Linux, registering a regular file's descriptor fails with PermissionError (epoll refuses regular
files with EPERM), while a socket is accepted.

``Lib/asyncio/selector_events.py``, ``_add_reader``: ``self._selector.register(fd, selectors.EVENT_READ, ...)``;
``selectors.EpollSelector.register`` calls ``epoll.register``, which fails with ``EPERM`` for a regular file
(``epoll_ctl(2)``).  kqueue (macOS) accepts regular files but always reports them readable, so there the call
succeeds and the claim is about usefulness, not an error.
"""
# /// case
# claim = "loop.add_reader() and add_writer() cannot be used to monitor file I/O."
# source = "https://docs.python.org/3.14/library/asyncio-platforms.html#all-platforms"
# ids = ["T53"]
# start_methods = ["default"]
# platforms = ["linux"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# add_reader(a regular file): PermissionError: [Errno 1]
# add_reader(a socket): accepted
# """
# stderr = ""
# ///
import asyncio
import socket


def try_add(loop, fd):
    try:
        loop.add_reader(fd, lambda: None)
        loop.remove_reader(fd)
        return "accepted"
    except OSError as e:
        return f"{type(e).__name__}: [Errno {e.errno}]"


if __name__ == "__main__":
    loop = asyncio.new_event_loop()
    with open(__file__, "rb") as f:
        print(f"add_reader(a regular file): {try_add(loop, f.fileno())}")
    a, b = socket.socketpair()
    print(f"add_reader(a socket): {try_add(loop, a.fileno())}")
    a.close()
    b.close()
    loop.close()
