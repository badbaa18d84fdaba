"""The ``kg_relations`` component: typed deal edges from deal terms and the dependency parse.

For each sentence, each deal-term trigger (``doc.spans["deal_terms"]``) is tied to the
organizations (``doc.spans["kg_orgs"]``) its clause connects: the clause subject or the
trigger's possessor on one side, the trigger's complements ("with X", "in X", "to X") on the
other. The clause around the trigger gives the status (ended / planned / active) and the
MONEY, PERCENT and DATE entities nearest the trigger give the attributes. Results are plain
dicts in ``doc._.kg_relations``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp.cues import Cues, load_cues
from kg.models import combine_status
from kg.nlp.payments import has_org_object, payment_direction
from kg.nlp.attributes import assign_attributes, attrs_for
from kg.nlp.relcontext import PLANNED_TRIGGERS, DocContext
from kg.nlp.status import read_status
from kg.nlp.syntax import (
    apposition_tokens,
    back_reference,
    clause_verb,
    indefinite,
    is_ancestor,
    joint_members,
    listed_together,
    party_names,
    says_joint,
    speaker,
    subject_tokens,
    trigger_clause,
    trigger_noun,
)

if not Doc.has_extension("kg_relations"):
    Doc.set_extension("kg_relations", default=None)

TRIGGER_STATUS_KEY = "kg_trigger_status"  # doc.user_data: trigger token index -> the rules' status reading
TRIGGER_TYPES = {"PARTNER": "partners-with", "EXCLUSIVE": "exclusive-with", "REVSHARE": "revenue-share-capped"}
NOT_EXCLUSIVE_HEADS = {"interview", "interviews", "story", "scoop", "footage", "photos", "reliance", "dependence",
                       "focus", "club", "offer", "offers", "discount", "preview", "look"}
CONFIDENCE = {"possessor": 0.8, "subject-object": 0.8, "coordinated": 0.75, "pair": 0.55, "speaker": 0.45,
              "nearest": 0.3}


@Language.factory(
    "kg_relations",
    requires=["doc.spans", "token.dep"],
    assigns=["doc._.kg_relations"],
    default_config={"cues_path": None, "min_confidence": 0.0},
)
def make_relation_extractor(nlp: Language, name: str, cues_path: str | None, min_confidence: float):
    return RelationExtractor(cues=load_cues(cues_path), min_confidence=min_confidence)


@dataclass
class Candidate:
    type: str
    source: str
    target: str
    status: str
    confidence: float
    rule: str
    sent: Span
    attrs: dict[str, str] = field(default_factory=dict)


class RelationExtractor:
    """Turn deal terms and organization mentions into relation dicts."""

    def __init__(self, cues: Cues, min_confidence: float = 0.0):
        self.cues = cues
        self.min_confidence = min_confidence

    def __call__(self, doc: Doc) -> Doc:
        orgs = list(doc.spans.get("kg_orgs", []))
        terms = list(doc.spans.get("deal_terms", []))
        if len(orgs) < 2 and not any(o.label_ in {"REF", "REFS"} for o in orgs):
            doc._.kg_relations = []
            return doc
        ctx = DocContext(doc, orgs, terms)
        cands: list[Candidate] = []
        for si, sent in enumerate(ctx.sents):
            found = self._sentence(ctx, si, sent)
            if not found:
                self._orphan_attributes(ctx, si, sent, cands)
            cands.extend(found)
        doc._.kg_relations = [c for c in _finalize(cands) if c["confidence"] >= self.min_confidence]
        return doc

    # -- per sentence ----------------------------------------------------------------------
    def _sentence(self, ctx: DocContext, si: int, sent: Span) -> list[Candidate]:
        parties = ctx.parties(sent)
        if not parties:
            return []
        out: list[Candidate] = []
        triggers = ctx.triggers(si, sent)
        attr_owner = assign_attributes(self.cues, ctx, sent, triggers)
        for label, trig in triggers:
            rtype = TRIGGER_TYPES[label]
            head = trig.root
            if self._blocked(ctx, rtype, trig, sent):
                continue
            status, status_rule = read_status(ctx, rtype, trig, sent)
            # the rules' status reading of every trigger, paired or not: a feature of the trained scorer
            ctx.doc.user_data.setdefault(TRIGGER_STATUS_KEY, {})[trig.start] = status
            if label == "REVSHARE":
                cand = self._revenue_share(ctx, si, sent, trig, parties, status)
                found = [cand] if cand else []
            else:
                found = [
                    Candidate(rtype, a, b, status, conf, f"{rtype}:{how}:{trig.text.lower()}", sent)
                    for a, b, conf, how in self._pairs(ctx, trig, sent, parties)
                ]
            attrs = attr_owner.get(trig.start, {})
            for c in found:
                c.rule += f"{status_rule}"
                c.attrs = attrs_for(rtype, attrs)
                if head.lower_ in PLANNED_TRIGGERS and c.status == "active":
                    c.status = "planned"
                out.append(c)
        return out

    def _orphan_attributes(self, ctx: DocContext, si: int, sent: Span, cands: list[Candidate]) -> None:
        """"The contract is worth $60 million": attributes of a deal named in a recent sentence."""
        triggers = ctx.triggers(si, sent)
        if not triggers or not cands:
            return
        owners = assign_attributes(self.cues, ctx, sent, triggers)
        named = {n for names in ctx.parties(sent).values() for n in names}
        for label, trig in triggers:
            attrs = owners.get(trig.start)
            rtype = TRIGGER_TYPES[label]
            if not attrs:
                continue
            recent = [c for c in cands if c.type == rtype and ctx.sent_index(c.sent) >= si - 3]
            if named:
                recent = [c for c in recent if c.source in named or c.target in named]
            if recent:
                for k, v in attrs_for(rtype, attrs).items():
                    recent[-1].attrs.setdefault(k, v)

    def _blocked(self, ctx: DocContext, rtype: str, trig: Span, sent: Span) -> bool:
        """Acquisitions, lawsuits and rivalry in the trigger's clause are not deals; nor an "exclusive interview"."""
        head = trig.root
        if rtype == "exclusive-with":
            noun = head.head if head.dep_ in {"amod", "advmod"} else head
            if noun.lower_ in NOT_EXCLUSIVE_HEADS:
                return True
            doc = head.doc
            non = head.lower_ == "nonexclusive" or (head.i >= 2 and doc[head.i - 1].text == "-" and doc[head.i - 2].lower_ == "non")
            if non:  # "a non-exclusive licence" is no exclusivity; "now non-exclusive" ends one
                window = {t.lower_ for t in doc[max(sent.start, head.i - 8):head.i]}
                return not (window & {"now", "from", "becomes", "became", "converted", "shifted", "longer"})
            return False
        if rtype != "partners-with":
            return False
        near = set(trigger_clause(trig))
        for label in ("ACQUISITION", "LEGAL", "RIVALRY"):
            for tok in ctx.term_tokens(label, sent):
                if label == "RIVALRY" and any(a.dep_ == "appos" for a in [tok, *tok.ancestors]):
                    continue  # "Sony, its main rival," describes a party; it does not block the deal
                if tok.i in near or is_ancestor(tok, head):
                    if label == "ACQUISITION" and tok.lower_ in {"buy", "buys", "bought", "buying"} and not has_org_object(ctx.org_tokens, tok):
                        continue
                    return True
        return False

    # -- pairing -------------------------------------------------------------------------
    def _pairs(self, ctx: DocContext, trig: Span, sent: Span, parties: dict[int, list[str]]):
        head = trig.root
        noun = trigger_noun(head)
        if back_reference(noun) or indefinite(noun):
            return []
        verb = clause_verb(noun)
        subj_toks = subject_tokens(verb)
        subj = party_names(subj_toks, parties)
        clause = trigger_clause(trig)
        poss = party_names({t.i for c in noun.children if c.dep_ == "poss" for t in c.subtree}, parties)
        comp = party_names(({t.i for t in noun.subtree} & set(clause))
                      - {t.i for c in noun.children if c.dep_ == "poss" for t in c.subtree}, parties)
        inside = apposition_tokens(noun.doc, parties)
        comp = [n for n in comp if n not in party_names(inside, parties) or n in party_names(set(parties) - inside, parties)]
        objs = party_names(set(clause) - subj_toks - inside, parties)
        pairs: list[tuple[str, str, float, str]] = []
        if poss:
            others = [n for n in (comp or objs or subj) if n not in poss]
            pairs += [(p, o, CONFIDENCE["possessor"], "possessor") for p in poss for o in others]
        if not pairs and subj:
            others = [n for n in (comp or objs) if n not in subj]
            pairs += [(s, o, CONFIDENCE["subject-object"], "subject-object") for s in subj for o in others]
            if not pairs and len(subj) > 1 and (len(subj) == 2 or says_joint(sent)):
                pairs += [(a, b, CONFIDENCE["coordinated"], "coordinated") for i, a in enumerate(subj) for b in subj[i + 1:]]
        for rel in (c for c in noun.children if c.dep_ in {"relcl", "acl"} and c.pos_ in {"VERB", "AUX"}):  # "a collaboration that A and B started"
            if pairs:
                break
            rsubj = party_names({t.i for c in rel.children if c.dep_ in {"nsubj", "nsubjpass", "agent"} for t in c.subtree},
                                parties)  # "an agreement that A and B signed", "... that was signed by A and B"
            robjs = [n for n in party_names({t.i for t in rel.subtree}, parties) if n not in rsubj]
            pairs += [(a, b, CONFIDENCE["subject-object"], "relative-clause") for a in rsubj for b in robjs]
            if not pairs and len(rsubj) > 1:
                pairs += [(a, b, CONFIDENCE["coordinated"], "relative-clause") for i, a in enumerate(rsubj) for b in rsubj[i + 1:]]
        joint = joint_members(noun, parties)
        if not pairs and len(joint) > 1:
            pairs += [(a, b, CONFIDENCE["coordinated"], "between") for i, a in enumerate(joint) for b in joint[i + 1:]]
        talker = speaker(verb, parties)
        if not pairs and talker and len(subj) == 1 and subj[0] != talker and len(party_names(parties, parties)) == 2:
            pairs.append((talker, subj[0], CONFIDENCE["speaker"], "speaker"))
        if not pairs:
            names = party_names(parties, parties)
            if len(names) == 2 and not listed_together(sent, parties, names):
                pairs.append((names[0], names[1], CONFIDENCE["pair"], "sentence-pair"))
            elif len(names) > 2:
                left = party_names([i for i in parties if i < trig.start], parties)
                right = party_names([i for i in parties if i >= trig.end], parties)
                if left and right and left[-1] != right[0]:
                    pairs.append((left[-1], right[0], CONFIDENCE["nearest"], "nearest"))
        venture = parties.get(noun.head.i, []) if noun.dep_ == "appos" else []  # "Venu, the joint venture of A and B"
        out = []
        for a, b, conf, how in pairs:
            if a == b or _same_family(a, b) or a in venture or b in venture:
                continue
            if a in ctx.ref_only and b in ctx.ref_only:
                continue  # neither party named in the sentence: not explainable from it
            if a in ctx.ref_only or b in ctx.ref_only:
                conf *= 0.75  # resolved "it" / "the company": a guess
            if _maybe_unit(a, b):
                conf *= 0.6
            out.append((a, b, conf, how))
        return out

    def _revenue_share(self, ctx: DocContext, si: int, sent: Span, trig: Span, parties: dict[int, list[str]],
                       status: str) -> Candidate | None:
        capped, cap_how = ctx.capped(si, sent, trig)
        if not capped or (status == "ended" and cap_how != "same-sentence"):
            return None
        payer, payee, how = payment_direction(self.cues, trig.root, sent, parties)
        if not payer or not payee or payer == payee:
            return None
        conf = (0.8 if how != "fallback" else 0.5) * (1.0 if cap_how == "same-sentence" else 0.85)
        return Candidate("revenue-share-capped", payer, payee, status, conf,
                         f"revenue-share-capped:{how}:cap-{cap_how}:{trig.text.lower()}", sent)

    # -- status --------------------------------------------------------------------------

