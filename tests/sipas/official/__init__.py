"""The official SIPAS questionnaires, item by item, as the tests hold them (issue 19).

Each module transcribes one printed form in its own order and numbering, from the sources that
`../shared/domain-sources.md` §1 names (S30 ward form, S31 national 2022 form, S32 Hà Nội 2026 form of
the 2023-2026 method; the 2017 list is that document's reconstruction). The wording is the form's;
a final full stop is dropped; headings printed in capitals are in sentence case. Nothing here is read
from the questionnaire files: `tests/sipas/test_official_texts.py` compares the files with these lists.

An item whose wording could not be verified carries `unverified="why"`: the test then checks that the
file marks it (`# unverified: …`) and that docs/sipas-unverified.md lists it, not its wording.
"""

from __future__ import annotations

from dataclasses import dataclass

SCALE = ("Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng")
GENDER = ((1, "Nam"), (2, "Nữ"))


@dataclass(frozen=True)
class Row:
    """A rated criterion: its number on the form, its code, its wording."""

    number: str
    code: str
    text: str
    unverified: str = ""


@dataclass(frozen=True)
class Element:
    """An element (yếu tố) and its criteria, in the form's order."""

    code: str
    name: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Aspect:
    """An aspect (khía cạnh) and its elements."""

    code: str
    name: str
    elements: tuple[Element, ...]


@dataclass(frozen=True)
class Ask:
    """A question outside the index: perception, expectation or demographic.

    `stem` is the table question a row belongs to (Câu 1, 2, 3, 7, 8, 10); `options` are (value, wording)
    in the form's order.
    """

    number: str
    code: str
    kind: str
    text: str
    options: tuple[tuple[int, str], ...]
    stem: str = ""
    unverified: str = ""


@dataclass(frozen=True)
class Form:
    """One printed form; `retired` are codes whose meaning changed and that must never come back."""

    version: str
    source: str
    aspects: tuple[Aspect, ...]
    questions: tuple[Ask, ...]
    retired: tuple[str, ...] = ()


def table(number: str, kind: str, stem: str, options, rows, unverified: str = "") -> tuple[Ask, ...]:
    """The rows of a table question: (row number, code, wording) each, sharing stem and options."""
    return tuple(Ask(f"{number}.{n}", code, kind, text, options, stem, unverified) for n, code, text in rows)
