"""A fast, deterministic stand-in for the spaCy extractor, importable by name ("stubs:stub_extract") in workers."""

from __future__ import annotations

import os
import re
import time

from kg.models import Document, DocResult, Entity, Evidence, Mention, Relation

_EDGE = re.compile(r"([A-Z]\w+) (partners with|is exclusive with|no longer partners with) ([A-Z]\w+)")
_TYPES = {"partners with": ("partners-with", "active"), "is exclusive with": ("exclusive-with", "active"),
          "no longer partners with": ("partners-with", "ended")}


def stub_extract(docs: list[Document], model=None, fast=True) -> list[DocResult]:
    """A fast, deterministic stand-in for the spaCy extractor (KG_STUB_DELAY slows it down)."""
    delay = float(os.environ.get("KG_STUB_DELAY", "0"))
    out = []
    for doc in docs:
        time.sleep(delay)
        ents: dict[str, list[Mention]] = {}
        rels = []
        for m in _EDGE.finditer(doc.text):
            for g in (1, 3):
                ents.setdefault(m[g], []).append(Mention(text=m[g], doc_id=doc.id, start=m.start(g), end=m.end(g)))
            type_, status = _TYPES[m[2]]
            ev = Evidence(doc_id=doc.id, sentence=m[0], start=m.start(), end=m.end(), published=doc.published,
                          status=status, rule="stub", confidence=0.7)
            rels.append(Relation(type=type_, source=m[1], target=m[3], status=status, confidence=0.7, evidence=[ev]))
        entities = [Entity(name=n, mentions=ms) for n, ms in ents.items()]
        out.append(DocResult(doc_id=doc.id, published=doc.published, entities=entities, relations=rels))
    return out
