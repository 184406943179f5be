"""The coordinators' digest and export: what a scope looks like this week.

- ``bot.digest.build``: the numbers and short lists, from a snapshot (plain data);
- ``bot.digest.texts``: the message and the scope's name, in the coordinator's language;
- ``bot.digest.chart``: the PNG bar chart (matplotlib, in a helper process);
- ``bot.digest.export``: /xuat's CSV and XLSX;
- ``bot.digest.service``: one coordinator's digest now, for the weekly job and /baocao.

When the weekly digest goes out is the scheduler's business (``scheduler.service``).
"""
