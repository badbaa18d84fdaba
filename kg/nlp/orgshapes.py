"""Checks on the shape and place of a candidate name: does it act as a company, is it a place, glued, a common word.

Pure functions over spaCy spans and tokens that :class:`kg.nlp.orgspans.OrgSpanFinder` consults.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import numpy
from spacy.attrs import IS_ALPHA, IS_LOWER, LOWER, ORTH
from spacy.tokens import Doc, Span

from kg.nlp.orgnames import COMPANY_VERBS, PAREN_ABBR, is_abbreviation, is_dateline, is_place
from kg.nlp.names import LEGAL_SUFFIXES, entity_key

_PARTY_PREPS = {"with", "to", "between", "among"}  # "a deal with X", "exclusive supplier to X", "a pact between X and Y"
ORG_LIKE = {"GPE", "PERSON", "PRODUCT", "NORP", "FAC", "WORK_OF_ART", "LOC", "EVENT"}


def _acts(span: Span) -> bool:
    """The name is a subject somewhere: something that acts, not a product."""
    root = span.root
    return root.dep_ in {"nsubj", "nsubjpass"} or (root.dep_ == "conj" and root.head.dep_ in {"nsubj", "nsubjpass"})


_INSTITUTION_HEADS = {"administration", "authority", "commission", "council", "agency", "institute", "association", "committee",
                      "board", "bureau", "department", "ministry", "office", "society", "foundation", "university",
                      "college", "exchange", "trust", "fund", "federation", "union", "service", "services"}


def _institution(doc: Doc, start: int, end: int) -> bool:
    """"Competition and Markets Authority", "Johnson and Johnson (J&J)": one name with "and" inside."""
    if doc[end - 1].lower_ in _INSTITUTION_HEADS:
        return True
    after = (doc[end - 1].whitespace_ + doc[end:end + 6].text)[:12]  # not doc.text: rebuilt on every access
    m = PAREN_ABBR.match(after)
    return bool(m) and is_abbreviation(m.group(1), doc[start:end].text.replace(" and ", " "))


_EDGE_POS = {"VERB", "ADP", "DET", "PRON", "ADV", "SCONJ", "CCONJ", "PART", "PUNCT", "SYM"}


def _edge_junk(tok) -> bool:
    """A token that cannot start a name: punctuation ("-Acme"), or a lower-case or gerund function word."""
    if tok.is_punct and tok.text not in {"(", "“", '"'}:
        return True
    return tok.pos_ in _EDGE_POS and (tok.is_lower or tok.tag_ == "VBG") and tok.text not in {"&", "+"}


def _ends_name(tok) -> bool:
    """"Corp.", "Inc.", "Co.": a legal form with its full stop closes a name (and often a sentence)."""
    return tok.text.endswith(".") and tok.lower_.rstrip(".") in LEGAL_SUFFIXES


def _balanced(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Cut a span at an unclosed bracket or quote: "Acme (Acme Savings Bank" → "Acme"."""
    for open_, close in (("(", ")"), ("[", "]"), ("“", "”")):
        depth, cut = 0, None
        for i in range(start, end):
            if doc[i].text == open_:
                depth += 1
                cut = i if depth == 1 else cut
            elif doc[i].text == close:
                if depth == 0:
                    return _balanced(doc, start, i) if i > start else (start, start)
                depth -= 1
        if depth > 0 and cut is not None:
            end = cut
    if sum(t.text == '"' for t in doc[start:end]) % 2:
        end = next(i for i in range(start, end) if doc[i].text == '"')
    return start, end


def _owns(span: Span) -> bool:
    """"Acme's new model": the name owns something, as companies do."""
    doc = span.doc
    return span.end < len(doc) and doc[span.end].lower_ in {"'s", "’s"}


