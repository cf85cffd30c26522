"""kiosk feature package."""
