"""The online channel of SIPAS: the pages of the public form, the answers kept page by page, submission.

"Has this device answered?" is kept apart from the answers: a salted hash of a random cookie, sharing no
key with the response, so nobody can pair a device with what it answered. The answers given so far are
a server-side draft (survey_app.core.drafts) under a random key of the browser's session, never in the
cookie itself and never under the user's id, deleted in the submission's own commit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _

from survey_app.core import clock, drafts
from survey_app.extensions import db
from survey_app.models import Unit
from survey_app.models.sipas import Channel, SipasCampaign, SipasDeviceMark
from survey_app.sipas.campaigns import SipasError, ensure_accepts_online, ensure_unit_collects, participates
from survey_app.sipas.questionnaire import DONT_KNOW, Element, Question, Questionnaire
from survey_app.sipas.responses import record_response

MAX_COMMENT = 2000


@dataclass
class Draft:
    """The answers and comment of a public form filled in so far by one browser."""

    answers: dict[str, int]
    comment: str = ""


def _draft_purpose(campaign: SipasCampaign, unit: Unit) -> str:
    return f"sipas:{campaign.id}:{unit.id}"


def load_draft(campaign: SipasCampaign, unit: Unit) -> Draft:
    """This browser's draft of a unit's form (empty when there is none or it has expired)."""
    data = drafts.load(_draft_purpose(campaign, unit)) or {}
    raw = data.get("a")
    answers = (
        {str(k): v for k, v in raw.items() if isinstance(v, int) and not isinstance(v, bool)}
        if isinstance(raw, dict)
        else {}
    )
    comment = data.get("c")
    return Draft(answers, comment if isinstance(comment, str) else "")


def save_draft(campaign: SipasCampaign, unit: Unit, draft: Draft) -> None:
    """Keep the draft on the server (DraftError when too large); the view commits."""
    drafts.save(_draft_purpose(campaign, unit), {"a": draft.answers, "c": draft.comment})


def clear_draft(campaign: SipasCampaign, unit: Unit) -> None:
    """Delete this browser's draft of the form (on submit, in the same commit)."""
    drafts.clear(_draft_purpose(campaign, unit))


@dataclass(frozen=True)
class FormPage:
    """One page of the public form: an element's criteria, or a list of other questions."""

    element: Element | None
    questions: tuple[Question, ...] = ()
    last: bool = False

    @property
    def codes(self) -> list[str]:
        """Question codes answered on the page."""
        criteria = [c.code for c in self.element.criteria] if self.element else []
        return criteria + [q.code for q in self.questions]


def form_pages(questionnaire: Questionnaire) -> list[FormPage]:
    """The pages of the online form: one per element, then the other questions, then about you."""
    pages = [FormPage(element) for element in questionnaire.elements]
    others = tuple(q for q in questionnaire.questions if q.kind != "demographic")
    if others:
        pages.append(FormPage(None, others))
    pages.append(FormPage(None, tuple(questionnaire.demographics), last=True))
    return pages


def take_page_answers(
    questionnaire: Questionnaire, page: FormPage, posted: Mapping[str, str], saved: Mapping[str, int]
) -> tuple[dict[str, int], dict[str, str]]:
    """The saved answers updated with a posted page, and the problem of each answer not on offer.

    An empty answer clears the question (a blank); 99 ("don't know") is kept and stored apart from a blank.
    """
    answers = dict(saved)
    errors: dict[str, str] = {}
    for code in page.codes:
        raw = posted.get(code, "")
        if raw == "":
            answers.pop(code, None)
        elif raw == "0":  # a page opened before "don't know" had its own code
            answers[code] = DONT_KNOW
        elif not raw.isdigit() or int(raw) not in questionnaire.allowed_values(code):
            errors[code] = _("Choose one of the answers.")
        else:
            answers[code] = int(raw)
    return answers, errors


def device_hash(campaign: SipasCampaign, token: str) -> str:
    """A one-way hash of a device's random cookie token, salted by the campaign."""
    return hashlib.sha256(f"{campaign.id}:{token}".encode()).hexdigest()


def new_device_token() -> str:
    """A random token for the device cookie (it identifies nobody)."""
    return secrets.token_urlsafe(24)


def device_has_answered(campaign: SipasCampaign, token: str | None) -> bool:
    """Whether this device already submitted an answer to the campaign."""
    if not token:
        return False
    found = db.session.get(SipasDeviceMark, (campaign.id, device_hash(campaign, token)))
    return found is not None


def submit_online(
    campaign: SipasCampaign, unit: Unit, answers: Mapping[str, int], comment: str, device_token: str
) -> None:
    """Record an online answer and mark the device; the two records share no key."""
    ensure_accepts_online(campaign)
    if device_has_answered(campaign, device_token):
        raise SipasError(_("This device has already answered this survey. Thank you!"))
    if not participates(campaign, unit):
        raise SipasError(_("This unit does not take part in the survey."))
    # The submission minute is enough for period checks and keeps timing from pairing records.
    minute = clock.now().replace(second=0, microsecond=0)
    ensure_unit_collects(unit, minute)
    given = {code: value for code, value in answers.items() if value}
    record_response(
        campaign, unit, channel=Channel.online, answers=given, submitted_at=minute, comment=comment
    )
    db.session.add(SipasDeviceMark(campaign_id=campaign.id, token_hash=device_hash(campaign, device_token)))
    clear_draft(campaign, unit)
