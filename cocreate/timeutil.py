"""One clock for the whole app: naive UTC datetimes in the database, epoch ms on the wire."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_epoch_ms(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)
