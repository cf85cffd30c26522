"""POST /api/v1/kiosk/ratings: exactly-once ingest, per-item results, flags, and the roll-ups in step."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.kiosk import services
from survey_app.models.kiosk import (
    FlagState,
    KioskFollowUp,
    KioskHeat,
    KioskRating,
    KioskReasonMonth,
    KioskRollup,
    KioskUnitDay,
    KioskUnitMonth,
)
from tests.kiosk.conftest import rating, spaced

URL = "/api/v1/kiosk/ratings"


def post(client, shop, items, headers=None):
    return client.post(URL, json={"ratings": items}, headers=headers or shop.headers)


def count_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(KioskRating))


def unit_day() -> dict:
    return {(r.day, r.unit_id, r.level): r.n for r in db.session.scalars(select(KioskUnitDay))}


def test_one_rating_is_created_once_and_replays_are_duplicates(client, shop):
    item = rating("satisfied", staff_id=shop.staff.id, procedure_field="ho-tich", dossier_code="H01.23-0042")
    response = post(client, shop, [item])
    assert response.status_code == 200
    assert response.get_json() == {"results": [{"id": item["id"], "status": "created"}]}
    stored = db.session.scalar(select(KioskRating))
    assert (stored.level, stored.staff_id, stored.field_id, stored.dossier_code) == (
        "satisfied",
        shop.staff.id,
        shop.field.id,
        "H01.23-0042",
    )
    assert stored.counter_id == shop.counter.id  # the staff member's counter, the device being unbound
    assert stored.unit_id == shop.org.centre.id and stored.flag_state == FlagState.none

    again = post(client, shop, [item, {**item, "level": "dissatisfied", "reasons": ["other"]}])
    assert [r["status"] for r in again.get_json()["results"]] == ["duplicate", "duplicate"]
    assert count_rows() == 1
    assert sum(unit_day().values()) == 1


def test_a_single_rating_and_a_batch_are_stored_alike(client, shop):
    """One rating takes a faster path than a batch; both must be found by the same time filters."""
    moment = datetime(2026, 11, 3, 2, 30, 15, 250000, tzinfo=UTC)
    alone = rating("dissatisfied", at=moment, reasons=["long_wait", "attitude"])
    batch = [rating(at=moment + timedelta(minutes=1)), rating(at=moment + timedelta(minutes=2))]
    assert post(client, shop, [alone]).status_code == 200
    assert post(client, shop, batch).status_code == 200
    for item in [alone, *batch]:
        at = datetime.fromisoformat(item["rated_at"])
        found = db.session.scalar(select(KioskRating).where(KioskRating.rated_at == at))
        assert found is not None and found.uuid == item["id"] and found.rated_at == at
        assert found.received_at.tzinfo is not None and found.local_day == date(2026, 11, 3)
    stored = db.session.scalar(select(KioskRating).where(KioskRating.uuid == alone["id"]))
    assert stored.reasons == ["long_wait", "attitude"] and stored.local_hour == 9  # 02:30 UTC in Hà Nội
    later = select(func.count()).where(KioskRating.rated_at > moment + timedelta(seconds=30))
    assert db.session.scalar(later) == 2


def test_a_batch_repeating_an_id_stores_it_once(client, shop):
    item = rating()
    response = post(client, shop, [item, item, rating("satisfied")])
    assert [r["status"] for r in response.get_json()["results"]] == ["created", "duplicate", "created"]
    assert count_rows() == 2


def test_mixed_batch_answers_each_item_in_order_and_keeps_the_good_ones(client, shop):
    good = rating("very_satisfied", at=datetime.now(UTC) - timedelta(minutes=30))
    items = [
        good,
        rating("delighted"),
        rating("dissatisfied", reasons=[]),
        {**rating(), "id": "not-a-uuid"},
        rating("satisfied", comment="x" * 1001),
        rating("satisfied", dossier_code="D" * 51),
        rating("satisfied", rated_at="2026-03-02T08:30:00"),
        rating("satisfied", procedure_field="no-such-field"),
        rating("dissatisfied", reasons=["rude", "long_wait"]),
        rating("satisfied", staff_id="7"),
        "just text",
        rating(
            "dissatisfied", reasons=["attitude", "long_wait"], comment="Chờ 2 tiếng <b>không</b> ai hướng dẫn"
        ),
    ]
    response = post(client, shop, items)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["created"] + ["rejected"] * 10 + ["created"]
    assert [r["id"] for r in results[:3]] == [items[0]["id"], items[1]["id"], items[2]["id"]]
    assert list(results[1]["errors"]) == ["level"]
    assert list(results[2]["errors"]) == ["reasons"]
    assert list(results[3]["errors"]) == ["id"]
    assert list(results[4]["errors"]) == ["comment"]
    assert list(results[5]["errors"]) == ["dossier_code"]
    assert list(results[6]["errors"]) == ["rated_at"]
    assert list(results[7]["errors"]) == ["procedure_field"]
    assert "rude" in results[8]["errors"]["reasons"]
    assert list(results[9]["errors"]) == ["staff_id"]
    assert results[10]["id"] is None and "_item" in results[10]["errors"]
    assert count_rows() == 2
    follow_up = db.session.scalar(select(KioskFollowUp))
    assert follow_up.rating.comment == "Chờ 2 tiếng <b>không</b> ai hướng dẫn"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer kd_unknown"}, {"Authorization": "Basic abc"}],
)
def test_missing_or_unknown_token_is_401_with_json(client, shop, headers):
    response = client.post(URL, json={"ratings": [rating()]}, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["code"] == 401 and response.get_json()["message"]
    assert count_rows() == 0


def test_a_revoked_device_is_refused(client, shop):
    assert post(client, shop, [rating()]).status_code == 200
    services.revoke_device(shop.device)
    db.session.commit()
    assert post(client, shop, [rating()]).status_code == 401
    assert client.get("/api/v1/kiosk/config", headers=shop.headers).status_code == 401
    assert count_rows() == 1


def test_a_device_paired_again_refuses_its_old_token_at_once(client, shop):
    # The first post makes this server process remember the token; the next must still be checked.
    assert post(client, shop, [rating()]).status_code == 200
    services.renew_pairing_code(shop.device)
    db.session.commit()
    response = post(client, shop, [rating(), rating("satisfied")])
    assert response.status_code == 401 and response.get_json()["message"]
    nothing_valid = post(client, shop, [{"id": "not-a-uuid", "level": "satisfied"}])
    assert nothing_valid.status_code == 401
    assert count_rows() == 1


def test_a_personal_api_token_is_not_a_device_token(client, shop):
    from survey_app.auth.services import issue_token

    _token, plain = issue_token(shop.org.users["admin"], "x")
    db.session.commit()
    response = client.post(URL, json={"ratings": [rating()]}, headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 401


def test_malformed_json_is_400(client, shop):
    response = client.post(
        URL, data='{"ratings": [', headers={**shop.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.get_json()["status"] == "Bad Request"
    assert count_rows() == 0


def test_body_over_the_size_limit_is_413(client, shop, app, monkeypatch):
    monkeypatch.setitem(app.config, "KIOSK_MAX_BODY_BYTES", 10_000)
    items = [rating("satisfied", comment="ý kiến " * 100) for _ in range(30)]
    response = client.post(
        URL, data=json.dumps({"ratings": items}), headers={**shop.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 413 and response.get_json()["code"] == 413
    assert count_rows() == 0


@pytest.mark.parametrize(
    "body",
    [{}, {"ratings": []}, {"ratings": "x"}, [rating()], {"ratings": [rating() for _ in range(501)]}, "text"],
)
def test_bad_envelope_is_422(client, shop, body):
    response = client.post(URL, json=body, headers=shop.headers)
    assert response.status_code == 422
    assert response.get_json()["message"]
    assert count_rows() == 0


def test_the_device_reports_version_queue_and_last_seen(client, shop):
    post(
        client,
        shop,
        [rating()],
        headers={**shop.headers, "X-Kiosk-Version": "kiosk-1.2", "X-Kiosk-Queue": "7"},
    )
    db.session.refresh(shop.device)
    assert shop.device.app_version == "kiosk-1.2"
    assert shop.device.queue_length == 7
    assert shop.device.last_seen_at > datetime.now(UTC) - timedelta(minutes=1)


# --- flags -----------------------------------------------------------------------------------


def test_presses_closer_than_the_interval_are_stored_but_flagged(client, shop):
    first, second, third = spaced(3, gap_seconds=2)
    late = third + timedelta(seconds=60)
    items = [rating(at=first), rating(at=second), rating(at=third), rating(at=late)]
    results = post(client, shop, items).get_json()["results"]
    assert [r.get("flag") for r in results] == [None, "too_close", "too_close", None]
    assert count_rows() == 4
    assert sum(unit_day().values()) == 2
    # judged by rated_at, also against what is already stored: a press 3 s after `late` is flagged
    more = post(client, shop, [rating(at=late + timedelta(seconds=3))]).get_json()["results"]
    assert more[0]["flag"] == "too_close"


def test_future_old_and_unknown_staff_are_flagged_and_not_counted(client, shop):
    now = datetime.now(UTC)
    items = [
        rating(at=now + timedelta(hours=2)),
        rating(at=now - timedelta(days=45)),
        rating(at=now - timedelta(hours=3), staff_id=shop.other_staff.id),
        rating(at=now - timedelta(hours=4), staff_id=999_999),
        rating(at=now - timedelta(hours=5), staff_id=shop.staff2.id),
    ]
    results = post(client, shop, items).get_json()["results"]
    assert [r["status"] for r in results] == ["created"] * 5
    assert [r.get("flag") for r in results] == ["future", "too_old", "unknown_staff", "unknown_staff", None]
    cross = db.session.scalar(select(KioskRating).where(KioskRating.uuid == items[2]["id"]))
    assert cross.staff_id is None and cross.claimed_staff_id == shop.other_staff.id
    assert cross.flag_state == FlagState.flagged
    assert sum(unit_day().values()) == 1


# --- roll-ups, worked by hand ----------------------------------------------------------------


def test_rollups_hold_hand_worked_counts(client, shop, app, monkeypatch):
    monkeypatch.setitem(app.config, "KIOSK_MAX_AGE_DAYS", 100_000)
    centre = shop.org.centre.id
    # Monday 2 March 2026, 08:30 and 08:45 in Hà Nội (UTC+7);
    # Tuesday 3 March, 00:10 local (17:10 UTC on the 2nd)
    items = [
        rating(
            "very_satisfied",
            at=datetime(2026, 3, 2, 1, 30, tzinfo=UTC),
            staff_id=shop.staff.id,
            procedure_field="ho-tich",
        ),
        rating(
            "very_satisfied",
            at=datetime(2026, 3, 2, 1, 45, tzinfo=UTC),
            staff_id=shop.staff.id,
            procedure_field="ho-tich",
        ),
        rating(
            "dissatisfied", at=datetime(2026, 3, 2, 17, 10, tzinfo=UTC), reasons=["attitude", "long_wait"]
        ),
        rating("satisfied", at=datetime(2026, 2, 27, 3, 0, tzinfo=UTC), staff_id=shop.staff2.id),
    ]
    assert [r["status"] for r in post(client, shop, items).get_json()["results"]] == ["created"] * 4
    q1, q2 = shop.counter.id, shop.counter2.id
    assert {
        (r.day, r.counter_id, r.staff_id, r.field_id, r.level): r.n
        for r in db.session.scalars(select(KioskRollup))
    } == {
        (date(2026, 3, 2), q1, shop.staff.id, shop.field.id, "very_satisfied"): 2,
        (date(2026, 3, 3), 0, 0, 0, "dissatisfied"): 1,
        (date(2026, 2, 27), q2, shop.staff2.id, 0, "satisfied"): 1,
    }
    assert unit_day() == {
        (date(2026, 3, 2), centre, "very_satisfied"): 2,
        (date(2026, 3, 3), centre, "dissatisfied"): 1,
        (date(2026, 2, 27), centre, "satisfied"): 1,
    }
    assert {(r.month, r.level): r.n for r in db.session.scalars(select(KioskUnitMonth))} == {
        (date(2026, 3, 1), "very_satisfied"): 2,
        (date(2026, 3, 1), "dissatisfied"): 1,
        (date(2026, 2, 1), "satisfied"): 1,
    }
    assert {(r.month, r.weekday, r.hour, r.level): r.n for r in db.session.scalars(select(KioskHeat))} == {
        (date(2026, 3, 1), 0, 8, "very_satisfied"): 2,
        (date(2026, 3, 1), 1, 0, "dissatisfied"): 1,
        (date(2026, 2, 1), 4, 10, "satisfied"): 1,
    }
    assert {(r.month, r.reason): r.n for r in db.session.scalars(select(KioskReasonMonth))} == {
        (date(2026, 3, 1), "attitude"): 1,
        (date(2026, 3, 1), "long_wait"): 1,
    }
    report = services.rebuild_rollups()
    assert not report.drifted and report.rows["kiosk_unit_day"] == 3


def test_rebuild_reports_and_repairs_drift(client, shop):
    post(client, shop, [rating(at=t) for t in spaced(3)])
    row = db.session.scalar(select(KioskUnitDay))
    row.n += 5
    db.session.commit()
    report = services.rebuild_rollups()
    assert report.drift["kiosk_unit_day"] == 1 and report.drift["kiosk_rollup"] == 0
    db.session.commit()
    assert sum(unit_day().values()) == 3
    assert not services.rebuild_rollups().drifted


def test_ids_are_compared_in_canonical_form(client, shop):
    item = rating()
    post(client, shop, [item])
    upper = {**item, "id": item["id"].upper()}
    assert post(client, shop, [upper]).get_json()["results"][0]["status"] == "duplicate"
    assert count_rows() == 1
    assert uuid.UUID(db.session.scalar(select(KioskRating.uuid))) == uuid.UUID(item["id"])


def test_concurrent_posts_of_the_same_batch_store_each_rating_once(app, shop):
    """Two kiosks' retries racing: every id is created by exactly one request, roll-ups match the rows."""
    import threading

    items = [rating(at=t) for t in spaced(40)]
    answers: list[list[str]] = []
    barrier = threading.Barrier(3)

    def send() -> None:
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = client.post(URL, json={"ratings": items}, headers=shop.headers)
            answers.append([r["status"] for r in response.get_json()["results"]])

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 3
    for index in range(40):  # each item: one "created", the others "duplicate"
        assert sorted(answer[index] for answer in answers) == ["created", "duplicate", "duplicate"]
    assert count_rows() == 40
    assert sum(unit_day().values()) == 40
    assert not services.rebuild_rollups().drifted


