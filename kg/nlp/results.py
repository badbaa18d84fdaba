"""From spaCy Docs to plain data: the one place where annotations become kg models."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kg.models import DocResult, Document, Entity, Evidence, Merge, Mention, Relation


def doc_to_result(doc, document: Document) -> DocResult:
    """Convert an annotated Doc into a :class:`DocResult` (entities, relations, evidence)."""
    mentions: dict[str, list[Mention]] = {}
    for span in doc.spans.get("kg_orgs", []):
        if span.label_ == "ORG" and span.kb_id_:
            mentions.setdefault(span.kb_id_, []).append(
                Mention(text=span.text, doc_id=document.id, start=span.start_char, end=span.end_char))
    entities = []
    for name, info in (doc._.kg_entities or {}).items():
        entities.append(Entity(
            name=name,
            aliases=list(info["aliases"]),
            mentions=mentions.get(name, []),
            merges=[Merge(surface=s, reason=r, doc_id=document.id) for s, r in info["merges"]],
        ))
    return DocResult(doc_id=document.id, published=document.published, entities=entities,
                     relations=relations_of(doc._.kg_relations or [], document))


def relations_of(rows: list[dict], document: Document) -> list[Relation]:
    """Relation models from the relation dicts of ``doc._.kg_relations``."""
    return [Relation(type=rel["type"], source=rel["source"], target=rel["target"], status=rel["status"],
                     attrs=rel["attrs"], confidence=rel["confidence"],
                     evidence=[Evidence(doc_id=document.id, published=document.published, **ev) for ev in rel["evidence"]])
            for rel in rows]


def extract_documents(docs: Iterable[Document], nlp, *, batch_size: int = 64) -> Iterator[DocResult]:
    """Stream documents through the pipeline ``nlp``, yielding one :class:`DocResult` each."""
    pairs = ((_prepared(nlp, d), d) for d in docs)
    for doc, document in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield doc_to_result(doc, document)


def _prepared(nlp, document: Document):
    """A tokenized Doc that carries the article date for the rules (``doc.user_data["published"]``)."""
    doc = nlp.make_doc(document.text)
    if document.published is not None:
        doc.user_data["published"] = document.published.isoformat()
    return doc
