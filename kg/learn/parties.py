"""Is a name a party to a deal in this document? A regression over how the document uses the name.

Products, brands, programmes and places pass for organizations in the model's tags ("sales of X",
"X titles", "OpenAI's platform X", "for X devices"); the way a document uses a name tells them
apart better than the name itself. The party model is trained on the gold parties of the training
passages (names of their candidates that are an end of a gold edge, against the other names), and
its probability for each end of a pair becomes a feature of the edge model. In training that
feature comes from party models that did not see the passage (:func:`cross_fit`), as it will be at
prediction time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy as np
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from kg.learn.features import Features, _bucket, most_common_tag

_LEGAL = re.compile(r"\b(inc|corp|corporation|co|ltd|llc|plc|ag|sa|se|nv|gmbh|group|holdings|limited|lp)\b\.?$",
                    re.IGNORECASE)


def name_features(doc: Doc, names: Iterable[str]) -> dict[str, Features]:
    """Features of each canonical name over all its mentions in the document."""
    mentions: dict[str, list[Span]] = {}
    refs: set[str] = set()
    for s in doc.spans.get("kg_orgs", []):
        if s.label_ == "ORG":
            mentions.setdefault(s.kb_id_, []).append(s)
        else:
            refs.add(s.kb_id_)
    most = max(map(len, mentions.values()), default=1)
    kinds = kind_vectors(doc.vocab)
    return {n: {**_features(n, mentions.get(n, []), n in refs, len(mentions.get(n, [])) / most),
                **kind_features(mentions.get(n, []), kinds)} for n in set(names)}


def _features(name: str, spans: list[Span], referred: bool, share: float) -> Features:
    # mentions against the document's most named organization: a count alone would read every name of a
    # short text as a name the article mentions only in passing
    out: Features = {"bias": 1.0, "most_named" if share >= 1 else f"named_share{_bucket(share, (0.25, 0.5))}": 1.0}
    words = name.split()
    out[f"words{_bucket(len(words), (1, 2, 3))}"] = 1.0
    if name.isupper():
        out["all_caps"] = 1.0
    if any(c.isdigit() for c in name):
        out["digit"] = 1.0
    if _LEGAL.search(name):
        out["legal_suffix"] = 1.0
    if referred:
        out["referred_to"] = 1.0  # "the company", "it" resolve to it
    for label in {s.root.ent_type_ or "none" for s in spans}:
        out[f"ner={label}"] = 1.0
    tag = most_common_tag(spans)
    if tag:
        out[f"ner_major={tag}"] = 1.0
    for s in spans:
        out.update(_mention(s))
    if spans and spans[0].sent.start == 0:
        out["in_first_sentence"] = 1.0
    return out


# Words for kinds of things a name can be. A name's word vectors near "phone" or "city" rather than
# "company" say it is likely a product or a place; the party model learns how much each kind counts.
# General words, chosen before looking at any passage; a pipeline without word vectors (the small
# model) gives every name "no_vector".
KINDS = ("company", "bank", "startup", "product", "software", "app", "device", "phone", "drug", "game", "brand",
         "service", "chip", "person", "city", "country", "team", "league", "government", "program")


def kind_vectors(vocab: Vocab) -> dict[str, np.ndarray]:
    """Unit vectors of the kind words that the pipeline's vectors know."""
    out = {}
    for kind in KINDS:
        v = vocab.get_vector(kind)
        n = float(np.linalg.norm(v))
        if n > 0:
            out[kind] = v / n
    return out


def kind_features(spans: list[Span], kinds: dict[str, np.ndarray]) -> Features:
    """Cosine of the name's first mention (its words' summed vectors) to each kind word, and the nearest kind."""
    if not spans:
        return {}
    words = [t.vector for t in spans[0] if t.has_vector and not t.is_punct]
    v = np.sum(words, axis=0) if words else np.zeros(1, dtype="float32")
    n = float(np.linalg.norm(v))
    if not kinds or n == 0:
        return {"no_vector": 1.0}
    sims = {k: float(v @ kv) / n for k, kv in kinds.items()}
    return {**{f"kind_sim={k}": round(s, 3) for k, s in sims.items()}, f"kind={max(sims, key=sims.get)}": 1.0}


def end_kinds(ends: Iterable[Features]) -> Features:
    """The edge models' view of the kinds of a pair's two names (from their party features): the nearest
    kind of each and the higher of the two cosines per kind word, since the pair has no order."""
    out: Features = {}
    for features in ends:
        for key, value in features.items():
            if key.startswith("kind") or key == "no_vector":
                out["end_" + key] = max(out.get("end_" + key, -1.0), value)
    return out


def _mention(span: Span) -> Features:
    """The word before a mention, the word after, and how it hangs from its head ("for X", "X titles")."""
    doc, root = span.doc, span.root
    prev = doc[span.start - 1].lower_ if span.start > 0 else "<s>"
    nxt = doc[span.end].lower_ if span.end < len(doc) else "</s>"
    out = {f"prev={prev}": 1.0, f"next={nxt}": 1.0, f"dep={root.dep_}": 1.0,
           f"dep={root.dep_}:{root.head.lemma_.lower()}": 1.0}
    if root.dep_ == "pobj":
        out[f"pobj={root.head.head.lemma_.lower()}:{root.head.lower_}"] = 1.0
    if root.dep_ in {"nsubj", "nsubjpass"} and root.head.pos_ in {"VERB", "AUX"}:
        out["subject"] = 1.0
    if span.start >= 2 and doc[span.start - 1].lower_ in {"'s", "’s"}:
        out["owned_by_name"] = 1.0  # "Acme's X"
    return out


def party_row(pa: float, pb: float) -> Features:
    """The edge model's features from the party probabilities of a pair's two names."""
    low = min(pa, pb)
    return {"party_min": round(low, 4), "party_max": round(max(pa, pb), 4), f"party_low{_bucket(low, (0.2, 0.4))}": 1.0}


def cross_fit(rows: list[Features], labels: list[int], groups: list[int], folds: int,
              fit: Callable[[list[Features], list[int]], object | None], train: list[bool]) -> list[float]:
    """Each row's party probability from a model fitted on the other groups' rows where ``train`` holds
    (0.5 when no model could be fitted)."""
    out = [0.5] * len(rows)
    for k in range(folds):
        use = [i for i, g in enumerate(groups) if g != k and train[i]]
        model = fit([rows[i] for i in use], [labels[i] for i in use])
        if model is None:
            continue
        for i, g in enumerate(groups):
            if g == k:
                out[i] = model.proba(rows[i])[model.classes[-1]]
    return out
