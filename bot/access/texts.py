"""What a refusal says: one text per :class:`bot.access.AccessDenied` reason."""

from __future__ import annotations

from bot.access import AccessDenied
from bot.i18n import N_, t

DENIED = {
    "not_admin": N_("Only an administrator can do this."),
    "not_coordinator": N_("Only a coordinator of this agency or an administrator can do this."),
    "not_member": N_("You are not a member of this agency. Ask its coordinator for a join code."),
    "not_responsible": N_("Your agency is not responsible for this task."),
    "not_author": N_("Only the author of an update can correct it."),
    "too_late": N_("An update can only be corrected within 24 hours."),
    "already_corrected": N_("This update has already been corrected."),
}


def denied_text(lang: str, exc: AccessDenied) -> str:
    return t(lang, DENIED.get(exc.reason, N_("You are not allowed to do this.")))
