"""Which client a request came from: the peer address, or what a trusted proxy says it forwarded.

Streamlit 1.67 serves through uvicorn, whose proxy-headers middleware already replaces the peer
address with the client that `X-Forwarded-For` names when the peer is in `FORWARDED_ALLOW_IPS`
(an environment variable, default `127.0.0.1,::1`: the nginx of scripts/serve.sh on loopback), and
`st.context.ip_address` is that result (None on loopback). `client_address` applies the same rule
with the same setting to what the app sees (that address and `st.context.headers`), so a deployment
configures one variable, and a peer that is not a trusted proxy never gets its `X-Forwarded-For`
read: a client cannot choose its own address by sending the header.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

TRUSTED_PROXIES_ENV = "FORWARDED_ALLOW_IPS"  # uvicorn's own setting (read by Streamlit's server too)
DEFAULT_TRUSTED_PROXIES = "127.0.0.1,::1"
LOOPBACK = "127.0.0.1"  # st.context.ip_address is None for a loopback peer
MAX_ADDRESS_CHARS = 64

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class TrustedProxies:
    """Addresses and networks whose X-Forwarded-For is believed; `everyone` for "*"."""

    networks: tuple[Network, ...]
    everyone: bool = False

    def trusts(self, address: str) -> bool:
        if self.everyone:
            return True
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(parsed in network for network in self.networks)


def trusted_proxies_from_text(text: str) -> TrustedProxies:
    """`FORWARDED_ALLOW_IPS` as uvicorn reads it: comma-separated addresses or networks, or "*"."""
    networks: list[Network] = []
    everyone = False
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        if item == "*":
            everyone = True
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            continue  # uvicorn treats other entries as literal host names; a proxy here has an address
    return TrustedProxies(tuple(networks), everyone)


def trusted_proxies_from_env(environ: Mapping[str, str]) -> TrustedProxies:
    return trusted_proxies_from_text(environ.get(TRUSTED_PROXIES_ENV, DEFAULT_TRUSTED_PROXIES))


def forwarded_for(headers: Iterable[tuple[str, str]]) -> list[str]:
    """The hops of every X-Forwarded-For header, in order (first = farthest from us)."""
    hops: list[str] = []
    for name, value in headers:
        if name.lower() == "x-forwarded-for":
            hops.extend(hop.strip() for hop in value.split(",") if hop.strip())
    return hops


def client_address(peer: str | None, headers: Iterable[tuple[str, str]], trusted: TrustedProxies) -> str:
    """The client's address: the peer's, unless the peer is a trusted proxy; then the nearest
    X-Forwarded-For hop that is not a trusted proxy itself (read from the right, as proxies append)."""
    address = (peer or LOOPBACK).strip() or LOOPBACK
    if trusted.trusts(address):
        for hop in reversed(forwarded_for(headers)):
            address = hop
            if not trusted.trusts(hop):
                break
    return address[:MAX_ADDRESS_CHARS]
