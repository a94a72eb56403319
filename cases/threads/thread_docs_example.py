"""The threading page's introduction example: three threads, started with ``args`` and ``kwargs``, all run their
target, and ``join()`` waits for every one of them; a thread left unnamed is called ``Thread-N (target)``.

The example's ``crawl(link, delay)`` is run as written with ``delay=0`` instead of 2 (the sleep only stands for
network I/O), and ``print`` writes each line in one call.  The six lines come from three threads, so their order
is not fixed: they are matched unordered.
``Thread.__init__`` builds the default name with ``_newname("Thread-%d")`` and, from 3.10, appends
``f" ({target.__name__})"`` when a target is given (3.10 ``threading.py``: ``name += f" ({target.__name__})"``);
before 3.10 the name is ``Thread-N`` alone.
"""
# /// case
# claim = "Threads started with args and kwargs run their target, join() waits for all of them, and an unnamed thread is called 'Thread-N (target)' (from 3.10)."
# source = "https://docs.python.org/3.14/library/threading.html#introduction"
# ids = ["T1", "T2"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# stdout = """
# [unordered]
# crawl started for https://python.org
# crawl started for https://docs.python.org
# crawl started for https://peps.python.org
# crawl ended for https://python.org
# crawl ended for https://docs.python.org
# crawl ended for https://peps.python.org
# [/unordered]
# all alive after join(): False
# default names: ['Thread-N (crawl)']
# """
# stderr = ""
#
# # 3.7-3.9 (and PyPy 3.9): the name has no "(target)" yet.
# [[expect.when]]
# python = "<3.10"
# stdout = """
# [unordered]
# crawl started for https://python.org
# crawl started for https://docs.python.org
# crawl started for https://peps.python.org
# crawl ended for https://python.org
# crawl ended for https://docs.python.org
# crawl ended for https://peps.python.org
# [/unordered]
# all alive after join(): False
# default names: ['Thread-N']
# """
# ///
import re
import sys
import threading
import time


def print(line):
    sys.stdout.write(line + "\n")  # one write per line: the builtin writes the newline apart, and lines interleave


def crawl(link, delay=3):
    print(f"crawl started for {link}")
    time.sleep(delay)  # Blocking I/O (simulating a network request)
    print(f"crawl ended for {link}")


links = [
    "https://python.org",
    "https://docs.python.org",
    "https://peps.python.org",
]

if __name__ == "__main__":
    threads = []
    for link in links:
        t = threading.Thread(target=crawl, args=(link,), kwargs={"delay": 0})
        threads.append(t)
    names = sorted({re.sub(r"\d+", "N", t.name) for t in threads})
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"all alive after join(): {any(t.is_alive() for t in threads)}")
    print(f"default names: {names}")
