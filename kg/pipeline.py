"""The whole pipeline: the spaCy stage (:mod:`kg.nlp`) with the trained relation scorer (:mod:`kg.learn`) on top.

The glue between the two stages: ``kg.nlp`` knows nothing of the scorer, ``kg.learn`` reads what
``kg.nlp`` annotates; only here are they put in one ``spacy.Language``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from spacy.language import Language

import kg.learn.component  # noqa: F401  (registers the kg_scorer factory)
from kg.learn.model import RelationModel, default_model_path
from kg.models import DocResult, Document
from kg.nlp import results
from kg.nlp.fastpath import build_pipeline
from kg.nlp.model import add_kg_components, load_model


def _scorer_model(relations_model: str | bool | None) -> tuple[str | None, RelationModel | None]:
    """The relation model directory and its model (None: the shipped one; False: none, rules only)."""
    if relations_model is False:
        return None, None
    path = str(relations_model or default_model_path())
    return path, RelationModel.from_disk(path)


def _add_scorer(nlp: Language, path: str | None) -> Language:
    """Append the ``kg_scorer`` component (when there is a model)."""
    if path:
        nlp.add_pipe("kg_scorer", config={"model_path": path})
    return nlp


@lru_cache(maxsize=4)
def load_pipeline(model: str | None = None, relations_model: str | bool | None = None) -> Language:
    """The full kg pipeline (cached per model and relation model); ``relations_model=False``: the rules only.

    >>> nlp = load_pipeline()
    >>> nlp.pipe_names[-3:]
    ['kg_orgs', 'kg_relations', 'kg_scorer']
    """
    path, scorer = _scorer_model(relations_model)
    nlp = add_kg_components(load_model(model), extra_patterns=scorer.patterns if scorer else None)
    return _add_scorer(nlp, path)


@lru_cache(maxsize=4)
def load_fast_pipeline(model: str | None = None, relations_model: str | bool | None = None) -> Language:
    """The kg pipeline with the parse restricted to candidate sentences (cached per model and relation model).

    >>> nlp = load_fast_pipeline()
    >>> nlp.pipe_names
    ['kg_sentences', 'kg_line_breaks', 'ner', 'kg_deal_terms', 'kg_candidate_parse', 'kg_orgs', 'kg_relations', 'kg_scorer']
    """
    path, scorer = _scorer_model(relations_model)
    labels = {label for t in scorer.types for label in t.triggers} if scorer else set()
    nlp = build_pipeline(model, extra_patterns=scorer.patterns if scorer else None, trigger_labels=labels)
    return _add_scorer(nlp, path)


def extract_documents(docs: Iterable[Document], nlp: Language | None = None, *,
                      batch_size: int = 64) -> Iterator[DocResult]:
    """Stream documents through ``nlp`` (default: the full pipeline), yielding one :class:`DocResult` each.

    >>> r = next(extract_documents([Document(id="d", text="Acme Corp. signed a partnership with Globex Inc.")]))
    >>> [(x.type, x.source, x.target) for x in r.relations]
    [('partners-with', 'Acme Corp', 'Globex Inc')]
    """
    yield from results.extract_documents(docs, nlp if nlp is not None else load_pipeline(), batch_size=batch_size)


def extract_text(text: str, *, doc_id: str = "text", published=None, nlp: Language | None = None) -> DocResult:
    """Extract from one text.

    >>> sorted((r.type, r.status) for r in extract_text("Acme and Globex ended their exclusive partnership.").relations)
    [('exclusive-with', 'ended'), ('partners-with', 'ended')]
    """
    return next(extract_documents([Document(id=doc_id, text=text, published=published)], nlp))
