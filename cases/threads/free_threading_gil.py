"""Free threading, seen from a default (GIL) build: ``sys._is_gil_enabled()`` (3.13) returns True, the
``Py_GIL_DISABLED`` configuration variable is 0 and ``sys.version`` does not say "free-threading build";
``PYTHON_GIL=0`` or ``-X gil=0`` is refused with a fatal error on 3.13+ ("Disabling the GIL is not supported by
this build"), while ``PYTHON_GIL=1`` is accepted.  On a free-threaded build (3.13t+) the GIL is disabled unless
``PYTHON_GIL=1`` or ``-X gil=1`` turns it on.

3.13 ``Python/sysmodule.c``, ``sys__is_gil_enabled_impl``: ``#ifdef Py_GIL_DISABLED return
_PyEval_IsGILEnabled(...); #else return 1;``; ``Python/initconfig.c``, ``config_read_gil``: without
``Py_GIL_DISABLED``, a value other than 1 gives ``"Disabling the GIL is not supported by this build"``.  Before
3.13 ``PYTHON_GIL`` and ``-X gil`` are unknown and ignored.  The probes run in fresh interpreters (``-I`` leaves
out the environment, so the variable is given with ``-X`` there, and by the environment without ``-I``).
"""
# /// case
# claim = "sys._is_gil_enabled() (3.13) is True on default builds, where PYTHON_GIL=0 / -X gil=0 is a fatal error; on free-threaded builds the GIL is off unless PYTHON_GIL=1 or -X gil=1."
# source = "https://docs.python.org/3.14/howto/free-threading-python.html#identifying-free-threaded-python"
# ids = ["T86", "T87"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# sys._is_gil_enabled(): absent
# Py_GIL_DISABLED: None; 'free-threading build' in sys.version: False
# PYTHON_GIL=0: no sys._is_gil_enabled
# PYTHON_GIL=1: no sys._is_gil_enabled
# -X gil=0: no sys._is_gil_enabled
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.13"
# stdout = """
# sys._is_gil_enabled(): True
# Py_GIL_DISABLED: 0; 'free-threading build' in sys.version: False
# PYTHON_GIL=0: exit 1: Fatal Python error: config_read_gil: Disabling the GIL is not supported by this build
# PYTHON_GIL=1: True
# -X gil=0: exit 1: Fatal Python error: config_read_gil: Disabling the GIL is not supported by this build
# """
#
# # Predicted for the free-threaded builds (3.13t, 3.14t, 3.15t) from Doc/howto/free-threading-python.rst,
# # Python/sysmodule.c (sys__is_gil_enabled_impl) and Python/initconfig.c (config_read_gil), not observed: no
# # free-threaded build runs here.
# [[expect.when]]
# free_threaded = true
# stdout = """
# sys._is_gil_enabled(): False
# Py_GIL_DISABLED: 1; 'free-threading build' in sys.version: True
# PYTHON_GIL=0: False
# PYTHON_GIL=1: True
# -X gil=0: False
# """
# ///
import os
import subprocess
import sys
import sysconfig

PROBE = "import sys; print(getattr(sys, '_is_gil_enabled', lambda: 'no sys._is_gil_enabled')())"


def probe(args, env_gil=None):
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_GIL"}
    if env_gil is not None:
        env["PYTHON_GIL"] = env_gil
    done = subprocess.run([sys.executable] + args + ["-c", PROBE], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
    if done.returncode:
        fatal = [line for line in done.stderr.splitlines() if line.startswith("Fatal Python error")]
        return f"exit {done.returncode}: {fatal[0] if fatal else done.stderr.strip()[-200:]}"
    return done.stdout.strip()


if __name__ == "__main__":
    gil = getattr(sys, "_is_gil_enabled", None)
    print(f"sys._is_gil_enabled(): {gil() if gil else 'absent'}")
    print(f"Py_GIL_DISABLED: {sysconfig.get_config_var('Py_GIL_DISABLED')}; "
          f"'free-threading build' in sys.version: {'free-threading build' in sys.version}")
    print(f"PYTHON_GIL=0: {probe([], '0')}")
    print(f"PYTHON_GIL=1: {probe([], '1')}")
    print(f"-X gil=0: {probe(['-X', 'gil=0'])}")
