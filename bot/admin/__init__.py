"""Administration by the configured admins (``ADMIN_USER_IDS``): /dieuphoi grants and
revokes coordinators with a scope (:mod:`bot.admin.coordinators`, texts in
:mod:`bot.admin.texts`). Reloading the knowledge base (/taiknowledge) belongs to the
curation loop (:mod:`bot.curation.service`), which also rebuilds the engine.
"""
