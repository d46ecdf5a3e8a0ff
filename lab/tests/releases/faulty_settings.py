"""Settings of a release built only by e2e check 12: every other product request fails.

Derived from the real settings, never shipped: the image of that check copies this file
in and points DJANGO_SETTINGS_MODULE at it. The failures happen inside django-prometheus'
middlewares, so the backend's own metrics count them as the canary analysis reads them.
"""

import itertools
from collections.abc import Callable

from config.settings import *  # noqa: F403 - the release under test, plus one fault
from config.settings import MIDDLEWARE
from django.http import HttpRequest, HttpResponse

_product_requests = itertools.count()


def fail_every_other_product_request(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/products") and next(_product_requests) % 2:
            return HttpResponse("e2e check 12: a faulty release", status=500)
        return get_response(request)

    return middleware


MIDDLEWARE = [*MIDDLEWARE, "faulty_settings.fail_every_other_product_request"]
