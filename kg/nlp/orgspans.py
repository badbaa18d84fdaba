"""Finding organization names: the model's ORG spans repaired and filtered, plus the names it missed."""

from __future__ import annotations

import re
from collections import defaultdict

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp.orgnames import (
    COMPANY_VERBS,
    HONORIFICS,
    MAKER_NOUNS,
    NAME_PARTICLES,
    NEVER_IN_NAMES,
    PERSON_TITLES,
    PREPOSITIONS,
    PRODUCT_NOUNS,
    generic_abbreviations,
    in_hyphen_compound,
    is_dateline,
    is_person_by_title,
    is_place,
    described_after,
    listed_as_company,
    names_a_technology,
)
from kg.nlp.names import LEGAL_SUFFIXES, clean_name, entity_key, strip_legal_suffix
from kg.nlp.orgshapes import (
    ORG_LIKE,
    _PARTY_PREPS,
    _acts_as_company,
    _balanced,
    _common_words,
    _edge_junk,
    _ends_name,
    _in_deal_sentence,
    _institution,
    _not_organizations,
    _numeric_name,
    _owns,
    _split_glued,
    _surnames,
    _unlabelled_company_shape,
    cased_words,
    is_camel_name,
    joined_ents,
    tokens_with,
)
from kg.nlp.orgrecover import UNIT_NOUNS, listed_between, tickers_after, unglue, unlabelled_parties


_HONORIFIC_FORMS = HONORIFICS | {h + "." for h in HONORIFICS} | {h + ".." for h in HONORIFICS}  # "Mr", "Mr.", "Mr.."


