"""Progress updates from assigned agencies: parsing, task references, writes, status.

- ``bot.progress.parse``: the one-line form ``II.2 60% đã gửi dự thảo báo cáo``;
- ``bot.progress.refs``: short task codes (``II.2``) and typo-tolerant resolution;
- ``bot.progress.service``: the writes (update, correction: the one 24-hour rule) with
  their checks, and ``PROGRESS``, what the handlers call inside their unit of work;
- ``bot.progress.status``: the one "current status" (a correction replaces what it
  corrects) for /tiendo, the reminder scan, the digest and the export;
- ``bot.progress.queries``: what every task owes and where it stands, read in bulk
  (the snapshot the reminder scan and the digest share);
- ``bot.progress.texts``: what the feature says (statuses, errors, /tiendo blocks).
"""
