# /// case
# claim = "A main process whose main thread has exited while another thread runs is still running: a timeout, then ended."
# source = "tests/data/hostile"
# ids = ["H12"]
# timeout = 2
# platforms = ["linux"]
#
# [expect]
# stdout = "main [..]"
# ///
# Its main thread is a zombie (Z in /proc/PID/stat) while the other thread sleeps: the process has not exited, and it
# ignores SIGTERM, so only SIGKILL ends it.
import ctypes
import os
import signal
import threading
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)
threading.Thread(target=time.sleep, args=(3600,)).start()
print("main", os.getpid(), flush=True)
ctypes.CDLL(None).pthread_exit(None)
