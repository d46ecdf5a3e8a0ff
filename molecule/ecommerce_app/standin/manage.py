"""Stand-in for the shop's images: serve /healthz, migrate once, bootstrap a fraud model,
check health.

`STANDIN_ROLE` picks the part: `backend` answers on 8000 and `fraud-api` on
8001, each refusing to start without the settings its env file must provide;
`frontend` answers on 3000 and proxies /healthz to http://ecommerce-backend:8000
as the real nginx does.
"""

import json
import os
import sys
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROLE = os.environ.get("STANDIN_ROLE", "backend")
RELEASE = os.environ.get("STANDIN_RELEASE", "unknown")
PORT = {"backend": 8000, "fraud-api": 8001}.get(ROLE, 3000)
# The fraud API also answers /readyz: the role waits on it after the bootstrap.
PATHS = ("/healthz", "/readyz") if ROLE == "fraud-api" else ("/healthz",)
# Per container: each host's backend has its own, so a test can tell which
# host ran the migrations.
MARKER = Path("/tmp/migrated")  # noqa: S108
REQUIRED_ENV = {
    "backend": ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DB_HOST", "DB_PASSWORD"),
    "fraud-api": ("DB_HOST", "DB_PASSWORD", "FRAUD_API_RELOAD_SECONDS"),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path not in PATHS:
            self.reply(404, b"not found\n")
        elif ROLE != "frontend":
            body = json.dumps({"status": "ok", "role": ROLE, "release": RELEASE})
            self.reply(200, body.encode() + b"\n")
        else:
            upstream = "http://ecommerce-backend:8000/healthz"
            try:
                with urllib.request.urlopen(upstream, timeout=2) as response:
                    self.reply(response.status, response.read())
            except OSError as error:
                self.reply(502, f"backend unreachable: {error}\n".encode())

    def reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve() -> int:
    missing = [name for name in REQUIRED_ENV.get(ROLE, ()) if not os.environ.get(name)]
    if missing:
        print(f"missing settings: {', '.join(missing)}", file=sys.stderr)
        return 1
    ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()  # noqa: S104
    return 0


def _once(marker: Path, first: str, again: str) -> int:
    """Prints `first` the first time in this container, `again` afterwards."""
    if marker.exists():
        print(again)
    else:
        marker.write_text("done\n")
        print(first)
    return 0


def migrate_once() -> int:
    return _once(
        MARKER,
        "migrate_once: applied 1 migrations",
        "migrate_once: schema already current, applied 0 migrations",
    )


def fraud_bootstrap() -> int:
    # The real command trains a model once per database; the stand-in once per container.
    return _once(
        Path("/tmp/fraud-model"),  # noqa: S108
        "fraud_bootstrap: trained and activated model v1 (signals)",
        "fraud_bootstrap: a model is already active, nothing trained (v1)",
    )


def healthcheck() -> int:
    url = f"http://127.0.0.1:{PORT}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 0 if response.status == 200 else 1
    except OSError:
        return 1


def main(argv: list[str]) -> int:
    commands = {
        "serve": serve,
        "migrate_once": migrate_once,
        "fraud_bootstrap": fraud_bootstrap,
        "healthcheck": healthcheck,
    }
    if len(argv) != 2 or argv[1] not in commands:
        print(f"usage: manage.py {{{','.join(commands)}}}", file=sys.stderr)
        return 2
    return commands[argv[1]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
