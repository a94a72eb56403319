# /// case
# claim = "On Linux, multiprocessing starts processes with fork unless told otherwise."
# source = "https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods"
# ids = ["M1"]
# platforms = ["linux"]
# ///
"""Which start method does a fresh interpreter use when nobody chose one?

mpmatrix sets the cell's start method before this file's first line runs, so asking this process would only
echo the cell's method. A fresh interpreter (-I: no site-packages, no PYTHON* variables) shows the real default,
which Lib/multiprocessing/context.py chooses: 'fork' on Linux up to 3.13; from 3.14,
`_get_platform_default_context()` returns 'forkserver' where `reduction.HAVE_SEND_HANDLE` (the platform can
pass file descriptors between processes) and the platform is not macOS (gh-84559).
"""
import subprocess
import sys

ASK = "import multiprocessing as mp; print(mp.get_start_method())"

if __name__ == "__main__":
    fresh = subprocess.run([sys.executable, "-I", "-c", ASK], capture_output=True, text=True, check=True)
    print("default start method:", fresh.stdout.strip())
