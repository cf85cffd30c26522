"""Routes of the dashboards feature: leaders' dashboards, downloads, reports and the public scoreboard."""

from tests.routes import Route

ROUTES = [
    Route("dashboards.kiosk", lambda o: f"/dashboards/kiosk?unit={o.ward.code}", "read_results", scoped=True),
    Route(
        "dashboards.export",
        lambda o: f"/dashboards/kiosk/export/trend.csv?unit={o.ward.code}",
        "read_results",
        scoped=True,
    ),
    Route("dashboards.sipas", lambda o: f"/dashboards/sipas?unit={o.ward.code}", "read_results", scoped=True),
    Route(
        "dashboards.dialogue",
        lambda o: f"/dashboards/dialogue?unit={o.ward.code}",
        "read_results",
        scoped=True,
    ),
    Route(
        "dashboards.dossiers",
        lambda o: f"/dashboards/dossiers?unit={o.ward.code}",
        "read_results",
        scoped=True,
    ),
    Route(
        "dashboards.report", lambda o: f"/dashboards/report?unit={o.ward.code}", "read_results", scoped=True
    ),
    Route(
        "dashboards.report_pdf",
        lambda o: f"/dashboards/report.pdf?unit={o.ward.code}",
        "read_results",
        scoped=True,
    ),
    Route("scoreboard.board", lambda o: f"/public/{o.district.code}", "public"),
]
