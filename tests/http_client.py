"""A tiny HTTP client for what talks to a real server process: cookies for the pages
(with their CSRF tokens, as a browser sends them), a bearer token for the API.

The standard library only, no Django: the tests, ``bench/`` and ``scripts/`` (run from
the repository's root on ``sys.path``) sign in with it.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

LOGIN = "/accounts/login/"


class Http:
    """A tiny client: cookies for the pages, a bearer token for the API."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.token = ""

    def call(self, method, path, body=None, headers=None, content_type=None):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if isinstance(body, dict) and content_type is None:
            body, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, body, headers, method=method)
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def json(self, method, path, body=None, headers=None):
        status, response_headers, raw = self.call(method, path, body, headers)
        return status, response_headers, json.loads(raw or b"null")

    def form(self, path: str, fields: dict) -> str:
        """GET a page for its CSRF token, then POST the form as a browser would."""
        _status, _headers, page = self.call("GET", path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        _status, _headers, raw = self.call(
            "POST",
            path,
            data,
            headers={"Referer": self.base + path},
            content_type="application/x-www-form-urlencoded",
        )
        return raw.decode()

    def sign_in(self, username: str, password: str) -> str:
        """Sign in through the login form as a person would; returns the Cookie header
        of the session. Raises if the server gave no session (a wrong password)."""
        self.form(LOGIN, {"username": username, "password": password})
        cookies = {c.name: c.value for c in self.cookies}
        if "sessionid" not in cookies:
            raise RuntimeError(f"signing in as {username} failed: no session cookie")
        return "; ".join(f"{name}={value}" for name, value in cookies.items())


def sign_in(base: str, username: str, password: str) -> str:
    """The Cookie header of ``username`` signed in on the server at ``base``."""
    return Http(base).sign_in(username, password)


def signed_in_system(base: str, username: str, password: str) -> Http:
    """Sign in on the pages, create an API token there, then speak with the token only."""
    client = Http(base)
    client.sign_in(username, password)
    page = client.form("/profile/api-tokens/", {"name": f"{username}'s system", "scope": "write"})
    found = re.search(r"<code>(fl_[\w-]+)</code>", page)
    assert found, page[:3000]
    client.token = found.group(1)
    client.cookies.clear()  # from here on, only the token speaks
    return client
