# /// case
# claim = "A child process's exitcode is 0 when its target returns or calls sys.exit(), N after sys.exit(N), and 1 after an uncaught exception, whose traceback the child prints on stderr."
# source = "https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Process.exitcode"
# ids = ["M4"]
# ///
"""How a child's target ends, and the exit code its Process gets.

BaseProcess._bootstrap() (Lib/multiprocessing/process.py) runs the target in the child and makes its exit code:
a target that returns gives 0; SystemExit gives `e.code` when that is an int, 0 when it is None (`sys.exit()`),
and 1 after writing any other code (a message) to stderr; any other exception gives 1, after
`sys.stderr.write('Process %s:\\n' % self.name)` and `traceback.print_exc()`, so the traceback names the
target's own frames in this file. Up to 3.8 the SystemExit branch read `if not e.args: exitcode = 1`, so a bare
`sys.exit()` gave 1 where a script gives 0 (bpo-35727, changed in 3.9).

The children run one after the other, each joined before the next starts: their stderr lines cannot interleave.
"""
import multiprocessing
import sys


def returns():
    return "a return value, which is ignored"


def exits(*code):
    sys.exit(*code)


def raises():
    raise ValueError("raised in the child")


ENDINGS = [
    ("returns", returns, ()),
    ("sys.exit()", exits, ()),
    ("sys.exit(3)", exits, (3,)),
    ("sys.exit('a message')", exits, ("a message",)),
    ("raises ValueError", raises, ()),
]

if __name__ == "__main__":
    for label, target, args in ENDINGS:
        child = multiprocessing.Process(target=target, args=args)
        child.start()
        child.join()
        print(f"{label}: exitcode {child.exitcode}")
