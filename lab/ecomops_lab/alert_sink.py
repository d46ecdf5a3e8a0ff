"""A webhook receiver that records what Alertmanager sends, for people and tests to read.

Stands in for ops' pager or chat in the lab (and in molecule/alertmanager). Standard
library only, so it runs with the host's own python3:

    python3 alert_sink.py PORT FILE

It listens on loopback only (Alertmanager runs on the same host). POST / appends the
notification (Alertmanager's webhook JSON) as one line to FILE;
GET / returns every notification recorded so far as a JSON list.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def serve(port: int, record: Path) -> None:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                notification = json.loads(body)
            except ValueError:
                self.send_error(400, "expected Alertmanager's webhook JSON")
                return
            with lock, record.open("a") as out:
                out.write(json.dumps(notification) + "\n")
            self.send_response(200)
            self.end_headers()

        def do_GET(self) -> None:
            with lock:
                lines = record.read_text().splitlines() if record.exists() else []
            body = json.dumps([json.loads(line) for line in lines]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    serve(int(sys.argv[1]), Path(sys.argv[2]))
