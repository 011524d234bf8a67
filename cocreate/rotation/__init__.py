"""Pure rotation planner for World Café rounds (and social-golfer mixers).

No web framework or database here: an import-linter contract keeps this package pure.

Usage (a doctest: tests/unit/test_usage_examples.py runs it)::

    >>> homes = {f"p{i}": i % 3 for i in range(9)}  # nine people, three home tables
    >>> rounds = plan_rotation(homes, 3, 3, seed=1)  # round 0 at home, one move, back home
    >>> len(rounds), rounds[0] == homes, rounds[-1] == homes
    (3, True, True)
    >>> score = score_plan(rounds, homes)
    >>> score.revisits, score.max_imbalance  # nobody back at a table, tables of three
    (0, 0)
"""

from cocreate.rotation.planner import plan_rotation
from cocreate.rotation.score import PlanScore, score_plan

__all__ = ["PlanScore", "plan_rotation", "score_plan"]
