"""Pure rotation planner for World Café rounds (and social-golfer mixers).

No web framework or database here: an import-linter contract keeps this package pure.
"""

from cocreate.rotation.planner import plan_rotation
from cocreate.rotation.score import PlanScore, score_plan

__all__ = ["PlanScore", "plan_rotation", "score_plan"]
