"""JSON error responses: a client never sees an HTML debug page or a bare 500."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    response = exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": "Request body too large; send less data (images: a smaller file)."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, IntegrityError):
        # A race lost against a concurrent request (duplicate email, ...) is a conflict.
        return Response(
            {"detail": "The request conflicts with the current state; retry it."},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is unreachable or the connection broke: nothing the client sent is at
        # fault, and a retry (the same Idempotency-Key for a checkout) is safe.
        logger.warning("Database unavailable", extra={"error": str(exc)})
        return Response(
            {
                "code": "database_unavailable",
                "detail": "The shop's database is unavailable; retry in a few seconds. "
                "A checkout retried with the same Idempotency-Key is never charged twice.",
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "2"},
        )
    logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
    return Response(
        {"detail": "Internal error; it has been logged. Retry later or contact support."},
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"detail": f"No route for {request.path}."}, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"detail": "Internal error; it has been logged. Retry later or contact support."},
        status=500,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"detail": "Bad request."}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"detail": "Permission denied."}, status=403)
