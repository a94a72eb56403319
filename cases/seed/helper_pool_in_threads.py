"""The post's class ``C``: three consumer threads share one object, hence one Pool, whose workers run the tasks.

The post's "使用技巧 › 在线程中使用辅助进程" example, kept in shape (``func``/``pfunc``/``cfunc``/``run``, one
producer thread, a ``ThreadPoolExecutor`` running three consumers that call ``self.pool.apply(self.func, ...)``)
with these changes, each for determinism or speed:

- the pool has ``max(4, os.cpu_count())`` workers instead of ``os.cpu_count()``: the post's machine had 12 CPUs,
  more workers than the 3 tasks; on a 2-CPU machine ``Pool()`` would have 2 and the third task would wait;
- an ``initializer`` makes every worker wait on a Barrier with ``__init__``, so that the timing below measures
  the tasks and not the workers' start-up (a spawned worker first re-imports this module);
- each task also waits at a second Barrier (3 parties, given to the workers by the same ``initializer``) until
  all three tasks are running, so that "at once" is shown by an event, not by a duration that a loaded machine
  could stretch;
- ``time.sleep(3)`` becomes 0.5 s; output lines are written whole (``say``), because worker processes and
  threads write to the same stdout concurrently; their order depends on scheduling, so the expectation is an
  ``[unordered]`` group, and the claims are printed as ``True``/``False`` facts afterwards;
- the module-level ``print(f"in {current_process().name}")`` is left out (it is claim S17, its own case).

What the facts show:

- S19: the producer and the three consumers (three distinct threads) print the same ``self``, so they use the
  same ``self.pool``: a bound method carries its instance, and threads share the process's objects.
- S20: the pool stays open after ``apply``; further ``apply`` calls, more than there are workers, all run in
  the pool's original worker processes (by pigeonhole some worker runs more than one): workers are reused.
  ``Pool`` only replaces a worker that exits (``maxtasksperchild``), see ``_maintain_pool`` in
  Lib/multiprocessing/pool.py.
- S21: ``self.func`` is a ``staticmethod``: looked up on the instance it is the plain function ``C.func``,
  pickled by reference (module and qualified name), so no instance, and no pool, has to travel.  For a bound
  method see ``pool_bound_method.py``.
- S22: pool workers are daemon processes: ``Pool._repopulate_pool_static`` sets ``w.daemon = True``.
- S25: the 3 tasks run in 3 different workers at once: the Barrier(3) inside them opens (it would time out if
  they ran one after the other), and so their sleeps overlap (every task starts before any ends).
"""
# /// case
# claim = "Three consumer threads of one object share its Pool: they print the same self, workers are daemons reused across apply calls, apply with the staticmethod self.func works, and the 3 tasks run in 3 workers concurrently."
# source = "seed §使用技巧/在线程中使用辅助进程"
# ids = ["S19", "S20", "S21", "S22", "S25"]
# timeout = 60
#
# [expect]
# stdout = """
# [unordered]
# I am producer, self is <__main__.C object at 0x<addr>>
# I am consumer, self is <__main__.C object at 0x<addr>>
# I am consumer, self is <__main__.C object at 0x<addr>>
# I am consumer, self is <__main__.C object at 0x<addr>>
# I am in [..]PoolWorker-N, result is 42
# I am in [..]PoolWorker-N, result is 33
# I am in [..]PoolWorker-N, result is 24
# end [..]PoolWorker-N
# end [..]PoolWorker-N
# end [..]PoolWorker-N
# [/unordered]
# S19: 3 distinct consumer threads: True
# S19: producer and consumers saw the same self: True
# S19: and the same pool: True
# S21: apply(self.func) with a staticmethod returned: [24, 33, 42]
# S22: every task ran in a daemon process: True
# S22: every pool worker is a daemon: True
# S25: 3 tasks ran in 3 different workers, the other workers stayed idle: True
# S25: their sleeps overlapped: True
# S25: the 3 tasks were running at the same moment (a Barrier(3) inside them opened): True
# S20: twice as many more apply calls as workers ran in the pool's original workers: True
# S20: some worker ran more than one task: True
# """
# exit = 0
# ///
import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Barrier, Pool, Queue

