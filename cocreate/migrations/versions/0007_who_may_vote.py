"""who may vote: joining open or closed, participants waiting to be admitted, latecomers

Revision ID: 0007
Revises: 0004

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("joining_open", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    # Everyone who joined before this version took part at once.
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("admitted", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("joined_late", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("joined_late")
        batch_op.drop_column("admitted")
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_column("joining_open")
