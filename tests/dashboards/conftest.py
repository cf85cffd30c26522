"""Fixtures of the dashboards tests: the data sets of tests/factories.py in the test database."""

from __future__ import annotations

import pytest

from survey_app.dossiers import services
from survey_app.extensions import db
from tests.dossiers.conftest import add_rating, clock, csv_text, fields  # noqa: F401 - fixtures
from tests.factories import dashboard_dialogue_data, dashboard_kiosk_data, dashboard_sipas_data


@pytest.fixture
def kiosk_data(org):
    """Kiosk roll-ups of January 2026 and December 2025 (see dashboard_kiosk_data)."""
    return dashboard_kiosk_data(org)


@pytest.fixture
def sipas_data(org):
    """Two SIPAS campaigns' counts (see dashboard_sipas_data)."""
    return dashboard_sipas_data(org)


@pytest.fixture
def dialogue_data(org):
    """Conferences and comments of 2025 (see dashboard_dialogue_data)."""
    return dashboard_dialogue_data(org)


@pytest.fixture
def dossier_quarter(org, fields, clock):  # noqa: F811
    """The hand-worked quarter of tests/dossiers (2026Q3, today 05/10/2026) with three kiosk ratings
    carrying dossier codes: D1 very satisfied and dissatisfied, D3 satisfied."""
    assert services.import_csv(csv_text()).ok
    db.session.commit()
    add_rating(org.ward, "D1", "very_satisfied")
    add_rating(org.ward, "D1", "dissatisfied")
    add_rating(org.centre, "D3", "satisfied")
    return org
