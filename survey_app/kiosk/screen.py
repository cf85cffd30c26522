"""The texts of the kiosk screen, in both languages, for its client-side language switch."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from survey_app.kiosk.levels import in_both_languages

APP_VERSION = "kiosk-1.0"

# Keys are used by static/js/kiosk.js; {n} is filled in on the client.
SCREEN_TEXTS = {
    "title": _l("Rate our service"),
    "question": _l("How satisfied are you with the service you received today?"),
    "who_served": _l("Who served you? (optional)"),
    "field": _l("Procedure field (optional)"),
    "dossier": _l("Dossier code (optional)"),
    "reasons_title": _l("What were you not satisfied with?"),
    "reasons_help": _l("Choose at least one reason."),
    "comment": _l("Your comment (optional)"),
    "send": _l("Send rating"),
    "back": _l("Back"),
    "need_reason": _l("Please choose at least one reason."),
    "thanks": _l("Thank you for your rating!"),
    "thanks_more": _l("Your opinion helps us serve you better."),
    "pending": _l("Waiting to send: {n}"),
    "rejected": _l("Not accepted: {n}"),
    "pair_title": _l("Pair this kiosk"),
    "pair_help": _l("Enter the pairing code the administrator gave you."),
    "pair_code": _l("Pairing code"),
    "pair_button": _l("Pair"),
    "pair_offline": _l("The server cannot be reached. Try again when the network is back."),
    "unpaired": _l("This kiosk is no longer paired. Ratings are kept and will be sent after pairing again."),
    "loading": _l("Loading…"),
    "storage_error": _l("This rating could not be saved. Please tell the staff."),
    "selected": _l("selected"),
    "language": _l("Language"),
}


def screen_texts() -> dict[str, dict[str, str]]:
    """Every text of the kiosk screen as {key: {"vi": …, "en": …}}."""
    return {key: in_both_languages(text) for key, text in SCREEN_TEXTS.items()}
