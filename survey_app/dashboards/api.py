"""JSON API of the dashboards feature (documented in the OpenAPI file)."""

from flask_smorest import Blueprint

blp = Blueprint("dashboards_api", __name__, url_prefix="/api/v1", description="dashboards")
