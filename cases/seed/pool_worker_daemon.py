"""Pool workers are daemon processes, and so cannot start processes of their own.

The post (使用技巧, point 5) says pool workers are daemon (守护) processes.  ``Pool._repopulate_pool_static``
sets ``w.daemon = True`` on every worker it starts (Lib/multiprocessing/pool.py).  Being a daemon has two
consequences in multiprocessing:

- the parent does not wait for it at exit: the atexit hook ``util._exit_function`` terminates daemonic children
  and joins the rest (whether workers really end with the main process is claim S23, its own case);
- it may not have children: ``BaseProcess.start`` asserts ``not _current_process._config.get('daemon')``
  with the message 'daemonic processes are not allowed to have children' (Lib/multiprocessing/process.py).

The case checks the flag in the parent (``Pool._pool``) and in the worker (``current_process().daemon``), then
shows the second consequence: a task that starts a Process fails, and the AssertionError is re-raised in the
parent by ``apply``.  It is an ``assert`` statement: where the standard library runs without asserts the check is
gone, and the worker starts its child, which prints ``never printed``.  That is ``python -O``, and the official
Windows embeddable CPython, whose standard library zip is compiled without asserts (its columns are tagged ``o``,
``3.12o``; observed under Wine 8 and 10, CPython 3.8-3.13): a property of that build, not of Windows, whose usual
installers keep the asserts (not yet observed here).
"""
# /// case
# claim = "Pool worker processes are daemon processes (so, among other things, they may not start child processes)."
# source = "seed §使用技巧/在线程中使用辅助进程"
# ids = ["S22"]
# timeout = 60
#
# [expect]
# stdout = """
# every worker is a daemon, seen from the parent: True
# current_process().daemon in a worker: True
# a worker starting a Process: AssertionError('daemonic processes are not allowed to have children')
# the main process is a daemon: False
# """
# exit = 0
#
# # A standard library without asserts (python -O, Windows' embeddable build): a worker may start a process.
# [[expect.when]]
# optimized = true
# holds = false
# stdout = """
# every worker is a daemon, seen from the parent: True
# current_process().daemon in a worker: True
# never printed
# the main process is a daemon: False
# """
# ///
import multiprocessing
from multiprocessing import Pool, Process


def am_i_daemon():
    return multiprocessing.current_process().daemon


def start_child():
    p = Process(target=print, args=("never printed",))
    p.start()
    p.join()


if __name__ == "__main__":
    with Pool(2) as pool:
        print(f"every worker is a daemon, seen from the parent: {all(w.daemon for w in pool._pool)}")
        print(f"current_process().daemon in a worker: {pool.apply(am_i_daemon)}")
        try:
            pool.apply(start_child)
        except AssertionError as e:
            print(f"a worker starting a Process: {e!r}")
    print(f"the main process is a daemon: {multiprocessing.current_process().daemon}")
