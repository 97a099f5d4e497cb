"""Reading the entity catalogue."""

from sqlalchemy import case
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from app.entities.models import Entity, EntityType
from app.paging import Page, Paged, by_text, fetch_page


def _entities(
    db_session: Session, entity_type: EntityType | None, african_union_member: bool | None
) -> Select:
    query = select(Entity)
    if entity_type is not None:
        query = query.where(Entity.entity_type == entity_type)
    if african_union_member is not None:
        query = query.where(Entity.african_union_member == african_union_member)
    group = case(
        *[(Entity.entity_type == kind, index) for index, kind in enumerate(EntityType)], else_=99
    )
    return query.order_by(group, by_text(db_session, Entity.name_en), col(Entity.id))


def list_entities(
    db_session: Session,
    *,
    entity_type: EntityType | None = None,
    african_union_member: bool | None = None,
) -> list[Entity]:
    """The catalogue, Member States first, each group in English alphabetical order."""
    return list(db_session.exec(_entities(db_session, entity_type, african_union_member)))


def page_entities(
    db_session: Session,
    *,
    entity_type: EntityType | None,
    african_union_member: bool | None,
    page: Page,
) -> Paged[Entity]:
    """One page of the catalogue, in the order of ``list_entities``."""
    return fetch_page(db_session, _entities(db_session, entity_type, african_union_member), page)
