"""Scheduler settings from the environment / ``.env`` (all optional; defaults as in the issue).

- ``REMINDER_DAYS_BEFORE`` (``30,7,1``), ``REMINDER_TIME`` (``08:00``),
  ``REMINDER_OVERDUE_EVERY_DAYS`` (``7``), ``REMINDER_YEARLY_DATE`` (``12-01``, MM-DD),
  ``REMINDER_CHECKIN_DATES`` (``03-15,06-15,09-15,12-15``);
- ``DIGEST_WEEKDAY`` (``0`` = Monday), ``DIGEST_TIME`` (``08:00``);
- ``SCHEDULER_SCAN_SECONDS`` (``120``), ``SCHEDULER_DELIVERY_SECONDS`` (``5``),
  ``SCHEDULER_ENABLED`` (``true``).
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from scheduler.rules import RuleConfig
from scheduler.service import DigestConfig


def _month_day(value: str) -> tuple[int, int]:
    month, day = (int(p) for p in value.strip().split("-"))
    dt.date(2024, month, day)  # validates (2024: a leap year, so 02-29 is accepted)
    return month, day


class SchedulerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    reminder_days_before: str = "30,7,1"
    reminder_time: dt.time = dt.time(8, 0)
    reminder_overdue_every_days: int = Field(default=7, ge=1, le=60)
    reminder_yearly_date: str = "12-01"
    reminder_checkin_dates: str = "03-15,06-15,09-15,12-15"
    digest_weekday: int = Field(default=0, ge=0, le=6)
    digest_time: dt.time = dt.time(8, 0)
    scheduler_scan_seconds: float = Field(default=120, ge=5)
    scheduler_delivery_seconds: float = Field(default=5, ge=1)
    scheduler_enabled: bool = True

    @field_validator("reminder_days_before")
    @classmethod
    def _days(cls, value: str) -> str:
        days = [int(p) for p in value.split(",") if p.strip()]
        if not days or any(d < 0 or d > 366 for d in days):
            raise ValueError("REMINDER_DAYS_BEFORE: whole days between 0 and 366, comma-separated")
        return value

    @field_validator("reminder_yearly_date")
    @classmethod
    def _yearly(cls, value: str) -> str:
        _month_day(value)
        return value

    @field_validator("reminder_checkin_dates")
    @classmethod
    def _checkins(cls, value: str) -> str:
        for part in value.split(","):
            _month_day(part)
        return value

    def rules(self) -> RuleConfig:
        return RuleConfig(
            before_days=tuple(int(p) for p in self.reminder_days_before.split(",") if p.strip()),
            send_time=self.reminder_time,
            overdue_every_days=self.reminder_overdue_every_days,
            yearly_report=_month_day(self.reminder_yearly_date),
            ongoing_checkins=tuple(_month_day(p) for p in self.reminder_checkin_dates.split(",")),
        )

    def digest(self) -> DigestConfig:
        return DigestConfig(weekday=self.digest_weekday, time=self.digest_time)
