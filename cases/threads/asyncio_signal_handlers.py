"""``loop.add_signal_handler()`` (Unix): the docs' SIGINT/SIGTERM example, with the program sending itself
SIGTERM, runs ``ask_exit`` in the loop, which prints ``got signal SIGTERM: exit`` and stops the loop; as the loop
stops under ``asyncio.run()``'s main task, ``run()`` then raises ``RuntimeError: Event loop stopped before Future
completed.``  A loop in a thread other than the main one cannot add handlers (RuntimeError).

``Lib/asyncio/unix_events.py``, ``add_signal_handler``: ``signal.set_wakeup_fd`` outside the main thread raises
ValueError, turned into ``RuntimeError(str(exc))``.  ``base_events.py``, ``run_until_complete``:
``raise RuntimeError('Event loop stopped before Future completed.')``.  The example's one-hour sleep is the
same; SIGTERM is sent once the handlers are installed.
"""
# /// case
# claim = "A callback set with loop.add_signal_handler() runs in the loop when the signal arrives, and the call must be made in the main thread."
# source = "https://docs.python.org/3.14/library/asyncio-eventloop.html#asyncio.loop.add_signal_handler"
# ids = ["T40", "T42"]
# start_methods = ["default"]
# platforms = ["linux", "darwin"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# got signal SIGTERM: exit
# asyncio.run(main()) raised RuntimeError: Event loop stopped before Future completed.
# add_signal_handler(SIGUSR1) on a loop in another thread: RuntimeError: set_wakeup_fd only works in main thread of the main interpreter
# """
# stderr = ""
#
# [[expect.when]]
# implementation = ["pypy"]
# stdout = """
# got signal SIGTERM: exit
# asyncio.run(main()) raised RuntimeError: Event loop stopped before Future completed.
# add_signal_handler(SIGUSR1) on a loop in another thread: RuntimeError: set_wakeup_fd only works in main thread or with __pypy__.thread.enable_signals()
# """
#
# [[expect.when]]
# python = "<3.8"
# stdout = """
# got signal SIGTERM: exit
# asyncio.run(main()) raised RuntimeError: Event loop stopped before Future completed.
# add_signal_handler(SIGUSR1) on a loop in another thread: RuntimeError: set_wakeup_fd only works in main thread
# """
#
# [[expect.when]]
# python = ">=3.8,<3.9"
# stdout = """
# got signal SIGTERM: exit
# asyncio.run(main()) raised RuntimeError: Event loop stopped before Future completed.
# add_signal_handler(SIGUSR1) on a loop in another thread: RuntimeError: set_wakeup_fd only works in main thread
# """
# ///
import asyncio
import functools
import os
import signal
import threading


def ask_exit(signame, loop):
    print("got signal %s: exit" % signame)
    loop.stop()


async def main():
    loop = asyncio.get_running_loop()

    for signame in {'SIGINT', 'SIGTERM'}:
        loop.add_signal_handler(
            getattr(signal, signame),
            functools.partial(ask_exit, signame, loop))

    os.kill(os.getpid(), signal.SIGTERM)  # instead of waiting for someone to press Ctrl+C
    await asyncio.sleep(3600)


def try_add(loop, signum):
    try:
        loop.add_signal_handler(signum, lambda: None)
        return "added"
    except (ValueError, RuntimeError) as e:
        return f"{type(e).__name__}: {e}"


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except RuntimeError as e:
        print(f"asyncio.run(main()) raised RuntimeError: {e}")
    out = []

    def in_thread():
        other = asyncio.new_event_loop()
        out.append(try_add(other, signal.SIGUSR1))
        other.close()

    t = threading.Thread(target=in_thread)
    t.start()
    t.join()
    print(f"add_signal_handler(SIGUSR1) on a loop in another thread: {out[0]}")