def _not_organizations(doc: Doc, candidates: list[tuple[Span, str]], org_keys: set[str]) -> set[str]:
    """Keys of names the model never tags ORG that the text uses as a place or a product.

    A place: the model tags it GPE/LOC and the text says "in X" (or it joins places with a
    hyphen, "X-Y tensions"). A product: the model tags it PRODUCT and it never acts (no
    subject, no possessive). Person and place labels alone are not enough: the model gives
    them to many one-word company names.
    """
    labels: dict[str, Counter] = defaultdict(Counter)
    locative: set[str] = set()
    acting: set[str] = set()
    mentions = [(span, label) for span, label in candidates] + [(e, e.label_) for e in doc.ents if e.label_ in {"GPE", "LOC"}]
    for span, label in mentions:
        key = entity_key(span.text)
        labels[key][label] += 1
        root = span.root
        if label in {"GPE", "LOC"} and (root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE or is_dateline(span)):
            locative.add(key)
        if _acts(span) or _owns(span):
            acting.add(key)
        parts = [p for p in re.split(r"-", span.text) if p]
        if len(parts) > 1 and all(is_place(p) for p in parts):
            locative.add(key)
    out = set()
    for key, counts in labels.items():
        if key in org_keys or counts["ORG"]:
            continue
        if key in locative and counts["GPE"] + counts["LOC"] and not _company_shape(key):
            out.add(key)
        elif counts["PRODUCT"] * 2 > sum(counts.values()) and key not in acting:
            out.add(key)
    return out


_LOCATIVE = {"in", "near", "across", "throughout", "outside"}


def _company_shape(key: str) -> bool:
    return bool(re.search(r"\b(?:inc|corp|ltd|llc|plc|group|co)\b|\.(?:com|io|ai)$", key))


def _split_glued(doc: Doc, spans: list[Span]) -> list[Span]:
    """"the Acme-Globex deal": two names joined by a hyphen, each a name elsewhere or an acronym."""
    keys = {entity_key(s.text) for s in spans}
    out = []
    for span in spans:
        cut = next((t.i for t in span if t.text == "-" and not t.whitespace_ and t.i > span.start
                    and not doc[t.i - 1].whitespace_ and t.i < span.end - 1), None)
        if cut is not None:
            left, right = doc[span.start:cut], doc[cut + 1:span.end]
            if all(entity_key(part.text) in keys or part.text.isupper() and len(part) == 1 for part in (left, right)):
                out += [Span(doc, left.start, left.end, label="ORG"), Span(doc, right.start, right.end, label="ORG")]
                continue
        out.append(span)
    return out


_CAMEL = re.compile(r"^[A-Z][a-z]+[A-Z][A-Za-z]*$|^[a-z]{1,2}[A-Z]{2,}$")
_PARTY_DEPS = {"nsubj", "nsubjpass", "pobj", "conj", "dobj", "poss", "appos"}


def _surnames(doc: Doc, candidates: list[tuple[Span, str]], known: dict) -> set[str]:
    """One-word names that are the last word of a person the document names in full ("Elon Musk" ... "Musk said").

    A name of the alias table stays (a founder's company named for them is listed there).
    """
    last = {entity_key(e[-1].text) for e in doc.ents if e.label_ == "PERSON" and sum(t.is_alpha for t in e) > 1}
    return {key for span, _ in candidates if len(span) == 1 and (key := entity_key(span.text)) in last
            and key not in known and not span.text.isupper()}


def _common_words(doc: Doc, candidates: list[tuple[Span, str]]) -> set[str]:
    """One-word "names" the same text also writes in lower case as an ordinary word ("Budget", "budget").

    A company named by a common word keeps its name where it acts as one ("Acme said") or in a deal sentence.
    """
    single = [span for span, _ in candidates if len(span) == 1 and span[0].is_title]
    # the same word written in lower case, not at a sentence start (a token whose text is its lower-case form)
    lower = {doc[i].lower_ for i in tokens_with(doc, {span[0].lower_ for span in single})
             if doc[i].is_alpha and not doc[i].is_sent_start}
    words = {entity_key(span.text) for span in single if span[0].lower_ in lower}
    return words - {key for span, _ in candidates if (key := entity_key(span.text)) in words
                    and (_acts_as_company(span) or _in_deal_sentence(span))}


