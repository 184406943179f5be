"""One complete export per person, whatever roles they have had and whenever asked.

It gathers what each feature holds about the person, through that feature's own export:
the officer profile (name, language, memberships, progress updates written), volunteer
registrations of every campaign, past ones included (name, phone, place, skills, blood
group, consent), and the questions and ratings the curation log keeps under the
person's pseudonym. /dulieucuatoi and the volunteers' "My data" button both send this.
"""

from __future__ import annotations

from typing import Any, Protocol

from bot.db.engine import Database
from bot.i18n import N_
from bot.membership.service import export_data as officer_export
from bot.volunteers.service import export as volunteer_export

MY_DATA_CAPTION = N_(
    "Everything the bot holds about you (JSON). Erase your volunteer data with /xoadulieu, "
    "your officer profile with /xoahoso."
)


class QuestionLog(Protocol):
    async def export_questions_of(self, user_id: int) -> dict[str, object]: ...


async def export_all(db: Database, questions: QuestionLog, user_id: int) -> dict[str, Any]:
    """Everything the bot holds about ``user_id``, as plain JSON-ready data."""
    data = await officer_export(db, user_id)
    volunteer = await volunteer_export(db, user_id)
    data["volunteer_registrations"] = volunteer.get("registrations", [])
    data["questions_asked"] = await questions.export_questions_of(user_id)
    return data
