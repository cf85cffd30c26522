"""Word (DOCX) documents laid out as Vietnamese administrative texts are (NĐ 30/2020, Phụ lục I)."""

from __future__ import annotations

from docx import Document
from docx.shared import Cm, Pt


def new_document(font_size: int = 13):
    """An A4 document in Times New Roman with the decree's margins: 2 cm top and bottom, 3 cm left,
    2 cm right."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(font_size)
    for section in document.sections:
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin = Cm(3)
        section.right_margin = Cm(2)
    return document
