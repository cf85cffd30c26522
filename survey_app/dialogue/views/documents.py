"""The documents of a conference: invitation, minutes and conclusion notice (HTML, DOCX, PDF), and its
follow-up ledger as CSV."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from survey_app.auth.permissions import Capability, require
from survey_app.core import spreadsheets
from survey_app.core.pdf import pdf_download, stylesheet
from survey_app.dialogue import documents
from survey_app.dialogue.exports import ledger_rows
from survey_app.dialogue.views import bp
from survey_app.dialogue.views.context import conference_comments, conference_or_404, labels
from survey_app.models.dialogue import DialogueConference

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class _Response:
    """What the printable documents write for each comment."""

    text = staticmethod(documents.response_text)
    minutes_text = staticmethod(documents.minutes_response_text)
    minutes_handling = staticmethod(documents.minutes_handling_text)
    handling = staticmethod(documents.handling_text)
    speaker = staticmethod(documents.speaker_text)


def _document_context(conference: DialogueConference, kind: str) -> dict:
    """The heading, signatures and per-comment texts of a printable document."""
    return {
        "doc": documents.header(conference, kind),
        "minutes_signatures": documents.minutes_signatures(conference),
        "notice_signature": documents.notice_signature(conference),
        "recipient_lines": documents.recipients(conference),
        "guests": documents.guests_text(conference),
        "response": _Response,
        "participants": documents.participants_text(conference),
        **labels(),
    }


def _document_name(conference: DialogueConference, kind: str) -> str:
    """The download name of a conference document, without its extension."""
    return f"{'bien-ban' if kind == 'minutes' else 'thong-bao-ket-luan'}-{conference.id}"


@bp.get("/<int:conference_id>/invitation")
@require(Capability.enter_data, Capability.read_results)
def invitation(conference_id: int):
    """The printable invitation (giấy mời)."""
    conference = conference_or_404(conference_id)
    return render_template(
        "dialogue/invitation.html", conference=conference, **_document_context(conference, "invitation")
    )


@bp.get("/<int:conference_id>/<any(minutes, conclusion):kind>")
@require(Capability.enter_data, Capability.read_results)
def document(conference_id: int, kind: str):
    """The printable minutes (biên bản) or conclusion notice (thông báo kết luận)."""
    conference = conference_or_404(conference_id)
    return render_template(
        f"dialogue/{kind}.html",
        conference=conference,
        comments=conference_comments(conference),
        **_document_context(conference, kind),
    )


@bp.get("/<int:conference_id>/<any(minutes, conclusion):kind>.docx")
@require(Capability.enter_data, Capability.read_results)
def document_docx(conference_id: int, kind: str):
    """The minutes or the conclusion notice as a Word document."""
    conference = conference_or_404(conference_id)
    comments = conference_comments(conference)
    data = (
        documents.minutes_docx(conference, comments)
        if kind == "minutes"
        else documents.conclusion_docx(conference, comments)
    )
    return Response(
        data,
        mimetype=DOCX_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{_document_name(conference, kind)}.docx"'},
    )


@bp.get("/<int:conference_id>/<any(minutes, conclusion):kind>.pdf")
@require(Capability.enter_data, Capability.read_results)
def document_pdf(conference_id: int, kind: str):
    """The minutes or the conclusion notice as a PDF (the printable page when PDF cannot be made here)."""
    conference = conference_or_404(conference_id)
    download = pdf_download(
        "dialogue/document_pdf.html",
        f"{_document_name(conference, kind)}.pdf",
        kind=kind,
        conference=conference,
        comments=conference_comments(conference),
        document_css=stylesheet("dialogue-document.css"),
        **_document_context(conference, kind),
    )
    if download is None:
        flash(_("PDF is not available on this server; use Print to save the document as PDF."), "error")
        return redirect(url_for("dialogue.document", conference_id=conference.id, kind=kind))
    return download


@bp.get("/<int:conference_id>/comments.csv")
@require(Capability.enter_data, Capability.read_results)
def ledger_csv(conference_id: int):
    """The follow-up ledger as CSV: each comment, its answer, classification, outcome and notice."""
    conference = conference_or_404(conference_id)
    rows = ledger_rows(conference_comments(conference), labels()["category_name"])
    return spreadsheets.csv_response(rows, f"y-kien-hoi-nghi-{conference.id}.csv")
