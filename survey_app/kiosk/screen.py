"""What the kiosk screen shows: its texts in both languages, and a paired device's configuration."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from survey_app.kiosk.devices import staff_on_duty
from survey_app.kiosk.levels import REASONS, in_both_languages, levels
from survey_app.kiosk.validation import MAX_BATCH, MAX_COMMENT, MAX_DOSSIER_CODE
from survey_app.models.kiosk import KioskDevice
from survey_app.org.procedure_fields import fields_taking_data

APP_VERSION = "kiosk-1.1"  # 1.1: follow-up after the tap, refused items leave the queue

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
    "follow_up": _l("Would you like to add more? (optional)"),
    "done": _l("Done"),
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


def device_config(device: KioskDevice) -> dict:
    """What a paired device shows: its unit and counter, staff on duty, fields, reasons, levels, timings."""
    unit, counter = device.unit, device.counter
    fields = fields_taking_data()  # today's fields: a superseded one is no longer offered
    return {
        "device": {"id": device.id, "name": device.name},
        "unit": {"code": unit.code, "name": unit.name},
        "counter": {"id": counter.id, "code": counter.code, "name": counter.name} if counter else None,
        "counters": [{"id": c.id, "code": c.code, "name": c.name} for c in unit.counters if c.active],
        "staff": [
            {
                "id": person.id,
                "full_name": person.full_name,
                "title": person.title,
                "initials": person.initials,
                "counter_id": person.counter_id,
                "photo_url": f"/org/staff/{person.id}/photo?v={person.photo_version}"
                if person.photo_mime
                else None,
            }
            for person in staff_on_duty(device)
        ],
        "fields_": [{"code": f.code, "name": {"vi": f.name_vi, "en": f.name_en}} for f in fields],
        "reasons": [{"code": code, "label": in_both_languages(label)} for code, label in REASONS],
        "levels": [
            {
                "code": level.code,
                "label": in_both_languages(level.label),
                "satisfied": level.satisfied,
                "needs_reason": level.needs_reason,
                "tone": level.tone,
            }
            for level in levels()
        ],
        "limits": {"batch": MAX_BATCH, "comment": MAX_COMMENT, "dossier_code": MAX_DOSSIER_CODE},
        "idle_seconds": int(current_app.config["KIOSK_IDLE_SECONDS"]),
        "thanks_seconds": int(current_app.config["KIOSK_THANKS_SECONDS"]),
    }
