"""Requests as one signed-in user over plain sockets, with the CSRF header a page sends: for
tests and benches that drive a real server (``bin/serve``) as the upload page's script does.
No Django import, so a bench may use it before any settings exist."""

from __future__ import annotations

import http.client
import json
import secrets
import socket


class SignedInRequests:
    def __init__(self, port: int, session: str, *, cookie_name: str = "sessionid", timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.csrf = secrets.token_hex(16)
        self.headers = {
            "Cookie": f"{cookie_name}={session}; csrftoken={self.csrf}",
            "X-CSRFToken": self.csrf,
            "Accept": "application/json",
        }

    def request(self, method, path, body=None, content_type="application/octet-stream"):
        """(status, the JSON answer or {})."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        connection.request(method, path, body=body, headers={**self.headers, "Content-Type": content_type})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, (json.loads(data) if data.startswith(b"{") else {})

    def drop_mid_piece(self, path: str, piece: bytes) -> None:
        """Send a piece's headers and half its body, then lose the connection."""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
        head = "".join(f"{name}: {value}\r\n" for name, value in self.headers.items())
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}"
            f"Content-Type: application/octet-stream\r\nContent-Length: {len(piece)}\r\n\r\n".encode()
        )
        sock.sendall(piece[: len(piece) // 2])
        sock.close()
