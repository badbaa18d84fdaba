"""Plain data models that cross module and process boundaries (pydantic 2).

Character offsets, not token indices; validated once where data enters.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RelationType = str  # the built-in three (RELATION_TYPES) or any type of a types file
Status = Literal["active", "ended", "planned"]

RELATION_TYPES: tuple[str, ...] = ("partners-with", "exclusive-with", "revenue-share-capped")
SYMMETRIC_TYPES: frozenset[str] = frozenset({"partners-with", "exclusive-with"})
STATUSES: tuple[str, ...] = ("active", "ended", "planned")
ATTR_KEYS: tuple[str, ...] = ("percent", "amount", "until", "since")


def combine_status(rtype: str, statuses: list[str]) -> str:
    """One status from several same-day readings of an edge.

    An ended exclusivity outweighs a mention of it; any active reading of a partnership
    outweighs a remark that a part of it ended.

    >>> combine_status("exclusive-with", ["active", "ended"]), combine_status("partners-with", ["ended", "active"])
    ('ended', 'active')
    """
    if rtype == "exclusive-with" and "ended" in statuses:
        return "ended"
    for status in ("active", "planned", "ended"):
        if status in statuses:
            return status
    return "active"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Document(_Model):
    """One article: its id, text and (optional) publication date."""

    id: str
    text: str
    published: dt.date | None = None
    title: str | None = None
    source: str | None = None  # file path or URL it came from


class Mention(_Model):
    """A surface form of an organization in one document."""

    text: str
    doc_id: str
    start: int
    end: int


class Merge(_Model):
    """An audit record: ``surface`` was merged into an entity, and why."""

    surface: str
    reason: str  # e.g. "legal-suffix", "definition", "ticker", "alias-file", "descriptor"
    doc_id: str | None = None


class Entity(_Model):
    """A canonical organization node with the spellings merged into it."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    merges: list[Merge] = Field(default_factory=list)


class Evidence(_Model):
    """Where an edge was read: document, sentence, character span, article date."""

    doc_id: str
    sentence: str
    start: int  # character offset of the sentence in the document
    end: int
    published: dt.date | None = None
    status: Status = "active"
    rule: str = ""  # which extraction rule fired
    confidence: float = 0.5


class Relation(_Model):
    """A typed edge between two organizations with its status, attributes and evidence."""

    type: RelationType
    source: str
    target: str
    status: Status = "active"
    attrs: dict[str, str] = Field(default_factory=dict)
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    evidence: list[Evidence] = Field(default_factory=list)

    @property
    def symmetric(self) -> bool:
        return self.type in SYMMETRIC_TYPES


class DocResult(_Model):
    """Everything extracted from one document, as plain data."""

    doc_id: str
    published: dt.date | None = None
    entities: list[Entity] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)


class Change(_Model):
    """An edge that started, ended or changed status on ``date`` (None: undated evidence, not placed in time)."""

    type: RelationType
    source: str
    target: str
    from_status: Status | None = None  # None: the edge is new on this date
    to_status: Status
    date: dt.date | None = None
    evidence: list[Evidence] = Field(default_factory=list)
