"""A requests Session used before a fork hands its pooled keep-alive connection to the fork child: the child's request
goes over the very socket the parent opened.

A Session keeps a urllib3 ``PoolManager`` per adapter (``requests/adapters.py``, ``HTTPAdapter.init_poolmanager``);
after a response is read, its connection goes back to the pool (``urllib3/connectionpool.py``, ``_put_conn``).  A fork
child has a copy of the pool holding the same file descriptor, and urllib3 does not check for a fork (urllib3 #850:
"we don't know the user's intent").  Under spawn and forkserver the Session reaches the child pickled:
``HTTPAdapter.__setstate__`` builds a new, empty pool manager, so the child opens a connection of its own.

The case serves HTTP/1.1 with keep-alive on a loopback port in a thread; every response carries the client port
the request came from, so a shared connection shows as the same port.
"""
# /// script
# requires-python = ">=3.7"
# dependencies = ["requests"]
# ///

# /// case
# claim = "A requests Session created before a fork shares its pooled connection with the child: the child's request goes over the parent's socket."
# source = "https://github.com/psf/requests/issues/4323"
# ids = ["L7"]
# timeout = 60
# ///
import http.server
import multiprocessing
import threading

import requests


class PortEcho(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def do_GET(self):
        body = str(self.client_address[1]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def child_request(session, url, answers):
    answers.put(session.get(url, timeout=20).text)


if __name__ == "__main__":
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PortEcho)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    session = requests.Session()
    first = session.get(url, timeout=20).text
    print(f"the parent's second request reuses its connection: {session.get(url, timeout=20).text == first}")
    answers = multiprocessing.Queue()
    child = multiprocessing.Process(target=child_request, args=(session, url, answers))
    child.start()
    print(f"the child's request came over the parent's connection: {answers.get(timeout=30) == first}")
    child.join()
    server.shutdown()
