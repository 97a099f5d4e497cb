"""Agenda items and outcome statements flag their French and Arabic translations as
possibly out of date when the English changes without them.

Revision ID: 20261127_translation_outdated
Revises: 20261127_entity_french_forms
Create Date: 2026-11-27 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261127_translation_outdated"
down_revision: str | None = "20261127_entity_french_forms"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("agenda_item", "outcome_statement")
COLUMNS = ("fr_outdated", "ar_outdated")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for column in COLUMNS:
                batch.add_column(
                    sa.Column(column, sa.Boolean(), nullable=False, server_default=sa.false())
                )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for column in COLUMNS:
                batch.drop_column(column)
