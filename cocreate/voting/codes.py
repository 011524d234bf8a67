"""One person, one ballot: printed one-time voter codes.

When the mode is on, the facilitator prints slips with one code each and hands one to every
person in the room; a ballot is counted only if it spends an unspent code, in the ballot's own
transaction. Only a keyed hash of each code is stored, with no name, no time and nothing that
points to a ballot; when the vote closes every code row is deleted and only the counts stay.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Final

from flask import current_app
from sqlalchemy import delete, func, select, update

from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.i18n import _
from cocreate.voting.models import VoterCode
from cocreate.workshop.models import Workshop
from cocreate.workshop.services import JOIN_CODE_ALPHABET, lock_workshop

# The join code's alphabet (no 0/O or 1/I look-alikes), easy to type on a phone; grouped 4-4.
# 32 symbols ** 8 = 2**40 codes: guessing one of a few hundred printed codes takes some
# thousand million tries.
VOTER_CODE_ALPHABET: Final = JOIN_CODE_ALPHABET
VOTER_CODE_LENGTH: Final = 8
VOTER_CODE_GROUP: Final = 4
MAX_CODES_PER_PRINT: Final = 1000
# Slips for latecomers and spoilt ones: a tenth more than the people present, at least five.
MARGIN_SHARE: Final = 10
MARGIN_MINIMUM: Final = 5

PHASES_TO_CHOOSE: Final = ("lobby", "rounds", "consolidation")
PHASES_TO_PRINT: Final = ("lobby", "rounds", "consolidation", "voting")

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—.]")


@dataclass(frozen=True)
class CodeCounts:
    printed: int
    used: int


def set_voter_codes(workshop: Workshop, on: object) -> None:
    """Switch the mode, before the vote opens (the plan sets where it starts)."""
    if not isinstance(on, bool):
        raise ActionRefused(_("That request was not understood. Please reload the page."))
    lock_workshop(workshop)
    if workshop.phase not in PHASES_TO_CHOOSE:
        raise ActionRefused(_("Voter codes can only be switched on or off before the vote opens."))
    workshop.voter_codes = on
    db.session.commit()


def suggested_count(workshop: Workshop) -> int:
    """How many slips to print: everyone present and a margin."""
    present = sum(1 for p in workshop.participants if p.present)
    return present + max(MARGIN_MINIMUM, -(-present // MARGIN_SHARE))


def print_voter_codes(workshop: Workshop, count: object) -> list[str]:
    """New codes for the printed sheet, written as people type them ("ABCD-EFGH"). They are
    shown this once: only their hashes are kept, so a lost sheet means printing new codes."""
    lock_workshop(workshop)  # two sheets printed at once both add to the count
    if not workshop.voter_codes:
        raise ActionRefused(_("Switch voter codes on before printing them."))
    if workshop.phase not in PHASES_TO_PRINT:
        raise ActionRefused(_("Voter codes can be printed until the vote closes."))
    if isinstance(count, str) and count.strip().isdigit():
        count = int(count.strip())
    if (
        not isinstance(count, int)
        or isinstance(count, bool)
        or not 1 <= count <= MAX_CODES_PER_PRINT
    ):
        raise ActionRefused(
            _(
                "Print from 1 to %(maximum)s voter codes at a time.",
                maximum=MAX_CODES_PER_PRINT,
            )
        )
    codes: dict[str, str] = {}
    while len(codes) < count:
        code = "".join(secrets.choice(VOTER_CODE_ALPHABET) for _ in range(VOTER_CODE_LENGTH))
        codes.setdefault(_hash(workshop, code), code)
    # A code printed earlier may come up again (about once in 2**40 per pair): draw anew.
    taken = set(
        db.session.scalars(
            select(VoterCode.code_hash).where(
                VoterCode.workshop_id == workshop.id, VoterCode.code_hash.in_(codes)
            )
        )
    )
    for code_hash in taken:
        del codes[code_hash]
    db.session.add_all(VoterCode(workshop_id=workshop.id, code_hash=h) for h in codes)
    workshop.voter_codes_printed += len(codes)
    db.session.commit()
    shown = list(codes.values())
    secrets.SystemRandom().shuffle(shown)
    return [_grouped(code) for code in shown]


def spend_voter_code(workshop: Workshop, raw: object) -> None:
    """Mark the code spent in the caller's open transaction (the ballot's), or roll back and
    raise ActionRefused. One conditional UPDATE does it, so of two ballots sent with the same
    code at the same moment the database lets exactly one through."""
    code = normalize_code(raw)
    if not code:
        db.session.rollback()
        raise ActionRefused(_("Type the voter code from your paper slip."))
    spent = db.session.execute(
        update(VoterCode)
        .where(
            VoterCode.workshop_id == workshop.id,
            VoterCode.code_hash == _hash(workshop, code),
            VoterCode.spent.is_(False),
        )
        .values(spent=True)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount == 1:  # type: ignore[attr-defined]
        return
    db.session.rollback()
    if db.session.get(VoterCode, (workshop.id, _hash(workshop, code))) is not None:
        raise ActionRefused(
            _("This voter code has already been used. Each code works once; ask the facilitator.")
        )
    raise ActionRefused(
        _("This voter code is not valid. Check the code on your slip and type it again.")
    )


def code_counts(workshop: Workshop) -> CodeCounts:
    """Codes printed and used; after the close the codes are gone and the stored count says."""
    closed = workshop.phase in ("results", "closed")
    used = workshop.voter_codes_used if closed else _spent(workshop)
    return CodeCounts(printed=workshop.voter_codes_printed, used=used)


def discard_codes(workshop: Workshop) -> None:
    """At the close, in its transaction: keep how many codes were used, delete every code."""
    workshop.voter_codes_used = _spent(workshop)
    db.session.execute(delete(VoterCode).where(VoterCode.workshop_id == workshop.id))


def _spent(workshop: Workshop) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(VoterCode)
            .where(VoterCode.workshop_id == workshop.id, VoterCode.spent.is_(True))
        )
        or 0
    )


def normalize_code(raw: object) -> str:
    """A code as typed on a phone: any case, with or without the dash or spaces."""
    if not isinstance(raw, str):
        return ""
    return _SEPARATORS.sub("", raw).upper()


def _grouped(code: str) -> str:
    return "-".join(code[i : i + VOTER_CODE_GROUP] for i in range(0, len(code), VOTER_CODE_GROUP))


def _hash(workshop: Workshop, code: str) -> str:
    """Keyed with the app's secret: the codes are short, so a plain hash in a copied database
    could be reversed by trying every code; the key is not in the database."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"voter-code:{workshop.id}:{code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
