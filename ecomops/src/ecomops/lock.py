"""One deploy at a time per project: two runs of site.yml racing on the same hosts
would fight over the same compose project (container names are fixed)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def deploy_lock(path: Path, stderr: TextIO) -> Iterator[None]:
    """Hold an exclusive lock on `path`; say who holds it and wait when it is taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            stderr.write(f"another deploy of this project is running (pid {holder}); waiting\n")
            stderr.flush()
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)
