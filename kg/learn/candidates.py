"""Candidate pairs: organizations named together in a sentence that holds a deal term.

A candidate is an unordered pair of canonical organization names (``doc.spans["kg_orgs"]``,
back-references included, so "it" in the next sentence ties its antecedent in) with every
sentence ("context") where both occur beside a trigger. The scorer decides which candidates
are edges, of which type, in which direction, with which status.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from kg.learn.types import RelationType
from kg.nlp.references import is_source, speaks


@dataclass
class Context:
    """One sentence where both names of a pair occur: the closest mention of each and the deal terms there."""

    sent: Span
    index: int  # sentence number in the document
    a: Span  # mention of the pair's first name
    b: Span
    terms: list[Span]  # deal terms of the sentence (outside organization names)
    labels: frozenset[str]  # their labels
    rules: dict[str, dict] = field(default_factory=dict)  # type -> rule evidence of the pair in this sentence
    cross: bool = False  # one name is in the sentence before


@dataclass
class PairCandidate:
    """An unordered pair of organizations (``a < b``) and the sentences that join them."""

    a: str
    b: str
    contexts: list[Context]
    rules: dict[str, dict] = field(default_factory=dict)  # type -> the rule extractor's relation for the pair

    def sentences(self, triggers: set[str] | None = None, rtype: str | None = None, any_rule: bool = False
                  ) -> list[Context]:
        """The contexts that tell of the pair for a type: the sentences naming both that hold one of its
        ``triggers`` or where a rule found the pair (a rule of ``rtype``, or of any type with ``any_rule``);
        else the sentences next to them holding a trigger; else the sentences naming both."""
        named = [c for c in self.contexts if not c.cross] or self.contexts
        if triggers is None:
            return named
        told = [c for c in named if c.labels & triggers or (c.rules if any_rule else rtype in c.rules)]
        return told or [c for c in self.contexts if c.labels & triggers] or named

    def types(self, types: list[RelationType]) -> list[RelationType]:
        """The types this pair is a candidate for: a trigger of the type in a context, or a rule that proposed it."""
        labels = {label for c in self.contexts for label in c.labels}
        return [t for t in types if labels & set(t.triggers) or t.name in self.rules]


def trigger_labels(types: list[RelationType]) -> frozenset[str]:
    """Deal-term labels that make a sentence a candidate sentence."""
    return frozenset(label for t in types for label in t.triggers)


def doc_candidates(doc: Doc, types: list[RelationType], rule_relations: list[dict] | None = None) -> list[PairCandidate]:
    """All candidate pairs of a processed Doc, in order of first appearance.

    >>> import kg.pipeline, kg.learn.types
    >>> doc = kg.pipeline.load_pipeline()("Acme Corp. signed a partnership with Globex Inc. on Monday.\\n"
    ...                                   "Initech makes phones.\\nHooli and Acme Corp. are based in Ohio.")
    >>> [(c.a, c.b, [x.cross for x in c.contexts]) for c in doc_candidates(doc, kg.learn.types.load_types())]
    [('Acme Corp', 'Globex Inc', [False]), ('Acme Corp', 'Initech', [True]), ('Globex Inc', 'Initech', [True])]
    """
    orgs = [s for s in doc.spans.get("kg_orgs", []) if s.kb_id_]
    cited = _only_cited(orgs) | _datelines(orgs)
    orgs = [s for s in orgs if s.kb_id_ not in cited]
    if len({s.kb_id_ for s in orgs}) < 2:
        return []
    org_tokens = {i for s in orgs if s.label_ == "ORG" for i in range(s.start, s.end)}
    terms = [t for t in doc.spans.get("deal_terms", []) if not org_tokens.intersection(range(t.start, t.end))]
    rules = _rule_index(rule_relations or [])
    wanted = trigger_labels(types)
    sents = list(doc.sents)
    sent_of = {s.start: i for i, s in enumerate(sents)}
    by_sent: dict[int, list[Span]] = {}
    for s in orgs:
        by_sent.setdefault(sent_of.get(s.sent.start, -1), []).append(s)
    terms_by_sent: dict[int, list[Span]] = {}
    for t in terms:
        terms_by_sent.setdefault(sent_of.get(t.sent.start, -1), []).append(t)
    pairs: dict[tuple[str, str], PairCandidate] = {}
    for si, sent in enumerate(sents):
        here = by_sent.get(si, [])
        sent_terms = terms_by_sent.get(si, [])
        labels = frozenset(t.label_ for t in sent_terms)
        ruled = rules["sentences"].get(sent.start_char, {})
        if not (labels & wanted or ruled):
            continue
        names = sorted({s.kb_id_ for s in here})
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if same_family(a, b):
                    continue
                ma, mb = _closest([s for s in here if s.kb_id_ == a], [s for s in here if s.kb_id_ == b])
                ctx = Context(sent, si, ma, mb, sent_terms, labels, ruled.get((a, b), {}))
                cand = pairs.setdefault((a, b), PairCandidate(a, b, [], rules["pairs"].get((a, b), {})))
                cand.contexts.append(ctx)
        # a name of the sentence with one of the sentence before or after: "A signed with B. The deal ..."
        near = [s for j in (si - 1, si + 1) if j >= 0 for s in by_sent.get(j, []) if s.label_ == "ORG"]
        for x in near:
            for y in here:
                if x.kb_id_ == y.kb_id_ or any(s.kb_id_ == x.kb_id_ for s in here) or same_family(x.kb_id_, y.kb_id_):
                    continue
                a, b = sorted((x.kb_id_, y.kb_id_))
                cand = pairs.setdefault((a, b), PairCandidate(a, b, [], rules["pairs"].get((a, b), {})))
                if not any(c.index == si for c in cand.contexts):
                    ma, mb = (x, y) if x.kb_id_ == a else (y, x)
                    cand.contexts.append(Context(sent, si, ma, mb, sent_terms, labels, {}, cross=True))
    # A pair named together in a sentence is read from its own sentences, and from the next or last one only
    # for a deal term its own lack, where no third organization is named ("A signed a supply deal with B.
    # Under it, A gets exclusive access."); "A ended C's exclusive deal. A signed with B." is not A-B exclusivity.
    for cand in pairs.values():
        together = [c for c in cand.contexts if not c.cross]
        if together:
            told = {label for c in together for label in c.labels}
            cand.contexts = together + [c for c in cand.contexts if c.cross and (c.labels & wanted) - told
                                        and {s.kb_id_ for s in by_sent.get(c.index, [])} <= {cand.a, cand.b}]
    return list(pairs.values())


def same_family(a: str, b: str) -> bool:
    """A parent and its unit, or a name and its web address, are not two parties to a deal.

    >>> same_family("Acme", "Acme Cloud Services"), same_family("ACS", "Acme Cloud Services"), same_family("Acme", "Globex")
    (True, True, False)
    """
    wa, wb = a.replace(".", " ").split(), b.replace(".", " ").split()
    if not wa or not wb:
        return False
    if wa[0].lower() == wb[0].lower():
        return True
    for short, long_ in ((a, b), (b, a)):
        initials = "".join(w[0] for w in long_.split() if w[:1].isupper())
        if short.isupper() and len(short) >= 2 and initials.startswith(short):
            return True
    return False


def _only_cited(orgs: list[Span]) -> set[str]:
    """Names cited as a news source ("Bloomberg reported", "told Reuters") whose other mentions only speak
    ("Bloomberg said"): never a party."""
    cited: dict[str, bool] = {}
    speaking: dict[str, bool] = {}
    for s in orgs:
        source = is_source(s)
        if s.label_ == "ORG":
            cited[s.kb_id_] = cited.get(s.kb_id_, False) or source
            speaking[s.kb_id_] = speaking.get(s.kb_id_, True) and (source or speaks(s))
        elif source:  # "in its report": the back-reference cites the outlet it stands for
            cited[s.kb_id_] = True
    return {name for name, once in cited.items() if once and speaking.get(name, False)}


def _datelines(orgs: list[Span]) -> set[str]:
    """Names whose every mention opens a paragraph in capitals before a comma or a bracketed source ("NEW TOWN,
    Calif.--", "NEW TOWN (Wire) -"), or sits in a wire's dateline ("Calif.--(Wire)--"): a place or a source."""
    out: dict[str, bool] = {}
    for s in orgs:
        if s.label_ != "ORG":
            continue
        doc = s.doc
        out[s.kb_id_] = out.get(s.kb_id_, True) and (len(s.text) > 3 and s.text.isupper() and (
            s.start == 0 or "\n" in doc[s.start - 1].text) and _dateline_tail(s) or _wire_line(s))
    return {name for name, only in out.items() if only}


_DASHES = {"-", "–", "—", "--"}


def _dateline_tail(s: Span) -> bool:
    """What follows a dateline's place: a bracketed source ("TOWN (Wire) -"), or a comma and a short region or
    date that a dash closes ("TOWN, Calif. -", "TOWN, March 3 -"); "ACME, a pension fund, paid" is a company."""
    doc = s.doc
    if s.end >= len(doc) or doc[s.end].text not in {",", "("}:
        return False
    return doc[s.end].text == "(" or any(t.text in _DASHES or "--" in t.text for t in doc[s.end + 1:s.end + 7])


def _wire_line(s: Span) -> bool:
    """A press wire's dateline glues place and service with double hyphens: "Town, Calif.--(Wire)--Acme"."""
    doc = s.doc
    after = [t.text for t in doc[s.end:s.end + 2]]
    return after[:1] == ["--"] or after == [")", "--"]


def _closest(xs: list[Span], ys: list[Span]) -> tuple[Span, Span]:
    """The two mentions, one of each list, nearest each other (a name beats a back-reference)."""
    return min(((x, y) for x in xs for y in ys),
               key=lambda p: ((p[0].label_ != "ORG") + (p[1].label_ != "ORG"), abs(p[0].start - p[1].start)))


def _rule_index(relations: list[dict]) -> dict:
    """Rule relations by unordered pair, and their evidence by sentence start and pair."""
    pairs: dict[tuple[str, str], dict[str, dict]] = {}
    sentences: dict[int, dict[tuple[str, str], dict[str, dict]]] = {}
    for rel in relations:
        key = tuple(sorted((rel["source"], rel["target"])))
        pairs.setdefault(key, {})[rel["type"]] = rel
        for ev in rel["evidence"]:
            sentences.setdefault(ev["start"], {}).setdefault(key, {})[rel["type"]] = {**ev, "source": rel["source"]}
    return {"pairs": pairs, "sentences": sentences}
