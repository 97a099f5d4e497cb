"""The Jinja2 environment and the one function routes use to render a page."""

from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.routing import BaseRoute, Match, NoMatchFound

from app import i18n
from app.config import ROOT_DIR, get_settings
from app.errors import DomainError
from app.history.cited import CitedHtml
from app.i18n import N_
from app.web import labels
from app.web.csrf import csrf_form_token

TEMPLATES_DIR = ROOT_DIR / "templates"


@lru_cache
def get_environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates are read once per process, like the code: no stat of every template (and
        # of each it extends or imports) on every rendering.
        auto_reload=False,
    )
    environment.filters["localized"] = lambda obj, field, lang: i18n.localized(obj, field, lang)[0]
    return environment


class LazyCsrfToken:
    """The form's CSRF token, minted (with its cookie) only if a template prints it, so that
    pages without forms set no cookie and can be cached."""

    def __init__(self, request: Request) -> None:
        self.request = request

    def __str__(self) -> str:
        return csrf_form_token(self.request)

    def __html__(self) -> str:
        return str(self)


class _RouteIndex:
    """The application's routes by name and the paths already built, once per process (and
    again if routes were added): Starlette finds a route by trying each in turn and catching
    an exception from every one that does not match, which cost a page with a hundred links
    more than its queries."""

    MAX_PATHS = 8192  # a page links the same few routes with a few hundred ids

    def __init__(self, routes: list[BaseRoute]) -> None:
        self.size = len(routes)
        self.named: dict[str, list[Any]] = {}
        self.paths: dict[tuple[Any, ...], str] = {}
        for route in routes:
            # An included router (FastAPI >= 0.165) holds its routes with their prefix.
            contexts = getattr(route, "effective_route_contexts", None)
            for context in contexts() if contexts else (route,):
                name = getattr(context, "name", None)
                if name:
                    self.named.setdefault(name, []).append(context)


def route_path(app: Any, name: str, /, **path_params: Any) -> str:
    """The path of a named route (``url_path_for``, without scanning every route)."""
    index: _RouteIndex | None = getattr(app.state, "route_index", None)
    if index is None or index.size != len(app.router.routes):
        index = app.state.route_index = _RouteIndex(app.router.routes)
    params = {key: str(value) for key, value in path_params.items()}
    key = (name, *params.items())
    path = index.paths.get(key)
    if path is not None:
        return path
    for route in index.named.get(name, ()):
        try:
            path = str(route.url_path_for(name, **params))
            break
        except NoMatchFound:
            continue
    else:
        path = str(app.url_path_for(name, **params))  # mounted sub-applications; the error
    if len(index.paths) >= index.MAX_PATHS:
        index.paths.clear()
    index.paths[key] = path
    return path


def absolute_url(request: Request, name: str, /, **path_params: Any) -> str:
    """The absolute address of a route, on the configured base URL: never on the request's
    Host header, which a client chooses (and a shared cache would replay to everyone)."""
    return get_settings().public_origin + route_path(request.app, name, **path_params)


def ltr(value: object) -> Markup:
    """A left-to-right run (email, phone, code, number) isolated so that a right-to-left
    page neither reorders it ("00 00 22 20 223+") nor moves the punctuation around it."""
    if value is None or value == "":
        return Markup("")
    return Markup('<bdi dir="ltr">{}</bdi>').format(value)


def page_address(request: Request) -> str:
    """The address a reader can load again: the page's own for GET, otherwise the nearest
    address above a form's POST that answers GET (``/register/{token}/participants`` is
    shown by ``/register/{token}``), so that switching language never lands on a 405."""
    path = request.url.path
    if request.method in ("GET", "HEAD"):
        return path
    router = getattr(request.scope.get("app"), "router", None)
    while path and router is not None:
        scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
        if any(route.matches(scope)[0] == Match.FULL for route in router.routes):
            return path
        path = path.rstrip("/").rsplit("/", 1)[0]
    return "/"


