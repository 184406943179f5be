"""Reminders before deadlines, the weekly digest, and the one delivery path with flood limits.

Domain modules take and return plain data and an injectable clock (``bot.clock``);
Telegram types stay in ``handlers/``.
"""
