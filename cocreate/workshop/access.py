"""Finding the workshop an HTTP request names, and checking a facilitator link: one place for
every blueprint, each page in the workshop's language."""

from __future__ import annotations

from flask import abort

from cocreate.i18n import _, use_workshop_language
from cocreate.workshop import services
from cocreate.workshop.models import Workshop


def unknown_code_message(code: str) -> str:
    return _("No workshop has the code “%(code)s”. Check the code on the screen.", code=code)


def workshop_or_404(code: str) -> Workshop:
    workshop = services.workshop_by_code(code)
    if workshop is None:
        abort(404, description=unknown_code_message(code))
    use_workshop_language(workshop.language)
    return workshop


def facilitated_or_403(code: str, key: str) -> Workshop:
    workshop = workshop_or_404(code)
    if not services.facilitator_key_matches(workshop, key):
        abort(
            403,
            description=_(
                "This facilitator link is not valid: it may have been replaced by a new one. "
                "Open the facilitator view from the organiser's page, or ask the organiser "
                "for the current link."
            ),
        )
    return workshop
