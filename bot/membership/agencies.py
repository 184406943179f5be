"""Naming agencies in chat: what an officer or coordinator typed → agency ids, and back."""

from __future__ import annotations

from knowledge.base import KnowledgeBase
from knowledge.engine import Engine


def find_agency_ids(kb: KnowledgeBase, engine: Engine, text: str) -> list[str]:
    """Agency ids named in ``text``: an exact id, else the engine's agency recogniser."""
    token = text.strip()
    if token in kb.agencies:
        return [token]
    return [a.id for a in engine.find_agencies(token)] if token else []


def agency_name(kb: KnowledgeBase, agency_id: str) -> str:
    """The agency's name in the documents (its id when the base no longer has it)."""
    agency = kb.agencies.get(agency_id)
    return agency.name if agency else agency_id
