"""Volunteer campaigns: concrete campaign editions and the registrations for them.

A *campaign edition* is one dated run of a campaign (e.g. "Tháng Nhân đạo 2027, xã X"),
optionally linked to a recurring campaign of the knowledge base (``campaign_key``).
Capacity is enforced twice: the registering transaction locks the edition row
(``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) before it
counts, and ``confirmed_count`` is a counter under a CHECK constraint so no code path
can ever exceed the capacity.

Personal data (name, phone, place, skills) lives only in ``volunteer_registrations``
and is erased on request: the row stays (counts are kept) with every personal field
set to NULL and ``erased_at`` stamped.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models import Base, BigId, Json


class EditionStatus(StrEnum):
    open = "open"
    closed = "closed"
    cancelled = "cancelled"


class RegistrationStatus(StrEnum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class CampaignEdition(Base):
    __tablename__ = "campaign_editions"
    __table_args__ = (
        CheckConstraint(_in("status", EditionStatus), name="status"),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
        CheckConstraint(
            "confirmed_count >= 0 AND (capacity IS NULL OR confirmed_count <= capacity)",
            name="within_capacity",
        ),
        CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        CheckConstraint("registration_closes_at >= registration_opens_at", name="window_ordered"),
        Index("ix_campaign_editions_status_start", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    campaign_key: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    organiser_agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    place: Mapped[str] = mapped_column(String(200), default="", server_default="")
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    registration_opens_at: Mapped[dt.datetime]
    registration_closes_at: Mapped[dt.datetime]
    capacity: Mapped[int | None] = mapped_column(Integer)
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(16), default=EditionStatus.open.value)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class VolunteerRegistration(Base):
    __tablename__ = "volunteer_registrations"
    __table_args__ = (
        CheckConstraint(_in("status", RegistrationStatus), name="status"),
        # One live (confirmed or waitlisted) registration per volunteer and edition.
        Index(
            "uq_volunteer_registrations_live",
            "edition_id",
            "user_id",
            unique=True,
            sqlite_where=text("status IN ('confirmed', 'waitlisted') AND user_id IS NOT NULL"),
            postgresql_where=text("status IN ('confirmed', 'waitlisted') AND user_id IS NOT NULL"),
        ),
        Index("ix_volunteer_registrations_edition_status", "edition_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("campaign_editions.id"))
    # Telegram user id; NULL once the volunteer erased their data.
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(8), default="vi", server_default="vi")
    full_name: Mapped[str | None] = mapped_column(String(128))
    phone: Mapped[str | None] = mapped_column(String(16))
    commune: Mapped[str | None] = mapped_column(String(128))
    district: Mapped[str | None] = mapped_column(String(128))
    skills: Mapped[list[str] | None] = mapped_column(Json)
    blood_group: Mapped[str | None] = mapped_column(String(4))
    consent_at: Mapped[dt.datetime | None]
    consent_version: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime]
    promoted_at: Mapped[dt.datetime | None]
    cancelled_at: Mapped[dt.datetime | None]
    reminder_sent_at: Mapped[dt.datetime | None]
    erased_at: Mapped[dt.datetime | None]
