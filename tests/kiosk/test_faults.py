"""Kiosk ingest through faults on a real gunicorn server: nothing a kiosk was told is stored gets lost.

A short run of `python -m bench faults` (bench/bench_faults.py): steady load from four kiosk clients
with 5% replays, `kill -9` of one worker, the whole server stopped and started again, on SQLite and
(with TEST_DATABASE_URL) PostgreSQL.
"""

from __future__ import annotations

import os

import pytest

from bench.bench_faults import scenario
from tests.conftest import BACKENDS, worker_database_url

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_acknowledged_rating_is_stored_once_through_a_killed_worker_and_a_restart(backend, tmp_path):
    pg_url = worker_database_url(os.environ["TEST_DATABASE_URL"]) + "_faults" if backend != "sqlite" else ""
    outcome = scenario(backend, tmp_path, seconds=15, pg_url=pg_url, say=lambda _line: None)

    tally = outcome.tally
    # The faults happened: the clients saw the restart (refused or dropped posts, sent again).
    assert outcome.killed_worker and outcome.restarts == 1
    assert sum(tally.errors.values()) > 0, tally.errors
    assert len(tally.acknowledged) > 100 and tally.replays > 0
    # Every rating the server acknowledged is stored exactly once; replays created nothing.
    assert outcome.lost == 0
    assert outcome.duplicated == 0
    assert tally.replayed_created == 0 and tally.rejected == 0
    assert tally.unsent == 0  # every kiosk queue emptied once the server was back
    assert outcome.unacknowledged_stored == 0 and outcome.distinct == len(tally.acknowledged)
    # The roll-ups the dashboards read agree with the ratings.
    assert not outcome.drift, outcome.rebuild_output
    assert "all roll-ups in step" in outcome.rebuild_output
