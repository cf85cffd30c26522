"""HTML pages of the kiosk feature."""

from flask import Blueprint

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
