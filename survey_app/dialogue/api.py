"""JSON API of the dialogue feature (documented in the OpenAPI file)."""

from flask_smorest import Blueprint

blp = Blueprint("dialogue_api", __name__, url_prefix="/api/v1", description="dialogue")
