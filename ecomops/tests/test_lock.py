"""Two deploys of one project never run at once: the second waits and says why."""

from __future__ import annotations

import io
import threading
import time

from ecomops.lock import exclusive


def test_a_second_deploy_waits_for_the_first_and_names_its_pid(tmp_path):
    lock = tmp_path / ".cache" / "deploy.lock"
    order: list[str] = []
    first_holds = threading.Event()
    release = threading.Event()

    def first() -> None:
        with exclusive(lock, "deploy of this project", io.StringIO()):
            order.append("first in")
            first_holds.set()
            release.wait(10)
            order.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    assert first_holds.wait(10)
    threading.Timer(0.3, release.set).start()
    waited = io.StringIO()
    started = time.monotonic()
    with exclusive(lock, "deploy of this project", waited):
        order.append("second in")
    thread.join(10)
    assert order == ["first in", "first out", "second in"]
    assert time.monotonic() - started >= 0.25
    assert "another deploy of this project is running (pid" in waited.getvalue()


def test_an_uncontended_lock_is_silent(tmp_path):
    quiet = io.StringIO()
    with exclusive(tmp_path / "deploy.lock", "deploy of this project", quiet):
        pass
    assert quiet.getvalue() == ""
