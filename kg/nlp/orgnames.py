"""What a name looks like: places, titled persons, datelines, products, abbreviations.

Word lists and pure functions the organization resolver (:mod:`kg.nlp.orgs`) consults.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Span, Token

from kg.nlp.names import LEGAL_SUFFIXES, entity_key, is_place, places  # noqa: F401  (re-exported)
from kg.nlp.syntax import doc_text

TICKER = re.compile(
    r"\A\s*\(\s*(?:(?:NYSE|NASDAQ|Nasdaq|LSE|TSX|ASX|HKEX|TSE|Euronext|OTC|AMEX|NYSEAMERICAN|XETRA|SIX)"
    r"\s*:\s*)([A-Z][A-Z0-9.\-]{0,6})\s*[;,)]"
)


PAREN_ABBR = re.compile(r"\A\s*\(\s*(?:“|\")?([A-Z][A-Za-z0-9&.\-]{1,9})(?:”|\")?\s*\)")


COMPANY_VERBS = {"say", "announce", "agree", "sign", "invest", "partner", "report", "plan", "acquire", "pay",
                  "receive", "license", "hold", "expect", "confirm", "launch", "strike", "form"}


MAKER_NOUNS = {"maker", "makers", "developer", "developers", "creator", "creators", "owner", "parent"}


TECH_NOUNS = {"system", "systems", "technology", "technologies", "standard", "standards", "format", "formats",
               "player", "players", "protocol", "protocols", "signals", "signal", "chip", "chips", "drive", "drives",
               "discs", "disc", "networks", "services", "broadband", "software", "code", "files"}


PRODUCT_NOUNS = {"model", "models", "family", "chatbot", "app", "assistant", "tool", "initiative", "project",
                 "therapy", "drug", "medicine", "vaccine", "treatment", "compound", "candidate", "brand",
                 "program", "programme", "chip", "chips", "product", "device", "phone", "smartphone", "console",
                 "game", "software", "system", "engine", "feature"}




PREPOSITIONS = frozenset({"in", "with", "to", "for", "on", "at", "over", "as", "after", "amid", "of"})
NEVER_IN_NAMES = frozenset({"with", "amid", "after"})  # written in lower case, these end a name ("JV with Acme")


PERSON_TITLES = {"president", "chief", "executive", "officer", "ceo", "cfo", "cto", "coo", "founder", "co-founder",
                  "chairman", "chairwoman", "chair", "director", "analyst", "spokesman", "spokeswoman",
                  "spokesperson", "minister", "secretary", "head", "manager", "vice", "partner", "economist"}


NAME_PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "du", "la", "le", "bin", "al", "dos", "ter"}

HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "lord", "lady", "dame", "rev", "sen",
               "senator", "rep", "gov", "governor", "judge", "justice", "mayor", "president", "pm"}


def is_person_by_title(span: Span) -> bool:
    """"Jane Roe, Acme's president", "chief executive Jane Roe": a titled person, not a company."""
    root = span.root
    if any(c.dep_ == "appos" and (c.lower_ in PERSON_TITLES or any(t.lower_ in PERSON_TITLES for t in c.lefts))
           for c in root.children):
        return len(span) >= 2 and all(t.text[:1].isupper() or t.lower_ in NAME_PARTICLES for t in span[1:-1]) \
            and span[0].text[:1].isupper() and span[-1].text[:1].isupper()
    doc = span.doc
    prev = doc[span.start - 1] if span.start > 0 else None
    if prev is not None and prev.lower_.rstrip(".") in HONORIFICS:
        return True  # "Mr Smith", "Prof Reddy"
    if span[0].lower_.rstrip(".") in HONORIFICS:
        return True
    return prev is not None and prev.lower_ in PERSON_TITLES and len(span) >= 2 and prev.dep_ in {"compound", "amod"}


def in_hyphen_compound(span: Span) -> bool:
    """"Blu-ray", "Acme-backed", "Smith-Jones campaign": part of a hyphenated word, not a name on its own."""
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    before = doc[span.start - 1] if span.start > 0 else None
    if after is not None and after.text == "-" and not span[-1].whitespace_ and span.end + 1 < len(doc):
        return True
    return before is not None and before.text == "-" and not before.whitespace_ and span.start >= 2 \
        and not doc[span.start - 2].whitespace_


def is_dateline(span: Span) -> bool:
    """A town before its state or country: "SPRINGFIELD, Texas —", "the Mountain View, California-based maker"."""
    doc = span.doc
    nxt = doc[span.end:span.end + 2]
    if len(nxt) < 2 or nxt[0].text != ",":
        return False
    if span.start == span.sent.start and nxt[1].is_upper and len(nxt[1]) == 2:
        return True
    return is_place(nxt[1].text) and nxt[1].ent_type_ in {"GPE", "LOC", ""} and not span.text.isupper() \
        or span.start == span.sent.start and is_place(nxt[1].text)


def listed_as_company(root, org_nouns: frozenset[str]) -> bool:
    """"publishers such as X", "partners including X", "carriers like X" (X or a later list member)."""
    node = root
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    prep = node.head
    if node.dep_ != "pobj" or prep.lower_ not in {"as", "including", "like"}:
        return False
    owner = prep.head
    if owner.lower_ == "such":
        owner = owner.head
    word = owner.lower_
    return owner.tag_ == "NNS" and (word in GROUP_NOUNS or word.rstrip("s") in org_nouns or word[:-3] + "y" in org_nouns)


GROUP_NOUNS = {"publishers", "partners", "customers", "clients", "investors", "brands", "outlets", "carriers",
                "studios", "banks", "automakers", "carmakers", "retailers", "companies", "firms", "startups",
                "suppliers", "vendors", "developers", "broadcasters", "networks", "labels", "airlines", "insurers",
                "lenders", "operators", "providers", "platforms", "giants", "rivals", "backers"}


def generic_abbreviations(doc: Doc) -> set[str]:
    """Keys of terms defined in the text in lower case ("user-generated content (UGC)") and their long forms."""
    out = set()
    for abbr, tail in _definitions(doc):
        if all(w[:1].islower() for w in tail) or abbr.casefold() in GENERIC_ABBR:
            out.add(entity_key(abbr))
            out.add(entity_key(" ".join(tail)))
    return out


def _definitions(doc: Doc) -> Iterator[tuple[str, list[str]]]:
    """Each "(ABBR)" of the text with the words before it that spell it ("Zeta Football League (ZFL)")."""
    text = doc_text(doc)
    for m in _ABBR_IN_PARENS.finditer(text):
        before = [w for w in re.split(r"[\s\-]+", text[max(0, m.start() - 80):m.start()].strip()) if w]
        tail = _spelled_by(m.group(1), before)
        if tail is not None:
            yield m.group(1), tail


def described_after(doc: Doc, span: Span) -> Token | None:
    """The head noun of a description after the name ("Acme, the Indian software company, ..." -> company):
    the last common noun before a preposition, verb, pronoun or punctuation ("-" and "'s" inside it).

    >>> import spacy
    >>> doc = spacy.blank("en")("Velkind, the chip designer, said")
    >>> doc[3].pos_ = "NOUN"; doc[4].pos_ = "NOUN"
    >>> described_after(doc, doc[0:1]).text
    'designer'
    """
    if span.end + 1 >= len(doc) or doc[span.end].text != "," or \
            doc[span.end + 1].lower_ not in {"the", "its", "a", "an", "their"}:
        return None
    head = None
    for tok in doc[span.end + 2:span.end + 10]:
        if tok.text in {"-", "'s", "’s"}:
            continue
        if tok.is_punct or tok.pos_ in {"ADP", "VERB", "AUX", "PRON", "SCONJ", "CCONJ"} or tok.lower_ in {"that", "which", "who"}:
            break
        if tok.pos_ == "NOUN":
            head = tok
    return head


def names_a_technology(doc: Doc, span: Span) -> bool:
    """An upper-case name modifying a technology noun ("the DRM system", "its NAV vector technology") that is
    nowhere a subject and not the initials of a name the text spells out ("National Basketball Association
    (NBA)" ... "NBA players" is the league)."""
    root = span.root
    if not (span.text.isupper() and root.dep_ == "compound"):
        return False
    head = root.head
    while head.dep_ == "compound" and head.head.i != head.i:
        head = head.head
    return head.lower_ in TECH_NOUNS and not any(t.dep_ == "nsubj" and t.text == span.text for t in doc) \
        and entity_key(span.text) not in spelled_out_names(doc)


def spelled_out_names(doc: Doc) -> set[str]:
    """Keys of abbreviations the text defines after capitalized words they spell.

    >>> import spacy
    >>> sorted(spelled_out_names(spacy.blank("en")("The Zeta Football League (ZFL) and user data (UD).")))
    ['zfl']
    """
    return {entity_key(abbr) for abbr, tail in _definitions(doc)
            if all(w[:1].isupper() or w.lower() in ABBR_SKIPS for w in tail)}


ABBR_SKIPS = frozenset({"and", "of", "for", "the", "&"})  # words an abbreviation may leave out


def _spelled_by(abbr: str, words: list[str]) -> list[str] | None:
    """The last words before an abbreviation whose initials spell it, function words skipped or not.

    >>> _spelled_by("SPA", "a binding sale and purchase agreement".split())
    ['sale', 'and', 'purchase', 'agreement']
    >>> _spelled_by("UGC", "user generated content".split()), _spelled_by("XY", ["ab"])
    (['user', 'generated', 'content'], None)
    """
    tail = words[-len(abbr):]
    if len(tail) == len(abbr) and "".join(w[0] for w in tail).upper() == abbr.upper():
        return tail
    letters, n = [], len(words)
    while n > 0 and len(letters) < len(abbr):
        n -= 1
        if words[n].lower() not in ABBR_SKIPS:
            letters.insert(0, words[n][0])
    if len(letters) == len(abbr) and "".join(letters).upper() == abbr.upper():
        return words[n:]
    return None


_ABBR_IN_PARENS = re.compile(r"\(\s*[“\"]?([A-Z][A-Za-z]{1,7})[”\"]?\s*\)")


GENERIC_ABBR = {"ai", "agi", "api", "ip", "ugc", "ipo", "llm", "gpu", "saas", "pbc", "esg", "ev", "iot", "ml", "ar", "vr"}


def is_abbreviation(abbr: str, full: str) -> bool:
    """True when ``abbr`` abbreviates ``full``: its capitals are the words' initials, or it starts the name.

    >>> is_abbreviation("ACS", "Acme Cloud Services"), is_abbreviation("Inc", "Acme Inc")
    (True, False)
    """
    letters = [c for c in abbr if c.isalpha()]
    if len(letters) < 2 or abbr.casefold() in LEGAL_SUFFIXES:
        return False
    initials = "".join(w[0] for w in re.split(r"[\s\-]+", full) if w and w[0].isalnum()).upper()
    caps = "".join(c for c in abbr if c.isupper())
    if caps and (caps == initials or initials.startswith(caps) or caps.startswith(initials)):
        return True
    return full.replace(" ", "").upper().startswith(abbr.upper())