def _numeric_name(tok) -> bool:
    """A number standing alone as a deal partner ("a deal with 777 and Acme"): not a year, not a count of something."""
    return (tok.pos_ == "NUM" and tok.text.isdigit() and len(tok.text) >= 2 and not 1900 <= int(tok.text) <= 2100
            and tok.dep_ in {"pobj", "conj"} and not any(c.dep_ in {"nummod", "compound"} for c in tok.children)
            and tok.head.pos_ != "NUM" and any(c.dep_ == "conj" and c.pos_ == "PROPN" for c in tok.children))


def _acts_as_company(span: Span) -> bool:
    """A subject of a company verb ("Acme said", "Acme signed") or in a deal sentence; "X has drawn users" is not."""
    if not _acts(span):
        return False
    verb = span.root.head if span.root.dep_ != "conj" else span.root.head.head
    return verb.lemma_ in COMPANY_VERBS or _in_deal_sentence(span)


def _in_deal_sentence(span: Span) -> bool:
    sent = span.sent
    return any(t.label_ in {"PARTNER", "EXCLUSIVE", "REVSHARE"} and sent.start <= t.start < sent.end
               for t in span.doc.spans.get("deal_terms", []))


def cased_words(doc: Doc) -> list[int]:
    """Indices of the alphabetic tokens that are not all lower case: where names, tickers and "zolTara" can be.

    A numpy scan, so the per-token Python loops of the organization finder skip the lower-case bulk of a text.
    """
    if not len(doc):
        return []
    arr = doc.to_array([IS_ALPHA, IS_LOWER])
    return numpy.flatnonzero((arr[:, 0] == 1) & (arr[:, 1] == 0)).tolist()


def tokens_with(doc: Doc, texts, *, lower: bool = False) -> list[int]:
    """Indices of the tokens whose text (or lower-case form) is one of ``texts``, in order."""
    strings = doc.vocab.strings
    keys = [strings[t] for t in texts if t in strings]
    if not keys or not len(doc):
        return []
    return numpy.flatnonzero(numpy.isin(doc.to_array(LOWER if lower else ORTH), numpy.array(keys, dtype=numpy.uint64))).tolist()


def is_camel_name(text: str) -> bool:
    """Written like a company name: "QuantaCore", "zAI" (kg.nlp.fastpath parses sentences holding one)."""
    return _CAMEL.match(text) is not None


def _unlabelled_company_shape(tok) -> bool:
    """A one-word name the model left untagged, in a party position of a deal sentence."""
    return tok.ent_type_ == "" and tok.pos_ == "PROPN" and tok.dep_ in _PARTY_DEPS


def joined_ents(doc: Doc) -> list[Span]:
    """The model's entities, with two that touch rejoined where the text always writes them together.

    The model sometimes cuts one name in two ("Aguas" NORP + "Argentinas" GPE): two title-case
    entities with no gap or punctuation between them, written side by side at least twice, are one name.
    """
    ents = list(doc.ents)
    pairs = Counter((a.text, b.text) for a, b in zip(ents, ents[1:]) if _touch(a, b))
    out: list[Span] = []
    i = 0
    while i < len(ents):
        a = ents[i]
        b = ents[i + 1] if i + 1 < len(ents) else None
        if b is not None and _touch(a, b) and pairs[(a.text, b.text)] >= 2:
            label = "ORG" if "ORG" in {a.label_, b.label_} else a.label_
            out.append(Span(doc, a.start, b.end, label=label))
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def _touch(a: Span, b: Span) -> bool:
    return a.end == b.start and a[-1].whitespace_ == " " and a[-1].is_alpha and b[0].is_title and a[0].is_title
