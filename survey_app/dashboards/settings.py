"""The dashboards' settings, read from the app config at call time (their defaults live in config.py)."""

from __future__ import annotations

from datetime import date

from flask import current_app

from survey_app.analytics import kiosk_pooled
from survey_app.core import clock


def min_n() -> int:
    """The minimum sample below which a figure is withheld (SMALL_SAMPLE_MIN)."""
    return int(current_app.config["SMALL_SAMPLE_MIN"])


def kiosk_target() -> float:
    """The satisfaction rate (percent) units are compared with (KIOSK_TARGET_RATE)."""
    return float(current_app.config["KIOSK_TARGET_RATE"])


def detail_max_units() -> int:
    """Largest subtree (units) broken down by field, counter, staff and hour (DASHBOARD_DETAIL_MAX_UNITS)."""
    return int(current_app.config["DASHBOARD_DETAIL_MAX_UNITS"])


def staff_figures_max_depth() -> int:
    """Levels below a leader's unit whose civil servants' own figures they see (STAFF_FIGURES_MAX_DEPTH)."""
    return int(current_app.config["STAFF_FIGURES_MAX_DEPTH"])


def required_conferences_per_half_year() -> int:
    """Conferences each unit must hold every six months (DIALOGUE_REQUIRED_PER_HALF_YEAR)."""
    return int(current_app.config["DIALOGUE_REQUIRED_PER_HALF_YEAR"])


def pooled_before() -> date | None:
    """Kiosk months before this one are read from the summaries per ancestor; None: all live
    (DASHBOARD_POOLED_MONTHS)."""
    if not current_app.config["DASHBOARD_POOLED_MONTHS"]:
        return None
    return kiosk_pooled.settled_before(clock.today())


def sipas_summaries() -> bool:
    """Whether large subtrees' SIPAS figures come from the summaries per ancestor (DASHBOARD_POOLED_SIPAS)."""
    return bool(current_app.config["DASHBOARD_POOLED_SIPAS"])
