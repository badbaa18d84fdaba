"""The attributes of a deal edge: the MONEY, PERCENT and DATE entities nearest its trigger (amount, percent, since, until)."""

from __future__ import annotations


from spacy.tokens import Span

from kg.nlp.cues import Cues
from kg.nlp.syntax import sentence_ents, negated_exclusive

from kg.nlp.relcontext import DocContext

_START_VERBS = {"start", "begin", "launch", "form", "sign", "strike", "establish", "date", "found", "enter", "forge", "back"}


def assign_attributes(cues: Cues, ctx: DocContext, sent: Span, triggers) -> dict[int, dict[str, str]]:
    """Each MONEY/PERCENT/DATE entity belongs to the nearest trigger of the sentence."""
    owners: dict[int, dict[str, str]] = {}
    if not triggers:
        return owners
    live = [(lab, t) for lab, t in triggers if not (lab == "EXCLUSIVE" and negated_exclusive(t.root))]
    triggers = live or triggers
    anchors = [(t.start, t) for _, t in triggers] + [(t.start, t) for t in ctx.term_spans("CAP", sent)]
    for ent in sentence_ents(sent):
        if ent.label_ not in {"MONEY", "PERCENT", "DATE"}:
            continue
        key, value = attribute(cues, ctx, ent)
        if key is None:
            continue
        nearest = min(anchors, key=lambda a: min(abs(a[0] - ent.start), abs(a[1].end - ent.end)))[1]
        owner = nearest
        if owner not in [t for _, t in triggers]:  # a cap word: give it to the nearest revenue share
            rev = [t for lab, t in triggers if lab == "REVSHARE"]
            owner = min(rev, key=lambda t: abs(t.start - ent.start)) if rev else None
        if owner is not None:
            owners.setdefault(owner.start, {}).setdefault(key, value)
    return owners

def attribute(cues: Cues, ctx: DocContext, ent: Span) -> tuple[str | None, str]:
    """The attribute (amount, percent, since, until) a MONEY/PERCENT/DATE entity gives, or (None, "")."""
    text = ent.text.strip()
    if ent.label_ == "PERCENT":
        return "percent", text
    if ent.label_ == "MONEY":
        low = text.lower()
        for q in cues.amount_qualifiers:
            if low.startswith(q + " "):
                text = text[len(q) + 1:]
                break
        if not any(ch.isdigit() for ch in text):
            return None, ""
        return "amount", text
    prev = ctx.doc[ent.start - 1].lower_ if ent.start > 0 else ""
    if not any(ch.isdigit() for ch in text):
        return None, ""
    if prev in cues.until_preps:
        return "until", text.removeprefix("the ")
    if prev in cues.since_preps:
        return "since", text.removeprefix("the ")
    head = ctx.doc[ent.start - 1].head if ent.start > 0 else None
    if prev in {"in", "to"} and head is not None and head.lemma_ in _START_VERBS:
        return "since", text.removeprefix("the ")  # "started in 2018", "dates back to 2019"
    return None, ""

def attrs_for(rtype: str, attrs: dict[str, str]) -> dict[str, str]:
    """The attributes a relation type keeps."""
    if rtype == "exclusive-with":
        return {k: v for k, v in attrs.items() if k in {"until", "since"}}
    if rtype == "partners-with":
        return {k: v for k, v in attrs.items() if k != "percent"}
    return dict(attrs)
