"""The address of the client a request comes from, for the throttles.

The socket peer, unless that peer is one of ``MARRAKECH_TRUSTED_PROXIES``: then the
rightmost address of X-Forwarded-For that is not itself a trusted proxy (each proxy appends
the address it saw, so what a client wrote on the left cannot be trusted). Decided here
only: ``marrakech serve`` runs uvicorn without its own proxy-header handling."""

from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from starlette.requests import Request

from app.config import get_settings

UNKNOWN = "unknown"


@lru_cache
def _networks(proxies: tuple[str, ...]) -> tuple[IPv4Network | IPv6Network, ...]:
    return tuple(ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: str, networks: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def client_address(request: Request) -> str:
    """The client's address: the peer, or what a trusted proxy says it saw."""
    peer = request.client.host if request.client else UNKNOWN
    networks = _networks(tuple(get_settings().trusted_proxies))
    if not networks or not _is_trusted(peer, networks):
        return peer
    hops = [
        hop.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for hop in header.split(",")
    ]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            try:
                return str(ip_address(hop))
            except ValueError:
                return UNKNOWN  # a garbled hop: no address to tell clients apart by
    return peer  # only proxies on the way: the request started at one of them
