"""JSON API of the dashboards feature (documented in the OpenAPI file)."""

from survey_app.api.blueprint import ApiBlueprint

blp = ApiBlueprint("dashboards_api", __name__, url_prefix="/api/v1", description="dashboards")
