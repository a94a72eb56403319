"""The arguments of a proxy's methods must be picklable; several processes may use the same proxy.

Part 1 (D26): ``list_proxy.append(lambda: 42)`` sends the call and its arguments to the manager's server process
(``BaseProxy._callmethod`` -> ``conn.send((self._id, methodname, args, kwds))``), which pickles them; a lambda
cannot be pickled, so the call fails in the caller and nothing is appended.  Only the exception's type is printed
(its message differs between versions).  Part 2 (D28): four processes append 100 items each to the same list
proxy, concurrently; all 400 arrive.
"""
# /// case
# claim = "Arguments to the methods of proxies must be picklable; different processes may use the same proxy without problem."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D26", "D28"]
# timeout = 60
#
# [expect]
# stdout = """
# append(lambda) failed in the caller: PicklingError
# the list is still empty and usable: True
# 4 processes x 100 appends through one proxy: 400 items
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing


def append_many(shared, name):
    for i in range(100):
        shared.append((name, i))


if __name__ == "__main__":
    with multiprocessing.Manager() as manager:
        shared = manager.list()
        try:
            shared.append(lambda: 42)
            print("append(lambda) succeeded")
        except Exception as e:
            print(f"append(lambda) failed in the caller: {type(e).__name__}")
        print(f"the list is still empty and usable: {len(shared) == 0}")
        workers = [multiprocessing.Process(target=append_many, args=(shared, n)) for n in range(4)]
        for p in workers:
            p.start()
        for p in workers:
            p.join()
        print(f"4 processes x 100 appends through one proxy: {len(shared)} items")
