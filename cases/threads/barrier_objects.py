"""Barriers: ``wait()`` releases all parties together and returns each a different index from 0 to parties-1;
the action runs once, in one of the threads, before they are released; a ``wait()`` that times out breaks the
barrier, so the other waiters get BrokenBarrierError, and ``abort()`` does the same to later calls.

``Lib/threading.py``, ``Barrier.wait``: ``index = self._count``, the last to arrive calls ``self._release()``
which runs ``self._action()`` first; ``_wait`` calls ``self._break()`` on a timeout and raises
``BrokenBarrierError``.  The timeout case has one thread arrive at a two-party barrier alone: it can only time
out.
"""
# /// case
# claim = "Barrier.wait() returns a distinct index 0..parties-1 to each thread and runs the action once before the release; a timed-out wait() or abort() breaks the barrier with BrokenBarrierError."
# source = "https://docs.python.org/3.14/library/threading.html#barrier-objects"
# ids = ["T28", "T29"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# indices returned: [0, 1, 2, 3]; action ran 1 time(s), in one of the parties: True
# a lone party's wait(timeout=0.01): BrokenBarrierError; broken: True
# a later wait() on the broken barrier: BrokenBarrierError
# wait() after abort(): BrokenBarrierError
# """
# stderr = ""
# ///
import threading

if __name__ == "__main__":
    actions = []
    b = threading.Barrier(4, action=lambda: actions.append(threading.current_thread().name))
    indices = []
    threads = [threading.Thread(target=lambda: indices.append(b.wait()), name=f"party-{i}") for i in range(3)]
    for t in threads:
        t.start()
    indices.append(b.wait())
    for t in threads:
        t.join()
    print(f"indices returned: {sorted(indices)}; action ran {len(actions)} time(s), in one of the parties: {actions[0] in {'party-0', 'party-1', 'party-2', 'MainThread'}}")

    b = threading.Barrier(2)
    try:
        b.wait(timeout=0.01)
    except threading.BrokenBarrierError:
        print(f"a lone party's wait(timeout=0.01): BrokenBarrierError; broken: {b.broken}")
    try:
        b.wait()
    except threading.BrokenBarrierError:
        print("a later wait() on the broken barrier: BrokenBarrierError")
    b = threading.Barrier(2)
    b.abort()
    try:
        b.wait()
    except threading.BrokenBarrierError:
        print("wait() after abort(): BrokenBarrierError")
