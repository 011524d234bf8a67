"""One change at a time: the row lock a service takes on its workshop before it checks
its rules."""

from __future__ import annotations

from sqlalchemy import select

from cocreate.db import db
from cocreate.workshop.models import Workshop


def lock_workshop(workshop: Workshop, *, shared: bool = False) -> None:
    """Hold the workshop's row until this transaction ends and read every row afresh from
    here, before a service checks its rules: on PostgreSQL, handlers on several workers run
    at once, and a phase or role read before another worker's commit would be acted on after
    it. FOR UPDATE makes such changes of one workshop wait for each other; ``shared`` (FOR
    SHARE) lets actions that leave the workshop row alone (ballots) run side by side, yet
    wait for a change of phase under way, and it for them. On SQLite it does nothing: it
    writes one transaction at a time anyway. Called before the service changes anything."""
    if db.session.get_bind().dialect.name == "sqlite":
        # Nothing to wait for, and rereading every row cost each of 1,000 ballots in 10 s
        # more than the ballot itself. The writes that matter check their rule themselves
        # (the voter roll's tick, conditional updates).
        return
    workshop_id = workshop.id  # read before expiring: reading it after would load the row
    db.session.flush()  # expiring drops changes not yet written
    db.session.expire_all()
    db.session.execute(
        select(Workshop)
        .where(Workshop.id == workshop_id)
        .with_for_update(read=shared)
        .execution_options(populate_existing=True)
    ).scalar_one()
