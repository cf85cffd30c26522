"""The one error of the dialogue rules, raised by every service module of the feature."""

from __future__ import annotations


class DialogueError(ValueError):
    """A change the conference rules do not allow; the message is user-facing.

    `field` names the input the message belongs to ("answer", "department"), so a page shows it beside
    that field and the JSON API lists it under that name; None for a refusal of the whole change.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
