"""agenda speaker linked to participant

Revision ID: 0008
Revises: 0004
Create Date: 2026-11-23 13:22:58.560628
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import sqlmodel
import app.timestamps


revision: str = '0008'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('agenda_speaker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_speaker_participant_id'), ['participant_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agenda_speaker_participant_id_participant'), 'participant', ['participant_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('agenda_speaker', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agenda_speaker_participant_id_participant'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agenda_speaker_participant_id'))

