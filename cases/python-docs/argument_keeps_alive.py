"""An object passed to a child as an argument is not kept alive in the parent while the child runs.

The docs give a second reason to pass resources as arguments: as long as the child lives, the parent would keep
the object from being garbage collected.  The case passes an object to a child that waits on an Event, drops the
parent's own reference, runs ``gc.collect()`` and checks a weak reference while the child is still alive.  The
object is gone in every cell: ``BaseProcess.start()`` ends with ``del self._target, self._args, self._kwargs``
(``multiprocessing/process.py``, added in 3.7 by bpo-30775 to break reference cycles), so after ``start()``
nothing in the parent refers to the arguments.  Under fork the child has its own copy, under spawn and forkserver
the child unpickled its copy: the child is not affected, but a resource freed by the parent's finalizer (a
temporary file, a shared segment unlinked in ``__del__``) would be.
"""
# /// case
# claim = "Passing an object to a child as an argument keeps it from being garbage collected in the parent as long as the child is alive."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D44"]
# timeout = 30
#
# [expect]
# stdout = """
# the child is alive: True
# the argument still exists in the parent: False
# """
# stderr = ""
# exit = 0
# holds = false
# ///
import gc
import multiprocessing
import weakref


class Resource:
    pass


def child(resource, release):
    release.wait()


if __name__ == "__main__":
    release = multiprocessing.Event()
    resource = Resource()
    alive = weakref.ref(resource)
    p = multiprocessing.Process(target=child, args=(resource, release))
    p.start()
    del resource
    gc.collect()
    print(f"the child is alive: {p.is_alive()}")
    print(f"the argument still exists in the parent: {alive() is not None}")
    release.set()
    p.join()
