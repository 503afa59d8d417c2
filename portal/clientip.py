"""The client's address: the one function the audit log, the objection limits and django-axes use.

``X-Forwarded-For`` is honoured only when the connection comes from a proxy named in the setting
``TRUSTED_PROXIES`` (addresses or networks, e.g. ``10.0.0.0/8``). Without trusted proxies, the default, the
address is ``REMOTE_ADDR`` alone, so that a header any client can type changes nothing. Behind trusted proxies
the client is the right-most address of the chain that is not itself a trusted proxy (the proxies append, the
client can only prepend); django-ipware parses and validates the chain.
"""

import ipaddress
from functools import lru_cache
from types import SimpleNamespace

from django.conf import settings
from ipware import get_client_ip

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def _address(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request) -> str | None:
    """The address of the client that sent ``request`` (None without a request or a usable address)."""
    if request is None:
        return None
    meta = getattr(request, "META", {}) or {}
    remote = _address(meta.get("REMOTE_ADDR"))
    networks = trusted_networks()
    if remote is None or not networks or not _trusted(remote, networks):
        return str(remote) if remote is not None else None
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if not isinstance(forwarded, str) or not forwarded.strip():
        return str(remote)
    chain = f"{forwarded}, {remote}"
    # Count the trusted hops at the end of the chain (the connection's proxy and any before it); the address
    # just before them, written by a trusted proxy, is the client's. When that entry is not an address, the
    # proxy's own address is used: nothing the client typed is taken for an address.
    hops = [_address(part) for part in chain.split(",")]
    trusted_hops = 0
    for hop in reversed(hops):
        if hop is None or not _trusted(hop, networks):
            break
        trusted_hops += 1
    if trusted_hops >= len(hops) or hops[-(trusted_hops + 1)] is None:
        return str(remote)
    ip, _routable = get_client_ip(
        SimpleNamespace(META={"HTTP_X_FORWARDED_FOR": chain}),
        proxy_order="left-most",
        proxy_count=trusted_hops,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    found = _address(ip)
    return str(found) if found is not None else str(remote)


def axes_client_ip(request) -> str:
    """``AXES_CLIENT_IP_CALLABLE``: django-axes keys attempts on username and this address."""
    return client_ip(request) or ""
