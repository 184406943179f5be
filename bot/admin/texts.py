"""What /dieuphoi says (HTML), in the admin's language."""

from __future__ import annotations

import html
from collections.abc import Callable

from bot.admin.coordinators import Grant
from bot.i18n import N_, t
from bot.scope import Scope

USAGE = N_(
    "Usage:\n"
    "/dieuphoi them &lt;user id&gt; tatca\n"
    "/dieuphoi them &lt;user id&gt; cap &lt;level&gt; [place] (levels: trunguong, tinh, "
    "thanhpho, huyen)\n"
    "/dieuphoi them &lt;user id&gt; &lt;agency&gt;; &lt;agency&gt;…\n"
    "/dieuphoi bo &lt;user id&gt;"
)

#: agency id → its name in the documents
AgencyName = Callable[[str], str]


def describe(lang: str, scope: Scope, agency_name: AgencyName) -> str:
    """A scope in words (plain text): 'all agencies', 'province / Lai Châu', names."""
    if scope.all:
        return t(lang, "all agencies")
    parts = []
    if scope.level:
        parts.append(scope.level + (f" / {scope.place}" if scope.place else ""))
    parts.extend(agency_name(a) for a in sorted(scope.agencies))
    return "; ".join(parts)


def not_understood(lang: str, text: str) -> str:
    return (
        t(lang, "I do not understand the scope “{text}”.", text=text[:200])
        + "\n\n"
        + t(lang, USAGE)
    )


def granted(lang: str, user: str, scope: Scope, agency_name: AgencyName) -> str:
    return t(
        lang,
        "User {user} is now a coordinator for: {scope}",
        user=user,
        scope=describe(lang, scope, agency_name),
    )


def revoked(lang: str, user: str, count: int) -> str:
    if count:
        return t(lang, "User {user} is no longer a coordinator.", user=user)
    return t(lang, "User {user} was not a coordinator.", user=user)


def unknown_agency(lang: str, agency_id: str) -> str:
    return t(lang, "Unknown agency: {id}", id=agency_id)


def grant_list(lang: str, grants: list[Grant], agency_name: AgencyName) -> str:
    lines = [t(lang, "<b>Coordinators</b>")]
    if not grants:
        lines.append(t(lang, "None yet."))
    for grant in grants:
        scope = html.escape(describe(lang, grant.scope, agency_name), quote=False)
        lines.append(f"• {grant.user_id}: {scope}")
    return "\n".join(lines) + "\n\n" + t(lang, USAGE)
