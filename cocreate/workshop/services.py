"""The rules of a workshop. Each public function checks what it may do, changes the database
and commits, or raises ActionRefused having changed nothing.

A façade: the rules live in one module per concern (locking, identity, people, rounds, notes,
shortlist); this module re-exports their public names so callers may keep importing them here."""

from __future__ import annotations

from cocreate.workshop.identity import JOIN_CODE_ALPHABET as JOIN_CODE_ALPHABET
from cocreate.workshop.identity import JOIN_CODE_LENGTH as JOIN_CODE_LENGTH
from cocreate.workshop.identity import KEY_MAX as KEY_MAX
from cocreate.workshop.identity import MAX_ROW_ID as MAX_ROW_ID
from cocreate.workshop.identity import FacilitatorAccess as FacilitatorAccess
from cocreate.workshop.identity import NoteWriter as NoteWriter
from cocreate.workshop.identity import Row as Row
from cocreate.workshop.identity import TableDevice as TableDevice
from cocreate.workshop.identity import create_tablet_link as create_tablet_link
from cocreate.workshop.identity import create_workshop as create_workshop
from cocreate.workshop.identity import facilitator_access as facilitator_access
from cocreate.workshop.identity import facilitator_key_matches as facilitator_key_matches
from cocreate.workshop.identity import hash_token as hash_token
from cocreate.workshop.identity import new_key as new_key
from cocreate.workshop.identity import normalize_join_code as normalize_join_code
from cocreate.workshop.identity import organiser_facilitator_key as organiser_facilitator_key
from cocreate.workshop.identity import participant_by_token as participant_by_token
from cocreate.workshop.identity import revoke_tablet_link as revoke_tablet_link
from cocreate.workshop.identity import rotate_facilitator_key as rotate_facilitator_key
from cocreate.workshop.identity import tablet_for as tablet_for
from cocreate.workshop.identity import tablet_link_active as tablet_link_active
from cocreate.workshop.identity import tablet_links as tablet_links
from cocreate.workshop.identity import workshop_by_code as workshop_by_code
from cocreate.workshop.locking import lock_workshop as lock_workshop
from cocreate.workshop.models import ROLES as ROLES
from cocreate.workshop.notes import CLIENT_ID_MAX as CLIENT_ID_MAX
from cocreate.workshop.notes import NOTE_MAX as NOTE_MAX
from cocreate.workshop.notes import PHASES_WITH_NOTES as PHASES_WITH_NOTES
from cocreate.workshop.notes import add_note as add_note
from cocreate.workshop.notes import current_table as current_table
from cocreate.workshop.notes import delete_note as delete_note
from cocreate.workshop.notes import edit_note as edit_note
from cocreate.workshop.notes import may_edit_note as may_edit_note
from cocreate.workshop.people import NAME_MAX as NAME_MAX
from cocreate.workshop.people import PHASES_OPEN_TO_JOIN as PHASES_OPEN_TO_JOIN
from cocreate.workshop.people import PHASES_WHO_TAKES_PART as PHASES_WHO_TAKES_PART
from cocreate.workshop.people import PHASES_WITH_SEATING as PHASES_WITH_SEATING
from cocreate.workshop.people import admit as admit
from cocreate.workshop.people import count_taking_part as count_taking_part
from cocreate.workshop.people import join as join
from cocreate.workshop.people import move_home as move_home
from cocreate.workshop.people import require_admitted as require_admitted
from cocreate.workshop.people import set_joining as set_joining
from cocreate.workshop.people import set_present as set_present
from cocreate.workshop.people import set_role as set_role
from cocreate.workshop.people import volunteer as volunteer
from cocreate.workshop.rounds import EXTEND_SECONDS as EXTEND_SECONDS
from cocreate.workshop.rounds import begin_consolidation as begin_consolidation
from cocreate.workshop.rounds import end_round as end_round
from cocreate.workshop.rounds import extend_round as extend_round
from cocreate.workshop.rounds import pause_round as pause_round
from cocreate.workshop.rounds import resume_round as resume_round
from cocreate.workshop.rounds import seat_table as seat_table
from cocreate.workshop.rounds import seating as seating
from cocreate.workshop.rounds import start_next_round as start_next_round
from cocreate.workshop.shortlist import CHALLENGE_MAX as CHALLENGE_MAX
from cocreate.workshop.shortlist import add_alike_notes as add_alike_notes
from cocreate.workshop.shortlist import add_challenge as add_challenge
from cocreate.workshop.shortlist import edit_challenge as edit_challenge
from cocreate.workshop.shortlist import merge_note as merge_note
from cocreate.workshop.shortlist import remove_challenge as remove_challenge
