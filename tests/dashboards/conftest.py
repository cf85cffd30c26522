"""Fixtures of the dashboards tests: the data sets of tests/factories.py in the test database."""

from __future__ import annotations

import pytest

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
