"""The kiosk's rating levels and reasons for dissatisfaction (domain.md §2), configurable per deployment.

`KIOSK_LEVEL_SET` in the app config picks the level set: "3" (national default) or "5".
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Level:
    """One answer of the kiosk's question."""

    code: str
    label: object  # a lazy translated string
    satisfied: bool  # counts towards the satisfaction rate
    needs_reason: bool  # at least one reason is required
    tone: str  # colour family of the button: good, ok, neutral, bad


LEVEL_SETS: dict[str, tuple[Level, ...]] = {
    "3": (
        Level("very_satisfied", _l("Very satisfied"), True, False, "good"),
        Level("satisfied", _l("Satisfied"), True, False, "ok"),
        Level("dissatisfied", _l("Dissatisfied"), False, True, "bad"),
    ),
    "5": (
        Level("very_satisfied", _l("Very satisfied"), True, False, "good"),
        Level("satisfied", _l("Satisfied"), True, False, "ok"),
        Level("neutral", _l("Neither satisfied nor dissatisfied"), False, False, "neutral"),
        Level("dissatisfied", _l("Dissatisfied"), False, True, "bad"),
        Level("very_dissatisfied", _l("Very dissatisfied"), False, True, "bad"),
    ),
}

# Typical reasons for dissatisfaction at a one-stop shop (domain.md §2), in display order.
REASONS: tuple[tuple[str, object], ...] = (
    ("attitude", _l("Staff attitude was poor")),
    ("long_wait", _l("Long waiting time")),
    ("unclear_guidance", _l("Unclear guidance, documents requested several times")),
    ("late_result", _l("Result returned late")),
    ("extra_documents", _l("Documents beyond the regulations requested")),
    ("facilities", _l("Facilities not adequate")),
    ("other", _l("Other")),
)


NATIONAL_LEVEL_SET = "3"  # the national default, also used outside an app and for an unknown name


def level_set_name() -> str:
    """The configured level set (KIOSK_LEVEL_SET)."""
    name = str(current_app.config["KIOSK_LEVEL_SET"]) if has_app_context() else NATIONAL_LEVEL_SET
    return name if name in LEVEL_SETS else NATIONAL_LEVEL_SET


def levels() -> tuple[Level, ...]:
    """The levels of this deployment, most satisfied first."""
    return LEVEL_SETS[level_set_name()]


def level_codes() -> list[str]:
    """The codes of the configured levels."""
    return [level.code for level in levels()]


def level_by_code(code: str) -> Level | None:
    """The configured level with a code, if any."""
    return next((level for level in levels() if level.code == code), None)


def satisfied_levels() -> set[str]:
    """Codes of the levels that count as satisfied (numerator of the satisfaction rate)."""
    return {level.code for level in levels() if level.satisfied}


def reason_codes() -> list[str]:
    """The codes of the reasons for dissatisfaction."""
    return [code for code, _label in REASONS]


def reason_label(code: str) -> str:
    """The translated label of a reason (the code itself when unknown)."""
    return str(dict(REASONS).get(code, code))


def level_label(code: str) -> str:
    """The translated label of a level code (from every level set, so old rows still read well)."""
    for level_set in LEVEL_SETS.values():
        for level in level_set:
            if level.code == code:
                return str(level.label)
    return code


def in_both_languages(text) -> dict[str, str]:
    """A lazy string rendered in Vietnamese and in English, for the kiosk's client-side switch."""
    result = {}
    for language in ("vi", "en"):
        with force_locale(language):
            result[language] = str(text)
    return result
