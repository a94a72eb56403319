# /// case
# claim = "A cell cannot reach the user's terminal through its keepers: none of them holds a descriptor of it."
# source = "tests/data/hostile"
# ids = ["H14"]
# timeout = 10
# platforms = ["linux"]
#
# [expect]
# stdout = """
# /dev/tty: closed
# terminals held by the keepers: 0
# """
# ///
# A cell runs in a session without a controlling terminal, so /dev/tty does not open. A process may still open
# what another process of its user holds, through /proc/PID/fd/N: its cell keeper (its parent) and the keeper
# server (the keeper's parent) would have handed it the harness's standard output, the user's terminal.
import os

try:
    os.close(os.open("/dev/tty", os.O_WRONLY))
    print("/dev/tty: open")
except OSError:
    print("/dev/tty: closed")
keeper = os.getppid()
with open(f"/proc/{keeper}/stat") as f:
    server = int(f.read().rsplit(")", 1)[1].split()[1])
held = 0
for pid in (keeper, server):
    for name in os.listdir(f"/proc/{pid}/fd"):
        try:
            fd = os.open(f"/proc/{pid}/fd/{name}", os.O_WRONLY | os.O_NOCTTY)
        except OSError:
            continue
        if os.isatty(fd):
            held += 1
            os.write(fd, b"\r\nmpmatrix test: a case wrote this on the terminal\r\n")
        os.close(fd)
print("terminals held by the keepers:", held)
