"""``/metrics`` for Prometheus: viewer accounts and above (e.g. a bearer token made for the
scraper with ``marrakech create-token``); nothing in it is personal data."""

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4

from app.auth.access import Access, allow
from app.db import DbSessionDep
from app.observability.metrics import exposition

router = APIRouter()


@router.get(
    "/metrics", name="metrics", dependencies=[allow(Access.viewer)], include_in_schema=False
)
def metrics(db_session: DbSessionDep) -> Response:
    """The metrics in Prometheus's text format."""
    return Response(exposition(db_session), media_type=CONTENT_TYPE_PLAIN_0_0_4)
