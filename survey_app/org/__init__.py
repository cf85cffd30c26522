"""Organisational units, counters, staff and procedure fields."""
