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
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from survey_app.models.base import Base, LabelledEnum, UTCDateTime, utcnow


class UnitKind(LabelledEnum):
    """Kinds of organisational unit (domain.md §1): the two tiers since 01/7/2025; districts for history."""

    province = "province"
    district = "district"
    ward = "ward"
    commune = "commune"
    special_zone = "special_zone"
    department = "department"
    centre = "centre"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the kinds (districts ended on 30/6/2025: their label says so)."""
        return {
            cls.province: _l("Province / city"),
            cls.district: _l("District (until 30/06/2025)"),
            cls.ward: _l("Ward"),
            cls.commune: _l("Commune"),
            cls.special_zone: _l("Special zone"),
            cls.department: _l("Department"),
            cls.centre: _l("One-stop centre"),
        }


class UnitStatus(enum.StrEnum):
    """Where a unit is in its life: active, closed, merged into one successor or split among several."""

    active = "active"
    closed = "closed"
    merged = "merged"
    split = "split"


class SuccessionKind(LabelledEnum):
    """How a predecessor passed into a successor on a reorganisation."""

    merge = "merge"
    split = "split"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the kinds."""
        return {cls.merge: _l("Merger"), cls.split: _l("Split")}


class Unit(Base):
    """A node of the unit tree: province, (former) district, commune, department or one-stop centre.

    The official code is held by one active unit at a time. The General Statistics Office gives a unit
    created by a reorganisation the code of one of its predecessors, so a closed unit may share its code
    with its successor: each keeps its own row and its own history (see org.services.unit_for_code_on).
    """

    __tablename__ = "unit"
    __table_args__ = (
        Index(
            "uq_unit_code_active",
            "code",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(Enum(UnitKind, native_enum=False, length=20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    status: Mapped[UnitStatus] = mapped_column(
        Enum(UnitStatus, native_enum=False, length=20), default=UnitStatus.active
    )
    active_from: Mapped[date | None] = mapped_column(Date)
    # The closing day: the first day the unit no longer operates (it is open on days before it).
    active_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Unit | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Unit]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Unit.name"
    )
    successor_links: Mapped[list[UnitSuccession]] = relationship(
        foreign_keys="UnitSuccession.predecessor_id",
        back_populates="predecessor",
        order_by="UnitSuccession.id",
        cascade="all, delete-orphan",
    )
    predecessor_links: Mapped[list[UnitSuccession]] = relationship(
        foreign_keys="UnitSuccession.successor_id", back_populates="successor", order_by="UnitSuccession.id"
    )
    counters: Mapped[list[Counter]] = relationship(back_populates="unit", order_by="Counter.code")
    staff: Mapped[list[Staff]] = relationship(back_populates="unit", order_by="Staff.full_name")

    @property
    def is_active(self) -> bool:
        """Whether the unit still operates (neither closed, merged nor split)."""
        return self.status == UnitStatus.active

    @property
    def successors(self) -> list[Unit]:
        """The units this one passed into (one for a merge, several for a split)."""
        return [s.successor for s in self.successor_links]

    @property
    def predecessors(self) -> list[Unit]:
        """The units that passed into this one."""
        return [s.predecessor for s in self.predecessor_links]

    @property
    def successor(self) -> Unit | None:
        """The single successor of a merged unit (None when closed, split or active)."""
        return self.successor_links[0].successor if len(self.successor_links) == 1 else None

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


class UnitSuccession(Base):
    """A predecessor → successor link of a reorganisation (merge or split), effective on a date.

    The closure treats a successor like a parent of its predecessor, so the successor's pooled figures
    include the predecessor's history; see org.reorganisation for the rule of a split.
    """

    __tablename__ = "unit_succession"
    __table_args__ = (UniqueConstraint("predecessor_id", "successor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    successor_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    effective_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[SuccessionKind] = mapped_column(Enum(SuccessionKind, native_enum=False, length=10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    predecessor: Mapped[Unit] = relationship(foreign_keys=[predecessor_id], back_populates="successor_links")
    successor: Mapped[Unit] = relationship(foreign_keys=[successor_id], back_populates="predecessor_links")


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
    """A field of administrative procedures (lĩnh vực TTHC).

    A field named after a ministry that a merger ended (Lao động - Thương binh và Xã hội, 1/3/2025) keeps
    its row and its name, so old data still reads as it was recorded; `active_to` closes it to new data
    and `successor_codes` names today's fields that took it over.
    """

    __tablename__ = "procedure_field"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The day from which new data no longer takes the field (None: a field of today).
    active_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    successor_codes: Mapped[str] = mapped_column(String(200), default="", server_default="")

    def name_in(self, language: str) -> str:
        """The field's name in a UI language."""
        return self.name_en if language == "en" else self.name_vi

    def takes_data_on(self, day: date) -> bool:
        """Whether data dated `day` may be tagged with the field: switched on and not yet superseded."""
        return self.active and (self.active_to is None or day < self.active_to)

    @property
    def successor_code_list(self) -> list[str]:
        """Codes of the fields that took this one over."""
        return self.successor_codes.split()
