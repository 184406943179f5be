"""Persistence: engine, models, migrations, knowledge-base sync."""
