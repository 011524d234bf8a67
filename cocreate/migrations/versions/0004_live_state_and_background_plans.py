"""live state versions, stored results, background rotation plans

Revision ID: 0004
Revises: 0003

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state_version", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("results_json", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("plan_requested", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("plan_applied", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("plan_requested_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_column("plan_requested_at")
        batch_op.drop_column("plan_applied")
        batch_op.drop_column("plan_requested")
        batch_op.drop_column("results_json")
        batch_op.drop_column("state_version")
