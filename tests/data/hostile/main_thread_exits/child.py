# /// case
# claim = "A child whose main thread has exited while another thread runs is a live leftover: a leak, then ended."
# source = "tests/data/hostile"
# ids = ["H11"]
# timeout = 20
# platforms = ["linux"]
#
# [expect]
# stdout = "child [..]"
# ///
# pthread_exit() in the main thread ends that thread only: /proc/PID/stat then says Z (the thread-group leader is a
# zombie), yet the process goes on in its other thread, and waitpid() does not return until that thread ends too.
import subprocess
import sys

CHILD = ("import ctypes, threading, time\n"
         "threading.Thread(target=time.sleep, args=(3600,)).start()\n"
         "print('thread started', flush=True)\n"
         "ctypes.CDLL(None).pthread_exit(None)\n")
child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE)
child.stdout.readline()
print("child", child.pid, flush=True)
