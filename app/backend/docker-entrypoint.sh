#!/bin/sh
# Start the backend. RUN_MIGRATIONS=true: apply migrations (and, with SEED_CATALOGUE=true,
# the demo catalogue) under a PostgreSQL advisory lock first, so several hosts may do it at
# once. Otherwise wait, bounded by MIGRATION_WAIT_SECONDS, until another host has done it.
set -eu
cd "$(dirname "$0")"
# Metrics files of this process tree (see gunicorn.conf.py); /dev/shm is the container's own.
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then mkdir -p "$PROMETHEUS_MULTIPROC_DIR"; fi

if [ "${RUN_MIGRATIONS:-false}" = "true" ]; then
    python manage.py migrate_once
    if [ "${SEED_CATALOGUE:-false}" = "true" ]; then
        python manage.py seed_catalogue
    fi
else
    python manage.py wait_for_migrations
fi

if [ "$#" -eq 0 ]; then
    set -- gunicorn config.wsgi --config gunicorn.conf.py
fi
exec "$@"