def page_context(request: Request) -> dict[str, Any]:
    """What every page needs: language, direction, translation, links, the signed-in account."""
    from app.auth.access import Access, may

    language: str = getattr(request.state, "language", i18n.DEFAULT_LANGUAGE)
    translations = i18n.get_translations(language)
    account = getattr(request.state, "account", None)

    def translate(message: str, **params: Any) -> str:
        text = translations.gettext(message)
        return text.format(**params) if params else text

    def translate_plural(singular: str, plural: str, n: int, **params: Any) -> str:
        return i18n.ngettext(language, singular, plural, n, **params)

    address: str | None = None

    def language_url(code: str) -> str:
        # What request.url.include_query_params(lang=code) gives: the query without its
        # "lang", then lang=code; the rest is parsed and encoded once for the three links.
        nonlocal address
        if address is None:
            query = parse_qsl(request.url.query, keep_blank_values=True)
            rest = urlencode([(name, value) for name, value in query if name != "lang"])
            address = f"{page_address(request)}?{rest}{'&' if rest else ''}lang="
        return address + quote_plus(code)

    cited = cited_html(request, language)
    url_for, localized, fact_value = cited.url_for, cited.localized, cited.fact_value
    return {
        "request": request,
        "lang": language,
        "dir": i18n.direction(language),
        "_": translate,
        "_n": translate_plural,
        "url_for": url_for,
        "language_url": language_url,
        "languages": i18n.LANGUAGE_NAMES,
        "account": account,
        # Whether to show controls that change things: viewers read only.
        "can_write": may(account, Access.organiser),
        "csrf_token": LazyCsrfToken(request),
        "format_day": lambda value, fmt="long": i18n.format_day(value, language, fmt),
        "fact_value": fact_value,
        # Every time a person reads: in the venue's zone when given (zone=edition.time_zone).
        "format_moment": lambda value, fmt="medium", zone=None: i18n.format_moment(
            value, language, fmt, time_zone=zone
        ),
        "format_date_range": lambda start, end: i18n.format_date_range(start, end, language),
        "edition_kind": lambda edition: (
            translate(N_("{ordinal} session"), ordinal=i18n.ordinal(edition.number, language))
            if edition.kind == "session" and edition.number
            else " ".join(
                part
                for part in (translate(labels.kind[edition.kind]), str(edition.number or ""))
                if part
            )
        ),
        "of_entity": lambda entity: i18n.of_entity(entity, language),
        "zone_name": lambda time_zone: i18n.zone_name(time_zone, language),
        "honorific": lambda value: (
            translate(labels.honorific[value]) if value in labels.honorific else value or ""
        ),
        "format_number": lambda value: i18n.format_number(value, language),
        "localized": localized,
        "labels": labels,
        "ltr": ltr,
        "flash": None,  # render() puts the one-time message of the last action here
        # How a fact is backed (strength, source, quote): app/history/cited.py.
        **cited.functions(),
    }


def cited_html(request: Request, language: str) -> CitedHtml:
    """How facts are backed (strength, source, quote), as HTML in the reader's language,
    with links to this application's routes."""

    def url_for(name: str, /, **path_params: Any) -> str:
        return route_path(request.app, name, **path_params)

    def localized(obj: Any, field: str) -> tuple[str | None, bool]:
        return i18n.localized(obj, field, language)

    def fact_value(field: str, value: Any) -> str:
        return i18n.format_fact_value(field, value, language)

    return CitedHtml(
        language=language,
        gettext=i18n.get_translations(language).gettext,
        url_for=url_for,
        localized=localized,
        fact_value=fact_value,
    )


def error_message(request: Request, error: DomainError) -> str:
    """A domain error's message in the reader's language."""
    language = getattr(request.state, "language", i18n.DEFAULT_LANGUAGE)
    return error.translated(i18n.get_translations(language).gettext)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page template with the shared page context."""
    from app.web.flash import forget_flash, take_flash

    full_context = page_context(request)
    full_context["flash"] = take_flash(request) if request.method == "GET" else None
    full_context.update(context or {})
    body = get_environment().get_template(template).render(full_context)
    response = HTMLResponse(body, status_code=status_code)
    forget_flash(request, response)
    return response
