"""The application factory: routers, static files, error handlers and middleware."""

import re
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from app import i18n
from app.auth.access import SignInRequired
from app.config import ROOT_DIR, get_settings
from app.content_version import current_versions_async
from app.db import get_engine
from app.delegations import uploads
from app.errors import DomainError
from app.health import PATHS as HEALTH_PATHS
from app.observability import metrics
from app.web.log_privacy import scrub_server_logs
from app.web.middleware import (
    BodySizeLimitMiddleware,
    LanguageMiddleware,
    PublicResponseCache,
    RequestLogMiddleware,
    RequestTooLarge,
)
from app.web.openapi import install_openapi, operation_id
from app.web.problems import (
    domain_problem,
    is_for_programs,
    problem_response,
    validation_problem,
)
from app.web.security_headers import SecurityHeadersMiddleware, swagger_ui
from app.web.templating import render

MEGABYTE = 1024 * 1024

# Public reads whose anonymous responses may be served from the cache.
PUBLIC_CACHE_PREFIXES = (
    "/editions/",
    "/sources/",
    "/api/v1/editions",
    "/api/v1/entities",
    "/api/v1/sources",
)
# The pages of one edition, whose cached copies depend on that edition's content version.
EDITION_PATH = re.compile(r"/(?:api/v1/)?editions/([^/]+)")


def edition_of(path: str) -> str | None:
    """The slug of the edition a public path belongs to, if any."""
    match = EDITION_PATH.match(path)
    return match.group(1) if match else None


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(
        lifespan=_lifespan,
        title="Marrakech Platform",
        summary="Editions, delegations, agendas and outcomes of the Marrakech Platform "
        "of heads of counter-terrorism and security agencies in Africa.",
        version="1.0",
        docs_url=None,  # served below with its own Content-Security-Policy
        redoc_url=None,
        generate_unique_id_function=operation_id,
    )
    app.add_route("/docs", swagger_ui, include_in_schema=False)
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=ROOT_DIR / "app" / "static"), name="static")
    _include_routers(app)
    _install_error_handlers(app)
    install_openapi(app)
    # The last added runs first: log, trusted hosts, body size, language, the security headers
    # (on cached answers too), then the cache of public responses.
    app.state.read_content_version = current_versions_async  # tests read it on their connection
    app.add_middleware(
        PublicResponseCache,
        prefixes=PUBLIC_CACHE_PREFIXES,
        version=lambda: app.state.read_content_version(),
        edition_of=edition_of,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(LanguageMiddleware)
    app.add_middleware(
        BodySizeLimitMiddleware,
        limit=settings.max_request_mb * MEGABYTE,
        larger=[(uploads.LETTER_UPLOAD_PATH, uploads.MAX_LETTER_REQUEST_BYTES)],
    )
    # Absolute links are built from MARRAKECH_BASE_URL; other hosts are refused with 400.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.trusted_hosts)
    app.add_middleware(RequestLogMiddleware)
    scrub_server_logs()
    metrics.count_connections(get_engine())
    return app


def _prepare_routes(app: FastAPI) -> None:
    """Build what FastAPI otherwise builds at the first request reaching each included
    router (its routes' parameter models and validators) before the worker accepts a
    connection. Otherwise the first requests after a start, a burst of them at once, all
    wait for it in turn."""
    for route in app.router.routes:
        effective_route_contexts = getattr(route, "effective_route_contexts", None)
        if effective_route_contexts is not None:
            for _context in effective_route_contexts():
                pass


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Prepare the routes before the first request; start the PDF rendering thread, which
    first compiles a one-line Typst document (about 0.1 s), so that Typst and the fonts are
    in the file cache before the first PDF."""
    from app.config import get_settings
    from app.web import pdf

    # In a worker thread: AnyIO's backend, imported at its first use, and the thread that
    # sync routes run in are then ready too.
    await anyio.to_thread.run_sync(_prepare_routes, app)
    if get_settings().pdf_background:
        pdf.start_background_rendering()
    else:
        threading.Thread(target=pdf.preload, name="preload-typst", daemon=True).start()
    yield


def _include_routers(app: FastAPI) -> None:
    from app.agenda import admin_pages as agenda_admin_pages
    from app.agenda import api as agenda_api
    from app.agenda import pages as agenda_pages
    from app.audit import pages as audit_pages
    from app.auth import pages as auth_pages
    from app.badges import api as badges_api
    from app.badges import pages as badges_pages
    from app.delegations import api as delegations_api
    from app.delegations import list_pages as delegations_list_pages
    from app.delegations import pages as delegations_pages
    from app.delegations import public_pages as delegations_public_pages
    from app.delegations import register_pages
    from app.editions import admin_pages as editions_admin_pages
    from app.editions import api as editions_api
    from app.editions import pages as editions_pages
    from app.entities import api as entities_api
    from app.health import router as health_router
    from app.history import api as history_api
    from app.history import pages as history_pages
    from app.observability import api as observability_api
    from app.outcomes import admin_pages as outcomes_admin_pages
    from app.outcomes import api as outcomes_api
    from app.outcomes import pages as outcomes_pages
    from app.retention import pages as retention_pages
    from app.statistics import pages as statistics_pages

    for router in (
        health_router,
        observability_api.router,
        history_pages.router,
        editions_pages.router,
        agenda_pages.router,
        agenda_admin_pages.router,
        outcomes_pages.router,
        auth_pages.router,
        editions_admin_pages.router,
        outcomes_admin_pages.router,
        retention_pages.router,
        audit_pages.router,
        editions_api.router,
        delegations_api.router,
        delegations_pages.router,
        delegations_list_pages.router,
        delegations_public_pages.router,
        register_pages.router,
        outcomes_api.router,
        entities_api.router,
        history_api.router,
        history_api.record_router,
        agenda_api.router,
        badges_pages.router,
        badges_api.router,
        statistics_pages.router,
    ):
        app.include_router(router)


def _is_api(request: Request) -> bool:
    return is_for_programs(request.url.path)


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
            return domain_problem(request, exc, _gettext_for(request))
        return render(
            request,
            "error.html",
            {"message": message, "status_code": exc.status_code},
            status_code=exc.status_code,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        gettext = _gettext_for(request)
        detail = exc.detail
        if isinstance(exc, RequestTooLarge):
            detail = gettext("The request is too large: at most {size} MB.").format(
                size=exc.limit // MEGABYTE
            )
        if _is_api(request):
            return problem_response(
                request,
                exc.status_code,
                detail=str(detail),
                headers=getattr(exc, "headers", None),
            )
        if request.url.path in ("/openapi.json", *HEALTH_PATHS):
            return JSONResponse(
                {"detail": detail},
                status_code=exc.status_code,
                headers=getattr(exc, "headers", None),
            )
        message = gettext("This page does not exist.") if exc.status_code == 404 else str(detail)
        return render(
            request,
            "error.html",
            {"message": message, "status_code": exc.status_code},
            status_code=exc.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        # Name the location and reason of each error, never the submitted value: it may
        # be personal data.
        gettext = _gettext_for(request)
        fields = ", ".join(str(error["loc"][-1]) for error in exc.errors() if error.get("loc"))
        message = gettext("Some parameters are not valid: {fields}").format(fields=fields)
        if _is_api(request):
            return validation_problem(request, exc.errors(), message)
        return render(
            request, "error.html", {"message": message, "status_code": 422}, status_code=422
        )
