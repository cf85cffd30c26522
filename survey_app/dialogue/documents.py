"""Minutes (biên bản) and conclusion notice (thông báo kết luận) in the Vietnamese administrative layout."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from flask_babel import get_locale
from flask_babel import gettext as _

from survey_app.core import clock
from survey_app.dialogue.vocabulary import category_names
from survey_app.models.dialogue import DialogueComment, DialogueConference, SpeakerKind

PLACE_PREFIX = re.compile(r"^(Thành phố|Tỉnh|Quận|Huyện|Thị xã|Phường|Xã|Thị trấn)\s+", re.IGNORECASE)
# Control characters other than tab/newline are not allowed in Word's XML.
XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class DocHeader:
    """The two-column heading of an administrative document."""

    authority: str
    body: str
    nation: str
    motto: str
    place_date: str


def place_name(unit_name: str) -> str:
    """'Quận Tây Hồ' → 'Tây Hồ', as written before the date line."""
    return PLACE_PREFIX.sub("", unit_name).strip()


def header(conference: DialogueConference) -> DocHeader:
    """The heading of every document of a conference, dated on the conference day."""
    day = clock.local_date(conference.held_at)
    return DocHeader(
        authority=_("PEOPLE'S COMMITTEE"),
        body=conference.host_unit.name.upper(),
        nation=_("SOCIALIST REPUBLIC OF VIETNAM"),
        motto=_("Independence - Freedom - Happiness"),
        place_date=_(
            "%(place)s, day %(day)s month %(month)s year %(year)d",
            place=place_name(conference.host_unit.name),
            day=f"{day.day:02d}",
            month=f"{day.month:02d}",
            year=day.year,
        ),
    )


def response_text(comment: DialogueComment) -> str:
    """What was answered, or to whom and by when the comment was assigned."""
    if comment.answered_on_spot:
        return _(
            "Answered at the conference by %(who)s: %(answer)s",
            who=comment.answered_by,
            answer=comment.answer,
        )
    if comment.answer:
        return _("Answered in writing by %(who)s: %(answer)s", who=comment.answered_by, answer=comment.answer)
    if comment.forwarded_to:
        return _("Forwarded to %(body)s.", body=comment.forwarded_to)
    if comment.department is not None:
        return _(
            "Assigned to %(department)s for a written answer by %(date)s.",
            department=comment.department.name,
            date=comment.due_on.strftime("%d/%m/%Y") if comment.due_on else "",
        )
    return _("Recorded; the response is still to be decided.")


def participants_text(conference: DialogueConference) -> str:
    """Who took part: the counts taken at the conference, else the number invited."""
    orgs, people = conference.participant_organisations, conference.participant_individuals
    if orgs is None and people is None and conference.expected_participants is not None:
        return _(
            "Representatives of %(n)d organisations and individuals.", n=conference.expected_participants
        )
    return _(
        "Organisations and businesses: %(orgs)s; individuals: %(people)s.",
        orgs=orgs if orgs is not None else "–",
        people=people if people is not None else "–",
    )


def speaker_labels() -> dict[SpeakerKind, str]:
    """The kinds of speaker translated once, for a document that names hundreds of speakers."""
    return {kind: kind.label for kind in SpeakerKind}


def speaker_text(comment: DialogueComment, labels: Mapping[SpeakerKind, str]) -> str:
    """The speaker as written in the minutes (`labels`: the translated kinds of speaker)."""
    parts = [labels[comment.speaker_kind]]
    if comment.speaker_name:
        parts.append(comment.speaker_name)
    if comment.speaker_organisation:
        parts.append(comment.speaker_organisation)
    return ", ".join(parts)


def _clean(text: str) -> str:
    return XML_UNSAFE.sub("", text or "")


def _heading_table(document, head: DocHeader, title: str, subtitle: str) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    for cell, lines in (
        (left, [(head.authority, False), (head.body, True)]),
        (right, [(head.nation, True), (head.motto, True)]),
    ):
        cell.paragraphs[0].text = ""
        for i, (line, bold) in enumerate(lines):
            paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(_clean(line))
            run.bold = bold
    date_line = document.add_paragraph()
    date_line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    date_line.add_run(_clean(head.place_date)).italic = True
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(14)
    sub = document.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.add_run(_clean(subtitle)).bold = True


def _new_document():
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    for section in document.sections:
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin = Cm(3)
        section.right_margin = Cm(2)
    return document


def _signatures(document, left: str, right: str, right_name: str) -> None:
    table = document.add_table(rows=2, cols=2)
    for col, text in enumerate((left, right)):
        cell = table.rows[0].cells[col]
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].add_run(text).bold = True
    name_cell = table.rows[1].cells[1]
    name_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    name_cell.paragraphs[0].add_run("\n\n\n" + _clean(right_name))


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def minutes_docx(conference: DialogueConference, comments: list[DialogueComment]) -> bytes:
    """The minutes as a Word document."""
    categories = category_names(str(get_locale() or "vi"))
    speakers = speaker_labels()
    head = header(conference)
    document = _new_document()
    _heading_table(document, head, _("MINUTES"), conference.title)
    document.add_paragraph(_("I. Time and venue")).runs[0].bold = True
    document.add_paragraph(
        _clean(
            _(
                "At %(time)s, at %(venue)s, %(host)s held the conference (%(form)s).",
                time=conference.held_at.astimezone(clock.local_zone()).strftime("%H:%M %d/%m/%Y"),
                venue=conference.venue,
                host=conference.host_unit.name,
                form=conference.form.label,
            )
        )
    )
    document.add_paragraph(_("II. Participants")).runs[0].bold = True
    document.add_paragraph(_clean(_("Chair: %(chair)s", chair=conference.chair)))
    document.add_paragraph(_clean(_("Co-organiser: %(co)s", co=conference.co_organiser)))
    invited = "; ".join(i.unit.name for i in conference.invitees)
    document.add_paragraph(_clean(_("Invited units: %(units)s", units=invited or "–")))
    document.add_paragraph(_clean(participants_text(conference)))
    document.add_paragraph(_("III. Comments and answers")).runs[0].bold = True
    document.add_paragraph(_("The conference received %(n)d comments:", n=len(comments)))
    for comment in comments:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{comment.number}. ").bold = True
        category = categories.get(comment.category, comment.category)
        paragraph.add_run(_clean(f"{speaker_text(comment, speakers)} — {category}: {comment.content}"))
        answer = document.add_paragraph(_clean(response_text(comment)))
        answer.paragraph_format.left_indent = Cm(1)
    document.add_paragraph(_("IV. Conclusions")).runs[0].bold = True
    document.add_paragraph(_clean(conference.conclusion or "…"))
    _signatures(document, _("SECRETARY"), _("CHAIR"), conference.chair)
    return _save(document)


def conclusion_docx(conference: DialogueConference, comments: list[DialogueComment]) -> bytes:
    """The conclusion notice as a Word document."""
    head = header(conference)
    document = _new_document()
    _heading_table(document, head, _("NOTICE OF CONCLUSIONS"), conference.title)
    on_spot = sum(1 for c in comments if c.answered_on_spot)
    document.add_paragraph(
        _clean(
            _(
                "On %(date)s, %(host)s held %(title)s, chaired by %(chair)s. %(n)d comments were raised; "
                "%(spot)d were answered at the conference, the others are answered in writing.",
                date=clock.local_date(conference.held_at).strftime("%d/%m/%Y"),
                host=conference.host_unit.name,
                title=conference.title,
                chair=conference.chair,
                n=len(comments),
                spot=on_spot,
            )
        )
    )
    document.add_paragraph(_("Conclusions of the chair:")).runs[0].bold = True
    document.add_paragraph(_clean(conference.conclusion or "…"))
    for comment in comments:
        if not comment.answered_on_spot:
            document.add_paragraph(_clean(f"{comment.number}. {comment.content} — {response_text(comment)}"))
    _signatures(document, "", _("ON BEHALF OF THE PEOPLE'S COMMITTEE"), conference.chair)
    return _save(document)
