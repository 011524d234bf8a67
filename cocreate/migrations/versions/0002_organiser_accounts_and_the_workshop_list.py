"""organiser accounts and the workshop list

Revision ID: 0002
Revises: 0001

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organiser",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organiser")),
        sa.UniqueConstraint("email", name=op.f("uq_organiser_email")),
    )
    op.create_table(
        "co_facilitator_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_co_facilitator_link_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_co_facilitator_link")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_co_facilitator_link_key_hash")),
    )
    with op.batch_alter_table("co_facilitator_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_co_facilitator_link_workshop_id"), ["workshop_id"], unique=False
        )

    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("scheduled_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("retention_days", sa.Integer(), server_default="30", nullable=False)
        )
        batch_op.add_column(sa.Column("names_erased_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_workshop_owner_id"), ["owner_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_workshop_owner_id_organiser"),
            "organiser",
            ["owner_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_workshop_owner_id_organiser"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_workshop_owner_id"))
        batch_op.drop_column("names_erased_at")
        batch_op.drop_column("retention_days")
        batch_op.drop_column("archived")
        batch_op.drop_column("scheduled_on")
        batch_op.drop_column("owner_id")

    with op.batch_alter_table("co_facilitator_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_co_facilitator_link_workshop_id"))

    op.drop_table("co_facilitator_link")
    op.drop_table("organiser")
