"""An exception that escapes ``Thread.run()`` is handed to ``threading.excepthook`` (3.8): the default hook prints
``Exception in thread NAME:`` and the traceback on stderr and ignores SystemExit silently; a replacement hook
receives the exception type, value and the thread.

3.8 ``Lib/threading.py`` defines ``excepthook`` (``_thread._excepthook`` when available) and
``Thread._bootstrap_inner`` calls ``self._invoke_excepthook(self)``; the default hook returns early
``if args.exc_type == SystemExit``.  3.7 has no ``threading.excepthook`` (its ``_bootstrap_inner`` prints the
traceback itself): replacing it there is an AttributeError; its default printing is the same.
"""
# /// case
# claim = "An exception escaping Thread.run() goes to threading.excepthook (3.8): by default printed as 'Exception in thread NAME:' with its traceback, SystemExit ignored silently; a custom hook gets the type, value and thread."
# source = "https://docs.python.org/3.14/library/threading.html#threading.excepthook"
# ids = ["T9"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# exception = "ValueError: boom"
# stdout = """
# threading has excepthook: True
# the custom hook received: [('ValueError', 'boom', 'hooked')]
# """
# stderr = """
# Exception in thread failing:
# Traceback (most recent call last):
#   [stdlib frames]
#   File "<case>/thread_excepthook.py", line [..], in fail
#     raise ValueError("boom")
# ValueError: boom
# """
#
# [[expect.when]]
# python = "<3.8"
# exit = 0
# exception = "ValueError: boom"
# stderr = """
# Exception in thread failing:
# Traceback (most recent call last):
#   [stdlib frames]
#   File "<case>/thread_excepthook.py", line [..], in fail
#     raise ValueError("boom")
# ValueError: boom
#
# Exception in thread hooked:
# Traceback (most recent call last):
#   [stdlib frames]
#   File "<case>/thread_excepthook.py", line [..], in fail
#     raise ValueError("boom")
# ValueError: boom
#
# """
# stdout = """
# threading has excepthook: False
# the custom hook received: []
# """
# ///
import sys
import threading


def fail():
    raise ValueError("boom")


def leave():
    sys.exit(3)


if __name__ == "__main__":
    for target, name in ((fail, "failing"), (leave, "exiting")):
        t = threading.Thread(target=target, name=name)
        t.start()
        t.join()
    sys.stderr.flush()
    print(f"threading has excepthook: {hasattr(threading, 'excepthook')}")
    seen = []
    threading.excepthook = lambda args: seen.append((args.exc_type.__name__, str(args.exc_value), args.thread.name))
    t = threading.Thread(target=fail, name="hooked")
    t.start()
    t.join()
    print(f"the custom hook received: {seen}")
