"""Organisational units, their counters and staff, and procedure fields."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from survey_app.models.base import Base, LabelledEnum, UTCDateTime, utcnow


class UnitKind(LabelledEnum):
    """Kinds of organisational unit (domain.md §1)."""

    province = "province"
    district = "district"
    ward = "ward"
    commune = "commune"
    department = "department"
    centre = "centre"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the kinds."""
        return {
            cls.province: _l("Province / city"),
            cls.district: _l("District"),
            cls.ward: _l("Ward"),
            cls.commune: _l("Commune"),
            cls.department: _l("Department"),
            cls.centre: _l("One-stop centre"),
        }


class UnitStatus(enum.StrEnum):
    """Where a unit is in its life: active, closed, or merged into a successor."""

    active = "active"
    closed = "closed"
    merged = "merged"


class Unit(Base):
    """A node of the unit tree: province, district, ward, department or one-stop centre."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(Enum(UnitKind, native_enum=False, length=20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    status: Mapped[UnitStatus] = mapped_column(
        Enum(UnitStatus, native_enum=False, length=20), default=UnitStatus.active
    )
    active_from: Mapped[date | None] = mapped_column(Date)
    active_to: Mapped[date | None] = mapped_column(Date)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Unit | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Unit]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Unit.name"
    )
    successor: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[successor_id])
    counters: Mapped[list[Counter]] = relationship(back_populates="unit", order_by="Counter.code")
    staff: Mapped[list[Staff]] = relationship(back_populates="unit", order_by="Staff.full_name")

    @property
    def is_active(self) -> bool:
        """Whether the unit still operates (neither closed nor merged)."""
        return self.status == UnitStatus.active

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name}>"


class UnitClosure(Base):
    """Every (ancestor, descendant) pair of the unit graph, for subtree scoping and pooling.

    A unit merged into a successor keeps its own ancestors and also gains the successor's,
    so its history stays its own and rolls up into the successor.
    """

    __tablename__ = "unit_closure"

    ancestor_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)
    descendant_id: Mapped[int] = mapped_column(
        ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    depth: Mapped[int] = mapped_column(Integer)


class Counter(Base):
    """A service counter (quầy) of a one-stop shop."""

    __tablename__ = "counter"
    __table_args__ = (UniqueConstraint("unit_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    unit: Mapped[Unit] = relationship(back_populates="counters")
    staff: Mapped[list[Staff]] = relationship(back_populates="counter")


class Staff(Base):
    """A civil servant who serves citizens at a one-stop shop."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(160), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Photos live in the database so app servers keep no state on disk.
    photo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    photo_mime: Mapped[str | None] = mapped_column(String(32))
    photo_version: Mapped[int] = mapped_column(Integer, default=0)

    unit: Mapped[Unit] = relationship(back_populates="staff")
    counter: Mapped[Counter | None] = relationship(back_populates="staff")

    @property
    def initials(self) -> str:
        """Initials shown when there is no photo (the given name comes last in Vietnamese)."""
        parts = self.full_name.split()
        return (parts[0][0] + parts[-1][0]).upper() if len(parts) > 1 else self.full_name[:1].upper()


class ProcedureField(Base):
    """A field of administrative procedures (lĩnh vực TTHC)."""

    __tablename__ = "procedure_field"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def name_in(self, language: str) -> str:
        """The field's name in a UI language."""
        return self.name_en if language == "en" else self.name_vi
