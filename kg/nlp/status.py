"""The status of a deal edge: what the clause around its trigger says (ended, planned, or active)."""

from __future__ import annotations

import re

from spacy.tokens import Span

from kg.nlp.syntax import sentence_ents, clause_verb, governors, trigger_noun


from kg.nlp.relcontext import DocContext


def read_status(ctx: DocContext, rtype: str, trig: Span, sent: Span) -> tuple[str, str]:
    """The status the clause around a trigger gives (ended / planned / active) and the rule suffix that says why."""
    head = trig.root
    verb = clause_verb(trigger_noun(head))
    ancestors = governors(head)
    doc = ctx.doc
    non_exclusive = head.lower_ == "nonexclusive" or (
        head.i >= 2 and doc[head.i - 1].text == "-" and doc[head.i - 2].lower_ == "non")
    for tok in ctx.term_tokens("ENDED", sent):
        word = tok.lower_
        if word in {"former", "previous", "prior", "earlier"}:
            if rtype == "exclusive-with" and (tok.head == head or tok.head == head.head) and tok.i < head.i:
                return "ended", f":ended={word}"
            continue
        if word in {"convert", "converts", "converted", "shift", "shifts", "shifted"} and rtype != "exclusive-with":
            continue
        if word in {"non", "-"}:
            continue
        if tok.i in ancestors or (0 < head.i - tok.i <= 3 and word in {"no", "longer"}):
            return "ended", f":ended={word}"
        if tok.head == verb and tok.dep_ in {"acomp", "advmod", "neg", "attr"} or tok.i == verb.i and head.dep_ in {"nsubj", "nsubjpass"}:
            return "ended", f":ended={word}"
        if word == "longer" and tok.head == verb:
            return "ended", ":ended=no longer"
    if non_exclusive:
        return "ended", ":ended=non-exclusive"
    if rtype == "exclusive-with" and head.i >= 1 and doc[head.i - 1].lower_ == "from":
        return "ended", ":ended=from-exclusive"
    for tok in ctx.term_tokens("PLANNED", sent):
        if tok.lower_ in {"would", "could", "might", "set"}:
            continue
        if tok.i in ancestors or tok.head == verb or tok.i == verb.i or (
                tok.head == verb.head and tok.head.i != verb.i and verb.dep_ in {"advcl", "xcomp", "acl"}):
            return "planned", f":planned={tok.lower_}"
    if any(c.dep_ == "neg" for c in verb.children) or any(c.lower_ == "no" and c.dep_ == "det" for c in head.children):
        return ("ended" if rtype == "exclusive-with" else "planned"), ":negated"
    if rtype == "exclusive-with" and starts_later(sent):
        return "planned", ":planned=starts-later"
    return "active", ""


def starts_later(sent: Span) -> bool:
    """"Starting in 2026, ..." in an article of 2025, "from next season": an arrangement that begins later."""
    published = sent.doc.user_data.get("published") or ""
    year = int(published[:4]) if published[:4].isdigit() else None
    for ent in sentence_ents(sent):
        if ent.label_ != "DATE" or ent.start == 0:
            continue
        cue = {t.lower_ for t in sent.doc[max(ent.start - 3, sent.start):ent.start]}
        if not cue & {"starting", "beginning", "from", "effective", "start"}:
            continue
        text = ent.text.lower()
        if "next" in text or "later this" in text:
            return True
        years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", text)]
        if year and years and min(years) > year:
            return True
    return False
