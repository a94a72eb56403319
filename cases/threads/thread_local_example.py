"""The thread-local data example of the threading page, run as written: another thread sees an empty
``local()`` and its changes do not show in the creating thread (``[[], 11]``, then ``42``); a subclass's class
attributes and ``__init__`` give every thread its defaults (``[[('color', 'red')], 11]``); and ``__slots__`` of a
subclass are not thread-local: a change in another thread shows in this one (``11``).

``threading.local`` is ``_thread._local`` (``Modules/_threadmodule.c``; ``_threading_local.py`` is the pure
Python version): each thread gets its own ``__dict__`` and the subclass's ``__init__`` is called again with the
constructor's arguments the first time a thread touches the object; slots are descriptors on the type, stored in
the object itself, which all threads share.
"""
# /// case
# claim = "A threading.local object's attributes are per thread (the docs' example prints [[], 11] and keeps 42), a subclass's defaults and __init__ apply in every thread, and a subclass's __slots__ are shared across threads."
# source = "https://docs.python.org/3.14/library/threading.html#thread-local-data"
# ids = ["T11", "T12"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# 42
# {'number': 42}
# []
# []
# [[], 11]
# 42
# 2
# red
# 4
# [[('color', 'red')], 11]
# 2
# AttributeError: 'MyLocal' object has no attribute 'color'
# 11
# """
# stderr = ""
# ///
import threading
from threading import local

mydata = local()
mydata.number = 42
print(mydata.number)
print(mydata.__dict__)
print(mydata.__dict__.setdefault('widgets', []))
print(mydata.widgets)

log = []


def f():
    items = sorted(mydata.__dict__.items())
    log.append(items)
    mydata.number = 11
    log.append(mydata.number)


thread = threading.Thread(target=f)
thread.start()
thread.join()
print(log)
print(mydata.number)


class MyLocal(local):
    number = 2

    def __init__(self, **kw):  # the docs write (self, /, **kw): the same here, and 3.7 can parse it
        self.__dict__.update(kw)

    def squared(self):
        return self.number ** 2


mydata = MyLocal(color='red')
print(mydata.number)
print(mydata.color)
del mydata.color
print(mydata.squared())
log = []
thread = threading.Thread(target=f)
thread.start()
thread.join()
print(log)
print(mydata.number)
try:
    mydata.color
except AttributeError as e:
    print(f"AttributeError: {e}")


class MyLocal(local):
    __slots__ = 'number'


mydata = MyLocal()
mydata.number = 42
mydata.color = 'red'
thread = threading.Thread(target=f)
thread.start()
thread.join()
print(mydata.number)
