"""Loading an edition from the path: drafts exist only for signed-in organisers."""

from typing import Annotated

from fastapi import Depends, Path, Request

from app.db import DbSessionDep
from app.editions import service as editions_service
from app.editions.models import Edition
from app.web.memo import per_content_version_async
from app.web.params import SlugPath


async def _visible_edition(slug: SlugPath, request: Request, db_session: DbSessionDep) -> Edition:
    signed_in = getattr(request.state, "account", None) is not None
    return await per_content_version_async(
        request,
        ("edition", slug),
        lambda: editions_service.get_edition(db_session, slug, include_drafts=signed_in),
        edition=slug,
    )


VisibleEdition = Annotated[Edition, Depends(_visible_edition)]


def _any_edition(
    slug: Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")], db_session: DbSessionDep
) -> Edition:
    return editions_service.get_edition(db_session, slug, include_drafts=True)


AnyEdition = Annotated[Edition, Depends(_any_edition)]
"""An edition, drafts included: for organiser routes (their access rule signs them in)."""
