"""CSRF protection for HTML forms: a random cookie and, in every form, its HMAC under the
application secret (a signed double-submit token). A third party can neither read the
cookie nor compute the HMAC of one it planted."""

import hashlib
import hmac
import secrets

from fastapi import Request

from app.config import get_settings

CSRF_COOKIE = "mp_csrf"
CSRF_FIELD = "csrf_token"


def _mac(raw: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"csrf:{raw}".encode(), hashlib.sha256).hexdigest()


def ensure_csrf_cookie(request: Request) -> str:
    """The request's CSRF secret, minting one (set on the response by the middleware)."""
    request.state.csrf_used = True  # the page holds this reader's token: never shared
    raw = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_cookie", None)
    if not raw:
        raw = secrets.token_urlsafe(32)
        request.state.new_csrf_cookie = raw
    return raw


def csrf_form_token(request: Request) -> str:
    return _mac(ensure_csrf_cookie(request))


def csrf_token_is_valid(request: Request, submitted: str | None) -> bool:
    raw = request.cookies.get(CSRF_COOKIE)
    if not raw or not submitted:
        return False
    return hmac.compare_digest(_mac(raw), submitted)
