"""Pages of the API's lists: ``?limit=&offset=``, the total in ``X-Total-Count`` and the
neighbouring pages in a ``Link`` header (RFC 8288: first, prev, next, last). The services
fetch the page in the database (app/paging.py); only the conflicts of the historical
record, which are computed, are sliced here (and the editions matched by a spelling,
``?q=``, by their service).

The default page is large enough to hold every list the Platform has had so far (203
entities, about 60 agenda items), so that a client that does not page still gets it all;
the ``Link`` header tells it when there is more."""

from collections.abc import Sequence
from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import Depends, Query, Request, Response

from app.config import get_settings
from app.paging import Page, Paged

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000
TOTAL_HEADER = "X-Total-Count"

T = TypeVar("T")


def _page(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="How many entries to return at most.")
    ] = DEFAULT_LIMIT,
    offset: Annotated[
        int, Query(ge=0, le=2_147_483_647, description="How many entries to skip.")
    ] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


PageDep = Annotated[Page, Depends(_page)]


def _page_url(request: Request, limit: int, offset: int) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "offset")]
    query += [("limit", str(limit)), ("offset", str(offset))]
    return get_settings().public_origin + request.url.path + "?" + urlencode(query)


def set_page_headers(request: Request, response: Response, page: Page, total: int) -> None:
    """The total and the links to the neighbouring pages, in the headers."""
    links = {"first": 0}
    if page.offset > 0:
        links["prev"] = max(0, page.offset - page.limit)
    if page.offset + page.limit < total:
        links["next"] = page.offset + page.limit
    if total:
        links["last"] = (total - 1) // page.limit * page.limit
    response.headers[TOTAL_HEADER] = str(total)
    response.headers["Link"] = ", ".join(
        f'<{_page_url(request, page.limit, offset)}>; rel="{rel}"' for rel, offset in links.items()
    )


def paged(request: Request, response: Response, result: Paged[T], page: Page) -> list[T]:
    """The entries of a page fetched in the database; the total and links into the headers."""
    set_page_headers(request, response, page, result.total)
    return result.entries


def paginate(request: Request, response: Response, entries: Sequence[T], page: Page) -> list[T]:
    """The entries of the page asked for, out of a list computed whole."""
    set_page_headers(request, response, page, len(entries))
    return list(entries[page.offset : page.offset + page.limit])
