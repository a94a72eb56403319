"""``threading.enumerate()`` lists the threads alive: the main thread and started, unfinished threads (daemon ones
included), never a thread not yet started or already finished; ``active_count()`` is its length.

``enumerate()`` returns ``list(_active.values()) + list(_limbo.values())``; a thread enters ``_limbo`` in
``start()`` and leaves ``_active`` in ``_delete()`` as its bootstrap ends, before ``join()`` returns
(``Lib/threading.py``).  The running threads wait on an Event, so they are alive when listed.
"""
# /// case
# claim = "enumerate() lists the main thread and the started, unfinished threads (daemon ones included) but no thread not yet started or already finished, and active_count() is its length."
# source = "https://docs.python.org/3.14/library/threading.html#threading.enumerate"
# ids = ["T10"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# listed: ['MainThread', 'daemon', 'running']
# active_count() == len(enumerate()): True
# """
# stderr = ""
# ///
import threading

if __name__ == "__main__":
    stop = threading.Event()
    running = threading.Thread(target=stop.wait, name="running")
    daemon = threading.Thread(target=stop.wait, name="daemon", daemon=True)
    unstarted = threading.Thread(target=stop.wait, name="unstarted")
    finished = threading.Thread(target=lambda: None, name="finished")
    running.start()
    daemon.start()
    finished.start()
    finished.join()
    listed = threading.enumerate()
    ours = {running, daemon, unstarted, finished, threading.main_thread()}
    print(f"listed: {sorted(t.name for t in listed if t in ours)}")
    print(f"active_count() == len(enumerate()): {threading.active_count() == len(listed)}")
    stop.set()
    running.join()
    daemon.join()
