"""Declarative base shared by every model."""

from __future__ import annotations

import enum
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of all models."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# The instant being recorded, when demo data replays past events (set by core.clock.recorded_at).
recorded_instant: ContextVar[datetime | None] = ContextVar("recorded_instant", default=None)


def utcnow() -> datetime:
    """Current time, timezone-aware UTC (the clock of survey_app.core.clock, also for column defaults)."""
    return recorded_instant.get() or datetime.now(UTC)


class LabelledEnum(enum.StrEnum):
    """A string enum that owns the translated label of each member.

    Subclasses define `_labels()` returning {member: lazy_gettext(...)}; forms, templates and exports
    all read `member.label` or `Enum.choices()`, so a label is written once.
    """

    @classmethod
    def _labels(cls) -> dict:
        """{member: translated label}; every subclass defines it."""
        raise NotImplementedError

    @property
    def label(self) -> str:
        """This member's translated label."""
        return str(self._labels()[self])

    @classmethod
    def choices(cls, members=None) -> list[tuple[str, str]]:
        """(value, label) pairs for a select field, in declaration order or the order given."""
        labels = cls._labels()
        return [(member.value, labels[member]) for member in (members if members is not None else cls)]


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes that behave the same on SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        """Store every value in UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        """Give aware UTC values back (SQLite returns naive ones)."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
