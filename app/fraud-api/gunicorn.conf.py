"""gunicorn settings for the fraud API; every value can be overridden from the environment."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8001")
# One process per container: its model, its reload thread and its /metrics are one set, and
# capacity grows by containers (replicas), not by processes sharing nothing but a port.
# Threads keep 50 client connections alive; scoring a row takes tens of microseconds.
worker_class = "gthread"
workers = 1
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
worker_tmp_dir = "/dev/shm"  # noqa: S108
control_socket_disable = True
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
