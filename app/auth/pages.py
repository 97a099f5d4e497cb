"""Sign-in and sign-out pages for organisers."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.auth import service as auth_service
from app.auth.access import LOGIN_COOKIE, Access, allow
from app.config import get_settings
from app.db import DbSessionDep
from app.errors import DomainError
from app.web.client_address import client_address
from app.web.templating import error_message, render

router = APIRouter(prefix="/admin", include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the sign-in page cannot redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/admin"


@router.get("/sign-in", name="sign_in", dependencies=[allow(Access.public)])
def sign_in_form(request: Request, next: str | None = None) -> HTMLResponse:  # noqa: A002
    """Show the sign-in form."""
    return render(
        request, "auth/sign_in.html", {"next": _safe_next(next), "errors": {}, "email": ""}
    )


@router.post("/sign-in", name="sign_in_submit", dependencies=[allow(Access.public)])
def sign_in(
    request: Request,
    db_session: DbSessionDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=500)] = "/admin",  # noqa: A002
) -> Response:
    """Check the credentials and open a login session."""
    try:
        account = auth_service.authenticate(
            db_session, email=email, password=password, client_address=client_address(request)
        )
    except DomainError as error:
        return render(
            request,
            "auth/sign_in.html",
            {
                "next": _safe_next(next),
                "errors": {"email": error_message(request, error)},
                "email": email,
            },
            status_code=error.status_code,
        )
    secret = auth_service.start_login_session(db_session, account=account)
    response = RedirectResponse(_safe_next(next), status_code=303)
    settings = get_settings()
    response.set_cookie(
        LOGIN_COOKIE,
        auth_service.sign_cookie(secret),
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=settings.login_session_hours * 3600,
    )
    return response


@router.post("/sign-out", name="sign_out", dependencies=[allow(Access.public)])
def sign_out(request: Request, db_session: DbSessionDep) -> Response:
    """End the login session on the server and forget the cookie."""
    secret = auth_service.unsign_cookie(request.cookies.get(LOGIN_COOKIE))
    if secret:
        auth_service.end_login_session(db_session, secret=secret)
    response = RedirectResponse(str(request.app.url_path_for("home")), status_code=303)
    response.delete_cookie(LOGIN_COOKIE)
    return response
