"""From 3.14 a Thread takes a ``context`` argument, and by default (``context=None``) the flag
``sys.flags.thread_inherit_context`` decides: true, the thread runs in a copy of the context of the caller of
``start()``; false, in an empty context.  The flag defaults true on free-threaded builds and false otherwise.

3.14 ``Lib/threading.py:997``, ``Thread.start``: ``if _sys.flags.thread_inherit_context:`` (with no
``context`` given) the caller's context is copied; ``_bootstrap_inner`` runs ``self._context.run(self.run)`` (an empty
``Context()`` when none was copied).  Before 3.14 a thread always starts with an empty context (``_thread``
calls the function in a fresh thread state), and ``context=`` is a TypeError.  The case sets a ContextVar in the
main thread and reads it in three threads: default, ``context=copy_context()``, ``context=Context()``.
``sys.flags.context_aware_warnings`` (3.14, the same default) is printed beside it.
"""
# /// case
# claim = "From 3.14 a Thread runs in an empty context unless sys.flags.thread_inherit_context (false on GIL builds, true on free-threaded ones) or its new context argument says otherwise."
# source = "https://docs.python.org/3.14/library/threading.html#threading.Thread"
# ids = ["T13", "T14"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# sys.flags.thread_inherit_context: absent
# sys.flags.context_aware_warnings: absent
# a thread started with no context argument sees: unset
# context=copy_context(): TypeError: Thread.__init__() got an unexpected keyword argument 'context'
# context=Context(): TypeError: Thread.__init__() got an unexpected keyword argument 'context'
# """
# stderr = ""
#
# [[expect.when]]
# python = "<3.10"
# stdout = """
# sys.flags.thread_inherit_context: absent
# sys.flags.context_aware_warnings: absent
# a thread started with no context argument sees: unset
# context=copy_context(): TypeError: __init__() got an unexpected keyword argument 'context'
# context=Context(): TypeError: __init__() got an unexpected keyword argument 'context'
# """
#
# [[expect.when]]
# python = ">=3.14"
# stdout = """
# sys.flags.thread_inherit_context: 0
# sys.flags.context_aware_warnings: 0
# a thread started with no context argument sees: unset
# context=copy_context(): the thread sees: set in main
# context=Context(): the thread sees: unset
# """
#
# # Predicted for the free-threaded builds (3.14t, 3.15t) from Doc/library/threading.rst and Python/initconfig.c
# # (the flag defaults to 1 when Py_GIL_DISABLED), not observed: no free-threaded build runs here.
# [[expect.when]]
# free_threaded = true
# python = ">=3.14"
# stdout = """
# sys.flags.thread_inherit_context: 1
# sys.flags.context_aware_warnings: 1
# a thread started with no context argument sees: set in main
# context=copy_context(): the thread sees: set in main
# context=Context(): the thread sees: unset
# """
# ///
import contextvars
import sys
import threading

var = contextvars.ContextVar("var", default="unset")


def read(out, key):
    out[key] = var.get()


if __name__ == "__main__":
    var.set("set in main")
    print(f"sys.flags.thread_inherit_context: {getattr(sys.flags, 'thread_inherit_context', 'absent')}")
    print(f"sys.flags.context_aware_warnings: {getattr(sys.flags, 'context_aware_warnings', 'absent')}")
    out = {}
    t = threading.Thread(target=read, args=(out, "default"))
    t.start()
    t.join()
    print(f"a thread started with no context argument sees: {out['default']}")
    for label, make in (("copy_context()", contextvars.copy_context), ("Context()", contextvars.Context)):
        try:
            t = threading.Thread(target=read, args=(out, label), context=make())
        except TypeError as e:
            print(f"context={label}: TypeError: {e}")
            continue
        t.start()
        t.join()
        print(f"context={label}: the thread sees: {out[label]}")
