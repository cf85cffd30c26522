"""Minutes (biên bản) and conclusion notice (thông báo kết luận) in the Vietnamese administrative layout."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from flask_babel import get_locale
from flask_babel import gettext as _

from survey_app.core import clock
from survey_app.core.word import new_document
from survey_app.dialogue.vocabulary import category_names
from survey_app.models.dialogue import (
    CommentStatus,
    DialogueComment,
    DialogueConference,
    SignerCapacity,
    SpeakerKind,
)

PLACE_PREFIX = re.compile(r"^(Thành phố|Tỉnh|Quận|Huyện|Thị xã|Phường|Xã|Thị trấn)\s+", re.IGNORECASE)
# Control characters other than tab/newline are not allowed in Word's XML.
XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# Ký hiệu of each document of a People's Committee (NĐ 30/2020, Phụ lục III: BB biên bản, TB thông báo,
# GM giấy mời; UBND the issuing body).
SYMBOLS = {"minutes": "BB-UBND", "conclusion": "TB-UBND", "invitation": "GM-UBND"}


@dataclass
class DocHeader:
    """The two-column heading of an administrative document (NĐ 30/2020, Phụ lục I, mục II.1–4)."""

    authority: str
    body: str
    number: str
    nation: str
    motto: str
    place_date: str


@dataclass
class Signature:
    """A signature block: the capacity lines (TM./KT./TL. and the title) and the name under them."""

    lines: list[str]
    name: str


def place_name(unit_name: str) -> str:
    """'Quận Tây Hồ' → 'Tây Hồ', as written before the date line."""
    return PLACE_PREFIX.sub("", unit_name).strip()


def decree30_day_month(day: date) -> tuple[str, str]:
    """The day and month as a document's date writes them.

    NĐ 30/2020, Phụ lục I, mục II.4.b: "đối với những số thể hiện ngày nhỏ hơn 10 và tháng 1, 2 phải ghi
    thêm số 0 phía trước" — so "ngày 01 tháng 6", "ngày 15 tháng 02", "ngày 05 tháng 12".
    """
    return f"{day.day:02d}", f"{day.month:02d}" if day.month < 3 else str(day.month)


def document_number(conference: DialogueConference, kind: str) -> str:
    """'Số: 12/BB-UBND', or 'Số: …/BB-UBND' until the clerk gives the number."""
    given = {"minutes": conference.minutes_number, "conclusion": conference.notice_number}.get(kind, "")
    return _("No.: %(number)s/%(symbol)s", number=given or "…", symbol=SYMBOLS[kind])


def header(conference: DialogueConference, kind: str = "minutes") -> DocHeader:
    """The heading of a document of a conference (`kind`: minutes, conclusion, invitation), dated on the
    conference day."""
    day, month = decree30_day_month(clock.local_date(conference.held_at))
    return DocHeader(
        authority=_("PEOPLE'S COMMITTEE"),
        body=conference.host_unit.name.upper(),
        number=document_number(conference, kind),
        nation=_("SOCIALIST REPUBLIC OF VIETNAM"),
        motto=_("Independence - Freedom - Happiness"),
        place_date=_(
            "%(place)s, day %(day)s month %(month)s year %(year)d",
            place=place_name(conference.host_unit.name),
            day=day,
            month=month,
            year=clock.local_date(conference.held_at).year,
        ),
    )


def notice_signature(conference: DialogueConference) -> Signature:
    """Who signs the conclusion notice: TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH when the chair signs for the
    committee, KT. CHỦ TỊCH / PHÓ CHỦ TỊCH when a vice-chair signs for the chair, TL. CHỦ TỊCH / CHÁNH VĂN
    PHÒNG when the office chief signs by the chair's order (NĐ 30/2020, Phụ lục I, mục II.7)."""
    lines = {
        SignerCapacity.chair: [_("ON BEHALF OF THE PEOPLE'S COMMITTEE"), _("CHAIRMAN")],
        SignerCapacity.vice_chair: [_("FOR THE CHAIRMAN"), _("VICE CHAIRMAN")],
        SignerCapacity.office_chief: [_("BY ORDER OF THE CHAIRMAN"), _("CHIEF OF THE OFFICE")],
    }[conference.signer_capacity]
    return Signature(lines=lines, name=conference.signer_name)


def minutes_signatures(conference: DialogueConference) -> tuple[Signature, Signature]:
    """The secretary (left) and the chair (right) sign the minutes."""
    return Signature([_("SECRETARY")], ""), Signature([_("CHAIR")], conference.chair)


def recipients(conference: DialogueConference) -> list[str]:
    """The lines of "Nơi nhận:", each starting "- " (blank field: the invited units and the file copy)."""
    lines = [line.strip() for line in conference.recipients.splitlines() if line.strip()]
    if not lines:
        lines = [_("Units invited to the conference;"), _("Filed: VT.")]
    return [line if line.startswith(("-", "–")) else f"- {line}" for line in lines]


def guests_text(conference: DialogueConference) -> str:
    """Who attended without organising, in one line."""
    return "; ".join(line.strip() for line in conference.guests.splitlines() if line.strip())


def minutes_response_text(comment: DialogueComment) -> str:
    """What the minutes say of a comment: the answer given at the conference and who gave it, else who
    answers it in writing. An answer given in writing later is the conclusion notice's, never the minutes'."""
    if comment.answered_on_spot:
        return response_text(comment)
    if comment.department is not None:
        return _assignment_text(comment)
    return _("Recorded at the conference; no answer was given there.")


def _assignment_text(comment: DialogueComment) -> str:
    return _(
        "Assigned to %(department)s for a written answer by %(date)s.",
        department=comment.department.name,
        date=comment.due_on.strftime("%d/%m/%Y") if comment.due_on else "",
    )


