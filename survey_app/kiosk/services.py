"""Former home of the kiosk's rules, now split by job (devices, validation, ingest, group_commit, writing,
rollups, review); kept for callers outside the feature that import from here: tests/browser/test_kiosk.py.
"""

from __future__ import annotations

from survey_app.kiosk.devices import register_device, register_device_with_token

__all__ = ["register_device", "register_device_with_token"]
