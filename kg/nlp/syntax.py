"""Reading the dependency parse around a trigger: its noun, clause, subject, complements.

Pure functions over spaCy tokens; ``parties`` maps a token index to the organization names
mentioned there (see :class:`kg.nlp.relations.RelationExtractor`).
"""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Span, Token

CLAUSE_DEPS = {"advcl", "ccomp", "relcl", "parataxis", "conj"}


_TEXT_KEY = "kg_text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per document (spaCy joins the tokens anew on every access).

    >>> import spacy
    >>> doc = spacy.blank("en")("Acme signed.")
    >>> doc_text(doc) == doc.text and doc_text(doc) is doc_text(doc)
    True
    """
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def trigger_noun(tok: Token) -> Token:
    """The noun a trigger word modifies: "licensing" in "licensing agreements" → "agreements"."""
    while tok.dep_ in {"amod", "compound"} and tok.head.i != tok.i and tok.head.pos_ in {"NOUN", "PROPN"}:
        tok = tok.head
    return tok


def back_reference(noun: Token) -> bool:
    """"As part of the deal", "under the agreement": a deal named before, not a new pair."""
    if noun.pos_ not in {"NOUN", "PROPN"} or noun.dep_ != "pobj":
        return False
    det = [c.lower_ for c in noun.children if c.dep_ in {"det", "poss"}]
    prep = noun.head.lower_
    outer = noun.head.head.lower_ if noun.head.head.i != noun.head.i else ""
    return bool(det) and det[0] in {"the", "this", "that", "these"} and (
        prep in {"under", "through"} or (prep == "of" and outer in {"part", "terms"}))


def indefinite(noun: Token) -> bool:
    """"any other partner", "a search for a partner": no particular counterpart."""
    words = {c.lower_ for c in noun.children if c.dep_ in {"det", "amod"}}
    if words & {"any", "another", "other", "every", "potential"} and noun.lower_ in {"partner", "partners", "investor", "investors", "supplier", "provider"}:
        return True
    return noun.head.lower_ == "for" and noun.head.head.lower_ in {"search", "searching", "looking", "hunt"}


def joint_members(noun: Token, parties: dict[int, list[str]]) -> list[str]:
    """Members named by the trigger noun itself: "a joint venture of A, B and C", "the A–B venture", "between A and B"."""
    ids: set[int] = set()
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in {"between", "of", "among"}:
            ids |= {t.i for t in child.subtree}
        elif child.dep_ in {"compound", "nmod", "amod"} and child.i < noun.i:
            ids |= {t.i for t in child.subtree}
        elif child.dep_ == "acl":  # "an initiative announced by A, B and C"
            ids |= {t.i for c in child.children if c.dep_ == "agent" for t in c.subtree}
    return party_names(ids, parties)


def governors(tok: Token) -> set[int]:
    """Ancestors of ``tok`` up to the edge of its clause (an adverbial, coordinated or relative clause stops it)."""
    out: set[int] = set()
    node = tok
    while node.head.i != node.i:
        if node.dep_ in {"advcl", "conj", "ccomp", "parataxis"} and node.pos_ in {"VERB", "AUX"}:
            break
        node = node.head
        out.add(node.i)
    return out


def trigger_clause(trig: Span) -> list[int]:
    """Token ids of the clause a trigger sits in, without embedded clauses that do not hold it."""
    noun = trigger_noun(trig.root)
    verb = clause_verb(noun)
    ids = set(clause_tokens(verb, keep=noun))
    if len(trig) > 1:  # "co-develops": the clause of the trigger's last word too
        ids |= set(clause_tokens(verb, keep=trig[-1]))
    return sorted(ids)


def clause_verb(tok: Token) -> Token:
    head = tok
    while head.dep_ != "ROOT" and head.pos_ not in {"VERB", "AUX"}:
        head = head.head
    return head


def clause_tokens(verb: Token, keep: Token | None = None) -> list[int]:
    """The verb's subtree without embedded clauses (unless the clause holds ``keep``)."""
    out = [verb.i]
    for child in verb.children:
        sub = [t.i for t in child.subtree]
        if child.dep_ in CLAUSE_DEPS and (keep is None or keep.i not in sub) and child.pos_ in {"VERB", "AUX"}:
            continue
        out += sub
    return out