def written_answerer(comment: DialogueComment) -> str:
    """Who gave a written answer as the documents name them: the name recorded with it, else the competent
    body of a forwarded comment or the department that answers (never a user's login)."""
    if comment.answered_by:
        return comment.answered_by
    if comment.forwarded_to:
        return comment.forwarded_to
    return comment.department.name if comment.department is not None else ""


def response_text(comment: DialogueComment) -> str:
    """What was answered, or to whom and by when the comment was assigned."""
    if comment.answered_on_spot:
        return _(
            "Answered at the conference by %(who)s: %(answer)s",
            who=comment.answered_by,
            answer=comment.answer,
        )
    if comment.answer:
        return _(
            "Answered in writing by %(who)s: %(answer)s", who=written_answerer(comment), answer=comment.answer
        )
    if comment.forwarded_to:
        return _("Forwarded to %(body)s.", body=comment.forwarded_to)
    if comment.department is not None:
        return _assignment_text(comment)
    return _("Recorded; the response is still to be decided.")


def _classification_parts(comment: DialogueComment) -> list[str]:
    """The classification (NĐ 20/2008 Điều 14) and the outcome (Điều 15), labelled as the comment page."""
    parts = []
    if comment.competence is not None:
        parts.append(f"{_('Competence')}: {comment.competence.label}")
    if comment.basis is not None:
        parts.append(f"{_('Basis to handle it')}: {comment.basis.label}")
    if comment.handling_outcome is not None:
        parts.append(f"{_('Outcome of the handling')}: {comment.handling_outcome.label}")
    return parts


def minutes_handling_text(comment: DialogueComment) -> str:
    """The handling the minutes record of a comment answered at the conference (its classification, if made
    before, and the outcome its answer carries); "" for any other, whose handling comes after the minutes."""
    if not comment.answered_on_spot:
        return ""
    return "; ".join(_classification_parts(comment))


def handling_text(comment: DialogueComment) -> str:
    """The handling the conclusion notice records of a comment left for a written answer: its
    classification, the outcome of its answer and whether the result was sent to the speaker (the date and
    the means; the reference may hold the speaker's address, which no document prints)."""
    if comment.answered_on_spot:
        return ""
    parts = _classification_parts(comment)
    if comment.notified_on is not None and comment.notice_means is not None:
        parts.append(
            f"{_('Result sent to the speaker')}: "
            f"{comment.notified_on.strftime('%d/%m/%Y')} · {comment.notice_means.label}"
        )
    elif (
        comment.status in (CommentStatus.answered, CommentStatus.published) and not comment.identified_speaker
    ):
        parts.append(f"{_('Result sent to the speaker')}: {_('Anonymous: the result is published')}")
    return "; ".join(parts)


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
        (left, [(head.authority, True, False), (head.body, True, False), (head.number, False, False)]),
        (right, [(head.nation, True, False), (head.motto, True, False), (head.place_date, False, True)]),
    ):
        cell.paragraphs[0].text = ""
        for i, (line, bold, italic) in enumerate(lines):
            paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(_clean(line))
            run.bold = bold
            run.italic = italic
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(14)
    sub = document.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.add_run(_clean(subtitle)).bold = True


def _signature_cell(cell, signature: Signature) -> None:
    cell.paragraphs[0].text = ""
    for i, line in enumerate(signature.lines):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(_clean(line)).bold = True
    name = cell.add_paragraph()
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    name.add_run("\n\n\n" + _clean(signature.name)).bold = True


def _recipients_cell(cell, lines: list[str]) -> None:
    cell.paragraphs[0].text = ""
    label = cell.paragraphs[0].add_run(_("Recipients:"))
    label.bold = label.italic = True
    for line in lines:
        cell.add_paragraph().add_run(_clean(line)).font.size = Pt(11)


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def minutes_docx(conference: DialogueConference, comments: list[DialogueComment]) -> bytes:
    """The minutes as a Word document: the answers given at the conference, who gave them."""
    categories = category_names(str(get_locale() or "vi"))
    speakers = speaker_labels()
    head = header(conference, "minutes")
    document = new_document()
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
    if conference.co_organiser:
        document.add_paragraph(_clean(_("Co-organiser: %(co)s", co=conference.co_organiser)))
    if conference.guests:
        document.add_paragraph(_clean(_("Attending: %(guests)s", guests=guests_text(conference))))
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
        answer = document.add_paragraph(_clean(minutes_response_text(comment)))
        answer.paragraph_format.left_indent = Cm(1)
        if handling := minutes_handling_text(comment):
            document.add_paragraph(_clean(handling)).paragraph_format.left_indent = Cm(1)
    document.add_paragraph(_("IV. Conclusions")).runs[0].bold = True
    document.add_paragraph(_clean(conference.conclusion or "…"))
    table = document.add_table(rows=1, cols=2)
    for cell, signature in zip(table.rows[0].cells, minutes_signatures(conference), strict=True):
        _signature_cell(cell, signature)
    _recipients_cell(document.add_table(rows=1, cols=1).rows[0].cells[0], recipients(conference))
    return _save(document)


def conclusion_docx(conference: DialogueConference, comments: list[DialogueComment]) -> bytes:
    """The conclusion notice as a Word document: the chair's conclusions and the answers given in writing."""
    head = header(conference, "conclusion")
    document = new_document()
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
            if handling := handling_text(comment):
                document.add_paragraph(_clean(handling)).paragraph_format.left_indent = Cm(1)
    left, right = document.add_table(rows=1, cols=2).rows[0].cells
    _recipients_cell(left, recipients(conference))
    _signature_cell(right, notice_signature(conference))
    return _save(document)
