"""JSON API of the kiosk feature (documented in the OpenAPI file)."""

from flask_smorest import Blueprint

blp = Blueprint("kiosk_api", __name__, url_prefix="/api/v1", description="kiosk")
