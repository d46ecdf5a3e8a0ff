"""Print one HAProxy server's status and current sessions as JSON.

    haproxy_server_status.py SOCKET BACKEND SERVER

Reads `show stat` from the admin socket. The role needs this before taking a
server out: community.general.haproxy waits forever for DRAIN when asked to
drain a server that is DOWN (a host never deployed, or crashed).
"""

import csv
import json
import socket
import sys


def show_stat(path: str) -> str:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(path)
        conn.sendall(b"show stat\n")
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


def main() -> int:
    path, backend, server = sys.argv[1:4]
    rows = csv.DictReader(show_stat(path).lstrip("# ").splitlines())
    for row in rows:
        if row["pxname"] == backend and row["svname"] == server:
            print(json.dumps({"status": row["status"], "sessions": int(row["scur"] or 0)}))
            return 0
    print(f"no server {server} in backend {backend} of {path}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
