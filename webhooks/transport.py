"""Sending one signed POST. Refuses private addresses unless settings allow them (tests, labs)."""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead the signed body to another host: treat it as a failure."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def address_refusal(url: str) -> str:
    """Why ``url`` may not be called (empty when it may): loopback and private nets need a setting."""
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        return "only http and https URLs"
    if getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False):
        return ""
    try:
        infos = socket.getaddrinfo(parsed.hostname, parsed.port or 443, type=socket.SOCK_STREAM)
    except OSError as exc:
        return f"cannot resolve {parsed.hostname}: {exc}"
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if not ip.is_global:
            return f"{parsed.hostname} resolves to a non-public address ({ip})"
    return ""


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    refusal = address_refusal(url)
    if refusal:
        return Outcome(None, f"refused: {refusal}")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            return Outcome(response.status, "")
    except urllib.error.HTTPError as exc:
        return Outcome(exc.code, f"HTTP {exc.code} {exc.reason}"[:MAX_ERROR])
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Outcome(None, repr(exc)[:MAX_ERROR])
