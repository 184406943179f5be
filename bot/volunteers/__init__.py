"""Volunteer campaigns: domain logic, plain functions on an AsyncSession (no Telegram).

- :mod:`bot.volunteers.validation`: phone numbers, names, places, skills, blood groups;
- :mod:`bot.volunteers.editions`: campaign editions (open, edit, close, list);
- :mod:`bot.volunteers.registrations`: register, waitlist, cancel and promote, erase;
- :mod:`bot.volunteers.access`: which editions a coordinator may manage;
- :mod:`bot.volunteers.reports`: registrant lists, CSV export, counts for the digest;
- :mod:`bot.volunteers.reminders`: the reminder the day before a campaign starts.

Personal data is never logged: log lines carry registration and edition ids only.
"""
