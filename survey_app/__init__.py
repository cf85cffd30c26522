"""survey_app: measuring citizen satisfaction with public administrative services."""

from __future__ import annotations

from flask import Flask

from survey_app.config import load_config


def create_app(config: dict | None = None) -> Flask:
    """Build the application; reads like a table of contents."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        static_folder="../static",
        static_url_path="/static",
    )
    load_config(app, config)

    from survey_app import setup

    setup.register_logging(app)
    setup.register_extensions(app)
    setup.register_static_files(app)
    setup.register_blueprints(app)
    setup.register_api(app)
    setup.register_cli(app)
    setup.register_template_helpers(app)
    setup.register_error_pages(app)
    return app
