"""Faults: a fifth of the phones' connections are reset at random in every round and twice
during the vote (a TCP proxy on loopback, bench/phones/phones.mjs). Afterwards nothing typed
is lost or stored twice, every ballot is counted exactly once, and every phone's screen, built
from the pushes it got, is what a fresh pull from the server shows.

Runs the load benchmark's real workshop with 30 phones (`make bench-deps` installs them).
"""

from __future__ import annotations

import pytest

from bench import load

PHONES = 30

pytestmark = pytest.mark.server


def test_dropped_connections_lose_nothing_and_count_every_ballot_once() -> None:
    run = load.cocreate(PHONES, "gevent", drop=0.2)
    counts = run.counts | run.extra
    assert counts["connections reset"] > 0, "the proxy reset nothing: the test tested nothing"
    assert counts.get("reconnects", 0) > 0
    writers = PHONES  # a fifth of the room writes a note in each of the five rounds
    assert counts["notes acked"] == writers
    assert counts["notes stored"] == writers
    assert counts["notes stored twice"] == 0
    assert counts["ballots acked"] == PHONES
    assert counts["ballots counted"] == PHONES
    assert counts.get("ballots refused", 0) == 0
    assert counts["phones matching the server"] == PHONES
    assert not {k: v for k, v in counts.items() if k.endswith("missed") and v}
