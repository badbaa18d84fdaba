"""Back-references to organizations: "it", "the carmaker", "the two companies".

Each becomes a span labelled "REF" ("REFS" for a plural reference, one span per
organization) whose ``kb_id_`` is the canonical name it points to.
"""

from __future__ import annotations

import numpy
from spacy.attrs import LOWER, TAG
from spacy.tokens import Doc, Span

from kg.nlp.syntax import doc_text

PRONOUNS = {"it", "its"}


def reference_spans(doc: Doc, names: list[Span], descriptor_nouns: frozenset[str]) -> list[Span]:
    """Descriptions ("the chipmaker") and "it/its" resolved to a named organization."""
    if not names:
        return []
    refs: list[Span] = []
    name_tokens = set()
    for s in names:
        name_tokens.update(range(s.start, s.end))
    text = doc_text(doc)
    candidates = [s for s in names if not is_source(s)]
    for tok in (doc[i] for i in _maybe_references(doc, descriptor_nouns)):
        if tok.i in name_tokens:
            continue
        span = None
        if tok.lower_ in PRONOUNS and tok.pos_ == "PRON":
            span = doc[tok.i:tok.i + 1]
        elif tok.tag_ in {"NNS", "NNPS"} and tok.lower_.rstrip("s") in {"compan", "companie", "firm", "giant", "group",
                                                                       "partner", "side", "startup", "maker"} | descriptor_nouns:
            refs += plural_reference(doc, tok, names)
            continue
        elif tok.lower_ in descriptor_nouns and tok.tag_ in {"NN", "NNP"}:
            span = descriptor(doc, tok)
        if span is None:
            continue
        target = antecedent(doc, span, names, text=text, candidates=candidates)
        if target is not None:
            ref = Span(doc, span.start, span.end, label="REF")
            ref.kb_id_ = target.kb_id_  # names carry their canonical name before references are resolved
            refs.append(ref)
    return refs

def _maybe_references(doc: Doc, descriptor_nouns: frozenset[str]) -> list[int]:
    """Indices of the tokens the loop of :func:`reference_spans` can use: a pronoun, a descriptor, a plural noun."""
    strings = doc.vocab.strings
    words = numpy.array([strings[w] for w in PRONOUNS | descriptor_nouns if w in strings], dtype=numpy.uint64)
    arr = doc.to_array([LOWER, TAG])
    plural = numpy.array([strings.add("NNS"), strings.add("NNPS")], dtype=numpy.uint64)
    return numpy.flatnonzero(numpy.isin(arr[:, 0], words) | numpy.isin(arr[:, 1], plural)).tolist()


def plural_reference(doc: Doc, head, names: list[Span]) -> list[Span]:
    """"the two companies", "both firms": the last two organizations named together."""
    left = {t.lower_ for t in head.lefts}
    if not (left & {"two", "both"}):
        return []
    start = min([t.i for t in head.lefts if t.lower_ in {"the", "two", "both"}] + [head.i])
    before = [s for s in names if s.end <= start]
    pair: list[str] = []
    for s in reversed(before):  # latest coordinated pair: "A and B"
        conj = [c for c in s.root.conjuncts if c.i < s.start]
        if conj:
            first = next((n for n in before if n.start <= conj[0].i < n.end), None)
            if first is not None and first.kb_id_ != s.kb_id_:
                pair = [first.kb_id_, s.kb_id_]
                break
    if not pair:
        for s in reversed(before):
            if s.kb_id_ not in pair:
                pair.append(s.kb_id_)
            if len(pair) == 2:
                break
    if len(pair) < 2:
        return []
    out = []
    for name in pair:  # "REFS": a plural reference names both parties explicitly enough
        ref = Span(doc, start, head.i + 1, label="REFS")
        ref.kb_id_ = name
        out.append(ref)
    return out

def descriptor(doc: Doc, head) -> Span | None:
    left = [t for t in head.lefts]
    if not left or left[0].lower_ != "the" or head.dep_ == "compound":
        return None
    if any(t.lower_ in {"two", "both", "other", "three"} for t in left):
        return None
    if head.i + 1 < len(doc) and doc[head.i + 1].lower_ == "of":
        return None  # "the company of ..." is not a back-reference
    return doc[left[0].i:head.i + 1]

