"""Organization mentions: clean the small model's ORG output and resolve it per document.

The ``kg_orgs`` component writes ``doc.spans["kg_orgs"]``: one span per organization
mention, ``label_`` "ORG" for names and "REF"/"REFS" for back-references (see
:mod:`kg.nlp.references`), ``kb_id_`` the canonical name within the document.
``doc._.kg_entities`` maps each canonical name to its aliases and merge records.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp.cues import load_cues
from kg.nlp.orgnames import (
    COMPANY_VERBS,
    HONORIFICS,
    MAKER_NOUNS,
    PAREN_ABBR,
    PERSON_TITLES,
    PREPOSITIONS,
    PRODUCT_NOUNS,
    TECH_NOUNS,
    TICKER,
    generic_abbreviations,
    in_hyphen_compound,
    is_abbreviation,
    is_dateline,
    is_person_by_title,
    is_place,
    listed_as_company,
)
from kg.nlp.references import PRONOUNS as _PRONOUNS  # noqa: F401  (kg.nlp.fastpath reads it here)
from kg.nlp.references import reference_spans
from kg.nlp.names import (
    GENERIC_FIRST_WORDS,
    LEGAL_SUFFIXES,
    clean_name,
    entity_key,
    load_alias_table,
    strip_legal_suffix,
)

_PARTY_PREPS = {"with", "to", "between", "among"}  # "a deal with X", "exclusive supplier to X", "a pact between X and Y"
ORG_LIKE = {"GPE", "PERSON", "PRODUCT", "NORP", "FAC", "WORK_OF_ART", "LOC", "EVENT"}


if not Doc.has_extension("kg_entities"):
    Doc.set_extension("kg_entities", default=None)


@Language.factory(
    "kg_orgs",
    requires=["doc.ents", "token.dep"],
    assigns=["doc.spans", "doc._.kg_entities"],
    default_config={"aliases_path": None, "cues_path": None},
)
def make_org_resolver(nlp: Language, name: str, aliases_path: str | None, cues_path: str | None):
    return OrgResolver(nlp, aliases_path=aliases_path, cues_path=cues_path)


class OrgResolver:
    """Find organization mentions, repair the model's errors, and group them per document."""

    def __init__(self, nlp: Language, *, aliases_path: str | None = None, cues_path: str | None = None):
        self.cues = load_cues(cues_path)
        self.alias_table = load_alias_table(aliases_path)
        self.vocab = nlp.vocab
        self.tokenizer = nlp.tokenizer

    def __call__(self, doc: Doc) -> Doc:
        spans = self._name_spans(doc)
        groups = self._group(doc, spans)
        for span in spans:
            span.kb_id_ = groups["canon"][entity_key(span.text)]
        refs = reference_spans(doc, spans, self.cues.descriptor_nouns)
        all_spans = sorted(spans + refs, key=lambda s: s.start)
        doc.spans["kg_orgs"] = all_spans
        doc._.kg_entities = groups["entities"]
        return doc

    # -- names ---------------------------------------------------------------------------
    def _name_spans(self, doc: Doc) -> list[Span]:
        org_keys = set(self.alias_table)
        candidates: list[tuple[Span, str]] = []
        for ent in doc.ents:
            if ent.label_ == "ORG" or ent.label_ in ORG_LIKE:
                for part in self._repair(doc, ent):
                    candidates.append((part, ent.label_))
                    if ent.label_ == "ORG":
                        org_keys.add(entity_key(part.text))
        deal_sents = {t.sent.start for t in doc.spans.get("deal_terms", []) if t.label_ in {"PARTNER", "EXCLUSIVE", "REVSHARE"}}
        candidates += [(doc[t.i:t.i + 1], "SHAPE") for t in doc if is_camel_name(t.text) and t.sent.start in deal_sents
                       and _unlabelled_company_shape(t)]
        person_words = {doc[i + 1].lower_ for i, t in enumerate(doc[:-1]) if t.lower_.rstrip(".") in HONORIFICS}
        titled = {w for w in person_words if w[:1].isalpha()}  # "Mr Smith" anywhere: "Smith" is a person everywhere
        for e in doc.ents:  # words of full personal names ("Pavel Durov"), not "Acme's"
            words = [t.lower_ for t in e if t.is_alpha]
            if e.label_ == "PERSON" and len(words) > 1:
                person_words.update(words)
        generic_terms = generic_abbreviations(doc)
        generic_terms |= _not_organizations(doc, candidates, org_keys)
        generic_terms |= _common_words(doc, candidates)
        generic_terms |= {entity_key(span.text) for span, _ in candidates if len(span) == 1 and span[0].lower_ in titled}
        # A name used as a product ("the Grok model") is a product everywhere in the document,
        # unless it also acts as a subject somewhere ("the Acme TV app" ... "Acme said").
        subjects = {entity_key(span.text) for span, label in candidates
                    if _acts_as_company(span) or label == "ORG" and _owns(span)}
        generic_terms |= {entity_key(span.text) for span, _ in candidates if self._is_product(doc, span)} - subjects
        candidates += [(span, "DEAL") for span in self._deal_parties(doc)]
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
        tech_head = root.head
        while tech_head.dep_ == "compound" and tech_head.head.i != tech_head.i:
            tech_head = tech_head.head
        if span.text.isupper() and root.dep_ == "compound" and tech_head.lower_ in TECH_NOUNS and not any(
                t.dep_ == "nsubj" and t.text == span.text for t in doc):
            return True  # "the DRM system", "its NAV vector technology": a technology
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
        if span.end + 1 < len(doc) and doc[span.end].text == "," and doc[span.end + 1].lower_ in {"the", "its", "a", "an", "their"}:
            for tok in doc[span.end + 2:span.end + 9]:  # "Gemini, the search giant's family of models,"
                if tok.is_punct or tok.lower_ == "of":  # the head noun comes before any "of"
                    break
                if tok.lower_ in PRODUCT_NOUNS:
                    return True
        prev = doc[span.start - 1] if span.start > 0 else None
        if prev is not None and prev.lower_ in PRODUCT_NOUNS and prev.dep_ in {"compound", "nmod"} | {"appos"}:
            return True
        if prev is not None and prev.lower_ in {"platform", "service", "brand", "unit"} and any(
                c.dep_ == "poss" for c in prev.children):
            return True  # "Acme's enterprise platform Frontier"
        return prev is not None and prev.lower_ in PRODUCT_NOUNS and root.dep_ == "appos"

    def _repair(self, doc: Doc, ent: Span) -> list[Span]:
        """Trim articles, possessives and glued headline words; drop generic words."""
        start, end = _balanced(doc, ent.start, ent.end)
        for i in range(end - 2, start, -1):  # "UK telco Acme", "Acme unit Globex": a description before the name
            if doc[i].is_lower and doc[i].pos_ == "NOUN" and all(t.is_title or t.is_upper for t in doc[i + 1:end]):
                start = i + 1
                break
        while start < end and (doc[start].lower_ in {"the", "a", "an", "“", '"', "‘", "'"} or _edge_junk(doc[start])):
            start += 1
        while end > start and (doc[end - 1].lower_ in {"'s", "’s", "'", "’"} or doc[end - 1].is_punct
                               and doc[end - 1].text not in {")", "."} or doc[end - 1].is_lower and doc[end - 1].is_alpha
                               and doc[end - 1].pos_ == "NOUN"):
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
            breaker = tok.lower_ in self.cues.span_breakers and (glued or tok.lower_ not in PREPOSITIONS) and i < end - 1
            joins = tok.lower_ == "and" and not _institution(doc, start, end)
            breaks = (breaker or joins) and i > start
            if tok.lower_ in {"'s", "’s"} and i < end - 1:
                breaks = True  # "Acme's Nimbus": owner and unit
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
        if not text or text.casefold() in self.cues.generic_orgs:
            return False
        if not any(ch.isupper() for ch in text) or text[0].isdigit():
            return False
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
        matches = []
        for tok in doc:
            for words in names.get(tok.text, ()):
                end = tok.i + len(words)
                if end <= len(doc) and all(doc[tok.i + k].text == w for k, w in enumerate(words)):
                    matches.append((tok.i, end))
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

    # -- grouping ------------------------------------------------------------------------
    def _group(self, doc: Doc, spans: list[Span]) -> dict:
        parent: dict[str, str] = {}

        def find(k: str) -> str:
            while parent.setdefault(k, k) != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        merges: dict[str, list[tuple[str, str]]] = defaultdict(list)
        surfaces: dict[str, Counter] = defaultdict(Counter)
        defined: set[str] = set()
        taught: set[str] = set()  # short forms the text itself defines: the alias file does not override them
        for span in spans:
            key = entity_key(span.text)
            surfaces[key][clean_name(span.text)] += 1
            find(key)

        def union(alias_key: str, target_key: str, surface: str, reason: str) -> None:
            a, b = find(alias_key), find(target_key)
            if a != b:
                parent[a] = b
                merges[target_key].append((surface, reason))

        text = doc.text
        for span in spans:
            key = entity_key(span.text)
            after = text[span.end_char:span.end_char + 40]
            m = TICKER.match(after)
            if m:
                tkey = entity_key(m.group(1))
                surfaces[tkey][m.group(1)] += 0
                union(tkey, key, m.group(1), "ticker")
                taught |= {tkey, key}
                continue
            m = PAREN_ABBR.match(after)
            if m and len(span) > 1 and is_abbreviation(m.group(1), span.text):
                akey = entity_key(m.group(1))
                surfaces[akey][m.group(1)] += 0
                union(akey, key, m.group(1), "definition")
                defined.add(key)
                taught |= {akey, key}
        keys = list(surfaces)
        for key in keys:
            canon = self.alias_table.get(key)
            if canon and entity_key(canon) != key and key not in taught:
                ckey = entity_key(canon)
                surfaces[ckey][canon] += 0
                union(key, ckey, next(iter(surfaces[key])), "alias-file")
        # "Acme Cloud" / "Acme Nimbus": a one-word unit named after its parent joins the parent.
        single = {k for k in keys if " " not in k}
        for key in keys:
            words = key.split()
            if len(words) == 2 and words[0] in single and words[0] != key:
                union(key, words[0], next(iter(surfaces[key])), "unit-of-parent")
                unit = words[1]
                if unit in surfaces and not any(n[:1].islower() for n in surfaces[unit]):  # not "iWidget", a product
                    union(unit, words[0], unit, "unit-of-parent")
        # Short forms: "Halvorsen" for "J.R. Halvorsen & Co.", "Casino Springfield" for "Acme Casino Springfield".
        for key, full in _short_forms(keys):
            union(key, full, next(iter(surfaces[key])), "short-form")
            defined.add(full)  # the document's full name is the canonical one
        # Possessive units: "Acme's Nimbus cloud".
        for span in spans:
            prev = span.start - 1
            if prev > 0 and doc[prev].lower_ in {"'s", "’s"} and len(span) == 1:
                owner = [s for s in spans if s.end == prev]
                nxt = doc[span.end] if span.end < len(doc) else None
                if owner and nxt is not None and nxt.lower_ in {"cloud", "platform", "unit", "division", "service", "services"}:
                    union(entity_key(span.text), entity_key(owner[0].text), span.text, "unit-of-parent")

        members: dict[str, list[str]] = defaultdict(list)
        for key in surfaces:
            members[find(key)].append(key)
        canon_of: dict[str, str] = {}
        entities: dict[str, dict] = {}
        for keys_ in members.values():
            counts: Counter = Counter()
            for k in keys_:
                counts.update(surfaces[k])
            defined_names = [n for k in keys_ if k in defined for n in surfaces[k]]
            if defined_names:
                name = max(defined_names, key=len)
            else:  # the spelling the text uses most; shorter on ties ("Acme" over "Acme Corp")
                name = min(counts, key=lambda n: (-counts[n], len(n)))
            aliases = sorted({n for n in counts if n != name})
            entities[name] = {
                "aliases": aliases,
                "merges": [m for k in keys_ for m in merges.get(k, [])],
            }
            for k in keys_:
                canon_of[k] = name
        return {"canon": canon_of, "entities": entities}


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
    after = doc.text[doc[end - 1].idx + len(doc[end - 1]):doc[end - 1].idx + len(doc[end - 1]) + 12]
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


