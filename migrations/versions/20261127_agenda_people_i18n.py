"""The chair and the speakers of an agenda item in French and Arabic, where given.

Revision ID: 20261127_agenda_people_i18n
Revises: 20261127_translation_outdated
Create Date: 2026-11-27 23:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261127_agenda_people_i18n"
down_revision: str | None = "20261127_translation_outdated"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ITEM_COLUMNS = (("chair_fr", 200), ("chair_ar", 200))
SPEAKER_COLUMNS = (("name_fr", 200), ("name_ar", 200), ("function_fr", 300), ("function_ar", 300))


def upgrade() -> None:
    for table, columns in (("agenda_item", ITEM_COLUMNS), ("agenda_speaker", SPEAKER_COLUMNS)):
        with op.batch_alter_table(table) as batch:
            for name, length in columns:
                batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))


def downgrade() -> None:
    for table, columns in (("agenda_item", ITEM_COLUMNS), ("agenda_speaker", SPEAKER_COLUMNS)):
        with op.batch_alter_table(table) as batch:
            for name, _length in columns:
                batch.drop_column(name)
