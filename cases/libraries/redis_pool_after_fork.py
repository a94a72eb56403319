"""redis-py's connection pool notices a fork: a child that uses the client it inherited opens its own connection
instead of the parent's socket.

``ConnectionPool`` records ``os.getpid()`` when it is created or reset, and ``get_connection`` calls ``_checkpid``
first (``redis/connection.py``): when the pid differs, the child resets the pool (under a fork lock) and creates new
connections, leaving the parent's sockets alone (redis-py #234, fixed in PR #236).

No Redis server is needed: a loopback server in a thread speaks just enough RESP (``+OK`` to anything, ``PING`` →
``PONG``, ``HELLO`` → the protocol version, which recent redis-py sends on connecting) and answers the made-up command
``WHOAMI`` with the client port the command came from.  Under spawn and forkserver the client cannot be inherited;
the child builds its own, so the result is the same by construction.
"""
# /// script
# requires-python = ">=3.7"
# dependencies = ["redis"]
# ///

# /// case
# claim = "redis-py's connection pool is fork-safe: a forked child never reuses the parent's connection, it opens its own."
# source = "https://github.com/redis/redis-py/issues/234"
# ids = ["L8"]
# timeout = 60
# ///
import multiprocessing
import socketserver
import threading

import redis

CLIENT = None  # the parent's client, inherited by fork children only


class MiniRedis(socketserver.StreamRequestHandler):
    def handle(self):
        while True:
            header = self.rfile.readline()
            if not header.startswith(b"*"):
                return
            words = []
            for _ in range(int(header[1:])):
                size = int(self.rfile.readline()[1:])
                words.append(self.rfile.read(size + 2)[:-2].upper())
            if words[0] == b"WHOAMI":
                port = str(self.client_address[1]).encode()
                self.wfile.write(b"$%d\r\n%s\r\n" % (len(port), port))
            elif words[0] == b"HELLO":  # a RESP3 map holding the protocol version
                self.wfile.write(b"%%1\r\n$5\r\nproto\r\n:%s\r\n" % words[1])
            elif words[0] == b"PING":
                self.wfile.write(b"+PONG\r\n")
            else:
                self.wfile.write(b"+OK\r\n")


def child_whoami(port, answers):
    inherited = CLIENT is not None
    client = CLIENT if inherited else redis.Redis(port=port)
    answers.put((inherited, client.execute_command("WHOAMI")))


if __name__ == "__main__":
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), MiniRedis)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    CLIENT = redis.Redis(port=port, socket_timeout=20)
    first = CLIENT.execute_command("WHOAMI")
    print(f"the parent's second command reuses its connection: {CLIENT.execute_command('WHOAMI') == first}")
    answers = multiprocessing.Queue()
    child = multiprocessing.Process(target=child_whoami, args=(port, answers))
    child.start()
    inherited, theirs = answers.get(timeout=30)
    print(f"the child uses the client it inherited: {inherited}")
    print(f"the child's command came over the parent's connection: {theirs == first}")
    child.join()
    print(f"the parent's connection still works after the child: {CLIENT.execute_command('WHOAMI') == first}")
    server.shutdown()
