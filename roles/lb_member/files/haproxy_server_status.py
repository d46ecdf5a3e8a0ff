"""HAProxy's `show stat`, read and parsed in one place. As a script,

    haproxy_server_status.py SOCKET BACKEND SERVER

prints one server's status and current sessions as JSON. The role needs this before
taking a server out: community.general.haproxy waits forever for DRAIN when asked to
drain a server that is DOWN (a host never deployed, or crashed). The script stays
self-contained (a plain ansible-playbook run has no ecomops); `ecomops status` and the
lab load it as a module (ecomops.haproxy).
"""

import csv
import json
import socket
import sys

# `show stat` rows that describe the proxy itself, not a server.
AGGREGATES = {"FRONTEND", "BACKEND"}


def show_stat(path: str, timeout: float = 5.0) -> str:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect(path)
        conn.sendall(b"show stat\n")
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


def servers(text: str, backend: str) -> dict[str, dict[str, str]]:
    """The `show stat` rows of `backend`'s servers, by server name."""
    rows = csv.DictReader(text.lstrip("# ").splitlines())
    return {
        row["svname"]: row
        for row in rows
        if row.get("pxname") == backend and row.get("svname") not in AGGREGATES
    }


def main() -> int:
    path, backend, server = sys.argv[1:4]
    row = servers(show_stat(path), backend).get(server)
    if row is None:
        print(f"no server {server} in backend {backend} of {path}", file=sys.stderr)
        return 1
    print(json.dumps({"status": row["status"], "sessions": int(row["scur"] or 0)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
