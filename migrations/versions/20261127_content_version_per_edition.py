"""content versions per edition and for the whole site

Revision ID: content_version_scopes
Revises: 20261127_fact_strength
Create Date: 2026-11-27 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "content_version_scopes"
down_revision: str | None = "20261127_fact_strength"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The single counter (id 1) becomes the site's version (scope 0), keeping its value so
    # that no cache key of a running process is ever reused.
    with op.batch_alter_table("content_version") as batch_op:
        batch_op.alter_column("id", new_column_name="scope", existing_type=sa.Integer())
    op.execute("UPDATE content_version SET scope = 0 WHERE scope = 1")


def downgrade() -> None:
    op.execute("DELETE FROM content_version WHERE scope <> 0")
    op.execute("UPDATE content_version SET scope = 1 WHERE scope = 0")
    with op.batch_alter_table("content_version") as batch_op:
        batch_op.alter_column("scope", new_column_name="id", existing_type=sa.Integer())
