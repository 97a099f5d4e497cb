"""A confirmation step, without JavaScript, before what cannot be undone: the form posts
once without ``confirm=yes`` and gets this page back, whose button posts it again with it."""

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.web.templating import render

CONFIRM_FIELD = "confirm"


def is_confirmed(value: object) -> bool:
    return value == "yes"


def confirmation_page(
    request: Request,
    *,
    title: str,
    message: str,
    button: str,
    cancel_url: str,
    hidden: dict[str, Any] | None = None,
) -> HTMLResponse:
    """Ask before acting: the same address, posted again with ``confirm=yes``."""
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "message": message,
            "button": button,
            "action_url": request.url.path,
            "cancel_url": cancel_url,
            "hidden": hidden or {},
        },
    )
