"""Signed double-submit CSRF tokens for the public form (no server-side session).

The form gets a random nonce twice: in an HttpOnly, SameSite=Strict cookie, and in a hidden
field as ``nonce.timestamp.HMAC(secret, nonce.timestamp)``. A submission is genuine when the
field's signature verifies, it is younger than ``MAX_AGE``, and its nonce equals the cookie's:
another site can neither read the cookie nor forge a signature for a nonce it planted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

COOKIE = "quick_csrf"
MAX_AGE = 2 * 3600


def _sign(secret: bytes, message: str) -> str:
    return hmac.new(secret, message.encode("ascii"), hashlib.sha256).hexdigest()


def issue(secret: bytes, now: float | None = None) -> tuple[str, str]:
    """A fresh (cookie nonce, form token) pair."""
    nonce = secrets.token_urlsafe(16)
    body = f"{nonce}.{int(time.time() if now is None else now)}"
    return nonce, f"{body}.{_sign(secret, body)}"


def valid(secret: bytes, cookie: str, token: str, now: float | None = None) -> bool:
    """True when ``token`` is signed with ``secret``, unexpired, and bound to ``cookie``."""
    nonce, _, rest = token.partition(".")
    stamp, _, signature = rest.partition(".")
    if not nonce or not cookie or not stamp.isdigit() or not signature:
        return False
    if not hmac.compare_digest(_sign(secret, f"{nonce}.{stamp}"), signature):
        return False
    age = (time.time() if now is None else now) - int(stamp)
    return 0 <= age <= MAX_AGE and hmac.compare_digest(nonce.encode(), cookie.encode())
