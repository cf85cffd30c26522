"""SIPAS summaries per (campaign, ancestor): equal to the live pooled figures, and never stale.

The four hand-worked forms of tests/sipas/helpers.py imported into the district's campaign, which is then
closed: Phường Bưởi (00109) r1 online, r2 paper; Phường Thụy Khuê (00112) r3 phone, r4 paper. S01 answers:
r1 5, r2 4, r3 1, r4 2; S05: r1 blank (0), r2 3, r3 4, r4 5.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from survey_app.analytics import sipas_pooled
from survey_app.analytics.sipas_queries import sipas_counts_by_ancestor, sipas_responses_by_ancestor
from survey_app.extensions import db
from survey_app.models.sipas import SipasPooledFill, SipasPooledState, SipasResponse
from survey_app.org import services
from survey_app.sipas.campaigns import change_state
from survey_app.sipas.responses import set_excluded
from survey_app.sipas.transfer import import_csv
from tests.conftest import login
from tests.factories import make_sipas_campaign
from tests.sipas.helpers import CSV_TEXT, HEADER

S01 = {"r1": 5, "r2": 4, "r3": 1, "r4": 2}
CHANNELS = {"r1": "online", "r2": "paper", "r3": "phone", "r4": "paper"}
BUOI, THUY_KHUE = ("r1", "r2"), ("r3", "r4")


@pytest.fixture(autouse=True)
def every_subtree_summarised(monkeypatch):
    """The test org is small: every ancestor gets summaries (the default needs 100 units below)."""
    monkeypatch.setattr(sipas_pooled, "MIN_UNITS", 1)


@pytest.fixture
def closed(org):
    """The district's campaign with the four forms, closed."""
    campaign = make_sipas_campaign(org.district, {org.ward: 100, org.ward2: 100}, state="open")
    db.session.commit()
    assert import_csv(campaign, CSV_TEXT).created == 4
    change_state(campaign, "close")
    db.session.commit()
    return campaign


def s01(forms) -> dict[int, int]:
    """S01's answer counts of some forms, worked from the table above."""
    out: dict[int, int] = {}
    for form in forms:
        out[S01[form]] = out.get(S01[form], 0) + 1
    return out


def channels(forms) -> dict[str, int]:
    out: dict[str, int] = {}
    for form in forms:
        out[CHANNELS[form]] = out.get(CHANNELS[form], 0) + 1
    return out


def figures(campaign, units, summaries: bool, **filters) -> dict:
    """{unit id: (S01 counts, responses per channel without zeros)} as the dashboards read them."""
    ids = [u.id for u in units]
    channel = filters.get("channel", "")
    counts = sipas_counts_by_ancestor(db.session, [campaign.id], ids, summaries=summaries, **filters)
    responses = sipas_responses_by_ancestor(db.session, [campaign.id], ids, channel, summaries=summaries)
    return {
        u: (
            counts.get((campaign.id, u), {}).get("S01", {}),
            {c: n for c, n in responses.get((campaign.id, u), {}).items() if n},
        )
        for u in ids
    }


def valid(campaign) -> set[int]:
    """Ancestors whose summary of the campaign is valid (filled at the campaign's current epoch)."""
    rows = db.session.execute(
        select(SipasPooledFill.ancestor_id)
        .join(
            SipasPooledState,
            (SipasPooledState.campaign_id == SipasPooledFill.campaign_id)
            & (SipasPooledState.epoch == SipasPooledFill.epoch),
        )
        .where(SipasPooledFill.campaign_id == campaign.id)
    )
    return set(rows.scalars())


def expected(org, buoi=BUOI, thuy_khue=THUY_KHUE) -> dict:
    both = (*buoi, *thuy_khue)
    return {
        org.city.id: (s01(both), channels(both)),
        org.district.id: (s01(both), channels(both)),
        org.ward.id: (s01(buoi), channels(buoi)),
        org.ward2.id: (s01(thuy_khue), channels(thuy_khue)),
    }


def units(org):
    return [org.city, org.district, org.ward, org.ward2]


def test_summaries_are_filled_on_read_and_equal_the_live_figures(app, org, closed):
    want = expected(org)
    assert want[org.district.id] == ({5: 1, 4: 1, 1: 1, 2: 1}, {"online": 1, "paper": 2, "phone": 1})
    assert figures(closed, units(org), summaries=True) == want  # live, and fills
    assert valid(closed) == {u.id for u in units(org)}
    assert figures(closed, units(org), summaries=True) == want == figures(closed, units(org), summaries=False)
    # The channel filter and a choice of questions are read from the same summaries.
    paper = {org.city.id: ({4: 1, 2: 1}, {"paper": 2}), org.ward.id: ({4: 1}, {"paper": 1})}
    assert figures(closed, [org.city, org.ward], summaries=True, channel="paper") == paper
    only = sipas_counts_by_ancestor(db.session, [closed.id], [org.city.id], ["S05"], summaries=True)
    assert only == {(closed.id, org.city.id): {"S05": {0: 1, 3: 1, 4: 1, 5: 1}}}


