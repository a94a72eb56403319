"""From 3.13, ``-X cpu_count=N`` and ``PYTHON_CPU_COUNT=N`` override what multiprocessing.cpu_count() returns.

``multiprocessing.cpu_count()`` (multiprocessing/context.py) returns ``os.cpu_count()``.  3.13 made
``os.cpu_count()`` and ``os.process_cpu_count()`` honour the ``-X cpu_count`` option and the
``PYTHON_CPU_COUNT`` environment variable (``config->cpu_count`` in Python/initconfig.c).  Before 3.13 an
unknown ``-X`` option is accepted and ignored, and the variable means nothing.

The case asks two fresh interpreters (the second without ``-I``, which would ignore ``PYTHON*`` variables) for
``multiprocessing.cpu_count()`` with the override set to 57, a count this case assumes no machine has.
"""
# /// case
# claim = "From 3.13, multiprocessing.cpu_count() follows the -X cpu_count option and the PYTHON_CPU_COUNT environment variable."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing.cpu_count"
# ids = ["D70"]
# timeout = 30
#
# [expect]
# stdout = """
# -X cpu_count=57: multiprocessing.cpu_count() == 57: True
# PYTHON_CPU_COUNT=57: multiprocessing.cpu_count() == 57: True
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.13"
# stdout = """
# -X cpu_count=57: multiprocessing.cpu_count() == 57: False
# PYTHON_CPU_COUNT=57: multiprocessing.cpu_count() == 57: False
# """
# ///
import os
import subprocess
import sys

PROBE = "import multiprocessing; print(multiprocessing.cpu_count() == 57)"


def ask(args, env):
    done = subprocess.run([sys.executable] + args + ["-c", PROBE], stdout=subprocess.PIPE, env=env,
                          universal_newlines=True, check=True)
    return done.stdout.strip()


if __name__ == "__main__":
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_CPU_COUNT"}
    print(f"-X cpu_count=57: multiprocessing.cpu_count() == 57: {ask(['-I', '-X', 'cpu_count=57'], env)}")
    env["PYTHON_CPU_COUNT"] = "57"
    print(f"PYTHON_CPU_COUNT=57: multiprocessing.cpu_count() == 57: {ask([], env)}")
