"""Answer probes and metrics before Django validates the Host header.

Load balancers, Docker's HEALTHCHECK and Prometheus address the container by IP address,
which no ALLOWED_HOSTS list can know in advance; every other path keeps the host check.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django_prometheus.exports import ExportToDjangoView

from ops.views import healthz, readyz

PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
    "/metrics": ExportToDjangoView,
}


class ProbeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
