"""Refuse what PostgreSQL cannot store before any view turns it into a query."""

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, JsonResponse


class RejectNulBytesMiddleware:
    """A NUL byte in the path or the query string is a 400 (PostgreSQL text has none)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
        if b"\x00" in unquote_to_bytes(raw) or "\x00" in request.path_info:
            return JsonResponse(
                {"detail": "NUL characters are not allowed in the URL; remove them."}, status=400
            )
        return self.get_response(request)
