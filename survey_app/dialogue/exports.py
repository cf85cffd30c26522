"""The follow-up ledger of a conference as a spreadsheet: each comment with its answer and its handling."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from flask_babel import gettext as _

from survey_app.models.dialogue import DialogueComment


def _label(value) -> str:
    return value.label if value is not None else ""


def ledger_header() -> list[str]:
    """The column titles, in the UI language."""
    return [
        "#",
        _("Speaker"),
        _("Name of the speaker"),
        _("Organisation / business"),
        _("Contact"),
        _("Channel"),
        _("Category"),
        _("Content"),
        _("Status"),
        _("Department"),
        _("Due date"),
        _("Forwarded to"),
        _("Competence"),
        _("Basis to handle it"),
        _("Outcome of the handling"),
        _("Answer"),
        _("Answered by"),
        _("Result sent to the speaker"),
        _("Sent by"),
        _("Reference"),
    ]


def ledger_rows(
    comments: Sequence[DialogueComment], category_name: Callable[[str], str]
) -> Iterator[list[Any]]:
    """The header and one row per comment, for `core.spreadsheets` (which neutralises formula-like text)."""
    yield ledger_header()
    for c in comments:
        yield [
            c.number,
            c.speaker_kind.label,
            c.speaker_name,
            c.speaker_organisation,
            c.speaker_contact,
            c.channel.label,
            category_name(c.category),
            c.content,
            c.status.label,
            c.department.name if c.department else "",
            c.due_on,
            c.forwarded_to,
            _label(c.competence),
            _label(c.basis),
            _label(c.handling_outcome),
            c.answer,
            c.answered_by,
            c.notified_on,
            _label(c.notice_means),
            c.notice_reference,
        ]