def _short_forms(keys: list[str]) -> list[tuple[str, str]]:
    """(short, full) for each name that ends exactly one longer name of the document and starts none.

    The tail of a name is its distinctive part ("Halvorsen" of "J.R. Halvorsen & Co."); a first
    word is not a short form here, as it may be a parent ("Orbis" of "Orbis Cloud").
    """
    out = []
    words = {k: k.replace("&", " ").split() for k in keys}
    for key in keys:
        short = words[key]
        if not short or len(short) == 1 and (len(key) < 4 or key in GENERIC_FIRST_WORDS or is_place(key)):
            continue
        longer = [k for k in keys if len(words[k]) > len(short) and _contains_tail(words[k], short)]
        starts = [k for k in keys if k != key and words[k][:len(short)] == short]
        if len(longer) == 1 and not starts:
            out.append((key, longer[0]))
    return out


def _contains_tail(full: list[str], short: list[str]) -> bool:
    """``short`` is the last words of ``full``, or its words after a leading initial or title ("J.R.")."""
    n = len(short)
    return full[-n:] == short or any(full[i:i + n] == short and i > 0 for i in range(1, len(full) - n + 1)
                                     if all(len(w.rstrip(".")) <= 2 for w in full[:i]))


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


def _common_words(doc: Doc, candidates: list[tuple[Span, str]]) -> set[str]:
    """One-word "names" the same text also writes in lower case as an ordinary word ("Budget", "budget").

    A company named by a common word keeps its name where it acts as one ("Acme said") or in a deal sentence.
    """
    lower = {t.lower_ for t in doc if t.is_lower and t.is_alpha and not t.is_sent_start}
    words = {entity_key(span.text) for span, _ in candidates if len(span) == 1 and span[0].is_title and span[0].lower_ in lower}
    return words - {entity_key(span.text) for span, _ in candidates if _acts_as_company(span) or _in_deal_sentence(span)}


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


def is_camel_name(text: str) -> bool:
    """Written like a company name: "QuantaCore", "zAI" (kg.nlp.fastpath parses sentences holding one)."""
    return _CAMEL.match(text) is not None


def _unlabelled_company_shape(tok) -> bool:
    """A one-word name the model left untagged, in a party position of a deal sentence."""
    return tok.ent_type_ == "" and tok.pos_ == "PROPN" and tok.dep_ in _PARTY_DEPS
