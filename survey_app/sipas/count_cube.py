"""The count cube (`sipas_count`, `sipas_unit_n`) kept exactly in step with the answers it counts.

Every write of a response adds its increments here in the same transaction (excluded responses are taken
away); the reports read only the cube. Writes go through the database driver, not the ORM: one
`INSERT … ON CONFLICT` per table and batch. Every change of a campaign's cube first moves on its version,
which the summaries per ancestor are checked against (`analytics.sipas_pooled.touch`).
"""

from __future__ import annotations

from collections import Counter as Tally

from sqlalchemy import delete, func, select

from survey_app.analytics import sipas_pooled
from survey_app.extensions import db
from survey_app.models.sipas import SipasAnswer, SipasCampaign, SipasCount, SipasResponse, SipasUnitN
from survey_app.sipas.campaigns import questionnaire_of

CubeKey = tuple[int, str, str, int]  # unit id, channel, question code, value (0 = no answer)
UnitNKey = tuple[int, str]  # unit id, channel

_UPSERT = {
    "sipas_count": (
        "INSERT INTO sipas_count (campaign_id, unit_id, channel, question_code, value, n) "
        "VALUES ({p}, {p}, {p}, {p}, {p}, {p}) "
        "ON CONFLICT (campaign_id, unit_id, channel, question_code, value) "
        "DO UPDATE SET n = sipas_count.n + excluded.n"
    ),
    "sipas_unit_n": (
        "INSERT INTO sipas_unit_n (campaign_id, unit_id, channel, n) VALUES ({p}, {p}, {p}, {p}) "
        "ON CONFLICT (campaign_id, unit_id, channel) DO UPDATE SET n = sipas_unit_n.n + excluded.n"
    ),
}

_PG_UPSERT = {
    "sipas_count": (
        "INSERT INTO sipas_count (campaign_id, unit_id, channel, question_code, value, n) "
        "SELECT * FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::varchar[], %s::smallint[], %s::int[]) "
        "ON CONFLICT (campaign_id, unit_id, channel, question_code, value) "
        "DO UPDATE SET n = sipas_count.n + excluded.n"
    ),
    "sipas_unit_n": (
        "INSERT INTO sipas_unit_n (campaign_id, unit_id, channel, n) "
        "SELECT * FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::int[]) "
        "ON CONFLICT (campaign_id, unit_id, channel) DO UPDATE SET n = sipas_unit_n.n + excluded.n"
    ),
}


def driver_executemany(sql: str, rows: list[tuple]) -> None:
    """executemany on the driver's cursor, inside the session's transaction (no per-row ORM work).

    `sql` marks its parameters `{p}`, replaced by the driver's marker.
    """
    if not rows:
        return
    connection = db.session.connection()
    marker = "%s" if connection.dialect.name == "postgresql" else "?"
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.executemany(sql.format(p=marker), rows)
    finally:
        cursor.close()


def _upsert(table: str, rows: list[tuple]) -> None:
    """Add `n` to existing cube rows or insert them: one statement on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        driver_executemany(_UPSERT[table], rows)
        return
    columns = [list(column) for column in zip(*rows, strict=True)]
    with connection.connection.driver_connection.cursor() as cursor:
        cursor.execute(_PG_UPSERT[table], columns)


def apply_to_cube(campaign_id: int, cube: Tally[CubeKey], unit_n: Tally[UnitNKey], sign: int = 1) -> None:
    """Add (or with sign −1 take away) pooled answer counts and response counts (INSERT … ON CONFLICT)."""
    db.session.flush()
    sipas_pooled.touch(db.session, campaign_id)
    _upsert("sipas_count", [(campaign_id, u, c, q, v, sign * n) for (u, c, q, v), n in cube.items() if n])
    _upsert("sipas_unit_n", [(campaign_id, u, c, sign * n) for (u, c), n in unit_n.items() if n])


def increments_of(
    unit_id: int, channel: str, answers: dict[str, int], codes: list[str]
) -> tuple[Tally[CubeKey], Tally[UnitNKey]]:
    """The cube increments of one response: every question once, 0 when unanswered."""
    cube: Tally[CubeKey] = Tally((unit_id, channel, code, answers.get(code, 0)) for code in codes)
    return cube, Tally({(unit_id, channel): 1})


def recount_cube(campaign: SipasCampaign) -> None:
    """Recount the cube of a campaign from its answers (repair tool; reports never need it)."""
    questionnaire = questionnaire_of(campaign)
    sipas_pooled.touch(db.session, campaign.id)
    db.session.execute(delete(SipasCount).where(SipasCount.campaign_id == campaign.id))
    db.session.execute(delete(SipasUnitN).where(SipasUnitN.campaign_id == campaign.id))
    cube: Tally[CubeKey] = Tally()
    unit_n: Tally[UnitNKey] = Tally()
    per_place = db.session.execute(
        select(SipasResponse.unit_id, SipasResponse.channel, func.count())
        .where(SipasResponse.campaign_id == campaign.id, SipasResponse.excluded.is_(False))
        .group_by(SipasResponse.unit_id, SipasResponse.channel)
    ).all()
    for unit_id, channel, n in per_place:
        unit_n[(unit_id, str(channel))] += n
    answered = db.session.execute(
        select(
            SipasResponse.unit_id,
            SipasResponse.channel,
            SipasAnswer.question_code,
            SipasAnswer.value,
            func.count(),
        )
        .join(SipasAnswer, SipasAnswer.response_id == SipasResponse.id)
        .where(SipasResponse.campaign_id == campaign.id, SipasResponse.excluded.is_(False))
        .group_by(SipasResponse.unit_id, SipasResponse.channel, SipasAnswer.question_code, SipasAnswer.value)
    ).all()
    answered_per: Tally[tuple[int, str, str]] = Tally()
    for unit_id, channel, code, value, n in answered:
        cube[(unit_id, str(channel), code, value)] += n
        answered_per[(unit_id, str(channel), code)] += n
    for (unit_id, channel), total in unit_n.items():
        for code in questionnaire.all_codes:
            rest = total - answered_per[(unit_id, channel, code)]
            if rest:
                cube[(unit_id, channel, code, 0)] += rest
    apply_to_cube(campaign.id, cube, unit_n)
