"""Callback data: short, strictly parsed, resolved against the knowledge base."""

from __future__ import annotations

import pytest

from bot import callbacks as cb
from tests.harness import shared_knowledge


def test_round_trip_of_every_format() -> None:
    assert cb.parse(cb.task_data("qd895_pl_ii_2", "deadline")) == cb.Parsed(
        "task", ("qd895_pl_ii_2", "d")
    )
    assert cb.parse(cb.agency_data("bo_noi_vu")) == cb.Parsed("agency", ("bo_noi_vu",))
    assert cb.parse(cb.docs_data()) == cb.Parsed("docs", ())
    assert cb.parse(cb.sections_data("kl44", 2)) == cb.Parsed("sections", ("kl44", "2"))
    assert cb.parse(cb.tasks_data("kl44", 1, 3)) == cb.Parsed("tasks", ("kl44", "1", "3"))
    assert cb.parse(cb.card_data("kl44_5_1")) == cb.Parsed("card", ("kl44_5_1",))
    assert cb.parse(cb.lang_data("en")) == cb.Parsed("lang", ("en",))
    assert cb.parse(cb.menu_data("browse")) == cb.Parsed("menu", ("browse",))


@pytest.mark.parametrize(
    "forged",
    [
        None,
        "",
        "t:x",
        "t:X_UPPER:d",
        "t:a:q",
        "l:fr",
        "m:drop",
        "b:s:kl44:99999",
        "a:" + "x" * 41,
        "a:bo_noi_vu\n",
        "t:../x:d",
        "é" * 40,
    ],
)
def test_forged_data_does_not_parse(forged: str | None) -> None:
    assert cb.parse(forged) is None


def test_long_ids_travel_as_hashes_and_resolve() -> None:
    kb, _ = shared_knowledge()
    resolver = cb.Resolver(kb)
    long_id = "x" * 60
    data = cb.task_data(long_id, "lead")
    assert len(data.encode()) <= 64 and "~" in data
    assert resolver.task(cb.parse(data).args[0]) is None  # not in this knowledge base
    for task_id in kb.tasks:
        assert resolver.task(cb.parse(cb.card_data(task_id)).args[0]) == task_id
    assert resolver.agency("no_such_agency") is None
    assert resolver.document("kl44") == "kl44"


def test_oversized_data_is_refused_when_built() -> None:
    with pytest.raises(ValueError):
        cb._check("t:" + "x" * 70)
