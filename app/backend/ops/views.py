"""Probes: /healthz says the process serves, /readyz that it can do useful work."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ops.schema import pending_migrations

logger = logging.getLogger(__name__)

# Migrations never un-apply under a running release, so one positive check is enough;
# the database round trip below is still made on every probe.
_schema_current = False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    global _schema_current
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _schema_current:
            pending = pending_migrations()
            if pending:
                return JsonResponse(
                    {"status": "migrations pending", "pending": len(pending)}, status=503
                )
            _schema_current = True
    except DatabaseError as error:
        logger.warning("Readiness check failed: database unreachable", extra={"error": str(error)})
        return JsonResponse({"status": "database unreachable"}, status=503)
    return JsonResponse({"status": "ready"})
