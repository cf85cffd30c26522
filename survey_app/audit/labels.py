"""Readable audit entries: a translated label for each action code and the name of the record acted on."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from survey_app.models import AuditEntry

# action code → what was done, worded to be followed by the record's name ("Công bố hội nghị …").
ACTION_LABELS = {
    "unit.create": _l("Created unit"),
    "unit.update": _l("Edited unit"),
    "unit.close": _l("Closed unit"),
    "unit.merge": _l("Merged unit"),
    "unit.import": _l("Imported units from CSV"),
    "unit.import_official": _l("Imported the official list of units"),
    "unit.reorganise": _l("Applied a reorganisation of units"),
    "counter.create": _l("Created counter"),
    "counter.update": _l("Edited counter"),
    "staff.create": _l("Added civil servant"),
    "staff.update": _l("Edited civil servant"),
    "field.create": _l("Created procedure field"),
    "field.update": _l("Edited procedure field"),
    "user.create": _l("Created user"),
    "user.update": _l("Edited user"),
    "user.locked": _l("Locked out after failed sign-ins"),
    "user.reset_password": _l("Reset the password of"),
    "user.unlock": _l("Unlocked user"),
    "user.change_password": _l("Changed own password"),
    "token.create": _l("Created API token"),
    "token.revoke": _l("Revoked API token"),
    "kiosk_device.create": _l("Registered kiosk"),
    "kiosk_device.repair": _l("Re-paired kiosk"),
    "kiosk_device.pair": _l("Kiosk paired"),
    "kiosk_device.revoke": _l("Revoked kiosk"),
    "kiosk_followup.acknowledge": _l("Acknowledged kiosk follow-up"),
    "kiosk_followup.done": _l("Closed kiosk follow-up"),
    "kiosk_rating.flag_clear": _l("Counted a flagged kiosk rating"),
    "kiosk_rating.flag_confirm": _l("Kept a flagged kiosk rating out"),
    "sipas.campaign.create": _l("Created SIPAS campaign"),
    "sipas.campaign.open": _l("Opened SIPAS campaign"),
    "sipas.campaign.close": _l("Closed SIPAS campaign"),
    "sipas.campaign.publish": _l("Published SIPAS campaign"),
    "sipas.campaign_unit.save": _l("Set a unit's target in a SIPAS campaign"),
    "sipas.campaign_unit.remove": _l("Removed a unit from a SIPAS campaign"),
    "sipas.batch.open": _l("Opened paper batch"),
    "sipas.batch.close": _l("Closed paper batch"),
    "sipas.response.edit": _l("Corrected SIPAS response"),
    "sipas.response.exclude": _l("Excluded SIPAS response"),
    "sipas.response.include": _l("Included SIPAS response again"),
    "sipas.import": _l("Imported SIPAS responses"),
    "dialogue.conference.create": _l("Created conference"),
    "dialogue.conference.update": _l("Edited conference"),
    "dialogue.conference.start": _l("Opened the session of conference"),
    "dialogue.conference.close": _l("Closed conference"),
    "dialogue.conference.publish": _l("Published conference"),
    "dossiers.import": _l("Imported dossiers"),
    "dossiers.self_assessment": _l("Entered self-assessed scores"),
    "dossiers.verified_assessment": _l("Entered verified scores"),
}

# Snapshot columns that name a record, most telling first.
_NAME_KEYS = ("title", "name", "full_name", "username", "code", "prefix", "uuid")


def action_label(action: str) -> str:
    """The translated label of an action code; an unknown code is shown as it is."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every known action, by label."""
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda c: c[1])


def record_name(entry: AuditEntry) -> str:
    """The name of the record an entry is about, read from its snapshot after (else before) the action."""
    for values in (entry.after, entry.before):
        if not values:
            continue
        for key in _NAME_KEYS:
            value = values.get(key)
            if isinstance(value, str) and value.strip():
                if key == "full_name" and values.get("username"):
                    return f"{value} ({values['username']})"
                return value
    return ""
