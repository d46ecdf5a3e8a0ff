"""Start a command with secrets received on stdin added to its environment.

ansible-runner dumps the child's whole environment into `artifacts/<id>/command`
before starting it, so secrets must not be in that environment. Instead the
`ansible-playbook` it starts is a launcher (`ecomops.runner`) that runs
`python -m ecomops.handoff /path/to/ansible-playbook ...`, which prints
PROMPT; ansible-runner answers through its in-memory `passwords` mechanism on
the pty (echo off), and we exec ansible-playbook with the secrets in its
environment: never on disk, never on a command line.
"""

from __future__ import annotations

import json
import os
import signal
import sys

PROMPT = "ecomops: waiting for the secret environment"
# A pty in canonical mode delivers at most 4095 bytes per line.
MAX_PAYLOAD = 4000


def encode(secrets: dict[str, str]) -> str:
    """One line of ASCII JSON (control characters escaped, so the tty passes it intact)."""
    payload = json.dumps(secrets, ensure_ascii=True, separators=(",", ":"))
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"secrets are {len(payload)} bytes; at most {MAX_PAYLOAD} fit a pty line")
    return payload


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit("usage: python -m ecomops.handoff COMMAND [ARGS...]")
    sys.stdout.write(PROMPT + "\n")
    sys.stdout.flush()
    secrets = json.loads(sys.stdin.readline() or "{}")
    os.environ.update({str(k): str(v) for k, v in secrets.items()})
    # A cancelled run interrupts ansible-playbook (ecomops.runner), which then stops its
    # workers itself; a wrapper started in the background (CI, nohup) hands SIGINT down
    # ignored, and exec keeps an ignored signal ignored.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execvp(argv[0], argv)  # noqa: S606 - argv is ansible-runner's own command


if __name__ == "__main__":
    main(sys.argv[1:])