def antecedent(doc: Doc, ref: Span, names: list[Span], *, text: str, candidates: list[Span]) -> Span | None:
    """The latest organization before ``ref`` in its paragraph that is not its own clause's subject.

    ``text`` is ``doc.text`` and ``candidates`` the names that are not news sources (both once per document).
    """
    sent = ref.sent
    para_start = text.rfind("\n", 0, ref.start_char) + 1
    clause_subject = clause_subject_tokens(ref.root)
    before = [s for s in candidates if s.end <= ref.start]
    if ref.root.lower_ not in PRONOUNS and ref.root.dep_ in {"nsubj", "nsubjpass"}:
        # "The iPhone maker has also held talks with X": the topic so far, not a name from its own sentence.
        here = {s.kb_id_ for s in names if s.sent == sent}
        subj = [s for s in before if _is_subject(s, main=True) and s.sent != sent and s.kb_id_ not in here
                and s.start_char >= para_start]
        if subj:
            return subj[-1]
    if ref.root.lower_ in PRONOUNS:
        # Pronouns: the latest subject organization, this sentence first.
        subj = [s for s in before if _is_subject(s)]
        subj = [s for s in subj if s.start_char >= para_start - 1 or s.sent == sent]
        if not subj:
            return None
        return subj[-1]
    pool = [s for s in before if s.start_char >= para_start and not (set(range(s.start, s.end)) & clause_subject)]
    if not pool:  # the paragraph just before, no further
        prev_start = text.rfind("\n", 0, max(para_start - 2, 0)) + 1
        while prev_start > 0 and not text[prev_start:para_start].strip():
            prev_start = text.rfind("\n", 0, prev_start - 1) + 1
        pool = [s for s in before if s.start_char >= prev_start and not (set(range(s.start, s.end)) & clause_subject)][-1:]
    return pool[-1] if pool else None


def _is_subject(span: Span, main: bool = False) -> bool:
    """The span is (part of) a clause subject; with ``main``, of its sentence's main clause."""
    root = span.root
    while root.dep_ == "compound" and root.head.i != root.i:  # "Acme AI said": "Acme" is the subject
        root = root.head
    if root.dep_ == "conj" and root.head.dep_ in {"nsubj", "nsubjpass"}:
        root = root.head
    if root.dep_ not in {"nsubj", "nsubjpass"}:
        return False
    return not main or root.head.dep_ == "ROOT"


def is_source(span: Span, report: set[int] | None = None, sent: Span | None = None) -> bool:
    """A news outlet cited for a report ("X reported", "told X", "according to (the paper) X", "(X) -",
    "(X, 3/26)"): not a party.

    ``report`` holds the indices of the sentence's reporting words (default: verbs like "report", "tell").
    """
    root, doc = span.root, span.doc
    sent = sent if sent is not None else span.sent
    if report is None:
        report = {t.i for t in sent if t.lemma_ in _REPORT_VERBS
                  or t.lemma_ in _REVEAL_VERBS and any(c.dep_ == "ccomp" for c in t.children)}
    if root.dep_ == "appos":  # "according to the German daily X": the role of the noun it renames
        root = root.head
    if root.head.i in report and root.dep_ in {"nsubj", "dobj", "dative", "pobj", "agent"}:
        return True
    if root.dep_ == "pobj" and root.head.lower_ in {"to", "by"} and root.head.head.i in report:
        return True
    if root.dep_ == "pobj" and root.head.head.lower_ == "according":
        return True
    if root.dep_ == "poss" and root.head.lemma_ in _REPORT_NOUNS:  # "X's report", "its story"
        return True
    before = doc[span.start - 1].text if span.start > 0 else ""
    after = doc[span.end].text if span.end < len(doc) else ""
    if before == "(" and after == ")" and span.start - sent.start <= 6:
        return True
    return before == "(" and after == "," and _dated_citation(doc[span.end + 1:span.end + 6])


def _dated_citation(rest: Span) -> bool:
    """What follows "(X," in a citation: a date and the closing parenthesis ("(X, 3/26)", "(X, March 26)")."""
    close = next((t.i for t in rest if t.text == ")"), None)
    if close is None:
        return False
    inside = [t for t in rest if t.i < close]
    return bool(inside) and all(t.like_num or t.ent_type_ == "DATE" or t.text in {"/", "-", "."} for t in inside)


def speaks(span: Span) -> bool:
    """The name is the subject of a speech verb ("X said", "X added"): what a company or an outlet does."""
    root = span.root
    return root.dep_ == "nsubj" and root.head.lemma_ in _SPEECH_VERBS


_SPEECH_VERBS = {"say", "add", "claim", "note", "state", "write"}
_REPORT_VERBS = {"report", "tell", "cite", "write", "quote"}
_REPORT_NOUNS = {"report", "reporting", "story", "article", "investigation", "interview"}
_REVEAL_VERBS = {"reveal", "disclose"}  # a report only when what is revealed is a clause ("X revealed Y had signed")


def clause_subject_tokens(tok) -> set[int]:
    head = tok
    while head.dep_ not in {"ROOT"} and head.pos_ not in {"VERB", "AUX"}:
        head = head.head
    out: set[int] = set()
    for child in head.children:
        if child.dep_ in {"nsubj", "nsubjpass"}:
            out.update(t.i for t in child.subtree)
    return out
