"""Agency membership: one-time join codes, joining, leaving, removal.

- ``issue_code``: a coordinator (within scope) or an admin creates a code for one
  agency, valid for ``ttl`` and ``max_uses`` uses. Only a keyed hash is stored
  (HMAC-SHA256 of the code's SHA-256 with a random per-install key kept in
  ``bot_state``: without the key, the 31^8 codes cannot be tried against the table);
  the plain code is returned once, to be handed to the officer.
- ``redeem_code``: the officer joins with it. The use count is taken with one
  conditional UPDATE (``uses < max_uses``), so two people racing for the last use
  cannot both get it. Each wrong code is audited (``joincode.fail``, without the code)
  and logged without the code or the person; after :data:`MAX_FAILED_ATTEMPTS` wrong
  codes within :data:`LOCKOUT` the person is refused until the oldest of them is
  :data:`LOCKOUT` old, whatever they type.
- ``leave`` / ``remove``: membership rows are closed (``left_at``), never deleted.

Every write is audited; permissions are checked inside the write transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.access import HasAdmins, NotFound, ensure_user, require_manage
from bot.clock import Clock
from bot.db.models import Agency, AuditLog, JoinCode, Membership
from bot.keys import stored_key

log = logging.getLogger(__name__)

# No 0/O, 1/I/L: codes are read aloud and typed on phones.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
DEFAULT_TTL = dt.timedelta(days=7)
MAX_TTL = dt.timedelta(days=90)
MAX_USES = 500
#: wrong codes a person may type within LOCKOUT before being refused for a while
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)
FAIL_ACTION = "joincode.fail"
KEY_NAMESPACE, KEY_NAME = "membership", "join_code_key"


def normalize_code(code: str) -> str:
    """'abcd-efgh ' → 'ABCDEFGH' (case, spaces and dashes do not matter)."""
    folded = unicodedata.normalize("NFKC", code).upper()
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def hash_code(code: str, key: bytes) -> str:
    """The stored form of a code: HMAC-SHA256(key, SHA-256 hex of the normalised code).
    (The inner SHA-256 is what was stored before; migration 0007 keys those rows.)"""
    digest = hashlib.sha256(normalize_code(code).encode()).hexdigest()
    return hmac.new(key, digest.encode(), hashlib.sha256).hexdigest()


async def code_key(session: AsyncSession, now: dt.datetime) -> bytes:
    """The per-install key of join codes (created by migration 0007, or on first use)."""
    return await stored_key(session, now, KEY_NAMESPACE, KEY_NAME)


def format_code(raw: str) -> str:
    return f"{raw[:4]}-{raw[4:]}"


def new_code() -> str:
    return format_code("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))


@dataclass(frozen=True)
class IssuedCode:
    code: str  # plain text, shown once
    code_id: int
    agency_id: str
    expires_at: dt.datetime
    max_uses: int


async def issue_code(
    session: AsyncSession,
    settings: HasAdmins,
    clock: Clock,
    *,
    actor_id: int,
    agency_id: str,
    ttl: dt.timedelta = DEFAULT_TTL,
    max_uses: int = 1,
) -> IssuedCode:
    agency = await session.get(Agency, agency_id)
    if agency is None or agency.archived:
        raise NotFound(agency_id)
    await require_manage(session, settings, actor_id, agency_id)
    if not 1 <= max_uses <= MAX_USES:
        raise ValueError("max_uses out of range")
    if not dt.timedelta(minutes=1) <= ttl <= MAX_TTL:
        raise ValueError("ttl out of range")
    await ensure_user(session, clock, actor_id)
    now = clock.now()
    key = await code_key(session, now)
    for _ in range(5):  # a collision of 31^8 codes is rare; retry anyway
        code = new_code()
        row = JoinCode(
            code_hash=hash_code(code, key),
            agency_id=agency_id,
            created_by=actor_id,
            created_at=now,
            expires_at=now + ttl,
            max_uses=max_uses,
            uses=0,
        )
        try:
            async with session.begin_nested():
                session.add(row)
                await session.flush()
        except IntegrityError:
            continue
        await audit.record(
            session,
            clock,
            actor_id=actor_id,
            action="joincode.issue",
            object_type="agency",
            object_id=agency_id,
            code_id=row.id,
            expires_at=row.expires_at.isoformat(),
            max_uses=max_uses,
        )
        return IssuedCode(code, row.id, agency_id, row.expires_at, max_uses)
    raise RuntimeError("could not draw a unique join code")


class JoinResult(StrEnum):
    joined = "joined"
    already_member = "already_member"
    invalid = "invalid"  # unknown, malformed or revoked
    expired = "expired"
    used_up = "used_up"
    locked = "locked"  # too many wrong codes lately: refused without looking at the code


@dataclass(frozen=True)
class JoinOutcome:
    result: JoinResult
    agency_id: str | None = None
    #: for ``locked``: how long until the person may try again
    retry_after: dt.timedelta | None = None


async def _recent_failures(
    session: AsyncSession, user_id: int, now: dt.datetime
) -> list[dt.datetime]:
    """When the person typed a wrong code within the last :data:`LOCKOUT`, oldest first."""
    rows = await session.scalars(
        select(AuditLog.at)
        .where(
            AuditLog.actor_id == user_id,
            AuditLog.action == FAIL_ACTION,
            AuditLog.at > now - LOCKOUT,
        )
        .order_by(AuditLog.at)
    )
    return list(rows.all())


async def _refused(
    session: AsyncSession,
    clock: Clock,
    user_id: int,
    result: JoinResult,
    row: JoinCode | None = None,
) -> JoinOutcome:
    """A wrong code: audited (never the code itself) and logged without code or person."""
    await audit.record(
        session,
        clock,
        actor_id=user_id,
        action=FAIL_ACTION,
        object_type="joincode",
        object_id=row.id if row is not None else "-",
        reason=result.value,
    )
    log.warning("join code refused: %s", result.value)
    return JoinOutcome(result, row.agency_id if row is not None else None)


async def redeem_code(
    session: AsyncSession,
    clock: Clock,
    *,
    user_id: int,
    code: str,
    display_name: str = "",
) -> JoinOutcome:
    now = clock.now()
    failures = await _recent_failures(session, user_id, now)
    if len(failures) >= MAX_FAILED_ATTEMPTS:
        log.warning("join code refused: locked out after %d wrong codes", len(failures))
        retry = failures[-MAX_FAILED_ATTEMPTS] + LOCKOUT - now
        return JoinOutcome(JoinResult.locked, retry_after=retry)
    normalized = normalize_code(code)
    if len(normalized) != CODE_LENGTH:
        return await _refused(session, clock, user_id, JoinResult.invalid)
    key = await code_key(session, now)
    row = await session.scalar(select(JoinCode).where(JoinCode.code_hash == hash_code(code, key)))
    if row is None or row.revoked_at is not None:
        return await _refused(session, clock, user_id, JoinResult.invalid, row)
    agency = await session.get(Agency, row.agency_id)
    if agency is None or agency.archived:
        return await _refused(session, clock, user_id, JoinResult.invalid, row)
    if row.expires_at <= now:
        return await _refused(session, clock, user_id, JoinResult.expired, row)
    await ensure_user(session, clock, user_id, display_name=display_name)
    current = await session.scalar(
        select(Membership).where(
            Membership.user_id == user_id,
            Membership.agency_id == row.agency_id,
            Membership.left_at.is_(None),
        )
    )
    if current is not None:
        return JoinOutcome(JoinResult.already_member, row.agency_id)
    taken = await session.execute(
        update(JoinCode)
        .where(JoinCode.id == row.id, JoinCode.uses < JoinCode.max_uses)
        .values(uses=JoinCode.uses + 1)
        .execution_options(synchronize_session=False)
    )
    if getattr(taken, "rowcount", 0) != 1:  # a CursorResult for an UPDATE
        return await _refused(session, clock, user_id, JoinResult.used_up, row)
    session.add(
        Membership(user_id=user_id, agency_id=row.agency_id, joined_at=now, join_code_id=row.id)
    )
    await session.flush()
    await audit.record(
        session,
        clock,
        actor_id=user_id,
        action="membership.join",
        object_type="agency",
        object_id=row.agency_id,
        code_id=row.id,
    )
    return JoinOutcome(JoinResult.joined, row.agency_id)


async def _current(session: AsyncSession, user_id: int, agency_id: str) -> Membership | None:
    return await session.scalar(
        select(Membership).where(
            Membership.user_id == user_id,
            Membership.agency_id == agency_id,
            Membership.left_at.is_(None),
        )
    )


async def leave(session: AsyncSession, clock: Clock, *, user_id: int, agency_id: str) -> bool:
    """The user leaves the agency; False when they were not a member."""
    row = await _current(session, user_id, agency_id)
    if row is None:
        return False
    row.left_at = clock.now()
    await audit.record(
        session,
        clock,
        actor_id=user_id,
        action="membership.leave",
        object_type="agency",
        object_id=agency_id,
    )
    return True


async def remove(
    session: AsyncSession,
    settings: HasAdmins,
    clock: Clock,
    *,
    actor_id: int,
    user_id: int,
    agency_id: str,
) -> bool:
    """A coordinator (within scope) or admin removes a member; False if not a member."""
    await require_manage(session, settings, actor_id, agency_id)
    row = await _current(session, user_id, agency_id)
    if row is None:
        return False
    row.left_at = clock.now()
    row.removed_by = actor_id
    await audit.record(
        session,
        clock,
        actor_id=actor_id,
        action="membership.remove",
        object_type="agency",
        object_id=agency_id,
        member_id=user_id,
    )
    return True


async def members(session: AsyncSession, agency_id: str) -> list[Membership]:
    rows = await session.scalars(
        select(Membership)
        .where(Membership.agency_id == agency_id, Membership.left_at.is_(None))
        .order_by(Membership.joined_at, Membership.id)
    )
    return list(rows.all())


async def revoke_code(
    session: AsyncSession, settings: HasAdmins, clock: Clock, *, actor_id: int, code: str
) -> bool:
    key = await code_key(session, clock.now())
    row = await session.scalar(select(JoinCode).where(JoinCode.code_hash == hash_code(code, key)))
    if row is None or row.revoked_at is not None:
        return False
    await require_manage(session, settings, actor_id, row.agency_id)
    row.revoked_at = clock.now()
    row.revoked_by = actor_id
    await audit.record(
        session,
        clock,
        actor_id=actor_id,
        action="joincode.revoke",
        object_type="agency",
        object_id=row.agency_id,
        code_id=row.id,
    )
    return True
