"""The dashboards' data sets under their former names, for tests/browser/test_dashboards.py only.

They live in tests/factories.py (dashboards section); delete this module once that test imports them there.
"""

from __future__ import annotations

from tests.factories import dashboard_dialogue_data as build_dialogue_data
from tests.factories import dashboard_kiosk_data as build_kiosk_data
from tests.factories import dashboard_sipas_data as build_sipas_data

__all__ = ["build_dialogue_data", "build_kiosk_data", "build_sipas_data"]
