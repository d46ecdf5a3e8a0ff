"""One run at a time where two would fight: two deploys of site.yml over the same
compose project (container names are fixed), two `lab up`s over half-made hosts."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def exclusive(path: Path, what: str, stderr: TextIO) -> Iterator[None]:
    """Hold an exclusive lock on `path`; when it is taken, say that another `what`
    runs and by which pid, and wait for it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            stderr.write(f"another {what} is running (pid {holder}); waiting\n")
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
