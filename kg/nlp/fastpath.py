"""A faster kg pipeline: parse only the sentences that can hold an edge.

The full pipeline runs tok2vec, tagger, parser, attribute_ruler and lemmatizer on every
token, but the relation rules read the parse only in sentences with a deal-term trigger and
an organization (plus a little context). This pipeline:

1. runs the cheap annotators on all text: NER, the statistical sentence splitter
   (``senter``), kg's line-break rule and the deal-term span ruler;
2. picks *candidate* sentences (a trigger and an organization-like mention), widened by the
   context the rules look at (earlier sentences of the paragraph for "it", the next two after
   a revenue share for its cap), and re-processes each contiguous stretch as its own small
   Doc through tok2vec → tagger → parser → attribute_ruler → lemmatizer;
3. copies the tags, lemmas and dependency arcs back into the full Doc (other sentences get a
   flat tree that keeps their boundaries), then runs ``kg_orgs`` and ``kg_relations`` unchanged.

It is an ordinary ``spacy.Language``, so ``kg.nlp.results.extract_documents(docs, nlp)`` and
``kg.learn.evaluate.evaluate(..., nlp=nlp)`` work with it as they do with the full pipeline.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

import numpy
from spacy.attrs import DEP, HEAD, LEMMA, POS, SENT_START, TAG
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from kg.nlp.fastattrs import faster
from kg.nlp.fastmatch import install as install_windowed_matcher
from kg.nlp.model import DEAL_TERMS_KEY, add_kg_components, line_breaks, load_model
from kg.nlp.orgshapes import ORG_LIKE, cased_words, is_camel_name, tokens_with
from kg.nlp.references import PRONOUNS as _PRONOUNS
from kg.nlp.payments import percent_of_revenue as _percent_of_revenue
from kg.nlp.relcontext import PLANNED_TRIGGERS
from kg.nlp.syntax import doc_text, sentence_ents

PARSE_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
TRIGGER_LABELS = {"PARTNER", "EXCLUSIVE", "REVSHARE", "DEAL"}
_PLURAL_REFS = {"compan", "companie", "firm", "giant", "group", "partner", "side", "startup", "maker"}
# Parse-based triggers of kg.nlp.relations, approximated by their word forms (a superset):
# "A shares its revenue with B", "A is paying B $300 million", "raised $1bn from B".
_VERB_FORMS = {
    "share": {"share", "shares", "shared", "sharing", "split", "splits", "splitting", "pass", "passes", "passed",
              "passing"},
    "pay": {"pay", "pays", "paid", "paying", "purchase", "purchases", "purchased", "purchasing"},
    "raise": {"raise", "raises", "raised", "raising"},
}
_REVENUE_WORDS = {"revenue", "revenues", "sales", "profits", "proceeds"}
_LEXICAL_WORDS = frozenset().union(*_VERB_FORMS.values(), _REVENUE_WORDS)  # every _lexical_trigger needs one
_COPIED = [TAG, POS, LEMMA, DEP, HEAD]

__all__ = ["build_pipeline", "CandidateParser"]


@Language.factory(
    "kg_candidate_parse",
    requires=["doc.ents", "doc.spans", "token.is_sent_start"],
    assigns=["token.tag", "token.pos", "token.lemma", "token.dep", "token.head"],
    default_config={"components": list(PARSE_COMPONENTS), "context_before": 0, "context_after": 2, "pad": 4,
                    "entity_context": False, "trigger_labels": sorted(TRIGGER_LABELS)},
)
def make_candidate_parser(nlp: Language, name: str, components: list[str], context_before: int,
                          context_after: int, pad: int, entity_context: bool, trigger_labels: list[str]):
    return CandidateParser(nlp, components, context_before=context_before, context_after=context_after, pad=pad,
                           entity_context=entity_context, trigger_labels=trigger_labels)


class CandidateParser:
    """Run the (disabled) tagging and parsing components on candidate sentences only."""

    def __init__(self, nlp: Language, components: list[str], *, context_before: int = 3, context_after: int = 2,
                 pad: int = 4, entity_context: bool = False, trigger_labels: Iterable[str] = TRIGGER_LABELS):
        self.vocab = nlp.vocab
        self.entity_context = entity_context
        self.trigger_labels = frozenset(trigger_labels)
        # tokens of context on each side of a stretch: the tok2vec of en_core_web_sm and of
        # en_core_web_md (the default) sees 4 neighbours (MaxoutWindowEncoder depth 4 x window 1;
        # md's static vectors are per token), so with 4 the tags and arcs inside equal the full-document ones
        self.pad = pad
        # the attribute ruler and lemmatizer as exact, faster equivalents (kg.nlp.fastattrs)
        self.procs = faster([nlp.get_pipe(n) for n in components], components)
        self.context_before = context_before
        self.context_after = context_after
        self.root, self.dep = self.vocab.strings.add("ROOT"), self.vocab.strings.add("dep")
        from kg.nlp.cues import load_cues

        self.ref_words = _PRONOUNS | _PLURAL_REFS | load_cues().descriptor_nouns

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for batch in minibatch(docs, batch_size):
            plans = [candidate_regions(doc, self) for doc in batch]
            subs = [_sub_doc(doc, s, e, self.pad) for doc, regions in zip(batch, plans) for s, e in regions]
            for proc in self.procs:
                subs = list(proc.pipe(subs, batch_size=batch_size)) if hasattr(proc, "pipe") else [proc(d) for d in subs]
            it = iter(subs)
            for doc, regions in zip(batch, plans):
                parsed = []
                for s, e in regions:
                    lo = max(s - self.pad, 0)
                    parsed.append((s, e, next(it).to_array(_COPIED)[s - lo:e - lo]))
                self._write_back(doc, parsed)
            yield from batch

    def _write_back(self, doc: Doc, parsed: list[tuple[int, int, numpy.ndarray]]) -> None:
        """Parsed stretches keep their annotation; every other sentence becomes a flat tree."""
        n = len(doc)
        if n == 0:
            return
        starts = doc.to_array(SENT_START).astype(numpy.int64) == 1
        starts[0] = True
        idx = numpy.arange(n, dtype=numpy.int64)
        first = numpy.maximum.accumulate(numpy.where(starts, idx, 0))
        arr = numpy.zeros((n, len(_COPIED)), dtype=numpy.uint64)
        arr[:, 3] = numpy.where(starts, self.root, self.dep).astype(numpy.uint64)
        arr[:, 4] = (first - idx).astype(numpy.uint64)  # relative head offsets, two's complement
        for s, e, rows in parsed:
            arr[s:e] = rows
        doc.from_array(_COPIED, arr)


def _sub_doc(doc: Doc, start: int, end: int, pad: int) -> Doc:
    """Tokens ``start:end`` plus ``pad`` tokens each side as a new Doc.

    The stretch starts and ends a sentence; otherwise only line breaks are fixed, so the parser
    decides the boundaries inside it as it would in the full document.
    """
    lo, hi = max(start - pad, 0), min(end + pad, len(doc))
    toks = doc[lo:hi]
    sub = Doc(doc.vocab, words=[t.text for t in toks], spaces=[bool(t.whitespace_) for t in toks])
    sub[0].is_sent_start = True
    sub[start - lo].is_sent_start = True
    if end < hi:
        sub[end - lo].is_sent_start = True
    return line_breaks(sub)


def _lexical_trigger(sent, words: set[str]) -> bool:
    """Could one of the parse-based trigger rules fire in this sentence?"""
    if words & _VERB_FORMS["share"] and words & _REVENUE_WORDS:
        return True
    money = any(e.label_ == "MONEY" for e in sentence_ents(sent))
    if words & _VERB_FORMS["pay"] and (money or any(e.label_ == "ORG" for e in sentence_ents(sent))):
        return True
    if words & _VERB_FORMS["raise"] and "from" in words and money:
        return True
    return bool(_percent_of_revenue(sent))


def candidate_regions(doc: Doc, cfg: CandidateParser) -> list[tuple[int, int]]:
    """Token ranges ``(start, end)`` to parse: candidate sentences and their context, merged."""
    sents = list(doc.sents)
    if not sents:
        return []
    sent_of = numpy.empty(len(doc), dtype=numpy.int32)
    for i, s in enumerate(sents):
        sent_of[s.start:s.end] = i
    org_firsts = {e[0].orth for e in doc.ents if e.label_ == "ORG" or e.label_ in ORG_LIKE}
    org_firsts |= {doc[i].orth for i in cased_words(doc) if doc[i].ent_type == 0 and is_camel_name(doc[i].text)}  # kg_orgs reads these too
    triggers: set[int] = set()
    revshare: set[int] = set()
    payment: set[int] = set()
    for span in doc.spans.get(DEAL_TERMS_KEY, []):
        si = int(sent_of[span.start])
        if span.label_ in cfg.trigger_labels or span.label_ == "PLANNED" and any(
                t.lower_ in PLANNED_TRIGGERS for t in span):
            triggers.add(si)
        if span.label_ == "REVSHARE":
            revshare.add(si)
        elif span.label_ == "PAYMENT":
            payment.add(si)
    triggers |= {si for si in payment if any(si - 3 <= j <= si for j in revshare)}
    chosen: set[int] = set()
    # a parse-based trigger needs one of these words: sentences without any (most) skip the word set
    lexical_sents = set(sent_of[tokens_with(doc, _LEXICAL_WORDS, lower=True)].tolist())
    for si, sent in enumerate(sents):
        maybe = si in lexical_sents
        if si not in triggers and not maybe:
            continue
        words = {t.lower_ for t in sent}
        lexical = maybe and _lexical_trigger(sent, words)
        if si not in triggers and not lexical:
            continue
        refers = any(w in cfg.ref_words or w.rstrip("s") in cfg.ref_words for w in words)
        if not (refers or any(t.orth in org_firsts for t in sent)):
            continue
        chosen.add(si)
        if refers:  # "it", "the carmaker", "the two companies" refer back within the paragraph
            para = doc_text(doc).rfind("\n", 0, sent.start_char) + 1
            j = si - 1
            reach = max(cfg.context_before, 3) if cfg.entity_context else cfg.context_before  # faithful mode: more
            while j >= 0 and si - j <= reach and sents[j].end_char > para:
                chosen.add(j)
                j -= 1
        if si in revshare or si in payment or lexical:  # a cap may follow ("It is capped at ...")
            chosen.update(range(si + 1, min(si + 1 + cfg.context_after, len(sents))))
    if cfg.entity_context and chosen:
        # kg_orgs decides per name from every mention ("a product once is a product everywhere"),
        # so for output identical to the full pipeline the sentences that mention a candidate's
        # organizations are parsed too. Off by default: it doubles the parsed share (8% -> 16% of
        # BBC tokens) and scored the same F1 on dev.jsonl (0.914) and higher without it on gold.
        names = [(int(sent_of[e.start]), e.text.lower()) for e in doc.ents if e.label_ == "ORG" or e.label_ in ORG_LIKE]
        wanted = {text for si, text in names if si in chosen}
        chosen |= {si for si, text in names if text in wanted}
    regions: list[tuple[int, int]] = []
    for si in sorted(chosen):
        s, e = sents[si].start, sents[si].end
        if regions and regions[-1][1] == s:
            regions[-1] = (regions[-1][0], e)
        else:
            regions.append((s, e))
    return regions


def expand_patterns(patterns: list[dict], limit: int = 512) -> list[dict]:
    """Spell out ``{"LOWER": {"IN": [...]}}`` tokens as one pattern per word: same matches, faster.

    spaCy's Matcher checks set predicates token by token in Python; exact values are hashed.

    >>> [p["pattern"] for p in expand_patterns([{"label": "X", "pattern": [{"LOWER": {"IN": ["a", "b"]}}]}])]
    [[{'LOWER': 'a'}], [{'LOWER': 'b'}]]
    """
    out = []
    for pat in patterns:
        tokens = pat["pattern"]
        if isinstance(tokens, str):
            out.append(pat)
            continue
        choices = []
        for tok in tokens:
            alts = [{}]
            for attr, value in tok.items():
                if isinstance(value, dict) and set(value) == {"IN"} and attr in {"LOWER", "ORTH", "NORM"}:
                    alts = [{**a, attr: v} for a in alts for v in value["IN"]]
                else:
                    alts = [{**a, attr: value} for a in alts]
            choices.append(alts)
        total = 1
        for alts in choices:
            total *= len(alts)
        if total > limit:
            out.append(pat)
            continue
        out.extend({**pat, "pattern": list(combo)} for combo in itertools.product(*choices))
    return out


def as_phrases(patterns: list[dict], nlp: Language) -> list[dict]:
    """Exact lower-case token sequences become phrase patterns (PhraseMatcher: a hash lookup per token).

    The Matcher tries every token pattern at every token; the PhraseMatcher does not. A pattern
    is converted only when the tokenizer splits the phrase into exactly the same tokens.
    """
    out = []
    for pat in patterns:
        tokens = pat["pattern"]
        words = None
        if not isinstance(tokens, str) and all(
                len(t) == 1 and isinstance(next(iter(t.values())), str) and (
                    "LOWER" in t or "ORTH" in t and not any(c.isalpha() for c in t["ORTH"])) for t in tokens):
            words = [next(iter(t.values())) for t in tokens]
        if words and [t.lower_ for t in nlp.make_doc(" ".join(words))] == [w.lower() for w in words]:
            out.append({**pat, "pattern": " ".join(words)})
        else:
            out.append(pat)
    return out


def build_pipeline(model: str | None = None, *, extra_patterns: list[dict] | None = None,
                   trigger_labels: Iterable[str] = ()) -> Language:
    """A new fast pipeline of the rules; ``trigger_labels`` adds deal-term labels whose sentences are parsed.

    :func:`kg.pipeline.load_fast_pipeline` adds the trained scorer (its patterns and trigger labels) on top.
    """
    nlp = load_model(model)
    for name in PARSE_COMPONENTS:
        if name in nlp.pipe_names:
            nlp.disable_pipe(name)
    # Rule-based sentence splitting: kg_line_breaks already allows a sentence to start only after a
    # line break or sentence-final punctuation, and the parser re-decides boundaries inside every
    # candidate stretch, so the statistical senter (a second tok2vec) buys nothing here.
    nlp.add_pipe("sentencizer", name="kg_sentences", first=True)
    nlp.add_pipe("kg_line_breaks", after="kg_sentences")
    add_kg_components(nlp, extra_patterns=extra_patterns)
    ruler = nlp.get_pipe("kg_deal_terms")
    patterns = ruler.patterns
    ruler.clear()
    install_windowed_matcher(ruler)
    ruler.add_patterns(as_phrases(expand_patterns(patterns), nlp))
    labels = set(TRIGGER_LABELS) | set(trigger_labels)
    nlp.add_pipe("kg_candidate_parse", before="kg_orgs",
                 config={"components": [n for n in PARSE_COMPONENTS if n in nlp.component_names],
                         "trigger_labels": sorted(labels)})
    return nlp
