"""The usage examples in the pure modules' docstrings are doctests: they run here, so they
cannot go stale (the tally's once showed a ranking Schulze does not give)."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["cocreate.voting.tally", "cocreate.rotation"])
def test_the_usage_example_gives_what_it_shows(name: str) -> None:
    module = importlib.import_module(name)  # the module, not what its package re-exports
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0, f"{name} has no example"
    assert failures == 0
