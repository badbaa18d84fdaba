"""Money between two parties: revenue-share triggers, who pays whom, payments that are deals.

Pure functions over a sentence and its party map (token index → organization names).
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.nlp.cues import Cues
from kg.nlp.syntax import clause_tokens, clause_verb, party_names, sentence_ents, subject_tokens


def paid_deal(sent: Span, org_tokens: set[int]) -> list[Span]:
    """"A is paying B $300 million to ...": a payment between two parties for a service is a commercial deal."""
    out = []
    for tok in sent:
        if tok.lemma_ == "raise" and any(c.lower_ == "from" for c in tok.children) and any(t.ent_type_ == "MONEY" for t in tok.subtree):
            out.append(sent.doc[tok.i:tok.i + 1])
            continue
        if tok.lemma_ not in {"pay", "purchase"} or tok.pos_ != "VERB":
            continue
        if any(c.lower_ == "for" and any(g.i in org_tokens for g in c.children if g.dep_ == "pobj") for c in tok.children):
            continue  # "paid $9bn for Acme": a purchase
        sub = [t for t in tok.subtree]
        if any(t.ent_type_ == "MONEY" for t in sub) or any(c.dep_ in {"dative", "dobj"} and c.i in org_tokens for c in tok.children):
            if not any(t.lower_ in {"revenue", "revenues", "royalty", "royalties", "share", "shares", "dividend", "fine", "penalty"} for t in sub):
                out.append(sent.doc[tok.i:tok.i + 1])
    return out


def shared_revenue(sent: Span) -> list[Span]:
    """"A shares a portion of its revenue with B": the verb is the revenue-share trigger."""
    out = []
    for tok in sent:
        if tok.lemma_ in {"share", "split", "pass"} and tok.pos_ == "VERB":
            if any(t.lower_ in {"revenue", "revenues", "sales", "profits", "proceeds"} for c in tok.children
                   if c.dep_ in {"dobj", "nsubjpass"} for t in c.subtree):
                out.append(sent.doc[tok.i:tok.i + 1])
    return out


def percent_of_revenue(sent: Span) -> list[Span]:
    out = []
    for ent in sentence_ents(sent):
        if ent.label_ != "PERCENT" or ent.end >= sent.end or sent.doc[ent.end].lower_ != "of":
            continue
        for tok in sent.doc[ent.end + 1:min(ent.end + 6, sent.end)]:
            if tok.lower_ in {"revenue", "revenues", "sales", "profits"}:
                out.append(sent.doc[tok.i:tok.i + 1])
                break
    return out


def payment_direction(cues: Cues, trig: Token, sent: Span, parties: dict[int, list[str]]) -> tuple[str | None, str | None, str]:
    """(payer, payee, how) for a revenue share."""
    doc = sent.doc
    verb = clause_verb(trig)
    for child in trig.children:  # "the revenue share A pays B"
        if child.dep_ == "relcl" and (child.lower_ in cues.pay_verbs or child.lower_ in cues.receive_verbs):
            verb = child
    clause = set(clause_tokens(verb, keep=trig)) | {t.i for t in trig.subtree}
    payer = payee = None
    for i in sorted(clause):
        tok = doc[i]
        if tok.lower_ in {"from", "by"} and tok.dep_ == "prep":
            names = party_names({t.i for t in tok.subtree}, parties)
            payer = payer or (names[0] if names else None)
        if tok.lower_ == "to" and tok.dep_ in {"prep", "dative"} or (
                tok.lower_ == "with" and tok.dep_ == "prep" and tok.head.lemma_ in {"share", "split"}):
            names = party_names({t.i for t in tok.subtree}, parties)
            payee = payee or (names[0] if names else None)
    subj = party_names(subject_tokens(verb), parties)
    word = verb.lower_
    if word in cues.receive_verbs:
        owner = party_names({t.i for t in trig.subtree if t.dep_ == "poss"} | {t.i for t in trig.head.subtree if t.dep_ == "poss"}, parties)
        payee = subj[0] if subj else payee
        payer = payer or (owner[0] if owner else None)
        if payer and payee:
            return payer, payee, "receiver-subject"
    objs = party_names({t.i for c in verb.children if c.dep_ in {"dative", "dobj", "iobj"} for t in c.subtree}, parties)
    poss = party_names({t.i for c in trig.children if c.dep_ == "poss" for t in c.subtree}, parties)
    if poss and not payer:
        payer = poss[0]
    if word in cues.pay_verbs or verb.lemma_ in {"pay", "make", "share", "continue"}:
        payer = payer or (subj[0] if subj else None)
        payee = payee or next((o for o in objs if o != payer), None)
    if payer and payee:
        return payer, payee, "payer-subject" if not poss else "possessor"
    names = party_names(parties, parties)
    if subj and len(names) == 2:
        other = [n for n in names if n != subj[0]]
        return subj[0], other[0] if other else None, "fallback"
    return None, None, "none"


STAKE_WORDS = {"stake", "stakes", "share", "shares", "holding", "holdings", "control", "%", "percent", "majority", "minority"}


def has_org_object(org_tokens: set[int], verb: Token) -> bool:
    """The verb buys an organization or a share of one ("buy Acme", "buy 26% of Acme"), not its products."""
    orgs = org_tokens
    for c in verb.children:
        if c.dep_ in {"dobj", "attr"} and c.i in orgs:  # "buy Acme", not "buy Acme's chips"
            return True
        if c.dep_ in {"dobj", "attr"} and (c.ent_type_ == "PERCENT" or c.lower_ in STAKE_WORDS):
            if any(t.i in orgs for t in c.subtree):  # "buy 26% of Acme", "a stake in Acme"
                return True
    return False
