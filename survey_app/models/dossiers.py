"""Per-dossier evaluation (NĐ 61/2018 Art. 32 as carried into NĐ 118/2025): dossiers, their nine stored
indicator scores, the in-step count cubes, and the units' self-assessed and verified scores.

Scores are computed once, when a dossier is imported, with the rules file in force (`flask dossiers
rescore` recomputes them after a rules change); the cubes `dossier_day`, `dossier_month` and
`dossier_procedure_month` are kept in
step with `dossier` in the transaction of every import, so a province's quarter is read from a few
thousand cube rows, never from millions of dossiers. Local days are in APP_TIMEZONE.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import Base, LabelledEnum, UTCDateTime, utcnow
from survey_app.models.kiosk import KioskRating
from survey_app.models.org import ProcedureField, Unit

INDICATORS = tuple(range(1, 10))
SOURCE_INDICATORS = (2, 5, 6, 8, 9)  # the columns i2, i5, i6, i8, i9 a source system may send


class DossierChannel(LabelledEnum):
    """How the dossier was filed."""

    in_person = "in_person"
    online = "online"
    post = "post"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the channels."""
        return {
            cls.in_person: _l("In person"),
            cls.online: _l("Online"),
            cls.post: _l("By post"),
        }


class Complaint(LabelledEnum):
    """Whether the applicant complained of harassment or wrong handling, and what verification found."""

    none = "none"
    verified = "verified"
    unfounded = "unfounded"  # found untrue: does not count (TT 01/2018, indicator 7)

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the complaint outcomes."""
        return {
            cls.none: _l("No complaint"),
            cls.verified: _l("Complaint verified"),
            cls.unfounded: _l("Complaint found unfounded"),
        }


class DossierProcedure(Base):
    """An administrative procedure (thủ tục hành chính) as the one-stop system names it."""

    __tablename__ = "dossier_procedure"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(500))


class Dossier(Base):
    """One dossier (hồ sơ) of the one-stop system, with its nine computed scores (None = not assessed).

    A dossier not yet returned is not scored: every s1…s9 is None until returned_at is known.
    """

    __tablename__ = "dossier"
    __table_args__ = (
        # pooled figures and the rating link of a subtree's period, read from the index alone
        Index("ix_dossier_unit_returned", "unit_id", "returned_day", "field_id", "procedure_id", "code"),
        # dossiers in progress (few at any time): counts of in-progress and overdue dossiers
        Index(
            "ix_dossier_open",
            "unit_id",
            "received_day",
            "due_day",
            "field_id",
            "procedure_id",
            sqlite_where=text("returned_at IS NULL"),
            postgresql_where=text("returned_at IS NULL"),
        ),
        # the rating link of a subtree's period: only the dossiers some rating carries the code of
        Index(
            "ix_dossier_rated",
            "unit_id",
            "returned_day",
            "field_id",
            "procedure_id",
            "code",
            sqlite_where=text("rated = 1"),
            postgresql_where=text("rated"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    procedure_id: Mapped[int] = mapped_column(ForeignKey("dossier_procedure.id"))
    field_id: Mapped[int] = mapped_column(ForeignKey("procedure_field.id"))
    channel: Mapped[DossierChannel] = mapped_column(Enum(DossierChannel, native_enum=False, length=12))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_day: Mapped[date] = mapped_column(Date)  # local calendar days
    due_day: Mapped[date] = mapped_column(Date)
    returned_day: Mapped[date | None] = mapped_column(Date)
    supplement_requests: Mapped[int] = mapped_column(SmallInteger)
    agencies_contacted: Mapped[int] = mapped_column(SmallInteger)
    complaint: Mapped[Complaint] = mapped_column(Enum(Complaint, native_enum=False, length=12))
    # scores the source system gave for what the platform cannot derive (None = not sent)
    i2: Mapped[int | None] = mapped_column(SmallInteger)
    i5: Mapped[int | None] = mapped_column(SmallInteger)
    i6: Mapped[int | None] = mapped_column(SmallInteger)
    i8: Mapped[int | None] = mapped_column(SmallInteger)
    i9: Mapped[int | None] = mapped_column(SmallInteger)
    # the nine computed scores (None = not assessed, or not returned yet)
    s1: Mapped[int | None] = mapped_column(SmallInteger)
    s2: Mapped[int | None] = mapped_column(SmallInteger)
    s3: Mapped[int | None] = mapped_column(SmallInteger)
    s4: Mapped[int | None] = mapped_column(SmallInteger)
    s5: Mapped[int | None] = mapped_column(SmallInteger)
    s6: Mapped[int | None] = mapped_column(SmallInteger)
    s7: Mapped[int | None] = mapped_column(SmallInteger)
    s8: Mapped[int | None] = mapped_column(SmallInteger)
    s9: Mapped[int | None] = mapped_column(SmallInteger)
    # Whether a kiosk rating carries this code, whatever its flag state (never false again: ratings stay).
    # Set by the trigger kiosk_rating_dossier_link (migration 0019_drate) for a rating arriving after its
    # dossier, by dossiers.rating_link.mark_rated for a dossier arriving after its ratings.
    rated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The chunked import that created it (models/imports.py): deleted again if that import fails.
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"), index=True)

    unit: Mapped[Unit] = relationship()
    procedure: Mapped[DossierProcedure] = relationship()
    field: Mapped[ProcedureField] = relationship()

    @property
    def scores(self) -> list[int | None]:
        """The nine scores, indicator 1 first."""
        return [getattr(self, f"s{i}") for i in INDICATORS]


# The kiosk side of the rating link (a kiosk schema change owned by this feature, migration 0007): ratings
# that carry a dossier code, found by code. Partial, so the many ratings without a code cost nothing;
# level and flag_state ride along so the link reads the index alone.
Index(
    "ix_kiosk_rating_dossier_code",
    KioskRating.dossier_code,
    KioskRating.flag_state,
    KioskRating.level,
    sqlite_where=KioskRating.dossier_code.is_not(None),
    postgresql_where=KioskRating.dossier_code.is_not(None),
)


# --- the count cubes (in step with `dossier`; only returned, hence scored, dossiers) -----------------

MEASURES = (
    "n_returned",
    "n_before",
    "n_on_time",
    "n_after",
    *(f"sum_{i}" for i in INDICATORS),
    *(f"n_{i}" for i in INDICATORS),
)
"""Per cube cell: returned dossiers, by timeliness, and per indicator the sum of scores and how many
dossiers were assessed on it."""


class _Measures:
    """The measure columns every cube cell carries (see MEASURES)."""

    n_returned: Mapped[int] = mapped_column(Integer, default=0)
    n_before: Mapped[int] = mapped_column(Integer, default=0)
    n_on_time: Mapped[int] = mapped_column(Integer, default=0)
    n_after: Mapped[int] = mapped_column(Integer, default=0)
    sum_1: Mapped[int] = mapped_column(Integer, default=0)
    sum_2: Mapped[int] = mapped_column(Integer, default=0)
    sum_3: Mapped[int] = mapped_column(Integer, default=0)
    sum_4: Mapped[int] = mapped_column(Integer, default=0)
    sum_5: Mapped[int] = mapped_column(Integer, default=0)
    sum_6: Mapped[int] = mapped_column(Integer, default=0)
    sum_7: Mapped[int] = mapped_column(Integer, default=0)
    sum_8: Mapped[int] = mapped_column(Integer, default=0)
    sum_9: Mapped[int] = mapped_column(Integer, default=0)
    n_1: Mapped[int] = mapped_column(Integer, default=0)
    n_2: Mapped[int] = mapped_column(Integer, default=0)
    n_3: Mapped[int] = mapped_column(Integer, default=0)
    n_4: Mapped[int] = mapped_column(Integer, default=0)
    n_5: Mapped[int] = mapped_column(Integer, default=0)
    n_6: Mapped[int] = mapped_column(Integer, default=0)
    n_7: Mapped[int] = mapped_column(Integer, default=0)
    n_8: Mapped[int] = mapped_column(Integer, default=0)
    n_9: Mapped[int] = mapped_column(Integer, default=0)


class DossierDay(_Measures, Base):
    """Returned dossiers per local return day and unit (edge days of a period, daily series). No field: a
    commune returns a few dozen dossiers a day, which a field key would split into cells of one or two."""

    __tablename__ = "dossier_day"
    __table_args__ = {"sqlite_with_rowid": False}  # rows stored in key order: a subtree's period is one range

    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class DossierMonth(_Measures, Base):
    """Returned dossiers per month of return (its first day), unit and procedure field: whole months of
    every pooled figure (some ten cells per unit and month, a hundredth of the dossiers)."""

    __tablename__ = "dossier_month"
    __table_args__ = {"sqlite_with_rowid": False}

    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    field_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class DossierProcedureMonth(_Measures, Base):
    """Returned dossiers per month of return, unit, procedure field and procedure: procedure breakdowns
    and figures filtered by procedure."""

    __tablename__ = "dossier_procedure_month"
    __table_args__ = {"sqlite_with_rowid": False}

    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    field_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_id: Mapped[int] = mapped_column(Integer, primary_key=True)


# --- self-assessment and verification --------------------------------------------------------------


class DossierAssessment(Base):
    """A unit's self-score ("Điểm tự chấm") and the verified score ("Điểm thẩm định") of one indicator in
    one quarter; either may be missing."""

    __tablename__ = "dossier_assessment"
    __table_args__ = (UniqueConstraint("unit_id", "quarter", "indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    quarter: Mapped[date] = mapped_column(Date)  # first day of the quarter
    indicator: Mapped[int] = mapped_column(SmallInteger)
    self_score: Mapped[float | None] = mapped_column(Float)
    self_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    self_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_score: Mapped[float | None] = mapped_column(Float)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")

    unit: Mapped[Unit] = relationship()
