"""Under spawn and forkserver a child reads a global with the value it has at import, not the parent's value at
``start()``; module-level constants are the same everywhere.

The parent changes ``COUNTER`` in its ``__main__`` block before starting the child.  A spawn or forkserver child
imports the main module again (as ``__mp_main__``, ``spawn.prepare()``), so it sees ``COUNTER = 0``; a fork child
is a copy and sees 5.  ``CONSTANT`` is never changed, so every child sees 42.
"""
# /// case
# claim = "Under spawn and forkserver a global read in the child may differ from the parent's value at start(); module-level constants cause no problem."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing-programming-spawn"
# ids = ["D50", "D51"]
# timeout = 30
#
# [expect]
# stdout = """
# parent at start(): COUNTER = 5, CONSTANT = 42
# child: COUNTER = 0, CONSTANT = 42
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# start_method = ["fork"]
# stdout = """
# parent at start(): COUNTER = 5, CONSTANT = 42
# child: COUNTER = 5, CONSTANT = 42
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing

COUNTER = 0
CONSTANT = 42


def report(q):
    q.put(f"child: COUNTER = {COUNTER}, CONSTANT = {CONSTANT}")


if __name__ == "__main__":
    COUNTER = 5
    print(f"parent at start(): COUNTER = {COUNTER}, CONSTANT = {CONSTANT}")
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=report, args=(q,))
    p.start()
    print(q.get(timeout=60))
    p.join()
