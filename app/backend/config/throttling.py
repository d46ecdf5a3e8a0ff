"""DRF throttles keyed on the client address our own proxies saw (config/client_address)."""

from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from config.client_address import client_address


class ClientScopedRateThrottle(ScopedRateThrottle):
    def get_ident(self, request: Request) -> str:
        return client_address(request)
