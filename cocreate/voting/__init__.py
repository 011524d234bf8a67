"""Voting: the pure tally API.

Only the pure tally module is re-exported here; the database models and services live in
their own modules and must be imported explicitly, so importing this package never pulls in
the database layer.
"""

from cocreate.voting.tally import (
    METHODS,
    InvalidBallot,
    TallyResult,
    tally,
    validate_ballot,
)

__all__ = ["METHODS", "InvalidBallot", "TallyResult", "tally", "validate_ballot"]
