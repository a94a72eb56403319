"""Does coverage.py measure the lines a child process runs?  It saves its data at interpreter exit (an ``atexit``
handler), and children often end without one: multiprocessing ends every fork and forkserver child with
``os._exit(code)`` (``multiprocessing/popen_fork.py``, ``_launch``), and programs that call ``os.fork()`` end their
children the same way.  A spawn child is a new interpreter that coverage was never started in.

The case writes a small program that runs one line in a multiprocessing child (the cell's start method) and one in a
bare ``os.fork()`` child that ends with ``os._exit(0)``, runs it under ``python -m coverage run`` with three
configurations, and reads from the data file which of the two lines were measured:

* plain ``[run]``: neither, under any start method (the fork child's tracer is inherited, but its data dies with
  ``os._exit``);
* ``concurrency = multiprocessing``: coverage patches ``multiprocessing.process.BaseProcess._bootstrap``
  (``coverage/multiproc.py``) so that every multiprocessing child, of any start method, starts coverage and saves
  its data before returning; the bare fork child is still lost;
* ``patch = _exit`` (from coverage 7.10.0, ``coverage/patch.py``): ``os._exit`` is wrapped to save the data first,
  which rescues the children that inherited a running tracer (fork, and the bare fork child), not spawn ones.
  Before 7.10 the option is unknown: coverage warns and measures nothing more.
"""
# /// script
# requires-python = ">=3.7"
# dependencies = ["coverage"]
# ///

# /// case
# claim = "coverage.py does not measure a forked child that ends with os._exit() unless configured with `[run] patch = _exit` (coverage 7.10.0 and later)."
# source = "https://github.com/coveragepy/coveragepy/issues/310"
# ids = ["L4"]
# timeout = 120
#
# [variants]
# coverage = ["7.9.*", "7.*"]
# ///
import multiprocessing
import os
import subprocess
import sys
import tempfile

PROGRAM = """\
import multiprocessing
import os
import sys


def child_work():
    x = 1  # multiprocessing child


def main():
    multiprocessing.set_start_method(sys.argv[1])
    p = multiprocessing.Process(target=child_work)
    p.start()
    p.join()
    pid = os.fork()
    if pid == 0:
        y = 2  # bare fork child
        os._exit(0)
    os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
"""

CONFIGS = {
    "plain": "[run]\nparallel = True\n",
    "concurrency = multiprocessing": "[run]\nparallel = True\nconcurrency = multiprocessing\n",
    "patch = _exit": "[run]\nparallel = True\npatch = _exit\n",
}


def line_of(marker):
    return next(n for n, line in enumerate(PROGRAM.splitlines(), 1) if line.endswith(f"# {marker}"))


def measured_lines(folder, config):
    rc = os.path.join(folder, ".coveragerc")
    with open(rc, "w") as f:
        f.write(config)
    run = subprocess.run([sys.executable, "-m", "coverage", "run", f"--rcfile={rc}", "program.py",
                          multiprocessing.get_start_method()], cwd=folder, capture_output=True, text=True)
    warned = {line.split("CoverageWarning: ")[-1] for line in run.stderr.splitlines() if "CoverageWarning: " in line}
    subprocess.run([sys.executable, "-m", "coverage", "combine", f"--rcfile={rc}"], cwd=folder, capture_output=True,
                   check=True)
    import coverage  # the same coverage, to read the combined data file

    data = coverage.CoverageData(basename=os.path.join(folder, ".coverage"))
    data.read()
    program = os.path.realpath(os.path.join(folder, "program.py"))
    lines = next((set(data.lines(f)) for f in data.measured_files() if os.path.realpath(f) == program), set())
    return run.returncode, lines, sorted(warned)


if __name__ == "__main__":
    for name, config in CONFIGS.items():
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "program.py"), "w") as f:
                f.write(PROGRAM)
            code, lines, warnings = measured_lines(folder, config)
            mp_child, fork_child = line_of("multiprocessing child") in lines, line_of("bare fork child") in lines
            print(f"{name}: program exit {code}; multiprocessing child measured: {mp_child}; "
                  f"bare fork child measured: {fork_child}")
            for w in warnings:
                print(f"  CoverageWarning: {w.replace(folder, '<folder>')}")
