"""/dieuphoi: parse a coordinator's scope from chat words; grant, revoke and list grants.

  /dieuphoi                                      list active coordinators
  /dieuphoi them <user id> tatca                 coordinator of everything
  /dieuphoi them <user id> cap <level> [place]   e.g. cap tinh Lai Châu
  /dieuphoi them <user id> <agency>; <agency>…   a list of agencies
  /dieuphoi bo <user id>                         revoke

The admin check runs inside the write transaction (:mod:`bot.access`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.access import (
    HasAdmins,
    active_grants,
    grant_coordinator,
    revoke_coordinator,
    scope_of,
)
from bot.clock import Clock
from bot.db.engine import Database, read_session
from bot.membership.service import Actor, acting
from bot.scope import Scope

LEVELS = {
    "trunguong": "central",
    "central": "central",
    "chinhphu": "government",
    "government": "government",
    "tinh": "province",
    "province": "province",
    "thanhpho": "city",
    "city": "city",
    "huyen": "district",
    "quan": "district",
    "district": "district",
}
ALL_WORDS = {"tatca", "tất cả", "all", "*"}
ADD_WORDS = {"them", "thêm", "add"}
REVOKE_WORDS = {"bo", "bỏ", "revoke"}

#: agency text → the agency ids it names (exactly one is accepted)
FindAgencies = Callable[[str], list[str]]


def parse_scope(words: list[str], find_agencies: FindAgencies) -> Scope | str:
    """A Scope from the words after the user id, or the text that was not understood."""
    text = " ".join(words).strip()
    if text.casefold() in ALL_WORDS:
        return Scope(all=True)
    if words and words[0].casefold() in {"cap", "cấp", "level"}:
        level = LEVELS.get(words[1].casefold()) if len(words) > 1 else None
        if level is None:
            return text
        place = " ".join(words[2:]).strip() or None
        return Scope(level=level, place=place)
    agencies: set[str] = set()
    for part in text.replace(",", ";").split(";"):
        if not part.strip():
            continue
        ids = find_agencies(part)
        if len(ids) != 1:
            return part.strip()
        agencies.add(ids[0])
    return Scope(agencies=frozenset(agencies)) if agencies else text


class Action(StrEnum):
    grant = "grant"
    revoke = "revoke"
    show = "show"


@dataclass(frozen=True)
class Command:
    action: Action
    user_id: int = 0
    user_word: str = ""  # the user id as typed, for the reply
    scope_words: tuple[str, ...] = ()


def parse_command(argument: str) -> Command:
    """The words after /dieuphoi; anything not a grant or a revocation lists the grants."""
    words = argument.split()
    action = words[0].casefold() if words else ""
    if action in ADD_WORDS and len(words) >= 3 and words[1].isdigit():
        return Command(Action.grant, int(words[1][:20]), words[1], tuple(words[2:]))
    if action in REVOKE_WORDS and len(words) == 2 and words[1].isdigit():
        return Command(Action.revoke, int(words[1][:20]), words[1])
    return Command(Action.show)


async def grant(
    db: Database, settings: HasAdmins, clock: Clock, actor: Actor, user_id: int, scope: Scope
) -> None:
    """Admins only (AccessDenied); unknown agencies in the scope raise NotFound."""
    async with acting(db, settings, clock, actor) as session:
        await grant_coordinator(
            session, settings, clock, actor_id=actor.user_id, user_id=user_id, scope=scope
        )


async def revoke(
    db: Database, settings: HasAdmins, clock: Clock, actor: Actor, user_id: int
) -> int:
    """Admins only; how many grants were revoked."""
    async with acting(db, settings, clock, actor) as session:
        return await revoke_coordinator(
            session, settings, clock, actor_id=actor.user_id, user_id=user_id
        )


@dataclass(frozen=True)
class Grant:
    user_id: int
    scope: Scope


async def grants(db: Database) -> list[Grant]:
    """The active coordinator grants, oldest first."""
    async with read_session(db.session_factory) as session:
        roles = await active_grants(session)
    return [Grant(role.user_id, scope_of(role)) for role in roles]
