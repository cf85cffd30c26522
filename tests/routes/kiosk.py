"""Routes of the kiosk feature: device API, kiosk screen, device admin, flags, feed, follow-ups, stats."""

from datetime import UTC, datetime, timedelta

from survey_app.kiosk.review import flagged_ratings, follow_ups
from tests.factories import kiosk_rating, make_kiosk_device, store_kiosk_ratings
from tests.routes import Route


def prepare(org) -> None:
    """A kiosk at the ward's one-stop centre with one flagged rating and one follow-up."""
    device, _token = make_kiosk_device(org.centre, name="Kiosk matrix")
    at = datetime.now(UTC) - timedelta(hours=1)
    items = [
        kiosk_rating("satisfied", at=at),
        kiosk_rating("dissatisfied", comment="Chờ lâu", at=at + timedelta(seconds=1)),  # too close: flagged
    ]
    store_kiosk_ratings(device, items)
    org.kiosk_device = device
    org.kiosk_rating = flagged_ratings(None)[0]
    org.kiosk_follow_up = follow_ups(None)[0]


ROUTES = [
    # The tablet's screen and service worker are public: a kiosk has no user, only its device token.
    Route("kiosk.screen", lambda o: "/kiosk", "public"),
    Route("kiosk.service_worker", lambda o: "/kiosk/sw.js", "public"),
    # Device admin and flag review: unit admins (and admins) of the unit's subtree.
    Route("kiosk.devices", lambda o: "/kiosk/devices", "manage_people"),
    Route("kiosk.devices", lambda o: "/kiosk/devices", "manage_people", method="POST"),
    Route(
        "kiosk.pairing_code",
        lambda o: f"/kiosk/devices/{o.kiosk_device.id}/pairing-code",
        "manage_people",
        method="POST",
        scoped=True,
    ),
    Route(
        "kiosk.revoke",
        lambda o: f"/kiosk/devices/{o.kiosk_device.id}/revoke",
        "manage_people",
        method="POST",
        scoped=True,
        ok=302,
    ),
    Route("kiosk.flags", lambda o: "/kiosk/flags", "manage_people"),
    Route(
        "kiosk.review_flag",
        lambda o: f"/kiosk/ratings/{o.kiosk_rating.id}/flag",
        "manage_people",
        method="POST",
        scoped=True,
        ok=302,
    ),
    # Officials: live feed and the follow-up list.
    Route("kiosk.feed", lambda o: "/kiosk/feed", "enter_data"),
    Route("kiosk.feed_data", lambda o: "/kiosk/feed.json", "enter_data"),
    Route("kiosk.follow_ups", lambda o: "/kiosk/follow-ups", "enter_data"),
    Route(
        "kiosk.follow_up",
        lambda o: f"/kiosk/follow-ups/{o.kiosk_follow_up.id}",
        "enter_data",
        method="POST",
        scoped=True,
        ok=302,
    ),
    # Device API: a device token, never a personal one; everyone without one gets 401 (or 422 for pairing).
    Route("kiosk_api.pair", lambda o: "/api/v1/kiosk/pair", "public", method="POST", ok=422),
    Route("kiosk_api.config", lambda o: "/api/v1/kiosk/config", "public", ok=401),
    Route("kiosk_api.ratings", lambda o: "/api/v1/kiosk/ratings", "public", method="POST", ok=401),
    Route(
        "kiosk_api.stats",
        lambda o: f"/api/v1/stats/kiosk?unit={o.ward.code}&from=2026-01-01&to=2026-01-31",
        "token:read_results",
        scoped=True,
    ),
]
