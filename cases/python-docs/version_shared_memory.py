"""multiprocessing.shared_memory exists from 3.8; SharedMemory(track=False) from 3.13.

``multiprocessing.shared_memory.SharedMemory`` (3.8) wraps a named POSIX shared memory segment
(``_posixshmem.shm_open`` + ``mmap``), or a named file mapping on Windows.  A child process attaches by name and
sees the parent's bytes.  On POSIX every ``SharedMemory`` object, created or attached, registers the name with
the resource tracker (``resource_tracker.register(self._name, "shared_memory")``), which unlinks it when the
program ends; 3.13 added the keyword ``track`` (default ``True``): ``track=False`` leaves the segment out of the
tracker, for segments that must outlive the program.  Before 3.13 the keyword is a ``TypeError``.

The case creates a segment, lets a child attach by name and write into it, reads it back, and tries
``track=False`` on an attachment of its own.
"""
# /// case
# claim = "multiprocessing.shared_memory.SharedMemory (3.8) lets a child attach to a segment by name and change the parent's bytes; the track parameter exists from 3.13."
# source = "https://docs.python.org/3.15/library/multiprocessing.shared_memory.html#multiprocessing.shared_memory.SharedMemory"
# ids = ["D82", "D83"]
# timeout = 60
#
# [expect]
# stdout = """
# a child attached by name and wrote: b'hello'
# SharedMemory(name, track=False): accepted
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.13"
# stdout = """
# a child attached by name and wrote: b'hello'
# SharedMemory(name, track=False): TypeError: [..]__init__() got an unexpected keyword argument 'track'
# """
#
# [[expect.when]]
# python = "<3.8"
# stdout = """
# multiprocessing.shared_memory: ImportError
# """
# ///
import multiprocessing
import sys


def write(name):
    from multiprocessing import shared_memory

    segment = shared_memory.SharedMemory(name=name)
    segment.buf[:5] = b"hello"
    segment.close()


if __name__ == "__main__":
    try:
        from multiprocessing import shared_memory
    except ImportError as e:
        print(f"multiprocessing.shared_memory: {type(e).__name__}")
        sys.exit(0)
    segment = shared_memory.SharedMemory(create=True, size=16)
    try:
        child = multiprocessing.Process(target=write, args=(segment.name,))
        child.start()
        child.join(30)
        print(f"a child attached by name and wrote: {bytes(segment.buf[:5])}")
        try:
            other = shared_memory.SharedMemory(name=segment.name, track=False)
        except TypeError as e:
            print(f"SharedMemory(name, track=False): TypeError: {e}")
        else:
            other.close()
            print("SharedMemory(name, track=False): accepted")
    finally:
        segment.close()
        segment.unlink()
