"""Per-document lookups the relation rules share: sentences, deal terms by label, parties, triggers, caps."""

from __future__ import annotations


from spacy.tokens import Doc, Span, Token

from kg.nlp.payments import paid_deal, percent_of_revenue, shared_revenue
from kg.nlp.references import is_source
from kg.nlp.syntax import anaphoric_subject, clause_tokens, clause_verb


PLANNED_TRIGGERS = {"talks", "negotiations", "negotiating", "negotiate", "discussions"}


class DocContext:
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
        if sent[0].lemma:  # the verb rules read lemmas and the parse: only sentences kg_candidate_parse parsed
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
