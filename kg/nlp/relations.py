"""The ``kg_relations`` component: typed deal edges from deal terms and the dependency parse.

For each sentence, each deal-term trigger (``doc.spans["deal_terms"]``) is tied to the
organizations (``doc.spans["kg_orgs"]``) its clause connects: the clause subject or the
trigger's possessor on one side, the trigger's complements ("with X", "in X", "to X") on the
other. The clause around the trigger gives the status (ended / planned / active) and the
MONEY, PERCENT and DATE entities nearest the trigger give the attributes. Results are plain
dicts in ``doc._.kg_relations``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.nlp.cues import Cues, load_cues
from kg.models import combine_status
from kg.nlp.payments import (
    has_org_object,
    paid_deal,
    payment_direction,
    percent_of_revenue,
    shared_revenue,
)
from kg.nlp.payments import percent_of_revenue as _percent_of_revenue  # noqa: F401  (kg.nlp.fastpath reads it here)
from kg.nlp.references import is_source
from kg.nlp.syntax import (
    sentence_ents,
    anaphoric_subject,
    apposition_tokens,
    back_reference,
    clause_tokens,
    clause_verb,
    governors,
    indefinite,
    is_ancestor,
    joint_members,
    listed_together,
    negated_exclusive,
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
_START_VERBS = {"start", "begin", "launch", "form", "sign", "strike", "establish", "date", "found", "enter", "forge", "back"}
PLANNED_TRIGGERS = {"talks", "negotiations", "negotiating", "negotiate", "discussions"}
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
        ctx = _DocContext(doc, orgs, terms)
        cands: list[Candidate] = []
        for si, sent in enumerate(ctx.sents):
            found = self._sentence(ctx, si, sent)
            if not found:
                self._orphan_attributes(ctx, si, sent, cands)
            cands.extend(found)
        doc._.kg_relations = [c for c in _finalize(cands) if c["confidence"] >= self.min_confidence]
        return doc

    # -- per sentence ----------------------------------------------------------------------
    def _sentence(self, ctx: "_DocContext", si: int, sent: Span) -> list[Candidate]:
        parties = ctx.parties(sent)
        if not parties:
            return []
        out: list[Candidate] = []
        triggers = ctx.triggers(si, sent)
        attr_owner = self._assign_attributes(ctx, sent, triggers)
        for label, trig in triggers:
            rtype = TRIGGER_TYPES[label]
            head = trig.root
            if self._blocked(ctx, rtype, trig, sent):
                continue
            status, status_rule = self._status(ctx, rtype, trig, sent)
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
                c.attrs = self._attrs_for(rtype, attrs)
                if head.lower_ in PLANNED_TRIGGERS and c.status == "active":
                    c.status = "planned"
                out.append(c)
        return out

    def _orphan_attributes(self, ctx: "_DocContext", si: int, sent: Span, cands: list[Candidate]) -> None:
        """"The contract is worth $60 million": attributes of a deal named in a recent sentence."""
        triggers = ctx.triggers(si, sent)
        if not triggers or not cands:
            return
        owners = self._assign_attributes(ctx, sent, triggers)
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
                for k, v in self._attrs_for(rtype, attrs).items():
                    recent[-1].attrs.setdefault(k, v)

    def _blocked(self, ctx: "_DocContext", rtype: str, trig: Span, sent: Span) -> bool:
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
    def _pairs(self, ctx: "_DocContext", trig: Span, sent: Span, parties: dict[int, list[str]]):
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

    def _revenue_share(self, ctx: "_DocContext", si: int, sent: Span, trig: Span, parties: dict[int, list[str]],
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
    def _status(self, ctx: "_DocContext", rtype: str, trig: Span, sent: Span) -> tuple[str, str]:
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
        if rtype == "exclusive-with" and _starts_later(sent):
            return "planned", ":planned=starts-later"
        return "active", ""

    # -- attributes ----------------------------------------------------------------------
    def _assign_attributes(self, ctx: "_DocContext", sent: Span, triggers) -> dict[int, dict[str, str]]:
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
            key, value = self._attribute(ctx, ent)
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

    def _attribute(self, ctx: "_DocContext", ent: Span) -> tuple[str | None, str]:
        text = ent.text.strip()
        if ent.label_ == "PERCENT":
            return "percent", text
        if ent.label_ == "MONEY":
            low = text.lower()
            for q in self.cues.amount_qualifiers:
                if low.startswith(q + " "):
                    text = text[len(q) + 1:]
                    break
            if not any(ch.isdigit() for ch in text):
                return None, ""
            return "amount", text
        prev = ctx.doc[ent.start - 1].lower_ if ent.start > 0 else ""
        if not any(ch.isdigit() for ch in text):
            return None, ""
        if prev in self.cues.until_preps:
            return "until", text.removeprefix("the ")
        if prev in self.cues.since_preps:
            return "since", text.removeprefix("the ")
        head = ctx.doc[ent.start - 1].head if ent.start > 0 else None
        if prev in {"in", "to"} and head is not None and head.lemma_ in _START_VERBS:
            return "since", text.removeprefix("the ")  # "started in 2018", "dates back to 2019"
        return None, ""

    def _attrs_for(self, rtype: str, attrs: dict[str, str]) -> dict[str, str]:
        if rtype == "exclusive-with":
            return {k: v for k, v in attrs.items() if k in {"until", "since"}}
        if rtype == "partners-with":
            return {k: v for k, v in attrs.items() if k != "percent"}
        return dict(attrs)


class _DocContext:
    """Per-document lookups shared by the sentence rules."""

    def __init__(self, doc: Doc, orgs: list[Span], terms: list[Span]):
        self.doc = doc
        self.sents = list(doc.sents)
        self.orgs = orgs
        names = {i for o in orgs if o.label_ == "ORG" for i in range(o.start, o.end)}
        self.terms = terms = [t for t in terms if not names.intersection(range(t.start, t.end))]  # not "Royalty" in "Royalty Pharma"
        self.by_label: dict[str, list[Span]] = {}
        for t in terms:
            self.by_label.setdefault(t.label_, []).append(t)
        self.ref_only: set[str] = set()  # names reached only through "it"/"the company" in the current sentence
        self.org_tokens = {i for s in orgs if s.label_ == "ORG" for i in range(s.start, s.end)}
        self._sent_index = {s.start: i for i, s in enumerate(self.sents)}
        self.revshare_sents = {self._sent_of(t) for t in self.by_label.get("REVSHARE", [])}

    def _sent_of(self, span: Span) -> int:
        return self._sent_index[span.sent.start]

    def sent_index(self, sent: Span) -> int:
        return self._sent_index[sent.start]

    def term_spans(self, label: str, sent: Span) -> list[Span]:
        return [t for t in self.by_label.get(label, []) if sent.start <= t.start < sent.end]

    def term_tokens(self, label: str, sent: Span) -> list[Token]:
        return [t.root for t in self.term_spans(label, sent)]

    def parties(self, sent: Span) -> dict[int, list[str]]:
        """Token index → canonical names of the organization mentions there that are parties, not sources."""
        out: dict[int, list[str]] = {}
        report = {t.i for t in self.term_tokens("REPORT", sent)}
        named: set[str] = set()
        referred: set[str] = set()
        for span in self.orgs:
            if not (sent.start <= span.start < sent.end) or not span.kb_id_:
                continue
            if is_source(span, report, sent):
                continue
            (referred if span.label_ == "REF" else named).add(span.kb_id_)
            for i in range(span.start, span.end):
                out.setdefault(i, []).append(span.kb_id_)
        self.ref_only = referred - named
        return out

    def triggers(self, si: int, sent: Span) -> list[tuple[str, Span]]:
        found: list[tuple[str, Span]] = []
        for label in ("PARTNER", "EXCLUSIVE", "REVSHARE"):
            found += [(label, t) for t in self.term_spans(label, sent)]
        for t in self.term_spans("PLANNED", sent):
            if t.root.lower_ in PLANNED_TRIGGERS:
                found.append(("PARTNER", t))
        recent_rev = any(si - 3 <= j < si for j in self.revshare_sents)
        if recent_rev and not any(label == "REVSHARE" for label, _ in found):  # "payments" after "a revenue share"
            found += [("REVSHARE", t) for t in self.term_spans("PAYMENT", sent)
                      if not any(t.start >= r.start and t.end <= r.end + 2 for _, r in found)]
        found += [("REVSHARE", s) for s in percent_of_revenue(sent)]
        found += [("REVSHARE", s) for s in shared_revenue(sent)]
        found += [("PARTNER", s) for s in paid_deal(sent, self.org_tokens)]
        # Overlapping triggers of one label count once ("revenue share" and "share").
        found.sort(key=lambda x: (x[1].start, -(x[1].end - x[1].start)))
        kept: list[tuple[str, Span]] = []
        for label, span in found:
            if any(l2 == label and span.start < s2.end and s2.start < span.end for l2, s2 in kept):
                continue
            kept.append((label, span))
        return kept

    def capped(self, si: int, sent: Span, trig: Span) -> tuple[bool, str]:
        caps = [t for t in self.term_tokens("CAP", sent) if not (t.i > 0 and self.doc[t.i - 1].lower_ == "market")]
        if caps:
            clause = set(clause_tokens(clause_verb(trig.root), keep=trig.root))
            rev_in_sent = [t for t in self.term_spans("REVSHARE", sent)]
            if any(c.i in clause for c in caps) or len(rev_in_sent) <= 1:
                return True, "same-sentence"
        for j in (si + 1, si + 2):
            if j >= len(self.sents):
                break
            nxt = self.sents[j]
            if self.term_spans("REVSHARE", nxt) or percent_of_revenue(nxt) or (
                    self.term_spans("PAYMENT", nxt) and self.parties(nxt)):
                break
            nxt_caps = [t for t in self.term_tokens("CAP", nxt) if not (t.i > 0 and self.doc[t.i - 1].lower_ == "market")]
            if nxt_caps and anaphoric_subject(nxt):
                return True, "next-sentence"
        return False, ""


# -- tree helpers ------------------------------------------------------------------------------


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
def _starts_later(sent: Span) -> bool:
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