def subject_tokens(verb: Token) -> set[int]:
    v = verb
    for _ in range(4):
        subj = [c for c in v.children if c.dep_ in {"nsubj", "nsubjpass", "expl"}]
        if subj:
            return {t.i for c in subj for t in c.subtree if c.dep_ != "expl"}
        if v.dep_ in {"xcomp", "advcl", "conj", "ccomp", "acl", "pcomp"} and v.head.i != v.i:
            v = clause_verb(v.head)
        else:
            break
    return set()


def speaker(verb: Token, parties: dict[int, list[str]]) -> str | None:
    """The organization that says a clause: "Acme said Globex would hold exclusive rights"."""
    node = verb
    while node.dep_ in {"xcomp", "conj"} and node.head.i != node.i:
        node = node.head
    if node.dep_ != "ccomp" or node.head.lemma_ not in {"say", "announce", "confirm", "state", "disclose"}:
        return None
    names = party_names({t.i for c in node.head.children if c.dep_ == "nsubj" for t in c.subtree}, parties)
    return names[0] if len(names) == 1 else None


def party_names(token_ids, parties: dict[int, list[str]]) -> list[str]:
    return ordered_unique(n for i in sorted(token_ids) if i in parties for n in parties[i])


def ordered_unique(items) -> list[str]:
    seen: dict[str, None] = {}
    for x in items:
        seen.setdefault(x, None)
    return list(seen)


def is_ancestor(tok: Token, of: Token) -> bool:
    return any(a.i == tok.i for a in of.ancestors)


def apposition_tokens(doc: Doc, parties: dict[int, list[str]]) -> set[int]:
    """Tokens inside an apposition to a party ("Acme, a group with brands such as X and Y"): not counterparts."""
    out: set[int] = set()
    for i in parties:
        for child in doc[i].children:
            if child.dep_ == "appos" and child.i not in parties:
                out |= {t.i for t in child.subtree}
    return out


def listed_together(sent: Span, parties: dict[int, list[str]], names: list[str]) -> bool:
    """Both names are items of one list ("A, B or C"): siblings, not counterparts."""
    for i, found in parties.items():
        tok = sent.doc[i]
        if names[0] in found and any(names[1] in parties.get(c.i, []) for c in tok.conjuncts):
            return True
    return False


def says_joint(sent: Span) -> bool:
    """The sentence says the parties act together ("jointly", "together", "a joint venture")."""
    return any(t.lower_ in {"jointly", "together", "joint", "consortium", "alliance", "each other"} for t in sent)


def negated_exclusive(tok: Token) -> bool:
    """"non-exclusive", or "exclusive" in "from exclusive to non-exclusive"."""
    doc = tok.doc
    if tok.lower_ == "nonexclusive" or (tok.i >= 2 and doc[tok.i - 1].text == "-" and doc[tok.i - 2].lower_ == "non"):
        return True
    return tok.i >= 1 and doc[tok.i - 1].lower_ == "from"


def anaphoric_subject(sent: Span) -> bool:
    for tok in sent:
        if tok.dep_ in {"nsubj", "nsubjpass"}:
            words = {t.lower_ for t in tok.subtree}
            return bool(words & {"these", "this", "that", "those", "they", "it", "payments", "payment", "share",
                                 "arrangement", "which", "royalty", "royalties"})
    return any(t.lower_ in {"that", "which"} for t in sent[:3])


def sentence_ents(sent: Span) -> list[Span]:
    """The named entities inside a sentence; like ``sent.ents`` without rebuilding the document's list each call.

    Offsets and labels are kept once per document in ``doc.user_data`` (plain ints, no Span objects, so no
    reference cycle through the Doc); kg's components run after NER and do not change the entities.
    """
    doc = sent.doc
    cached = doc.user_data.get("kg_ents")
    if cached is None or cached[0] != len(doc):
        rows = [(e.start, e.end, e.label) for e in doc.ents]
        cached = (len(doc), rows, [r[0] for r in rows])
        doc.user_data["kg_ents"] = cached
    _, rows, starts = cached
    lo, hi = bisect.bisect_left(starts, sent.start), bisect.bisect_left(starts, sent.end)
    return [Span(doc, s, e, label=label) for s, e, label in rows[lo:hi] if e <= sent.end]
