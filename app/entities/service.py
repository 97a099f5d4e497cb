"""Reading the entity catalogue."""

from sqlmodel import Session, select

from app.entities.models import Entity, EntityType


def list_entities(
    db_session: Session,
    *,
    entity_type: EntityType | None = None,
    african_union_member: bool | None = None,
) -> list[Entity]:
    """The catalogue, Member States first, each group in English alphabetical order."""
    query = select(Entity)
    if entity_type is not None:
        query = query.where(Entity.entity_type == entity_type)
    if african_union_member is not None:
        query = query.where(Entity.african_union_member == african_union_member)
    entities = list(db_session.exec(query))
    order = {kind: index for index, kind in enumerate(EntityType)}
    return sorted(
        entities,
        key=lambda entity: (
            order.get(EntityType(entity.entity_type), 99),
            entity.name_en.casefold(),
        ),
    )
