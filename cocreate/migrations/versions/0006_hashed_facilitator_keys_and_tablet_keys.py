"""hashed facilitator keys and tablet links with keys of their own

Revision ID: 0006
Revises: 0004

Facilitator keys were stored as they are; now only their SHA-256 hash is (as for
co-facilitator links and phones' tokens). The upgrade hashes every key, so facilitator links
handed out before keep working. Tablet links were derived from the facilitator key; they now
have random keys of their own in ``tablet_link``, so the old derived links stop working after
the upgrade (the facilitator makes new ones in the People panel). A downgrade cannot bring
the old keys back: it gives every workshop a new random key nobody knows, to be handed out
again through the organiser's page.
"""

import hashlib
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

workshop = sa.table(
    "workshop",
    sa.column("id", sa.Integer()),
    sa.column("facilitator_key", sa.String()),
    sa.column("facilitator_key_hash", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(sa.Column("facilitator_key_hash", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(workshop.c.id, workshop.c.facilitator_key)).all()
    for workshop_id, key in rows:
        connection.execute(
            workshop.update()
            .where(workshop.c.id == workshop_id)
            .values(facilitator_key_hash=hashlib.sha256(key.encode()).hexdigest())
        )
    # Rebuilding the table (SQLite) leaves no copy of the plaintext column behind.
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.alter_column(
            "facilitator_key_hash", existing_type=sa.String(length=64), nullable=False
        )
        batch_op.drop_column("facilitator_key")

    op.create_table(
        "tablet_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["cafe_table.id"],
            name=op.f("fk_tablet_link_table_id_cafe_table"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_tablet_link_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tablet_link")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_tablet_link_key_hash")),
    )
    with op.batch_alter_table("tablet_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tablet_link_workshop_id"), ["workshop_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tablet_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tablet_link_workshop_id"))
    op.drop_table("tablet_link")

    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(sa.Column("facilitator_key", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    for (workshop_id,) in connection.execute(sa.select(workshop.c.id)).all():
        connection.execute(
            workshop.update()
            .where(workshop.c.id == workshop_id)
            .values(facilitator_key=secrets.token_urlsafe(24))
        )
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.alter_column("facilitator_key", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("facilitator_key_hash")
