"""gunicorn settings; every value can be overridden from the environment."""

import os
import shutil
from pathlib import Path
from typing import Any

from prometheus_client import multiprocess

from config.logging import logging_config

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Threaded workers keep client connections alive and overlap database waits: at 50 clients
# on the 2-CPU build machine they served /healthz about twice as fast as (2 x CPUs) + 1 sync
# workers (850 against 440 requests/s).
# One process per usable CPU (the affinity mask honours `docker run --cpuset-cpus`) plus one,
# capped so a large host does not exhaust DB connections (workers x threads at most).
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", min(len(os.sched_getaffinity(0)) + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# /dev/shm keeps the worker heartbeat off a possibly slow overlay filesystem.
worker_tmp_dir = "/dev/shm"  # noqa: S108
# The runtime control socket (gunicornc) is not used; its default path is not writable here.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
logconfig_dict = logging_config(os.environ.get("LOG_LEVEL", "INFO"))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


# Metrics in prometheus_client's multiprocess mode: every worker writes its samples to its own
# files in PROMETHEUS_MULTIPROC_DIR (set by the image) and /metrics sums them, so one scrape
# counts every worker's requests and a recycled worker's counts stay in the total.
def on_starting(server: Any) -> None:
    """Start from zero: files of an earlier gunicorn, or of `manage.py` commands run by the
    entrypoint, would otherwise be summed into this run's counters."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True)


def child_exit(server: Any, worker: Any) -> None:
    """Drop a dead worker's live gauges; its counters stay, so totals never go back."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
