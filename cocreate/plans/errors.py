"""The one exception a plan problem raises."""

from __future__ import annotations


class PlanError(ValueError):
    """A plan that cannot be used, with where and why, e.g.
    ``sessions/x.toml: rounds[2].minutes: Must be a number, not text ("ten").``

    ``field`` is a dotted path counting entries from 1 as people do (``rounds[2].minutes``),
    or ``line 3, column 7`` for a TOML syntax error, or ``file`` when the file is unreadable.
    """

    def __init__(self, source: str, field: str, problem: str) -> None:
        super().__init__(f"{source}: {field}: {problem}")
        self.source = source
        self.field = field
        self.problem = problem

    def __reduce__(self) -> tuple[type[PlanError], tuple[str, str, str]]:
        # Keeps the error picklable (e.g. across worker processes) despite the custom init.
        return (type(self), (self.source, self.field, self.problem))
