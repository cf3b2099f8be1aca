"""One HTTP GET straight through an ASGI application, in-process (no server, no socket)."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator


def scope(path: str, query: bytes = b"") -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }


async def get_async(application, path: str, query: bytes = b"") -> tuple[int, dict, bytes]:
    """The status, the headers (lower-case names) and the whole body."""
    communicator = ApplicationCommunicator(application, scope(path, query))
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(30)
    body = b""
    while True:
        message = await communicator.receive_output(30)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await communicator.wait(30)
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, body


def get(application, path: str, query: bytes = b"") -> tuple[int, dict, bytes]:
    return async_to_sync(get_async)(application, path, query)
