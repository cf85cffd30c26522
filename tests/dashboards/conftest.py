"""Fixtures of the dashboards tests: the data of tests/dashboards/data.py in the test database."""

from __future__ import annotations

import pytest

from tests.dashboards.data import build_dialogue_data, build_kiosk_data, build_sipas_data


@pytest.fixture
def kiosk_data(org):
    """Kiosk roll-ups of January 2026 and December 2025 (see build_kiosk_data)."""
    return build_kiosk_data(org)


@pytest.fixture
def sipas_data(org):
    """Two SIPAS campaigns' counts (see build_sipas_data)."""
    return build_sipas_data(org)


@pytest.fixture
def dialogue_data(org):
    """Conferences and comments of 2025 (see build_dialogue_data)."""
    return build_dialogue_data(org)
