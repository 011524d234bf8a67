"""The one exception services raise when an action is refused."""


class ActionRefused(Exception):
    """A request that breaks a rule: the message is for the person who sent it, and nothing
    was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
