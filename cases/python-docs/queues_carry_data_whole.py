"""A queue and a pipe carry every item whole between processes with no lock written by the user: why the docs
recommend them over the low-level synchronization primitives.

Four children each put 300 items (each 2,000 characters naming its writer) on one queue at once; the parent
gets 1,200 items and checks each is whole (one writer's character throughout).  A child sends 50 messages of
100,000 bytes over a pipe, and the parent receives them all intact.  The queue serializes writers with its own
lock (``Queue._wlock``, taken by each feeder thread), and each pipe message is length-prefixed
(``Connection._send_bytes``), so the user writes no lock.
"""
# /// case
# claim = "Queues and pipes carry data between processes whole, with no lock written by the user."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D25"]
# timeout = 60
#
# [expect]
# stdout = """
# queue: 1200 items received, all whole: True, 300 from each writer: True
# pipe: 50 messages received, all intact: True
# """
# stderr = ""
# exit = 0
# ///
import collections
import multiprocessing


def writer(q, name):
    for _ in range(300):
        q.put(name * 2000)


def sender(conn):
    for i in range(50):
        conn.send_bytes(bytes([i]) * 100000)
    conn.close()


if __name__ == "__main__":
    q = multiprocessing.Queue()
    writers = [multiprocessing.Process(target=writer, args=(q, name)) for name in "abcd"]
    for p in writers:
        p.start()
    items = [q.get(timeout=60) for _ in range(1200)]
    for p in writers:
        p.join()
    whole = all(len(item) == 2000 and len(set(item)) == 1 for item in items)
    counts = collections.Counter(item[0] for item in items)
    print(f"queue: {len(items)} items received, all whole: {whole}, 300 from each writer: {set(counts.values()) == {300}}")

    reader, writer_end = multiprocessing.Pipe(duplex=False)
    p = multiprocessing.Process(target=sender, args=(writer_end,))
    p.start()
    writer_end.close()
    messages = [reader.recv_bytes() for _ in range(50)]
    p.join()
    intact = all(m == bytes([i]) * 100000 for i, m in enumerate(messages))
    print(f"pipe: {len(messages)} messages received, all intact: {intact}")
