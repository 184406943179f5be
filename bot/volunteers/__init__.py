"""Volunteers: domain logic, plain functions on an AsyncSession (no Telegram).

- :mod:`bot.volunteers.validation`: phone numbers, names, places, skills, blood groups;
- :mod:`bot.volunteers.editions`: the campaign editions open for registration now;
- :mod:`bot.volunteers.registrations`: register, waitlist, cancel and promote, erase;
- :mod:`bot.volunteers.service`: the units of work the chat calls (sessions opened here);
- :mod:`bot.volunteers.texts`: what the bot says about registrations (reminders, skills);
- :mod:`bot.volunteers.reminders`: which reminders are due the day before a campaign.

The coordinators' side (editions, registrants, exports) is :mod:`bot.campaigns`.
Personal data is never logged: log lines carry registration and edition ids only.
"""