SLEEP = 0.5  # the post sleeps 3 s
WORKERS = max(4, os.cpu_count() or 1)  # more workers than the 3 tasks, as on the post's 12-CPU machine


def say(line):
    """Write one whole line: threads and worker processes share stdout."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


tasks_running = None  # in each worker: the Barrier the 3 tasks wait at


def wait_for_all_workers(barrier, tasks_barrier):  # the pool's initializer
    global tasks_running
    tasks_running = tasks_barrier
    barrier.wait(10)


def whoami(_):
    return os.getpid()


class C:
    def __init__(self):
        self.workers_ready = Barrier(WORKERS + 1)
        self.tasks_running = Barrier(3)
        self.pool = Pool(WORKERS, initializer=wait_for_all_workers, initargs=(self.workers_ready, self.tasks_running))
        self.q = Queue()
        self.workers_ready.wait(10)  # every worker has started
        self.seen = []  # (role, thread, id(self), id(self.pool)), one per producer/consumer thread
        self.results = []  # what each apply returned

    @staticmethod
    def func(r):
        me = multiprocessing.current_process()
        start = time.time()
        say(f"I am in {me.name}, result is {r}")
        try:
            tasks_running.wait(30)  # opens only when the 3 tasks are running at once
            together = True
        except threading.BrokenBarrierError:
            together = False
        time.sleep(SLEEP)
        say(f"end {me.name}")
        return r, os.getpid(), me.daemon, start, time.time(), together

    def pfunc(self):
        say(f"I am producer, self is {self}")
        self.seen.append(("producer", threading.get_ident(), id(self), id(self.pool)))
        for i in [42, 33, 24, None, None, None]:
            self.q.put(i)

    def cfunc(self):
        say(f"I am consumer, self is {self}")
        self.seen.append(("consumer", threading.get_ident(), id(self), id(self.pool)))
        while True:
            r = self.q.get()
            if r is None:
                break
            self.results.append(self.pool.apply(self.func, args=(r,)))

    def run(self):
        t = threading.Thread(target=self.pfunc)
        t.start()
        with ThreadPoolExecutor() as executor:
            [executor.submit(self.cfunc) for _ in range(3)]
        t.join()


if __name__ == "__main__":
    c = C()
    worker_pids = {p.pid for p in c.pool._pool}  # private, but the only list of the pool's processes
    c.run()

    consumers = [thread for role, thread, _, _ in c.seen if role == "consumer"]
    print(f"S19: 3 distinct consumer threads: {len(set(consumers)) == 3}")
    print(f"S19: producer and consumers saw the same self: {len({s for _, _, s, _ in c.seen}) == 1}")
    print(f"S19: and the same pool: {len({p for _, _, _, p in c.seen}) == 1}")
    print(f"S21: apply(self.func) with a staticmethod returned: {sorted(r for r, *_ in c.results)}")
    print(f"S22: every task ran in a daemon process: {all(daemon for _, _, daemon, *_ in c.results)}")
    print(f"S22: every pool worker is a daemon: {all(p.daemon for p in c.pool._pool)}")
    task_pids = {pid for _, pid, *_ in c.results}
    print(f"S25: 3 tasks ran in 3 different workers, the other workers stayed idle: "
          f"{len(task_pids) == 3 and task_pids < worker_pids}")
    starts = [s for *_, s, _, _ in c.results]
    ends = [e for *_, e, _ in c.results]
    print(f"S25: their sleeps overlapped: {max(starts) < min(ends)}")
    print(f"S25: the 3 tasks were running at the same moment (a Barrier(3) inside them opened): "
          f"{all(together for *_, together in c.results)}")

    more = [c.pool.apply(whoami, (i,)) for i in range(WORKERS * 2)]  # the pool is still open
    print(f"S20: twice as many more apply calls as workers ran in the pool's original workers: {set(more) <= worker_pids}")
    print(f"S20: some worker ran more than one task: {len(set(more)) < len(more)}")
