"""What a deployment configures in files: comment categories, answer templates, holidays, answer days.

Each list is read from the file a setting names (`DIALOGUE_*_FILE`, empty for the packaged file under
`data/`) and cached per path, so a deployment changes its lists without code.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from flask import current_app

from survey_app.dialogue.workdays import DEFAULT_HOLIDAYS_FILE, WorkCalendar, load_calendar

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Category:
    """A comment category (configurable list, domain.md §4)."""

    code: str
    name_vi: str
    name_en: str
    # About an administrative regulation itself (NĐ 20/2008 Điều 5, 2–5 and 8): its handling ends in an
    # outcome of Điều 15 (amend, abolish, keep and explain, recommend); column `regulation` = yes.
    regulation: bool = False

    def name_in(self, language: str) -> str:
        """The category's name in a UI language."""
        return self.name_en if language == "en" else self.name_vi


def _configured_file(setting: str, packaged: Path) -> str:
    """The file a setting names, or the packaged one when the setting is empty."""
    return str(current_app.config[setting] or packaged)


@lru_cache(maxsize=4)
def _load_categories(path: str) -> tuple[Category, ...]:
    with Path(path).open(encoding="utf-8") as handle:
        return tuple(
            Category(
                r["code"].strip(),
                r["name_vi"].strip(),
                r["name_en"].strip(),
                (r.get("regulation") or "").strip().lower() in ("yes", "1", "true", "x"),
            )
            for r in csv.DictReader(handle)
        )


def categories() -> tuple[Category, ...]:
    """The comment categories of this deployment (DIALOGUE_CATEGORIES_FILE, default data/categories.csv)."""
    return _load_categories(_configured_file("DIALOGUE_CATEGORIES_FILE", DATA / "categories.csv"))


def category_codes() -> frozenset[str]:
    """The codes a comment's category may take."""
    return frozenset(category.code for category in categories())


def regulation_categories() -> frozenset[str]:
    """The codes of the categories about an administrative regulation (their handling has an outcome)."""
    return frozenset(category.code for category in categories() if category.regulation)


def category_name(code: str, language: str) -> str:
    """The display name of a category code (the code itself when unknown)."""
    for category in categories():
        if category.code == code:
            return category.name_in(language)
    return code


def category_names(language: str) -> dict[str, str]:
    """{code: display name} of every category in a UI language."""
    return {category.code: category.name_in(language) for category in categories()}


# A blank an answer template leaves for the department to fill in: text in square brackets ("[ngày]"), or an
# ellipsis standing on its own ("trước ngày …", not "hộ khẩu…"). The one definition: the service refuses
# an answer holding one, and the packaged templates are written with it.
PLACEHOLDER = re.compile(r"\[[^\[\]\n]{0,80}\]|(?<!\w)…")
TEMPLATE_NAME_SEPARATOR = "|"
UNNAMED_TEMPLATE_WORDS = 8  # Vietnamese words are syllables: eight make a short phrase


@dataclass(frozen=True)
class AnswerTemplate:
    """An answer template offered to departments: the name its button shows and the text it inserts."""

    name: str
    text: str


def unfilled_placeholders(text: str) -> list[str]:
    """The template blanks still in a text, in order (an empty list when every blank is filled)."""
    return [match.group(0) for match in PLACEHOLDER.finditer(text or "")]


def _template_of(line: str) -> AnswerTemplate:
    """`name|text`; a line of the older format (the text alone) is named by its first words."""
    name, separator, text = line.partition(TEMPLATE_NAME_SEPARATOR)
    if separator and name.strip() and text.strip():
        return AnswerTemplate(name.strip(), text.strip())
    words = line.split()
    short = " ".join(words[:UNNAMED_TEMPLATE_WORDS])
    return AnswerTemplate(short + (" …" if len(words) > UNNAMED_TEMPLATE_WORDS else ""), line)


@lru_cache(maxsize=4)
def _load_templates(path: str) -> tuple[AnswerTemplate, ...]:
    with Path(path).open(encoding="utf-8") as handle:
        lines = (line.strip() for line in handle)
        return tuple(_template_of(line) for line in lines if line and not line.startswith("#"))


def answer_templates() -> tuple[AnswerTemplate, ...]:
    """Answer templates offered to departments (DIALOGUE_ANSWER_TEMPLATES_FILE, one `name|text` a line;
    `#` starts a comment line; a line without `|` is a template of the older format, named by its words)."""
    return _load_templates(_configured_file("DIALOGUE_ANSWER_TEMPLATES_FILE", DATA / "answer_templates.txt"))


def work_calendar() -> WorkCalendar:
    """Public holidays and make-up working days of this deployment (DIALOGUE_HOLIDAYS_FILE, default
    data/holidays_vn.csv)."""
    return load_calendar(_configured_file("DIALOGUE_HOLIDAYS_FILE", DEFAULT_HOLIDAYS_FILE))


def holidays() -> frozenset[date]:
    """Public holidays of this deployment (the days off of `work_calendar()`)."""
    return work_calendar().holidays


def answer_working_days() -> int:
    """Working days a department has for a written answer (DIALOGUE_ANSWER_WORKING_DAYS)."""
    return int(current_app.config["DIALOGUE_ANSWER_WORKING_DAYS"])
