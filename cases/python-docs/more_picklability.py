"""Under spawn and forkserver the target, the arguments and a ``Process`` subclass instance must be picklable
when ``start()`` is called; under fork they need not be.

Three children: one whose target is a lambda, one with an argument that cannot be pickled (a ``threading.Lock``),
one a ``Process`` subclass holding a ``threading.Lock`` as an attribute.  Under spawn and forkserver,
``start()`` pickles the whole process object for the child (``popen_spawn_posix.Popen._launch`` /
``popen_forkserver``: ``reduction.dump(process_obj, fp)``) and fails in the parent; only the exception's type is
printed (the messages differ between versions).  Under fork nothing is pickled and all three run.
"""
# /// case
# claim = "Under spawn and forkserver all arguments to Process.__init__ (the target included) must be picklable, and a Process subclass instance must be picklable when start() is called."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing-programming-spawn"
# ids = ["D48", "D49"]
# timeout = 30
#
# [expect]
# stdout = """
# lambda target: start() raised PicklingError
# threading.Lock argument: start() raised TypeError
# subclass holding a threading.Lock: start() raised TypeError
# """
# stderr = ""
# exit = 0
#
# # PyPy's pure-Python pickle raises PicklingError where CPython's _pickle raises TypeError.
# [[expect.when]]
# implementation = ["pypy"]
# stdout = """
# lambda target: start() raised PicklingError
# threading.Lock argument: start() raised PicklingError
# subclass holding a threading.Lock: start() raised PicklingError
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# start_method = ["fork"]
# stdout = """
# lambda target: ran, exit code 0
# threading.Lock argument: ran, exit code 0
# subclass holding a threading.Lock: ran, exit code 0
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing
import threading


def use(lock):
    with lock:
        pass


class Worker(multiprocessing.Process):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def run(self):
        with self.lock:
            pass


if __name__ == "__main__":
    children = [
        ("lambda target", multiprocessing.Process(target=lambda: None)),
        ("threading.Lock argument", multiprocessing.Process(target=use, args=(threading.Lock(),))),
        ("subclass holding a threading.Lock", Worker()),
    ]
    for name, p in children:
        try:
            p.start()
        except Exception as e:
            print(f"{name}: start() raised {type(e).__name__}")
            continue
        p.join()
        print(f"{name}: ran, exit code {p.exitcode}")
