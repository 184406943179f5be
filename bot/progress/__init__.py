"""Progress updates from assigned agencies: parsing, task references, writes, status.

- ``bot.progress.parse``: the one-line form ``II.2 60% đã gửi dự thảo báo cáo``;
- ``bot.progress.refs``: short task codes (``II.2``) and typo-tolerant resolution;
- ``bot.progress.service``: the writes (update, correction) with their checks;
- ``bot.progress.status``: where a task or an agency stands (for /tiendo, digests).
"""