def test_an_exclusion_and_its_restoration_make_the_figures_live_again(app, org, closed):
    figures(closed, units(org), summaries=True)
    r1 = db.session.scalar(select(SipasResponse).where(SipasResponse.external_id == "r1"))
    set_excluded(r1, True, "trùng phiếu")
    db.session.commit()
    assert valid(closed) == set()
    without = expected(org, buoi=("r2",))
    assert figures(closed, units(org), summaries=True) == without  # live again, refilled
    assert figures(closed, units(org), summaries=True) == without  # from the new summaries
    assert valid(closed) == {u.id for u in units(org)}
    set_excluded(r1, False)
    db.session.commit()
    assert figures(closed, units(org), summaries=True) == expected(org)


def test_an_import_into_the_closed_campaign_makes_the_figures_live_again(app, org, closed):
    figures(closed, units(org), summaries=True)
    assert valid(closed)
    late = "r5,00112,online,2026-04-02T08:00:00+07:00,3,3,3,3,3,3,3,3,3,1"
    assert import_csv(closed, HEADER + "\n" + late + "\n").created == 1
    assert valid(closed) == set()
    S01["r5"], CHANNELS["r5"] = 3, "online"
    try:
        want = expected(org, thuy_khue=(*THUY_KHUE, "r5"))
        assert figures(closed, units(org), summaries=True) == want
        assert figures(closed, units(org), summaries=True) == want
    finally:
        del S01["r5"], CHANNELS["r5"]


def test_a_move_drops_the_summaries_pooled_through_the_old_tree(app, org, closed):
    figures(closed, [*units(org), org.sibling], summaries=True)
    assert org.district.id in valid(closed)
    # Phường Thụy Khuê (with its two forms) moves to Quận Thanh Xuân.
    ward2 = org.ward2
    services.update_unit(
        ward2, name=ward2.name, kind=ward2.kind, parent=org.sibling, active_from=ward2.active_from
    )
    db.session.commit()
    assert valid(closed) == set()
    moved = [org.city, org.district, org.sibling]
    want = {
        org.city.id: (s01(BUOI + THUY_KHUE), channels(BUOI + THUY_KHUE)),
        org.district.id: (s01(BUOI), channels(BUOI)),
        org.sibling.id: (s01(THUY_KHUE), channels(THUY_KHUE)),
    }
    assert figures(closed, moved, summaries=True) == want
    assert figures(closed, moved, summaries=True) == want == figures(closed, moved, summaries=False)
    assert {org.city.id, org.district.id, org.sibling.id} <= valid(closed)


def test_an_open_campaign_is_read_live_and_never_summarised(app, org, closed):
    change_state(closed, "open")
    db.session.commit()
    assert figures(closed, units(org), summaries=True) == expected(org)
    assert db.session.scalar(select(func.count()).select_from(SipasPooledFill)) == 0


def test_small_subtrees_are_always_read_live(app, org, closed, monkeypatch):
    monkeypatch.setattr(sipas_pooled, "MIN_UNITS", 8)  # the city has 7 units
    assert figures(closed, units(org), summaries=True) == expected(org)
    assert db.session.scalar(select(func.count()).select_from(SipasPooledFill)) == 0


def test_the_dashboard_shows_the_same_figures_from_the_summaries(client, org, closed):
    login(client, "leader1")

    def tables() -> list[str]:
        assert "4 phiếu trả lời" in client.get("/dashboards/sipas?unit=003").get_data(as_text=True)
        return [
            client.get(f"/dashboards/sipas/export/{chart}.csv?unit=003").get_data(as_text=True)
            for chart in ("elements", "criteria", "ranking", "trend", "progress")
        ]

    first, again = tables(), tables()
    assert valid(closed) == {org.district.id, org.ward.id, org.ward2.id}
    client.application.config["DASHBOARD_POOLED_SIPAS"] = 0
    live = tables()
    client.application.config["DASHBOARD_POOLED_SIPAS"] = 1
    assert "Phường Bưởi,100,2," in live[4]  # progress: target 100, 2 responses collected
    assert first == again == live


def test_a_write_committed_while_a_summary_is_being_filled_is_never_hidden(app, org, closed):
    r1 = db.session.scalar(select(SipasResponse).where(SipasResponse.external_id == "r1"))
    written = []

    def exclude_meanwhile(conn, cursor, statement, parameters, context, executemany):
        # Right after the fill has read the cube (on its own connection), another writer commits.
        if not written and context.compiled is not None and context.compiled.statement is POOLED_COUNTS:
            written.append(True)
            set_excluded(r1, True, "trùng phiếu")
            db.session.commit()

    POOLED_COUNTS = sipas_pooled._POOLED["counts"]
    event.listen(db.engine, "after_cursor_execute", exclude_meanwhile)
    try:
        sipas_counts_by_ancestor(db.session, [closed.id], [org.city.id], summaries=True)
    finally:
        event.remove(db.engine, "after_cursor_execute", exclude_meanwhile)
    assert written
    assert valid(closed) == set()  # what it read is not kept
    assert figures(closed, units(org), summaries=True) == expected(org, buoi=("r2",))
    assert valid(closed) == {u.id for u in units(org)}
    assert figures(closed, units(org), summaries=True) == expected(org, buoi=("r2",))
