"""Errors of the kiosk feature."""

from __future__ import annotations


class KioskError(ValueError):
    """A kiosk action the rules do not allow; the message is user-facing."""


class DeviceNotActive(Exception):
    """The device was revoked or paired again since its token was checked; nothing was stored."""
