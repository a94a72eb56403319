"""Shared objects reach a child when given at its creation (inheritance), and fail when sent through a pipe or a
queue.

Part 1 (D33, D35): a Lock, an Event and a Queue are given to the child as ``Process`` arguments.  Under spawn and
forkserver they are pickled with the process object; their ``__getstate__`` calls
``context.assert_spawning(self)``, which allows it only while a process is being started (``popen_spawn_posix``
sets ``set_spawning_popen``).  The child takes the lock, sets the event and puts on the queue: all work.

Part 2 (D34): the same lock sent over a pipe raises ``RuntimeError: Lock objects should only be shared between
processes through inheritance`` in the sender.  Put on a queue, it fails later and elsewhere: the queue's feeder
thread pickles it, prints the traceback on stderr and drops the item (``queues.py``
``_on_queue_feeder_error``), so the next item, ``'after'``, is the first one the reader gets.
"""
# /// case
# claim = "Under spawn and forkserver multiprocessing's locks, events and queues are picklable only to be inherited by a new process, which then uses them; sent through a pipe or a queue they fail."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D33", "D34", "D35"]
# timeout = 60
#
# [expect]
# stdout = """
# inherited at creation: the child took the lock, set the event, put on the queue: True
# lock sent over a pipe: RuntimeError: Lock objects should only be shared between processes through inheritance
# lock put on a queue: the reader's first item is 'after'
# """
# stderr = """
# Traceback (most recent call last):
# ...
# RuntimeError: Lock objects should only be shared between processes through inheritance
# ...
# """
# exit = 0
# ///
import multiprocessing


def use(lock, event, q):
    with lock:
        event.set()
        q.put("done")


if __name__ == "__main__":
    lock, event, q = multiprocessing.Lock(), multiprocessing.Event(), multiprocessing.Queue()
    p = multiprocessing.Process(target=use, args=(lock, event, q))
    p.start()
    done = q.get(timeout=60) == "done" and event.is_set()
    p.join()
    print(f"inherited at creation: the child took the lock, set the event, put on the queue: {done and p.exitcode == 0}")

    reader, writer = multiprocessing.Pipe()
    try:
        writer.send(lock)
        print("lock sent over a pipe: sent")
    except RuntimeError as e:
        print(f"lock sent over a pipe: RuntimeError: {e}")

    q.put(lock)
    q.put("after")
    print(f"lock put on a queue: the reader's first item is {q.get(timeout=60)!r}")