def _same_family(a: str, b: str) -> bool:
    """A parent and its named unit ("Acme" and "Acme Cloud Services") are not two parties."""
    wa, wb = a.split(), b.split()
    return (len(wa) == 1 and len(wb) > 1 and wb[0] == wa[0]) or (len(wb) == 1 and len(wa) > 1 and wa[0] == wb[0])


def _maybe_unit(a: str, b: str) -> bool:
    """An acronym that may abbreviate a unit of the other party ("ACS" beside "Acme")."""
    for x, y in ((a, b), (b, a)):
        if x.isupper() and 2 <= len(x) <= 5 and y[:1].upper() == x[:1] and not y.isupper():
            return True
    return False


# -- aggregation -------------------------------------------------------------------------------
def _finalize(cands: list[Candidate]) -> list[dict]:
    """One relation per (type, pair) with all its evidence; symmetric pairs in sorted order."""
    grouped: dict[tuple[str, str, str], list[Candidate]] = {}
    for c in cands:
        a, b = c.source, c.target
        if c.type != "revenue-share-capped" and b < a:
            a, b = b, a
        grouped.setdefault((c.type, a, b), []).append(c)
    out = []
    for (rtype, a, b), items in grouped.items():
        status = combine_status(rtype, [c.status for c in items])
        attrs: dict[str, str] = {}
        for c in items:
            for k, v in c.attrs.items():
                attrs.setdefault(k, v)
        conf = 1.0
        evidence = []
        seen = set()
        for c in items:
            if (c.sent.start_char, c.status) in seen:
                continue
            seen.add((c.sent.start_char, c.status))
            conf *= 1.0 - c.confidence
            evidence.append({
                "sentence": c.sent.text, "start": c.sent.start_char, "end": c.sent.end_char,
                "status": c.status, "rule": c.rule, "confidence": round(c.confidence, 3),
            })
        out.append({
            "type": rtype, "source": a, "target": b, "status": status, "attrs": attrs,
            "confidence": round(1.0 - conf, 3), "evidence": evidence,
        })
    return out
