"""CSRF protection for HTML forms and cookie-authenticated API writes.

Every form carries an HMAC, under the application secret, of what its request is bound to:

- **a signed-in organiser**: the login-session secret (from the signed, HttpOnly login
  cookie). Nobody without that login session can compute the token, and it changes at every
  sign-in, so a cookie and token pair planted from another session (by a sibling
  sub-domain or a plain-HTTP answer that can write cookies) is refused.
- **a focal point's pages** (``/register/{token}/...``): the private link in the path, which
  is those pages' credential. Only someone already holding the link can post there, so
  binding to it adds no cookie and needs none.
- **any other anonymous form** (sign-in, "ask to take part"): a random cookie, and in the
  form its HMAC (a signed double-submit token). These forms act with no credential, so a
  planted pair can at worst make a browser send what its planter could send himself; the
  remaining exposure, signing someone into the planter's account, is Django's as well.
"""

import hashlib
import hmac
import secrets

from fastapi import Request

from app.config import get_settings

CSRF_COOKIE = "mp_csrf"
CSRF_FIELD = "csrf_token"
FOCAL_POINT_PREFIX = "/register/"


def _mac(binding: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"csrf:{binding}".encode(), hashlib.sha256).hexdigest()


def _credential_binding(request: Request) -> str | None:
    """What the request's own credential binds the token to: the login session, else the
    focal point's private link; None for an anonymous form."""
    from app.auth import service as auth_service
    from app.auth.access import LOGIN_COOKIE

    login_secret = auth_service.unsign_cookie(request.cookies.get(LOGIN_COOKIE))
    if login_secret:
        return f"login:{login_secret}"
    link = request.path_params.get("token")
    if link and request.url.path.startswith(FOCAL_POINT_PREFIX):
        return f"link:{link}"
    return None


def ensure_csrf_cookie(request: Request) -> str:
    """The request's CSRF cookie value, minting one. The middleware sets it on the response
    even when the browser sent it: a response that sets a cookie is never kept by the public
    cache, so a form page is not replayed to another visitor with this visitor's token."""
    request.state.csrf_used = True  # the page holds this reader's token: never shared
    raw = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_cookie", None)
    if not raw:
        raw = secrets.token_urlsafe(32)
    request.state.new_csrf_cookie = raw
    return raw


def csrf_form_token(request: Request) -> str:
    binding = _credential_binding(request)
    if binding is None:
        binding = f"cookie:{ensure_csrf_cookie(request)}"
    return _mac(binding)


def csrf_token_is_valid(request: Request, submitted: str | None) -> bool:
    if not submitted:
        return False
    binding = _credential_binding(request)
    if binding is None:
        raw = request.cookies.get(CSRF_COOKIE)
        if not raw:
            return False
        binding = f"cookie:{raw}"
    # Bytes: comparing str refuses (TypeError) a submitted token with non-ASCII characters.
    return hmac.compare_digest(_mac(binding).encode(), submitted.encode("utf-8", "surrogatepass"))
