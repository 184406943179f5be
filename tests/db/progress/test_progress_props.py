"""Property: any text after /capnhat gets an outcome, never a crash, never a partial write."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.clock import ManualClock
from bot.db.engine import SessionFactory, write_session
from bot.db.models import NOTE_MAX_CHARS, ProgressUpdate
from bot.progress.service import post_one_line
from tests.db.helpers import add_member, counts

LAN = 10
_prefix = st.sampled_from(["II.2 ", "II.2 60% ", "ii,2 ", "III.1.b xong ", "", "II.6 100% "])


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(prefix=_prefix, tail=st.text(max_size=700))
@example(prefix="II.2 60% ", tail="ă" * NOTE_MAX_CHARS)
@example(prefix="II.2 60% ", tail="ă" * (NOTE_MAX_CHARS + 1))
@example(prefix="II.2 ", tail="\x00\U0001f600\u202e" * 10)
async def test_one_line_writes_all_or_nothing(
    synced_session_factory: SessionFactory, clock: ManualClock, prefix: str, tail: str
) -> None:
    sf = synced_session_factory
    await _ensure_member(sf, clock)
    before = await counts(sf)
    async with write_session(sf) as s:
        outcome = await post_one_line(s, clock, user_id=LAN, text=prefix + tail)
    after = await counts(sf)
    if outcome.kind == "saved":
        assert after == (before[0] + 1, before[1] + 1)
        async with sf() as s:
            row = await s.get(ProgressUpdate, outcome.update.id)  # type: ignore[union-attr]
        assert row is not None and len(row.note) <= NOTE_MAX_CHARS
    else:
        assert outcome.kind in {"suggest", "invalid"}
        assert after == before


async def _ensure_member(sf: SessionFactory, clock: ManualClock) -> None:
    from bot.access import member_agencies

    async with sf() as s:
        if await member_agencies(s, LAN):
            return
    await add_member(sf, clock, LAN, "bo_noi_vu")
