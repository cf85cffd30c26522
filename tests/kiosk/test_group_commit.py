"""The group committer: concurrent requests are written together, each answered on its own, once each."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.kiosk import writing
from survey_app.kiosk.rollups import rebuild_rollups
from survey_app.models.kiosk import KioskRating, KioskUnitDay
from tests.factories import kiosk_press_times, kiosk_rating
from tests.kiosk.conftest import RATINGS


def count_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(KioskRating))


def counted() -> int:
    return db.session.scalar(select(func.coalesce(func.sum(KioskUnitDay.n), 0)))


def _post_from_threads(app, shop, bodies: list[list[dict]]) -> list[str]:
    """POST each body from its own thread, all at once; the answer statuses (or "error") in order."""
    answers: list[str] = [""] * len(bodies)
    barrier = threading.Barrier(len(bodies))

    def send(index: int) -> None:
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            try:
                response = client.post(RATINGS, json={"ratings": bodies[index]}, headers=shop.headers)
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


def test_concurrent_posts_of_the_same_batch_store_each_rating_once(app, shop):
    """Two kiosks' retries racing: every id is created by exactly one request, roll-ups match the rows."""
    items = [kiosk_rating(at=t) for t in kiosk_press_times(40)]
    answers = [answer.split(",") for answer in _post_from_threads(app, shop, [items] * 3)]
    assert len(answers) == 3
    for index in range(40):  # each item: one "created", the others "duplicate"
        assert sorted(answer[index] for answer in answers) == ["created", "duplicate", "duplicate"]
    assert count_rows() == 40
    assert counted() == 40
    assert not rebuild_rollups().drifted


def test_many_kiosks_posting_at_once_are_each_stored_once(app, shop):
    """Concurrent single-rating requests (written together by one of them) each get their own answer."""
    times = kiosk_press_times(16)
    bodies = [[kiosk_rating("dissatisfied" if i % 4 == 0 else "satisfied", at=times[i])] for i in range(16)]
    assert _post_from_threads(app, shop, bodies) == ["created"] * 16
    stored = set(db.session.scalars(select(KioskRating.uuid)))
    assert stored == {body[0]["id"] for body in bodies}
    assert counted() == 16
    assert not rebuild_rollups().drifted


def test_a_failing_request_does_not_fail_those_written_with_it(app, shop, monkeypatch):
    """When a shared write fails, the others are written again alone; only the culprit gets an error."""
    times = kiosk_press_times(8)
    bodies = [[kiosk_rating(at=times[i])] for i in range(8)]
    culprit = bodies[3][0]["id"]
    write = writing.write_batches

    def fail_with_the_culprit(connection, batches, **options):
        if any(c.uuid == culprit for batch in batches for c in batch.candidates):
            raise RuntimeError("the disk is full")
        return write(connection, batches, **options)

    monkeypatch.setattr(writing, "write_batches", fail_with_the_culprit)
    answers = _post_from_threads(app, shop, bodies)
    assert answers == ["created"] * 3 + ["error"] + ["created"] * 4
    assert count_rows() == 7 and culprit not in set(db.session.scalars(select(KioskRating.uuid)))
    assert not rebuild_rollups().drifted
