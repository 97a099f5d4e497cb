"""JSON API for the entity catalogue."""

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from app.auth.access import Access, allow
from app.db import DbSessionDep
from app.entities import service as entities_service
from app.entities.models import EntityType
from app.web.pagination import PageDep, paged

router = APIRouter(prefix="/api/v1/entities", tags=["entities"])


class EntityRead(BaseModel):
    code: str
    iso_alpha2: str | None
    entity_type: EntityType
    name_en: str
    name_fr: str
    name_ar: str
    region: str | None
    african_union_member: bool


@router.get("", name="api_list_entities", dependencies=[allow(Access.public)])
def list_entities(
    request: Request,
    response: Response,
    db_session: DbSessionDep,
    page: PageDep,
    entity_type: EntityType | None = None,
    african_union_member: bool | None = None,
) -> list[EntityRead]:
    """Who can send a delegation: Member States, observer States and organisations."""
    entities = entities_service.page_entities(
        db_session, entity_type=entity_type, african_union_member=african_union_member, page=page
    )
    return [
        EntityRead.model_validate(entity, from_attributes=True)
        for entity in paged(request, response, entities, page)
    ]
