"""Audit log: recording administrative actions and browsing them."""
