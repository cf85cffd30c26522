"""The ward SIPAS report as a Word document (python-docx): the same sections and figures as the page."""

from __future__ import annotations

import io
from datetime import date

from docx.enum.text import WD_ALIGN_PARAGRAPH
from flask_babel import gettext as _

from survey_app.core.formatting import number, percent, vn_date
from survey_app.core.text import UNSTORABLE
from survey_app.core.word import new_document
from survey_app.sipas.ward_report import QuestionRows, WardReport


def _clean(text: str) -> str:
    """Text Word can hold (no NUL or lone surrogate, which the XML writer refuses)."""
    return UNSTORABLE.sub("", text)


def _table(
    document, header: list[str] | None, rows: list[list[str]], bold_rows: set[int] | None = None
) -> None:
    """A bordered table (with a bold header row when given); every column after the first aligned right."""
    table = document.add_table(rows=1 if header else 0, cols=len(header or rows[0]))
    table.style = "Table Grid"
    for col, text in enumerate(header or []):
        cell = table.rows[0].cells[col]
        cell.paragraphs[0].add_run(_clean(text)).bold = True
    for index, row in enumerate(rows):
        cells = table.add_row().cells
        for col, text in enumerate(row):
            paragraph = cells[col].paragraphs[0]
            run = paragraph.add_run(_clean(text))
            run.bold = bool(bold_rows and index in bold_rows)
            if col:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph()


def _withheld_or(value: float | None, shown: bool = True) -> str:
    return (
        percent(value, 2) if shown and value is not None else (_("not enough sample") if not shown else "–")
    )


def _share_text(share: float | None, valid: int, decimals: int) -> str:
    """A share, "not enough sample" when withheld, "–" when nobody answered."""
    if share is None:
        return _("not enough sample") if valid else "–"
    return percent(share, decimals)


def _question_table(document, item: QuestionRows, stem_shown: bool, estimate: bool) -> None:
    """One question's options; `estimate`: shares of a perception (withheld below the minimum)."""
    if item.stem and not stem_shown:
        document.add_paragraph().add_run(_clean(item.stem)).bold = True
    document.add_paragraph().add_run(_clean(item.text)).italic = True
    rows = []
    for option in item.options:
        share = _share_text(option.share, item.valid, 2) if estimate else percent(option.share, 1)
        rows.append([option.label, number(option.count), share])
    if item.blank or item.dont_know:
        unanswered = _("Blank") + " / " + _("Don't know")
        rows.append([unanswered, f"{number(item.blank)} / {number(item.dont_know)}", ""])
    _table(document, [_("Answer option"), _("Respondents"), _("Share")], rows)


def ward_report_docx(report: WardReport, today: date) -> bytes:
    """The ward report as a .docx file."""
    document = new_document(12)
    q = report.questionnaire
    if report.campaign.owner_unit is not None:
        document.add_paragraph(_clean(report.campaign.owner_unit.name.upper()))
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(_("Report on the satisfaction index of public administrative services").upper()).bold = True
    for line in (
        f"{report.unit.name} ({report.unit.code})",
        f"{report.campaign.name} ({report.campaign.code})",
        _(
            "Period: %(start)s to %(end)s",
            start=vn_date(report.campaign.start_on),
            end=vn_date(report.campaign.end_on),
        ),
        f"{_('Questionnaire')}: {q.title(report.lang)}",
        f"{_('Method')}: {q.method_label}",
    ):
        paragraph = document.add_paragraph(_clean(line))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_heading(_("1. Sample"), level=2)
    sample_rows = [
        [_("Planned sample"), number(report.planned)],
        [_("Responses collected"), number(report.achieved)],
        [_("Share of the planned sample"), percent(report.reached, 1)],
        *[[name, number(n)] for name, n in report.channel_rows],
    ]
    _table(document, None, sample_rows)
    for item in report.sample:
        _question_table(document, item, stem_shown=False, estimate=False)
    document.add_paragraph(
        _(
            "The sample's make-up counts respondents and is shown however small; "
            "it describes who answered, not the population."
        )
    )

    document.add_heading(_("2. Satisfaction indices"), level=2)
    document.add_paragraph(
        _(
            "An index is shown only when every criterion it is built from has at least %(n)s valid answers; "
            "a criterion without any valid answer is left out of its element.",
            n=report.min_n,
        )
    )
    rows, bold = [], set()
    for index, (level, code, label, value, n) in enumerate(report.index_rows()):
        rows.append(
            [label, _withheld_or(value, not report.is_withheld(code)), number(n) if n is not None else ""]
        )
        if level != "criterion":
            bold.add(index)
    _table(document, [_("Aspect, element and criterion"), _("Index"), _("Valid answers")], rows, bold)
    for note in report.left_out_notes():
        document.add_paragraph(_clean(note))

    document.add_heading(_("3. Perceptions"), level=2)
    if not report.perceptions:
        document.add_paragraph(_("The questionnaire of this round has no perception items."))
    previous_stem = ""
    for item in report.perceptions:
        _question_table(document, item, stem_shown=item.stem == previous_stem, estimate=True)
        previous_stem = item.stem

    document.add_heading(_("4. Expectations"), level=2)
    if report.expectations:
        _table(
            document,
            [_("Expectation"), _("Valid answers"), _("Share wanting it (top two levels)")],
            [
                [
                    e.text,
                    number(e.valid),
                    percent(e.share, 2) if e.share is not None else _("not enough sample"),
                ]
                for e in report.expectations
            ],
        )
    else:
        document.add_paragraph(_("The questionnaire of this round has no expectation items."))

    document.add_heading(_("5. Comparison with the previous round"), level=2)
    cmp = report.comparison
    if cmp is None:
        document.add_paragraph(_("No earlier round of this unit has responses."))
    else:
        document.add_paragraph(
            _clean(
                _(
                    "Previous round: %(name)s (%(code)s), %(start)s – %(end)s, %(n)s responses; %(method)s.",
                    name=cmp.campaign.name,
                    code=cmp.campaign.code,
                    start=vn_date(cmp.campaign.start_on),
                    end=vn_date(cmp.campaign.end_on),
                    n=number(cmp.n),
                    method=cmp.method,
                )
            )
        )
        if cmp.predecessors_note:
            document.add_paragraph(_clean(cmp.predecessors_note))
        if not cmp.comparable:
            paragraph = document.add_paragraph()
            paragraph.add_run(_("Not comparable")).bold = True
            paragraph.add_run(
                ": "
                + _(
                    "the two rounds use different measurement methods (%(previous)s, %(current)s).",
                    previous=cmp.method,
                    current=q.method_label,
                )
            )
        else:
            _table(
                document,
                [_("Index"), cmp.campaign.name, report.campaign.name, _("Change (points)")],
                [
                    [row.label, percent(row.previous, 2), percent(row.current, 2), number(row.change, 2)]
                    for row in cmp.rows
                ],
            )
            document.add_paragraph(
                _("–: no figure, or withheld for too few answers in one of the rounds.")
                + " "
                + _("A criterion is compared only where both questionnaires word it the same.")
            )
    document.add_paragraph(_("Printed on %(day)s.", day=vn_date(today)))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
