"""Security headers on every response, and the API token of the write endpoints.

``SecurityHeaders`` is plain ASGI middleware (no buffering, streaming responses pass through):
every response gets ``X-Content-Type-Options: nosniff``, a Referrer-Policy and, unless the
route set its own (the report allows its inline stylesheet by hash), the strict
Content-Security-Policy below, whose ``frame-ancestors 'none'`` forbids framing. Add further
headers with ``SecurityHeaders(app, extra={...})`` or by setting them on a response.

Write endpoints depend on ``require_token``: ``Authorization: Bearer <token>`` compared in
constant time with the ``web_token`` setting (``LINKATLAS_WEB_TOKEN``); without a configured
token every write answers 403 with the reason.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

HEADERS: dict[str, str] = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp, extra: Mapping[str, str] | None = None) -> None:
        self.app = app
        self.headers = {**HEADERS, **{k.lower(): v for k, v in (extra or {}).items()}}
        self._encoded = [(k.encode("latin-1"), v.encode("latin-1"))
                         for k, v in self.headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the missing headers to the response start message."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self._encoded if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def check_token(configured: str, given: str | None) -> None:
    """Raise 403 when writes are disabled, 401 when ``given`` is not the configured token."""
    if not configured:
        raise HTTPException(
            status_code=403,
            detail="write endpoints are disabled: start the server with a token "
                   "(setting web_token, LINKATLAS_WEB_TOKEN or --token)")
    if given is None or not hmac.compare_digest(given.encode("utf-8"),
                                                configured.encode("utf-8")):
        raise HTTPException(status_code=401, detail="a valid API token is required",
                            headers={"WWW-Authenticate": "Bearer"})


def bearer(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, or None."""
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_token(request: Request) -> None:
    """FastAPI dependency of every write endpoint (the token lives in ``app.state.config``)."""
    check_token(request.app.state.config.token, bearer(request))
