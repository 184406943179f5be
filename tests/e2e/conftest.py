"""Fixtures for end-to-end tests; the harness itself is documented in tests/harness.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.harness import BotHarness


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    """The whole bot, polling a fresh emulator; stopped cleanly after the test."""
    async with BotHarness.start() as harness:
        yield harness
