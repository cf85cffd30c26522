"""Models of the kiosk feature."""
