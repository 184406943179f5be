"""Join codes against guessing: a keyed hash (HMAC with a per-install key) instead of a
bare SHA-256, a limit of wrong codes per person with a lockout, and every refusal audited
and logged without the code; codes issued before the change still work after migrating."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

import pytest
from sqlalchemy import select

from bot import audit
from bot.clock import ManualClock
from bot.db.engine import Database, SessionFactory, write_session
from bot.db.migrate import downgrade, upgrade
from bot.db.models import JoinCode
from bot.membership import (
    LOCKOUT,
    MAX_FAILED_ATTEMPTS,
    JoinResult,
    issue_code,
    normalize_code,
    redeem_code,
)
from tests.db.helpers import settings_with_admins

ADMIN, LAN, MINH = 1, 10, 11
SETTINGS = settings_with_admins(ADMIN)


async def _issue(sf: SessionFactory, clock: ManualClock, agency: str = "bo_noi_vu"):
    async with write_session(sf) as s:
        return await issue_code(s, SETTINGS, clock, actor_id=ADMIN, agency_id=agency)


async def _redeem(sf: SessionFactory, clock: ManualClock, user: int, code: str):
    async with write_session(sf) as s:
        return await redeem_code(s, clock, user_id=user, code=code, display_name="Minh")


def _sha256(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


async def test_the_stored_hash_is_keyed(
    synced_session_factory: SessionFactory, clock: ManualClock
) -> None:
    issued = await _issue(synced_session_factory, clock)
    async with synced_session_factory() as s:
        (stored,) = (await s.scalars(select(JoinCode.code_hash))).all()
    # An unsalted SHA-256 of 31^8 codes is reversed by trying them all; a keyed one is not.
    assert stored != _sha256(issued.code)
    assert len(stored) == 64


async def test_wrong_codes_lock_the_person_out_and_are_audited_without_the_code(
    synced_session_factory: SessionFactory, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    sf = synced_session_factory
    issued = await _issue(sf, clock)
    guesses = [f"ZZZZ-ZZ{a}{b}" for a, b in zip("23456789", "98765432", strict=True)]
    caplog.set_level(logging.INFO)
    for guess in guesses[:MAX_FAILED_ATTEMPTS]:
        assert (await _redeem(sf, clock, MINH, guess)).result is JoinResult.invalid
    locked = await _redeem(sf, clock, MINH, issued.code)  # even the right code now
    assert locked.result is JoinResult.locked
    assert locked.retry_after is not None and dt.timedelta(0) < locked.retry_after <= LOCKOUT
    # Someone else is not locked out by Minh's guesses.
    assert (await _redeem(sf, clock, LAN, issued.code)).result is JoinResult.joined

    async with sf() as s:
        failed = await audit.entries(s, action="joincode.fail")
    assert len(failed) == MAX_FAILED_ATTEMPTS
    assert {e.actor_id for e in failed} == {MINH}
    details = json.dumps([e.details for e in failed])
    logged = caplog.text
    for guess in [*guesses, issued.code]:
        assert normalize_code(guess) not in details.upper().replace("-", "")
        assert normalize_code(guess) not in logged.upper().replace("-", "")
    assert "join code refused" in logged

    clock.advance(minutes=LOCKOUT.seconds // 60 + 1)
    other = await _issue(sf, clock)
    assert (await _redeem(sf, clock, MINH, other.code)).result is JoinResult.joined


async def test_codes_issued_before_the_keyed_hash_still_work(
    synced_database: Database, db_url: str, clock: ManualClock
) -> None:
    legacy = "ABCD-EF23"
    await synced_database.engine.dispose()
    await downgrade(db_url, "0006")  # before the keyed hash
    async with write_session(synced_database.session_factory) as s:
        s.add(
            JoinCode(
                code_hash=_sha256(legacy),
                agency_id="bo_noi_vu",
                created_by=ADMIN,
                created_at=clock.now(),
                expires_at=clock.now() + dt.timedelta(days=7),
                max_uses=1,
                uses=0,
            )
        )
    await synced_database.engine.dispose()
    await upgrade(db_url)
    async with synced_database.session_factory() as s:
        (stored,) = (await s.scalars(select(JoinCode.code_hash))).all()
    assert stored != _sha256(legacy)  # migrated to the keyed hash
    outcome = await _redeem(synced_database.session_factory, clock, MINH, legacy.lower())
    assert outcome.result is JoinResult.joined