def _post_from_threads(app, shop, bodies: list[list[dict]]) -> list[str]:
    """POST each body from its own thread, all at once; the answer statuses (or "error") in order."""
    import threading

    answers: list[str] = [""] * len(bodies)
    barrier = threading.Barrier(len(bodies))

    def send(index: int) -> None:
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            try:
                response = client.post(URL, json={"ratings": bodies[index]}, headers=shop.headers)
            except Exception:  # noqa: BLE001 - the test app propagates server errors
                answers[index] = "error"
                return
            statuses = (
                [r["status"] for r in response.get_json()["results"]] if response.status_code == 200 else []
            )
            answers[index] = ",".join(statuses) or "error"

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_many_kiosks_posting_at_once_are_each_stored_once(app, shop):
    """Concurrent single-rating requests (written together by one of them) each get their own answer."""
    times = spaced(16)
    bodies = [[rating("dissatisfied" if i % 4 == 0 else "satisfied", at=times[i])] for i in range(16)]
    assert _post_from_threads(app, shop, bodies) == ["created"] * 16
    stored = set(db.session.scalars(select(KioskRating.uuid)))
    assert stored == {body[0]["id"] for body in bodies}
    assert sum(unit_day().values()) == 16
    assert not services.rebuild_rollups().drifted


def test_a_failing_request_does_not_fail_those_written_with_it(app, shop, monkeypatch):
    """When a shared write fails, the others are written again alone; only the culprit gets an error."""
    times = spaced(8)
    bodies = [[rating(at=times[i])] for i in range(8)]
    culprit = bodies[3][0]["id"]
    write = services._write_candidates

    def fail_with_the_culprit(connection, candidates):
        if any(c["uuid"] == culprit for c in candidates):
            raise RuntimeError("the disk is full")
        return write(connection, candidates)

    monkeypatch.setattr(services, "_write_candidates", fail_with_the_culprit)
    answers = _post_from_threads(app, shop, bodies)
    assert answers == ["created"] * 3 + ["error"] + ["created"] * 4
    assert count_rows() == 7 and culprit not in set(db.session.scalars(select(KioskRating.uuid)))
    assert not services.rebuild_rollups().drifted
