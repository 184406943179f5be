"""The curation loop: what officers asked and did not get answered, and how curators close it.

Plain domain code (SQLAlchemy sessions, the knowledge engine); no Telegram here.
"""
