"""What a deployment configures in files: comment categories, answer templates, holidays, answer days.

Each list is read from the file a setting names (`DIALOGUE_*_FILE`, empty for the packaged file under
`data/`) and cached per path, so a deployment changes its lists without code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from flask import current_app

from survey_app.dialogue.workdays import DEFAULT_HOLIDAYS_FILE, load_holidays

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Category:
    """A comment category (configurable list, domain.md §4)."""

    code: str
    name_vi: str
    name_en: str

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
            Category(r["code"].strip(), r["name_vi"].strip(), r["name_en"].strip())
            for r in csv.DictReader(handle)
        )


def categories() -> tuple[Category, ...]:
    """The comment categories of this deployment (DIALOGUE_CATEGORIES_FILE, default data/categories.csv)."""
    return _load_categories(_configured_file("DIALOGUE_CATEGORIES_FILE", DATA / "categories.csv"))


def category_codes() -> frozenset[str]:
    """The codes a comment's category may take."""
    return frozenset(category.code for category in categories())


def category_name(code: str, language: str) -> str:
    """The display name of a category code (the code itself when unknown)."""
    for category in categories():
        if category.code == code:
            return category.name_in(language)
    return code


def category_names(language: str) -> dict[str, str]:
    """{code: display name} of every category in a UI language."""
    return {category.code: category.name_in(language) for category in categories()}


@lru_cache(maxsize=4)
def _load_lines(path: str) -> tuple[str, ...]:
    with Path(path).open(encoding="utf-8") as handle:
        return tuple(line.strip() for line in handle if line.strip())


def answer_templates() -> tuple[str, ...]:
    """Answer templates offered to departments (DIALOGUE_ANSWER_TEMPLATES_FILE, one per line)."""
    return _load_lines(_configured_file("DIALOGUE_ANSWER_TEMPLATES_FILE", DATA / "answer_templates.txt"))


def holidays() -> frozenset[date]:
    """Public holidays of this deployment (DIALOGUE_HOLIDAYS_FILE, default data/holidays_vn.csv)."""
    return load_holidays(_configured_file("DIALOGUE_HOLIDAYS_FILE", DEFAULT_HOLIDAYS_FILE))


def answer_working_days() -> int:
    """Working days a department has for a written answer (DIALOGUE_ANSWER_WORKING_DAYS)."""
    return int(current_app.config["DIALOGUE_ANSWER_WORKING_DAYS"])