class OrgSpanFinder:
    """Which spans of a document name organizations (one job: finding names; grouping is :mod:`kg.nlp.orggroups`)."""

    def __init__(self, nlp: Language, cues, alias_table: dict[str, str]):
        self.cues = cues
        self.alias_table = alias_table
        self.vocab = nlp.vocab
        self.tokenizer = nlp.tokenizer

    def spans(self, doc: Doc) -> list[Span]:
        """The organization name spans of ``doc``, in order (the model's ORG spans repaired, plus those it missed)."""
        org_keys = set(self.alias_table)
        candidates: list[tuple[Span, str]] = []
        for ent in joined_ents(doc):
            if ent.label_ == "ORG" or ent.label_ in ORG_LIKE:
                for part in unglue(doc, ent, self._repair(doc, ent)):
                    candidates.append((part, ent.label_))
                    if ent.label_ == "ORG":
                        org_keys.add(entity_key(part.text))
        deal_sents = {t.sent.start for t in doc.spans.get("deal_terms", []) if t.label_ in {"PARTNER", "EXCLUSIVE", "REVSHARE"}}
        candidates += [(doc[i:i + 1], "SHAPE") for i in cased_words(doc) if is_camel_name(doc[i].text)
                       and doc[i].sent.start in deal_sents and _unlabelled_company_shape(doc[i])]
        person_words = {doc[i + 1].lower_ for i in tokens_with(doc, _HONORIFIC_FORMS, lower=True) if i + 1 < len(doc)}
        titled = {w for w in person_words if w[:1].isalpha()}  # "Mr Smith" anywhere: "Smith" is a person everywhere
        for e in doc.ents:  # words of full personal names ("Pavel Durov"), not "Acme's"
            words = [t.lower_ for t in e if t.is_alpha]
            if (e.label_ == "PERSON" or is_person_by_title(e)) and len(words) > 1:
                person_words.update(words)
        generic_terms = generic_abbreviations(doc)
        generic_terms |= _not_organizations(doc, candidates, org_keys)
        generic_terms |= _common_words(doc, candidates)
        generic_terms |= {entity_key(span.text) for span, _ in candidates if len(span) == 1 and span[0].lower_ in titled}
        generic_terms |= _surnames(doc, candidates, self.alias_table)
        # A name used as a product ("the Grok model") is a product everywhere in the document,
        # unless it also acts as a subject somewhere ("the Acme TV app" ... "Acme said").
        subjects = {entity_key(span.text) for span, label in candidates
                    if _acts_as_company(span) or label == "ORG" and _owns(span)}
        generic_terms |= {entity_key(span.text) for span, _ in candidates if self._is_product(doc, span)} - subjects
        candidates += [(span, "DEAL") for span in self._deal_parties(doc)]
        roles = self.cues.descriptor_nouns | UNIT_NOUNS
        candidates += [(span, "DEAL") for span in unlabelled_parties(doc, roles)]
        accepted: list[Span] = []
        for span, label in candidates:
            key = entity_key(span.text)
            if key in generic_terms:
                continue
            if label == "DEAL" and (key in person_words or span.root.lower_ in person_words):
                continue
            if label in {"ORG", "DEAL"} or key in org_keys or self._org_by_shape(span, label, person_words) \
                    or self._described_as_org(doc, span):
                if any(s.start < span.end and span.start < s.end for s in accepted):
                    continue
                accepted.append(Span(doc, span.start, span.end, label="ORG"))
        accepted = _split_glued(doc, accepted)
        accepted += self._list_members(doc, accepted, generic_terms)
        accepted += listed_between(doc, sorted(accepted, key=lambda s: s.start))
        accepted += self._missed_mentions(doc, accepted, {entity_key(s.text) for s in accepted})
        acting = {entity_key(s.text) for s in accepted if _acts_as_company(s) or entity_key(s.text) in subjects}
        products = {entity_key(s.text) for s in accepted if self._is_product(doc, s)}
        return sorted((s for s in accepted if entity_key(s.text) not in products - acting and not
                       (entity_key(s.text) in products and self._is_product(doc, s))), key=lambda s: s.start)

    def _deal_parties(self, doc: Doc) -> list[Span]:
        """Proper names in a deal's party slots ("X and Y widened their partnership", "a deal with X")."""
        out = []
        taken = {t.i for e in doc.ents if e.label_ in {"PERSON", "GPE", "LOC", "DATE", "MONEY", "PERCENT", "CARDINAL"}
                 for t in e}
        for term in doc.spans.get("deal_terms", []):
            if term.label_ not in {"PARTNER", "EXCLUSIVE"}:
                continue
            noun = term.root
            while noun.dep_ in {"amod", "compound"} and noun.head.i != noun.i:
                noun = noun.head
            verb = noun
            while verb.dep_ != "ROOT" and verb.pos_ not in {"VERB", "AUX"}:
                verb = verb.head
            subject_verb = verb
            while subject_verb.dep_ in {"xcomp", "conj"} and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in subject_verb.children):
                subject_verb = subject_verb.head  # "X plans to form a venture with Y", "X met and agreed"
            slots = [c for c in subject_verb.children if c.dep_ in {"nsubj", "nsubjpass"} and noun.i != verb.i or
                     c.dep_ == "nsubj" and noun.i == verb.i]
            slots += [g for c in (*noun.children, *verb.children) if c.dep_ == "prep" and c.lower_ in _PARTY_PREPS
                      for g in c.children if g.dep_ == "pobj"]
            for tok in [x for s in slots for x in (s, *s.conjuncts)]:
                if _numeric_name(tok):
                    out.append(doc[tok.i:tok.i + 1])  # "sponsorships with 777 and Acme"
                    continue
                if tok.pos_ != "PROPN" or tok.i in taken or not tok.text[:1].isupper():
                    continue
                left = tok.i
                while left > 0 and doc[left - 1].dep_ == "compound" and doc[left - 1].pos_ == "PROPN" \
                        and left - 1 < doc[left - 1].head.i <= tok.i:  # "the Acme Grand Casino Springfield"
                    left -= 1
                span = doc[left:tok.i + 1]
                if self._plausible(span) and not is_place(span.text):
                    out.append(span)
        return out

    def _described_as_org(self, doc: Doc, span: Span) -> bool:
        """"Acme, a media company", "the messaging platform Acme", "chipmaker Acme"."""
        root = span.root
        org_nouns = self.cues.descriptor_nouns
        if any(c.dep_ == "appos" and c.lower_ in org_nouns for c in root.children):
            return True
        if root.dep_ == "appos" and root.head.lower_ in org_nouns:
            return True
        prev = doc[span.start - 1] if span.start > 0 else None
        return prev is not None and prev.lower_ in org_nouns and prev.head.i in range(span.start, span.end)

    def _list_members(self, doc: Doc, accepted: list[Span], generic: set[str]) -> list[Span]:
        """Proper names coordinated with an organization ("A, B and C") are organizations too."""
        taken = {i for s in accepted for i in range(s.start, s.end)}
        out = []
        for span in accepted:
            for conj in span.root.conjuncts:
                if conj.i in taken or (conj.pos_ != "PROPN" and not conj.text[:1].isupper()):
                    continue
                left = conj.i
                while left > 0 and doc[left - 1].dep_ in {"compound", "det"} and doc[left - 1].head.i in range(left, conj.i + 1) \
                        and (doc[left - 1].pos_ == "PROPN" or doc[left - 1].lower_ == "the"):
                    left -= 1
                if doc[left].lower_ == "the":
                    left += 1
                piece = doc[left:conj.i + 1]
                if set(range(piece.start, piece.end)) & taken or not self._plausible(piece):
                    continue
                if entity_key(piece.text) in generic or is_place(clean_name(piece.text)):
                    continue
                if any(t.ent_type_ in {"GPE", "LOC", "DATE", "MONEY", "PERCENT", "CARDINAL"} for t in piece):
                    continue
                if piece.root.ent_type_ == "NORP" and piece.root.tag_ in {"NNPS", "NNS", "JJ"}:
                    continue  # "the Japanese, Koreans and Acme"
                out.append(Span(doc, piece.start, piece.end, label="ORG"))
                taken.update(range(piece.start, piece.end))
        return out

    def _org_by_shape(self, span: Span, label: str, person_words: set[str]) -> bool:
        """Names the model mislabels whose form says organization: "NovaAI", "ACX", a lone "Zorbo"."""
        text = clean_name(span.text)
        if is_place(text):
            return False
        # "NovaAI", "CloudWave", "qAI", "Acme.com" — but not "McAdam" or a product like "iPod"
        camel = re.search(r"^[A-Z]\w*?(?<!^M)(?<!^Ma)[a-z][A-Z]|^[a-z]+[A-Z]+$|\.(?:com|io|ai|net)$", text) is not None
        camel = camel and not (label == "PERSON" and len(span) > 1)  # "Jo McAdam" is a person
        acronym = len(span) == 1 and text.isupper() and 2 <= len(text) <= 6 and label != "NORP"
        if camel or acronym:
            return True
        root = span.root
        if label in {"PRODUCT", "WORK_OF_ART", "FAC", "NORP"} and len(span) == 1 and root.tag_ == "NNP" \
                and root.dep_ == "nsubj" and root.head.lemma_ in COMPANY_VERBS:
            return True  # products and nationalities do not say, sign or invest
        if listed_as_company(root, self.cues.descriptor_nouns):
            return True
        if label == "PERSON":  # a one-word "person" never written as part of a full name, in a deal sentence
            return len(span) == 1 and span[0].lower_ not in person_words and span[0].is_title and _in_deal_sentence(span)
        if label == "GPE":  # the model calls many one-word companies places; real places were dropped before
            return len(span) <= 3 and all(t.is_title or t.is_upper for t in span)
        return False

    def _is_product(self, doc: Doc, span: Span) -> bool:
        """"the Claude maker", "its chatbot Gemini", "Stargate, a ... initiative" name products, not companies."""
        root = span.root
        if root.dep_ == "compound" and root.head.lower_ in MAKER_NOUNS:
            return True
        if names_a_technology(doc, span):
            return True
        head = root
        det = doc[span.start - 1].lower_ if span.start > 0 else ""
        for _ in range(3 if det in {"the", "its", "their", "his", "her"} else 0):  # "the Grok model", "its Gemini AI app"
            if head.dep_ not in {"compound", "amod", "nmod"} or head.head.i == head.i:
                break
            head = head.head
            if head.lower_ in PRODUCT_NOUNS and head.i > span.end - 1:
                return True
        if root.dep_ == "appos" and root.head.lower_ in PRODUCT_NOUNS:
            return True
        if any(c.dep_ == "appos" and c.lower_ in PRODUCT_NOUNS for c in root.children):
            return True
        if (head := described_after(doc, span)) is not None and head.lower_ in PRODUCT_NOUNS:
            return True  # "Gemini, the search giant's family of models", not "Acme, the chip designer"
        prev = doc[span.start - 1] if span.start > 0 else None
        if prev is not None and prev.lower_ in PRODUCT_NOUNS and prev.dep_ in {"compound", "nmod"} | {"appos"}:
            return True
        if prev is not None and prev.lower_ in {"platform", "service", "brand"} and any(
                c.dep_ == "poss" for c in prev.children):
            return True  # "Acme's enterprise platform Frontier"
        return prev is not None and prev.lower_ in PRODUCT_NOUNS and root.dep_ == "appos"

    def _repair(self, doc: Doc, ent: Span) -> list[Span]:
        """Trim articles, possessives and glued headline words; drop generic words."""
        start, end = _balanced(doc, ent.start, ent.end)
        for i in range(end - 2, start, -1):  # "UK telco Acme", "Acme unit Globex": a description before the name
            if doc[i].is_lower and doc[i].pos_ == "NOUN" and doc[i].lower_ not in NAME_PARTICLES \
                    and all(t.is_title or t.is_upper for t in doc[i + 1:end]):
                start = i + 1
                break
        while start < end and (doc[start].lower_ in {"the", "a", "an", "“", '"', "‘", "'"} or _edge_junk(doc[start])):
            start += 1
        while end > start and (doc[end - 1].lower_ in {"'s", "’s", "'", "’"} or doc[end - 1].is_punct
                               and doc[end - 1].text not in {")", "."} or doc[end - 1].is_lower and doc[end - 1].is_alpha
                               and doc[end - 1].pos_ in {"NOUN", "ADP", "CCONJ", "DET"}):
            end -= 1
        if end > start and doc[end - 1].text == ")" and "(" not in doc[start:end].text:
            end -= 1
        pieces: list[tuple[int, int]] = []
        piece_start = start
        words = {doc[i].lower_ for i in range(start, end)}
        glued = bool(words & (self.cues.span_breakers - PREPOSITIONS))  # a headline verb inside the "name"
        for i in range(start, end):
            tok = doc[i]
            if i > piece_start and _ends_name(doc[i - 1]) and tok.is_title:
                pieces.append((piece_start, i))  # "Acme Corp. Globex will ...": a sentence the model ran on
                piece_start = i
                continue
            breaker = tok.lower_ in self.cues.span_breakers and i < end - 1 and (
                glued or tok.lower_ not in PREPOSITIONS or tok.text in NEVER_IN_NAMES)
            joins = tok.lower_ == "and" and not _institution(doc, start, end)
            breaks = (breaker or joins) and i > start
            if tok.lower_ in {"'s", "’s"} and i < end - 1 or tok.text in {"'", "’"} and doc[i - 1].lower_.endswith("s") \
                    and i < end - 1 and not doc[i - 1].whitespace_ and tok.whitespace_:
                breaks = True  # "Acme's Nimbus": owner and unit; "Acmes' ex-U.S.", "Acmes’ Zolvex": owner and what it owns
            if breaks:
                if i > piece_start:
                    pieces.append((piece_start, i))
                piece_start = i + 1
        if piece_start < end:
            pieces.append((piece_start, end))
        out = []
        for s, e in pieces:
            # "Alphabet-owned", "Seoul-based": a descriptor, not the name
            if e - s >= 3 and doc[e - 2].text == "-" and doc[e - 1].is_lower:
                continue
            while e > s and (doc[e - 1].is_punct and doc[e - 1].text != "." or doc[e - 1].lower_ in {"'s", "’s"}):
                e -= 1
            if e > s and self._plausible(doc[s:e]):
                out.append(doc[s:e])
        return out

    def _plausible(self, span: Span) -> bool:
        text = clean_name(span.text)
        if is_person_by_title(span) or is_dateline(span) or in_hyphen_compound(span):
            return False
        if span[-1].lower_ in {"program", "programme", "initiative", "project", "scheme", "campaign"}:
            return False  # "the Publishers' Program" is something an organization runs
        if span[-1].lower_ in {"committee", "board", "directors", "governors", "trustees"} and span.start > 0 and \
                span.doc[span.start - 1].lower_ in {"its", "their", "'s", "’s"}:
            return False  # "its Executive Management Committee": an organ of the company, no party
        if not text or text.casefold() in self.cues.generic_orgs:
            return False
        if not any(ch.isupper() for ch in text) or text[0].isdigit():
            return False
        if len(span) > 2 and span[0].is_lower and span[1].text == "-":
            return False  # "ex-U.S.", "non-EU": a prefixed word
        if all(t.is_stop or t.is_punct for t in span):
            return False
        if len(span) == 1 and (span[0].lower_ in LEGAL_SUFFIXES or span[0].lower_ in PERSON_TITLES):
            return False  # "Executive" of "Executive Vice President"
        return True

    def _missed_mentions(self, doc: Doc, accepted: list[Span], keys: set[str]) -> list[Span]:
        """Spans the model missed or mislabelled that spell an organization named elsewhere."""
        if not accepted:
            return []
        # Word sequences of the names (and their suffix-free forms), looked up by first word: a plain
        # scan, cheaper than building a PhraseMatcher for every document.
        names: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for s in accepted:
            words = tuple(t.text for t in s)
            names[words[0]].add(words)
            short = tuple(strip_legal_suffix(s.text).split())
            if short and short != words and len(short) < len(words) and tuple(t.text for t in s[:len(short)]) == short:
                names[short[0]].add(short)
        for ticker in tickers_after(accepted):  # "Acme Inc ACME ... rights from ACME"
            names[ticker].add((ticker,))
        matches = []
        for i in tokens_with(doc, names):
            for words in names[doc[i].text]:
                end = i + len(words)
                if end <= len(doc) and all(doc[i + k].text == w for k, w in enumerate(words)):
                    matches.append((i, end))
        taken = set()
        for s in accepted:
            taken.update(range(s.start, s.end))
        found = []
        for start, end in sorted(matches, key=lambda m: (m[0], -(m[1] - m[0]))):
            if taken.intersection(range(start, end)):
                continue
            if end < len(doc) and doc[end].is_title and not doc[end].is_sent_start and doc[end].ent_type_ == "ORG":
                continue  # part of a longer name
            found.append(Span(doc, start, end, label="ORG"))
            taken.update(range(start, end))
        return found
