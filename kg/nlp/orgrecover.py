"""Organization names the small model glues, misses or mislabels, recovered from their context.

Pure functions over a parsed Doc that :class:`kg.nlp.orgspans.OrgSpanFinder` consults:
:func:`unglue` splits what the model ran together ("Acme Inc ACME", "Reuters, acme",
"Acme XR headsets"), :func:`unlabelled_parties` finds names in a deal's party positions the
model left untagged or called a law, product or number, and :func:`listed_between` takes a
mislabelled item of a list of organizations.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from kg.nlp.names import LEGAL_SUFFIXES
from kg.nlp.orgnames import COMPANY_VERBS, GENERIC_ABBR, PERSON_TITLES, is_place
from kg.nlp.orgshapes import cased_words, tokens_with

# A role noun before a name says what the name is ("publisher Acme Games", "the battery unit Acme On").
UNIT_NOUNS = frozenset({"unit", "subsidiary", "division", "arm", "affiliate"})
NOT_ROLES = frozenset({"platform", "network", "business", "group", "giant", "creator", "provider", "outfit", "lab"})
_PARTY_DEPS = {"nsubj", "nsubjpass", "pobj", "dobj", "conj", "appos"}
_DEAL_LABELS = {"PARTNER", "EXCLUSIVE", "REVSHARE"}
_MIXED = re.compile(r"^[a-z]{2,4}[A-Z][a-z]{2,}$")  # "zolTara", "exaCorp": mixed case, not "iPhone"
_TICKER_WORD = re.compile(r"^[A-Z]{2,5}$")


def is_bare_ticker(tok) -> bool:
    """An exchange ticker written straight after a name: the "ACME" of "Acme Inc ACME", the "TRNS" of
    "Tarnis Pharmaceuticals TRNS" (its letters, in order, from the name's words)."""
    doc = tok.doc
    if tok.i == 0 or _TICKER_WORD.match(tok.text) is None:
        return False
    if doc[tok.i - 1].lower_.rstrip(".") in LEGAL_SUFFIXES:
        return True
    start = tok.i
    while start > max(0, tok.i - 4) and doc[start - 1].is_title and doc[start - 1].is_alpha:
        start -= 1
    return tok.i - start >= 2 and letters_in_order(tok.text, doc[start:tok.i].text)


def ticker_after(span: Span):
    """The bare ticker written straight after a name ("Acme Inc ACME"), or None."""
    return span.doc[span.end] if span.end < len(span.doc) and is_bare_ticker(span.doc[span.end]) else None


def tickers_after(spans: list[Span]) -> set[str]:
    """The bare tickers written straight after the names: later mentions of the company.

    >>> import spacy
    >>> doc = spacy.blank("en")("Tarnis Pharmaceuticals TRNS signed with Orbis.")
    >>> tickers_after([doc[0:2], doc[5:6]])
    {'TRNS'}
    """
    return {t.text for s in spans if (t := ticker_after(s)) is not None}


def letters_in_order(ticker: str, name: str) -> bool:
    """The ticker's letters appear in the name in order, the first one first.

    >>> letters_in_order("TRNS", "Tarnis Pharmaceuticals"), letters_in_order("AI", "Acme Labs")
    (True, False)
    """
    letters = name.upper()
    if not letters.startswith(ticker[0]):
        return False
    pos = 0
    for ch in ticker:
        pos = letters.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def unglue(doc: Doc, ent: Span, parts: list[Span]) -> list[Span]:
    """Split the repaired pieces of one model entity where it glued a ticker, a news source or a product on."""
    out = []
    for part in parts:
        if len(part) >= 3 and is_bare_ticker(part[-1]):
            part = part[:-1]  # the ticker becomes an alias (kg.nlp.orggroups)
        if _product_acronym(doc, ent, part):
            part = part[:-1]
        out += _comma_pieces(doc, part)
    return out


def _product_acronym(doc: Doc, ent: Span, part: Span) -> bool:
    """"Acme XR headsets": an upper-case acronym modifying the common noun the model's entity ended on."""
    if len(part) < 2 or part.end >= ent.end or part.end >= len(doc):
        return False
    last, noun = part[-1], doc[part.end]
    return (last.is_upper and last.is_alpha and noun.is_lower and noun.pos_ == "NOUN" and last.head.i == noun.i
            and last.dep_ in {"compound", "amod", "nmod"} and not part[-2].is_punct)


def _comma_pieces(doc: Doc, part: Span) -> list[Span]:
    """"Reuters, acme": two names run together across a comma; a news source before it is dropped."""
    cuts = [t.i for t in part if t.text == "," and t.i > part.start and t.i < part.end - 1
            and doc[t.i + 1].lower_.rstrip(".") not in LEGAL_SUFFIXES]
    if not cuts:
        return [part]
    bounds = [part.start, *cuts, part.end]
    pieces = [doc[s + (s != part.start):e] for s, e in zip(bounds, bounds[1:])]
    pieces = [p for p in pieces if len(p) and not all(t.is_stop or t.is_punct for t in p)]
    return [p for p in pieces if not _cited_source(doc, p)] or [part]


def _cited_source(doc: Doc, span: Span) -> bool:
    """"according to X", "a report by X": the name of a source, not a party."""
    before = [t.lower_ for t in doc[max(0, span.start - 4):span.start]]
    if before[-2:] == ["according", "to"]:
        return True
    return bool(before) and before[-1] in {"by", "from"} and any(
        t.label_ == "REPORT" and span.start - 4 <= t.start < span.start for t in doc.spans.get("deal_terms", []))


def unlabelled_parties(doc: Doc, role_nouns: frozenset[str]) -> list[Span]:
    """Names in a party position that the model left untagged or labelled a law, product or number."""
    deal_sents = {t.sent.start for t in doc.spans.get("deal_terms", []) if t.label_ in _DEAL_LABELS}
    out = []
    roles = role_nouns - NOT_ROLES
    # only cased words can act ("ACMEX", "zolTara"), only role nouns introduce a name ("partner 2K Games")
    for tok in (doc[i] for i in sorted(set(cased_words(doc)) | set(tokens_with(doc, roles, lower=True)))):
        if tok.ent_type_ in {"PERSON", "GPE", "LOC", "DATE", "TIME", "MONEY", "PERCENT", "NORP"}:
            continue
        if _acting_word(tok, deal_sents):
            out.append(doc[tok.i:tok.i + 1])
        elif tok.lower_ in roles and tok.tag_ in {"NN", "NNP"} and (tok.is_lower or tok.is_sent_start):
            name = _name_after(doc, tok.i + 1)
            if name is not None:
                out.append(name)
    for ent in doc.ents:
        if ent.label_ in {"LAW", "PRODUCT"} and _mislabelled_party(ent, deal_sents):
            out.append(ent)
        elif ent.label_ == "CARDINAL" and len(ent) == 1 and _numeric_partner(ent[0]):
            out.append(ent)
    return out


def _acting_word(tok, deal_sents: set[int]) -> bool:
    """An untagged "ACMEX" or "zolTara" that signs, pays or says, or fills a party slot of a deal sentence."""
    if tok.ent_type_ or not tok.is_alpha or tok.i > 0 and tok.doc[tok.i - 1].text in {"(", ":"} \
            or is_bare_ticker(tok):
        return False  # "(NYSE: ACME)", "(ACME)", "Acme Inc ACME": tickers and abbreviations join their name in orggroups
    acronym = tok.is_upper and 3 <= len(tok) <= 6 and tok.pos_ == "PROPN" and tok.lower_ not in GENERIC_ABBR
    if not (acronym or _MIXED.match(tok.text)) or is_place(tok.text):
        return False
    if tok.dep_ in {"nsubj", "nsubjpass"} and tok.head.lemma_ in COMPANY_VERBS:
        return True
    return tok.dep_ in _PARTY_DEPS and tok.sent.start in deal_sents


def _name_after(doc: Doc, start: int) -> Span | None:
    """The capitalized words right after a role noun ("2K Games", "Acme On"), or None."""
    end = start
    while end < len(doc) and end - start < 4:
        tok = doc[end]
        glued = end > start and not doc[end - 1].whitespace_ and tok.is_alpha
        if not (tok.is_title or tok.is_upper and tok.is_alpha or tok.text[:1].isdigit() and not tok.whitespace_ or glued):
            break
        if tok.ent_type_ in {"PERSON", "GPE", "LOC", "DATE", "TIME", "NORP"} or tok.lower_ in PERSON_TITLES:
            return None
        end += 1
    span = doc[start:end]
    if not len(span) or not any(t.is_alpha and t.text[:1].isupper() for t in span) or span[-1].text[:1].isdigit():
        return None
    return None if is_place(span.text) else span


def _mislabelled_party(ent: Span, deal_sents: set[int]) -> bool:
    """A "law" or "product" that makes deals: subject of a deal sentence, or the counterpart of a deal noun."""
    heads = [t for t in ent if not ent.start <= t.head.i < ent.end]  # "Grand Prix 9" may hang on two
    if ent.label_ == "LAW" and any(t.dep_ in {"nsubj", "nsubjpass"} for t in heads) and ent.sent.start in deal_sents:
        return True
    terms = [t for t in ent.doc.spans.get("deal_terms", []) if t.label_ in _DEAL_LABELS | {"DEAL"}]
    return any(t.dep_ == "pobj" and t.head.lower_ in {"with", "for"} and any(d.start <= t.head.head.i < d.end for d in terms)
               for t in heads)


def _numeric_partner(tok) -> bool:
    """"sponsorships with 777 and Acme": a number coordinated with an organization after "with"."""
    if not tok.text.isdigit() or len(tok.text) < 2 or 1900 <= int(tok.text) <= 2100:
        return False
    if tok.dep_ != "pobj" or tok.head.lower_ != "with" or any(c.dep_ in {"nummod", "compound"} for c in tok.children):
        return False
    return any(c.dep_ == "conj" and c.ent_type_ == "ORG" for c in tok.children)


def listed_between(doc: Doc, accepted: list[Span]) -> list[Span]:
    """A person, product or work between two organizations of a comma list ("A, B, Jo Doe, C and D")."""
    ends = {s.end: s for s in accepted}
    starts = {s.start: s for s in accepted}
    taken = {i for s in accepted for i in range(s.start, s.end)}
    out = []
    for ent in doc.ents:
        if ent.label_ not in {"PERSON", "PRODUCT", "WORK_OF_ART", "LAW", "FAC", "EVENT"} or taken & set(range(ent.start, ent.end)):
            continue
        if ent.start < 2 or ent.end + 1 >= len(doc) or doc[ent.start - 1].text != ",":
            continue
        if ent.start - 1 in ends and doc[ent.end].lower_ in {",", "and", "or"} and ent.end + 1 in starts:
            out.append(Span(doc, ent.start, ent.end, label="ORG"))
    return out
