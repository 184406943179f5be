"""What a first-time admin does next, shown under /start: grant coordinators, issue join
codes, open a campaign; each a button that starts that step.

"First time": no coordinator has been granted yet. The campaign button is the campaign
form's own entry (``c:new``); the other two show their command's usage.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import callbacks as cb
from bot.access import is_admin
from bot.admin import texts as admin_texts
from bot.admin.coordinators import grants
from bot.context import BotContext as Context
from bot.db.engine import Database
from bot.i18n import t, tb
from bot.membership import texts as membership_texts
from handlers.context import send_html

CAMPAIGN_NEW = "c:new"  # handlers/campaigns.py: the /chiendich form's entry button


async def first_time_admin(context: Context, user_id: int) -> bool:
    services = context.services
    if not is_admin(services.settings, user_id) or not isinstance(services.db, Database):
        return False
    return not await grants(services.db)


def steps_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tb(lang, "👥 Grant coordinators"), callback_data=cb.menu_data("grant")
                )
            ],
            [
                InlineKeyboardButton(
                    tb(lang, "🔑 Issue join codes"), callback_data=cb.menu_data("codes")
                )
            ],
            [InlineKeyboardButton(tb(lang, "📣 Open a campaign"), callback_data=CAMPAIGN_NEW)],
        ]
    )


async def show_next_steps(update: Update, context: Context) -> None:
    """After /start: the admin's next steps, when nothing is set up yet."""
    user = update.effective_user
    if user is None or not await first_time_admin(context, user.id):
        return
    lang = context.lang
    text = t(
        lang,
        "<b>What to do next</b> (you are an administrator)\n"
        "1. Grant coordinators: who follows which agencies or places.\n"
        "2. Issue join codes so officers can join their agency.\n"
        "3. Open a volunteer campaign.",
    )
    await send_html(update, context, text, steps_keyboard(lang))


async def on_step(update: Update, context: Context, action: str) -> None:
    """``m:grant`` / ``m:codes``: how to do it (admins only)."""
    user = update.effective_user
    lang = context.lang
    if user is None or not is_admin(context.services.settings, user.id):
        await send_html(update, context, t(lang, "Only an administrator can do this."))
        return
    usage = admin_texts.USAGE if action == "grant" else membership_texts.MACODE_USAGE
    await send_html(update, context, t(lang, usage))
