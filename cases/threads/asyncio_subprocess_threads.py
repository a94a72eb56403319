"""asyncio subprocesses: the default loop runs them (``create_subprocess_exec``, the docs' pattern with
``communicate()``), also from a loop in a thread other than the main one, which works from 3.8 (ThreadedChildWatcher);
the child watchers, deprecated in 3.12, are gone in 3.14.

``Lib/asyncio/unix_events.py``: 3.8 makes ``ThreadedChildWatcher`` the default (``_init_watcher``), which waits for
each child in a thread of its own; 3.7's ``SafeChildWatcher`` is attached to the main thread's loop only, so a
loop in another thread fails with ``RuntimeError: Cannot add child handler, the child watcher does not have a loop
attached``.  3.12 deprecates ``get_child_watcher``; 3.14 removes it and keeps private watchers (3.14
``unix_events.py:871``, ``_PidfdChildWatcher``; ``:907``, ``_ThreadedChildWatcher``).  Windows needs no
watcher: the default loop there is the proactor (``windows_events.py``: ``ProactorEventLoop._make_subprocess_transport``
waits for the child's handle through the proactor, in whichever thread the loop runs), and
``asyncio.get_child_watcher`` exists there too until 3.14, since ``events.py`` defines it on every platform (the
Windows policy does not implement it).
"""
# /// case
# claim = "The default event loop runs subprocesses, from a loop in a non-main thread too (3.8, ThreadedChildWatcher); the child watcher API, deprecated in 3.12, is removed in 3.14."
# source = "https://docs.python.org/3.14/library/asyncio-subprocess.html#subprocess-and-threads"
# ids = ["T67", "T68"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# main thread: exited with 0, stdout 'hello from the child'
# loop in another thread: exited with 0, stdout 'hello from the child'
# asyncio.get_child_watcher exists: True
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.14"
# stdout = """
# main thread: exited with 0, stdout 'hello from the child'
# loop in another thread: exited with 0, stdout 'hello from the child'
# asyncio.get_child_watcher exists: False
# """
#
# [[expect.when]]
# python = "<3.8"
# exit = 0
# exception = "concurrent.futures._base.CancelledError"
# stderr = """
# Future exception was never retrieved
# future: <Future finished exception=CancelledError()>
# Traceback (most recent call last):
#   File "<case>/asyncio_subprocess_threads.py", line [..], in in_thread
#     out.append(asyncio.run(run()))
#   [stdlib frames]
#   File "<case>/asyncio_subprocess_threads.py", line [..], in run
#     stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
#   [stdlib frames]
# RuntimeError: Cannot add child handler, the child watcher does not have a loop attached
#
# During handling of the above exception, another exception occurred:
#
# Traceback (most recent call last):
#   [stdlib frames]
# concurrent.futures._base.CancelledError
# """
# stdout = """
# main thread: exited with 0, stdout 'hello from the child'
# loop in another thread: RuntimeError: Cannot add child handler, the child watcher does not have a loop attached
# asyncio.get_child_watcher exists: True
# """
# ///
import asyncio
import sys
import threading


async def run():
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "print('hello from the child')",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await proc.communicate()
    return f"exited with {proc.returncode}, stdout {stdout.decode().strip()!r}"


def in_thread(out):
    try:
        out.append(asyncio.run(run()))
    except RuntimeError as e:
        out.append(f"RuntimeError: {e}")


if __name__ == "__main__":
    print(f"main thread: {asyncio.run(run())}")
    out = []
    t = threading.Thread(target=in_thread, args=(out,))
    t.start()
    t.join()
    print(f"loop in another thread: {out[0]}")
    print(f"asyncio.get_child_watcher exists: {hasattr(asyncio, 'get_child_watcher')}")
