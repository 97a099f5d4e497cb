"""The catalogue of who can send a delegation: Member States, observers, organisations."""

from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel


class EntityType(StrEnum):
    member_state = "member_state"
    observer_state = "observer_state"
    un_entity = "un_entity"
    international_organization = "international_organization"
    regional_organization = "regional_organization"
    national_agency = "national_agency"
    partner = "partner"


class Entity(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    iso_alpha2: str | None = Field(default=None, max_length=2)
    entity_type: EntityType = Field(sa_type=String(40), index=True)
    name_en: str = Field(max_length=200)
    name_fr: str = Field(max_length=200)
    name_ar: str = Field(max_length=200)
    # French joins "de" and the name's article: "du Mali", "de la Côte d'Ivoire", "des
    # Comores", "de l'Égypte", "d'Haïti" (for "la délégation du Mali").
    name_fr_of: str | None = Field(default=None, max_length=220)
    region: str | None = Field(default=None, max_length=40)
    african_union_member: bool = False
    source_id: int | None = Field(default=None, foreign_key="source.id")
