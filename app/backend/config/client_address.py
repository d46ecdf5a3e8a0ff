"""The client's address as our own hops saw it, never as the client claims it.

The public entry (the load balancer) appends the address it accepted the connection from
to X-Forwarded-For; the storefront's nginx takes that right-most hop (its `real_ip`
configuration) and sends the backend a one-entry X-Forwarded-For. The backend believes that
header only when the connection comes from a proxy in TRUSTED_PROXY_CIDRS, and then only its
right-most entry: whatever a client writes further left is ignored.
"""

from functools import cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest


@cache
def _trusted_networks(cidrs: tuple[str, ...]) -> tuple[IPv4Network | IPv6Network, ...]:
    return tuple(ip_network(cidr, strict=False) for cidr in cidrs)


def _is_trusted(address: str) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in net for net in _trusted_networks(tuple(settings.TRUSTED_PROXY_CIDRS)))


def client_address(request: HttpRequest) -> str:
    peer = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded or not _is_trusted(peer):
        return peer
    last_hop = forwarded.rsplit(",", 1)[-1].strip()
    try:
        return str(ip_address(last_hop))
    except ValueError:
        # Our proxy writes an address; anything else did not come from it.
        return peer
