"""One-time messages after an action ("Saved.", "3 members accredited."): carried to the
next page by a signed, HttpOnly cookie (never in the address, so no name or email lands in
a log or a browser history), translated when shown, and forgotten once shown."""

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeSerializer

from app import i18n
from app.config import get_settings

FLASH_COOKIE = "mp_flash"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(get_settings().secret_key, salt="flash")


def set_flash(response: Response, message: str, **params: Any) -> Response:
    """Attach a message (an English msgid marked with N_, and its parameters) to a response."""
    value = _serializer().dumps({"m": message, "p": params})
    response.set_cookie(
        FLASH_COOKIE,
        value,
        httponly=True,
        samesite="lax",
        secure=get_settings().secure_cookies,
        max_age=600,
    )
    return response


def take_flash(request: Request) -> str | None:
    """The pending message in the reader's language, or None (a forged cookie is ignored)."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    request.state.flash_taken = True
    try:
        data = _serializer().loads(raw)
        message, params = str(data["m"]), dict(data.get("p") or {})
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    language = getattr(request.state, "language", i18n.DEFAULT_LANGUAGE)
    text = i18n.get_translations(language).gettext(message)
    return text.format(**params) if params else text


def forget_flash(request: Request, response: Response) -> None:
    """Drop the cookie of a message this response shows."""
    if getattr(request.state, "flash_taken", False):
        response.delete_cookie(
            FLASH_COOKIE, httponly=True, samesite="lax", secure=get_settings().secure_cookies
        )
