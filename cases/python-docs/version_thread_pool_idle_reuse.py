"""ThreadPoolExecutor reuses an idle worker thread before starting a new one (3.8); thread_name_prefix names them
(3.6).

``ThreadPoolExecutor._adjust_thread_count`` (concurrent/futures/thread.py) started a new thread on every
``submit`` until ``max_workers`` threads existed, busy or not, up to 3.7.  3.8 added ``self._idle_semaphore``: a
worker releases it after each task, and ``_adjust_thread_count`` returns without starting a thread when it can
acquire it.  So tasks submitted one after another, each after the previous one finished, start one thread
from 3.8 and ``max_workers`` threads before (which of them runs a task is then a race: the case counts the
threads started).  ``thread_name_prefix`` (3.6) names the threads ``<prefix>_<n>``.

The worker releases the semaphore just after it stores the task's result, so the case waits, after each result,
until the semaphore shows the idle worker (``_idle_semaphore._value``, private; 3.8 and later), before it submits
the next task: otherwise an early submit could see no idle thread and start one, a race the claim is not about.
"""
# /// case
# claim = "From 3.8, a ThreadPoolExecutor reuses an idle worker thread before starting another; its threads are named after thread_name_prefix (3.6)."
# source = "https://docs.python.org/3.15/library/concurrent.futures.html#concurrent.futures.ThreadPoolExecutor"
# ids = ["D97", "D98"]
# timeout = 30
#
# [expect]
# stdout = """
# 4 tasks submitted one after another (max_workers=4): threads started ['docs_0']
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.8"
# stdout = """
# 4 tasks submitted one after another (max_workers=4): threads started ['docs_0', 'docs_1', 'docs_2', 'docs_3']
# """
# ///
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def wait_until_idle(executor):
    semaphore = getattr(executor, "_idle_semaphore", None)
    deadline = time.monotonic() + 30
    while semaphore is not None and semaphore._value == 0 and time.monotonic() < deadline:
        time.sleep(0.001)


if __name__ == "__main__":
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="docs") as executor:
        for _ in range(4):
            executor.submit(abs, -1).result()
            wait_until_idle(executor)
        started = sorted(t.name for t in threading.enumerate() if t.name.startswith("docs_"))
    print(f"4 tasks submitted one after another (max_workers=4): threads started {started}")
