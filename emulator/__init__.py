"""A local Telegram Bot API emulator: enough of the Bot API for an unmodified PTB bot.

- :class:`Emulator` (``server.py``): the HTTP server plus user-side helpers.
- :class:`ChatHandle`, :class:`Reply` (``client.py``): act and read as a user.
- ``botapi.py`` the methods, ``state.py`` the in-memory world, ``limits.py`` flood
  limits, ``formatting.py`` HTML/Markdown parsing, ``media.py`` small files.
"""

from emulator.client import Button, ChatHandle, Reply
from emulator.limits import FloodLimits, Rate
from emulator.server import Emulator, make_token

__all__ = ["Button", "ChatHandle", "Emulator", "FloodLimits", "Rate", "Reply", "make_token"]
