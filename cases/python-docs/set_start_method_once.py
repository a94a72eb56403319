"""The docs' ``set_start_method`` example prints ``hello``; a second ``set_start_method`` is refused.

Part 1 runs the docs' example as written (``mp.set_start_method('spawn')`` in the ``__main__`` block) as its own
program, since this case's process already had its start method chosen by the harness.  Part 2 shows why the
docs say to call ``set_start_method`` once: here the method is already set, and calling it again, even with the
same method, raises ``RuntimeError: context has already been set`` (``context.py``: ``if self._actual_context
is not None and not force: raise RuntimeError``); only ``force=True`` replaces it.
"""
# /// case
# claim = "set_start_method, called in the __main__ block, selects the start method (the docs' example prints 'hello'); it should be called only once in a program."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#contexts-and-start-methods"
# ids = ["D18", "D19"]
# timeout = 30
#
# [expect]
# stdout = """
# the docs' example prints: hello
# second set_start_method: RuntimeError: context has already been set
# second set_start_method with force=True: accepted
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing
import os
import subprocess
import sys

DOCS_EXAMPLE = '''
import multiprocessing as mp

def foo(q):
    q.put('hello')

if __name__ == '__main__':
    mp.set_start_method('spawn')
    q = mp.Queue()
    p = mp.Process(target=foo, args=(q,))
    p.start()
    print(q.get())
    p.join()
'''


def run_program(source):
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"docs_example_{os.getpid()}.py")
    with open(path, "w") as f:
        f.write(source)
    try:
        return subprocess.run([sys.executable, path], stdout=subprocess.PIPE, universal_newlines=True, timeout=60)
    finally:
        os.unlink(path)


if __name__ == "__main__":
    print(f"the docs' example prints: {run_program(DOCS_EXAMPLE).stdout.strip()}")
    method = multiprocessing.get_start_method()
    try:
        multiprocessing.set_start_method(method)
        print("second set_start_method: accepted")
    except RuntimeError as e:
        print(f"second set_start_method: RuntimeError: {e}")
    multiprocessing.set_start_method(method, force=True)
    print("second set_start_method with force=True: accepted")
