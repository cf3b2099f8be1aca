"""Sending one signed POST. Refuses private addresses unless settings allow them (tests, labs).

The host is resolved once: the address that passed the check is the one connected to
(TLS still verifies the certificate for the host name), so a DNS answer that changes
between the check and the connection (rebinding) cannot lead the request inside.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings

TIMEOUT = 10
MAX_ERROR = 2000


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def checked_address(url: str) -> tuple[str, str]:
    """``(address, "")`` to connect to for ``url``, or ``("", why it may not be called)``:
    loopback and private nets need a setting."""
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        return "", "only http and https URLs"
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parsed.hostname, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        return "", f"cannot resolve {parsed.hostname}: {exc}"
    addresses = [info[4][0] for info in infos]
    if not getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False):
        for address in addresses:
            ip = ipaddress.ip_address(address)
            if not ip.is_global:
                return "", f"{parsed.hostname} resolves to a non-public address ({ip})"
    return addresses[0], ""


def address_refusal(url: str) -> str:
    """Why ``url`` may not be called (empty when it may)."""
    return checked_address(url)[1]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to ``address`` while the Host header keeps the URL's host name."""

    def __init__(self, *args, address: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, address: str, **kwargs):
        super().__init__(*args, context=ssl.create_default_context(), **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """One POST; no redirect is followed (it could lead the signed body to another host)."""
    address, refusal = checked_address(url)
    if refusal:
        return Outcome(None, f"refused: {refusal}")
    parsed = urlparse(url)
    pinned = _PinnedHTTPSConnection if parsed.scheme == "https" else _PinnedHTTPConnection
    connection = pinned(parsed.hostname, parsed.port, timeout=TIMEOUT, address=address)
    path = (parsed.path or "/") + (f"?{parsed.query}" if parsed.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        if not 200 <= response.status < 300:
            return Outcome(response.status, f"HTTP {response.status} {response.reason}"[:MAX_ERROR])
        return Outcome(response.status, "")
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return Outcome(None, repr(exc)[:MAX_ERROR])
    finally:
        connection.close()
