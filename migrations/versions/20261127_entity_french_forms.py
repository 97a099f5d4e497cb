"""the French form of an entity's name after "de": du Mali, de la Côte d'Ivoire, des Comores

Revision ID: 20261127_entity_french_forms
Revises: content_version_scopes
Create Date: 2026-11-27 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261127_entity_french_forms"
down_revision: str | None = "content_version_scopes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Filled by `marrakech seed` from seed/entities.csv; pages fall back to "de" + the name.
    with op.batch_alter_table("entity") as batch_op:
        batch_op.add_column(sa.Column("name_fr_of", sa.String(length=220), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entity") as batch_op:
        batch_op.drop_column("name_fr_of")
