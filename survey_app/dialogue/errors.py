"""The one error of the dialogue rules, raised by every service module of the feature."""

from __future__ import annotations


class DialogueError(ValueError):
    """A change the conference rules do not allow; the message is user-facing."""
