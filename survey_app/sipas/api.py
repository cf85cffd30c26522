"""JSON API of the sipas feature (documented in the OpenAPI file)."""

from flask_smorest import Blueprint

blp = Blueprint("sipas_api", __name__, url_prefix="/api/v1", description="SIPAS surveys")
