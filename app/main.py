"""The application factory: routers, static files, error handlers and middleware."""

import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import i18n
from app.auth.access import SignInRequired
from app.config import ROOT_DIR, get_settings
from app.errors import DomainError
from app.web.csrf import CSRF_COOKIE
from app.web.templating import render

request_log = logging.getLogger("marrakech.requests")


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(
        title="Marrakech Platform",
        summary="Editions, delegations, agendas and outcomes of the Marrakech Platform "
        "of heads of counter-terrorism and security agencies in Africa.",
        version="1.0",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=ROOT_DIR / "app" / "static"), name="static")
    _include_routers(app)
    _install_error_handlers(app)
    app.middleware("http")(_language_and_cookies)
    app.middleware("http")(_log_request)
    return app


def _include_routers(app: FastAPI) -> None:
    from app.audit import pages as audit_pages
    from app.auth import pages as auth_pages
    from app.editions import admin_pages as editions_admin_pages
    from app.editions import api as editions_api
    from app.editions import pages as editions_pages
    from app.entities import api as entities_api
    from app.health import router as health_router
    from app.history import api as history_api
    from app.history import pages as history_pages
    from app.outcomes import admin_pages as outcomes_admin_pages
    from app.outcomes import api as outcomes_api
    from app.outcomes import pages as outcomes_pages

    for router in (
        health_router,
        history_pages.router,
        editions_pages.router,
        outcomes_pages.router,
        auth_pages.router,
        editions_admin_pages.router,
        outcomes_admin_pages.router,
        audit_pages.router,
        editions_api.router,
        outcomes_api.router,
        entities_api.router,
        history_api.router,
    ):
        app.include_router(router)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _gettext_for(request: Request) -> Callable[[str], str]:
    language = getattr(request.state, "language", i18n.DEFAULT_LANGUAGE)
    return i18n.get_translations(language).gettext


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        target = request.url.path
        return RedirectResponse(
            str(request.app.url_path_for("sign_in")) + f"?next={target}", status_code=303
        )

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> Response:
        message = exc.translated(_gettext_for(request))
        if _is_api(request):
            headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
            return JSONResponse(
                {
                    "detail": [
                        {
                            "loc": ["body", exc.field] if exc.field else [],
                            "msg": message,
                            "type": type(exc).__name__,
                        }
                    ]
                },
                status_code=exc.status_code,
                headers=headers,
            )
        return render(
            request,
            "error.html",
            {"message": message, "status_code": exc.status_code},
            status_code=exc.status_code,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request) or request.url.path in ("/openapi.json", "/healthz"):
            return JSONResponse(
                {"detail": exc.detail},
                status_code=exc.status_code,
                headers=getattr(exc, "headers", None),
            )
        gettext = _gettext_for(request)
        message = (
            gettext("This page does not exist.") if exc.status_code == 404 else str(exc.detail)
        )
        return render(
            request,
            "error.html",
            {"message": message, "status_code": exc.status_code},
            status_code=exc.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        # Echo the location and reason of each error, never the submitted value: it may
        # be personal data.
        errors = [
            {
                "loc": list(error.get("loc", ())),
                "msg": error.get("msg", ""),
                "type": error.get("type", ""),
            }
            for error in exc.errors()
        ]
        if _is_api(request):
            return JSONResponse({"detail": errors}, status_code=422)
        gettext = _gettext_for(request)
        fields = ", ".join(str(error["loc"][-1]) for error in errors if error["loc"])
        message = gettext("Some parameters are not valid: {fields}").format(fields=fields)
        return render(
            request, "error.html", {"message": message, "status_code": 422}, status_code=422
        )


async def _language_and_cookies(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    query_language = request.query_params.get("lang")
    request.state.language = i18n.negotiate(
        query_language,
        request.cookies.get(i18n.LANGUAGE_COOKIE),
        request.headers.get("accept-language"),
    )
    response = await call_next(request)
    settings = get_settings()
    if query_language in i18n.LANGUAGES and query_language != request.cookies.get(
        i18n.LANGUAGE_COOKIE
    ):
        response.set_cookie(
            i18n.LANGUAGE_COOKIE,
            query_language,
            max_age=365 * 86400,
            samesite="lax",
            secure=settings.secure_cookies,
        )
    new_csrf = getattr(request.state, "new_csrf_cookie", None)
    if new_csrf:
        response.set_cookie(
            CSRF_COOKIE, new_csrf, httponly=True, samesite="lax", secure=settings.secure_cookies
        )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if "content-language" not in response.headers and response.media_type == "text/html":
        response.headers["Content-Language"] = request.state.language
    return response


async def _log_request(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Log the route template (never the raw path: it may hold a private link), the status
    and the time taken; no query string, no body, no client address."""
    started = time.perf_counter()
    response = await call_next(request)
    route = request.scope.get("route")
    template = getattr(route, "path", None) or "(unmatched)"
    request_log.info(
        "%s %s %s %.1fms",
        request.method,
        template,
        response.status_code,
        (time.perf_counter() - started) * 1000,
    )
    return response
