"""one-time voter codes: the mode, its counts, and the hashes of the printed codes

Revision ID: 0008
Revises: 0004

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("voter_codes", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("voter_codes_printed", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("voter_codes_used", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "voter_code",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("spent", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_voter_code_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workshop_id", "code_hash", name=op.f("pk_voter_code")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("voter_code")
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_column("voter_codes_used")
        batch_op.drop_column("voter_codes_printed")
        batch_op.drop_column("voter_codes")
