"""The outbox's Telegram edge: one Bot API call per queued message.

The scheduler's delivery path (``scheduler/delivery.py``) drains the outbox through a
``Sender``; this one turns a queued message into ``send_message`` / ``send_photo`` /
``send_document`` and PTB's errors into the delivery's outcomes (retry later, chat
gone, rejected, transient).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from scheduler.delivery import ChatGone, QueuedMessage, Rejected, RetryLater, Transient

if TYPE_CHECKING:
    from telegram import Bot


def _seconds(value: Any) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class TelegramSender:
    """The delivery path's sender: one Bot API call per queued message."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, message: QueuedMessage) -> int:
        markup = (
            InlineKeyboardMarkup.de_json(message.reply_markup, self.bot)
            if message.reply_markup
            else None
        )
        try:
            if message.attachment is not None:
                name = message.attachment_name or "file"
                file = InputFile(message.attachment, filename=name)
                if name.endswith(".png"):
                    sent = await self.bot.send_photo(
                        message.chat_id, file, caption=message.text or None, reply_markup=markup
                    )
                else:
                    sent = await self.bot.send_document(
                        message.chat_id, file, caption=message.text or None, reply_markup=markup
                    )
            else:
                sent = await self.bot.send_message(
                    message.chat_id, message.text, reply_markup=markup
                )
        except RetryAfter as exc:
            raise RetryLater(_seconds(exc.retry_after)) from exc
        except Forbidden as exc:
            raise ChatGone(exc.message) from exc
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                raise ChatGone(exc.message) from exc
            raise Rejected(exc.message) from exc
        except (TimedOut, NetworkError) as exc:
            raise Transient(str(exc)) from exc
        return sent.message_id
