"""From 3.14 ``Thread.start()`` sets the operating system's name of the thread to ``Thread.name``, truncated to
the system's limit (15 bytes on Linux); before 3.14 the OS thread keeps the process's name.

3.14 ``Lib/threading.py:1059-1062``, ``Thread._bootstrap_inner``: ``_set_name(self._name)`` (``_thread.set_name``,
``pthread_setname_np``), which truncates to 15 bytes on Linux.  The case reads
``/proc/thread-self/comm`` from inside the thread, so it is Linux-only.
"""
# /// case
# claim = "From 3.14, start() sets the operating system thread name to Thread.name, truncated to the system limit (15 bytes on Linux)."
# source = "https://docs.python.org/3.14/library/threading.html#threading.Thread.start"
# ids = ["T15"]
# start_methods = ["default"]
# platforms = ["linux"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# OS name of a thread named 'downloader-worker-7': the process's name
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.14"
# stdout = """
# OS name of a thread named 'downloader-worker-7': 'downloader-work'
# """
# ///
import threading


def comm(out):
    with open("/proc/thread-self/comm") as f:  # the calling thread's own entry
        out.append(f.read().strip())


if __name__ == "__main__":
    with open("/proc/self/comm") as f:
        process_name = f.read().strip()
    out = []
    t = threading.Thread(target=comm, args=(out,), name="downloader-worker-7")
    t.start()
    t.join()
    shown = "the process's name" if out[0] == process_name else repr(out[0])
    print(f"OS name of a thread named 'downloader-worker-7': {shown}")
