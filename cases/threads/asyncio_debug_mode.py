"""asyncio's debug mode: it is on with ``PYTHONASYNCIODEBUG=1``, with the Python Development Mode (``-X dev``,
3.7) and with ``asyncio.run(debug=True)``; in it, ``loop.call_soon()`` from a thread other than the loop's raises
RuntimeError, and a callback that runs longer than ``loop.slow_callback_duration`` (0.1 s by default) is logged.

``Lib/asyncio/base_events.py``: ``BaseEventLoop.__init__`` sets ``self.set_debug(coroutines._is_debug_mode())``
(``sys.flags.dev_mode or (not sys.flags.ignore_environment and bool(os.environ.get('PYTHONASYNCIODEBUG')))``);
``call_soon`` calls ``self._check_thread()`` when ``self._debug``, which raises ``RuntimeError("Non-thread-safe
operation invoked on an event loop other than the current one")``; ``_run_once`` logs ``'Executing %s took %.3f seconds'`` when a handle ran ``>= self.slow_callback_duration``.
The slow callback sleeps 0.3 s, three times the threshold; the debug flag is read in fresh interpreters.  Every
other step is judged against a threshold of 1e9 s (``_run_once`` compares each handle's duration with the value
the attribute has once the handle returns): under saturation the main task's own steps (a thread started and
joined) took up to 0.24 s and were logged too.

Windows' embeddable CPython 3.8 and 3.9 (observed under Wine 8.0 and 10.0) log the slow callback as ``root``, not
``asyncio``: a property of that build, whose standard library is a zip, not of Windows.  ``Lib/asyncio/log.py`` is
``logger = logging.getLogger(__package__)``, and before 3.10 ``zipimport`` loads a module with the old
``load_module()``, which runs it with ``__package__`` unset (3.10's zipimporter has ``exec_module``): there
``asyncio.log.logger.name`` is ``root``, with 3.10.11 it is ``asyncio``.  A Windows CPython installed the usual way
(its stdlib a folder of ``.py`` files) is expected to print ``asyncio WARNING``.
"""
# /// case
# claim = "asyncio's debug mode (PYTHONASYNCIODEBUG=1, -X dev, debug=True) makes call_soon() from another thread raise RuntimeError and logs callbacks slower than slow_callback_duration (100 ms by default)."
# source = "https://docs.python.org/3.14/library/asyncio-dev.html#debug-mode"
# ids = ["T45", "T46", "T47"]
# start_methods = ["default"]
# timeout = 60
# normalize = [["took \\d+\\.\\d+ seconds", "took <duration> seconds"]]
#
# [expect]
# stdout = """
# debug mode of a new loop: plain False, PYTHONASYNCIODEBUG=1 True, -X dev True
# asyncio.run(debug=True): loop.get_debug() = True, slow_callback_duration = 0.1
# call_soon() from another thread: RuntimeError: Non-thread-safe operation invoked on an event loop other than the current one
# asyncio WARNING: Executing <Handle main.<locals>.slow() at <case>/asyncio_debug_mode.py:[..] created at <case>/asyncio_debug_mode.py:[..]> took <duration> seconds
# """
# stderr = ""
#
# # Observed under Wine 8.0 and 10.0 (the embeddable Windows CPython 3.8.10 and 3.9.13): its stdlib zip names the
# # logger root (see the docstring): the build's doing, under either Wine.
# [[expect.when]]
# platform = ["win32-wine"]
# python = "<3.10"
# stdout = """
# debug mode of a new loop: plain False, PYTHONASYNCIODEBUG=1 True, -X dev True
# asyncio.run(debug=True): loop.get_debug() = True, slow_callback_duration = 0.1
# call_soon() from another thread: RuntimeError: Non-thread-safe operation invoked on an event loop other than the current one
# root WARNING: Executing <Handle main.<locals>.slow() at <case>/asyncio_debug_mode.py:[..] created at <case>/asyncio_debug_mode.py:[..]> took <duration> seconds
# """
# ///
import asyncio
import logging
import os
import subprocess
import sys
import threading
import time

PROBE = "import asyncio; loop = asyncio.new_event_loop(); print(loop.get_debug()); loop.close()"


def debug_flag(args, env_value):
    env = dict(os.environ)
    env.pop("PYTHONASYNCIODEBUG", None)
    env.pop("PYTHONDEVMODE", None)
    if env_value:
        env["PYTHONASYNCIODEBUG"] = env_value
    done = subprocess.run([sys.executable] + args + ["-c", PROBE], env=env, stdout=subprocess.PIPE,
                          universal_newlines=True, timeout=60)
    return done.stdout.strip()


async def main():
    loop = asyncio.get_running_loop()
    default = loop.slow_callback_duration
    print(f"asyncio.run(debug=True): loop.get_debug() = {loop.get_debug()}, "
          f"slow_callback_duration = {default}")
    loop.slow_callback_duration = 1e9  # only slow() below is judged by the default threshold

    def slow():
        loop.slow_callback_duration = default
        time.sleep(0.3)

    def judged_alone():
        loop.slow_callback_duration = 1e9

    out = []

    def from_thread():
        try:
            loop.call_soon(lambda: None)
            out.append("accepted")
        except RuntimeError as e:
            out.append(f"RuntimeError: {e}")

    t = threading.Thread(target=from_thread)
    t.start()
    t.join()
    print(f"call_soon() from another thread: {out[0]}")
    loop.call_soon(slow)
    loop.call_soon(judged_alone)
    await asyncio.sleep(0)
    await asyncio.sleep(0)


if __name__ == "__main__":
    print(f"debug mode of a new loop: plain {debug_flag([], '')}, PYTHONASYNCIODEBUG=1 {debug_flag([], '1')}, "
          f"-X dev {debug_flag(['-X', 'dev'], '')}")
    logging.basicConfig(level=logging.WARNING, format="%(name)s %(levelname)s: %(message)s", stream=sys.stdout)
    asyncio.run(main(), debug=True)
