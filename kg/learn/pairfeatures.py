"""Features of a whole candidate pair, built from its sentences' features (:mod:`kg.learn.features`).

- :func:`pair_features` — is there an edge of a type between the two (unordered);
- :func:`direction_features` — for a directed type, is the given name the source;
- :func:`status_features` — active, ended or planned.

A pair's features are the union over its sentences (the largest value of each), so one clear
sentence is enough.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Token

from kg.learn.candidates import Context, PairCandidate
from kg.learn.features import (Features, _bucket, _nearest_term, _word, context_features, cues, dependency_path,
                               most_common_tag)
from kg.nlp.relations import TRIGGER_STATUS_KEY
from kg.nlp.syntax import clause_verb, sentence_ents


def _union(rows: Iterable[Features]) -> Features:
    out: Features = {}
    for row in rows:
        for k, v in row.items():
            if v > out.get(k, float("-inf")):
                out[k] = v
    return out


def endpoints(cand: PairCandidate) -> Features:
    """What the document says of each name: how the model tags it, whether it looks like a person's name."""
    doc = cand.contexts[0].sent.doc
    out: Features = {}
    for name in (cand.a, cand.b):
        spans = [s for s in doc.spans.get("kg_orgs", []) if s.kb_id_ == name and s.label_ == "ORG"]
        tag = most_common_tag(spans)
        if tag:
            out[f"end_ner={tag}"] = 1.0
        if len(name.split()) == 1 and name[:1].isupper() and not name.isupper() and all(
                s.root.ent_type_ == "PERSON" for s in spans):
            out["end_person_like"] = 1.0
        for s in spans:
            out.update(_used_as_thing(s))
        # in the pair's own sentences: over a whole article, a long one would make every name act somewhere
        here = [s for s in spans if any(c.sent.start <= s.start < c.sent.end for c in cand.contexts)]
        out.update(_name_use(here))
    return out


_ACTOR_PREPS = {"with", "between", "by", "from"}


def _name_use(spans) -> Features:
    """How the mentions use a name: mostly as a modifier ("X titles"), never acting, never tagged ORG."""
    if not spans:
        return {}
    out: Features = {}
    roots = [s.root for s in spans]
    if sum(r.dep_ == "compound" and r.head.pos_ in {"NOUN", "PROPN"} for r in roots) * 2 > len(roots):
        out["end_mostly_modifier"] = 1.0
    if not any(r.dep_ in {"nsubj", "nsubjpass", "poss"} or r.dep_ == "pobj" and r.head.lower_ in _ACTOR_PREPS
               for r in roots):
        out["end_never_acts"] = 1.0
    if not any(r.ent_type_ == "ORG" for r in roots):
        out["end_never_org_tag"] = 1.0
    return out


_THING_BEFORE = {("sales", "of"), ("royalties", "on"), ("royalties", "for"), ("royalty", "on"), ("version", "of"),
                 ("launch", "of"), ("users", "of"), ("rights", "to")}


def _used_as_thing(span) -> Features:
    """How a mention is used when it names a thing, not a company: "sales of X", "X (genericname)", "its X",
    "X titles" (the common noun it modifies)."""
    doc, out = span.doc, {}
    before = tuple(t.lower_ for t in doc[max(0, span.start - 2):span.start])
    if before in _THING_BEFORE:
        out["end_sales_of"] = 1.0
    if span.end + 1 < len(doc) and doc[span.end].text == "(" and doc[span.end + 1].is_lower:
        out["end_generic_paren"] = 1.0
    if span.start > 0 and doc[span.start - 1].lower_ in {"its", "their", "'s", "’s"}:
        out["end_owned"] = 1.0
    root = span.root
    if root.dep_ == "compound" and root.head.pos_ == "NOUN" and root.head.i >= span.end:
        out[f"end_modifies={root.head.lemma_.lower()}"] = 1.0
    return out


def pair_features(cand: PairCandidate, triggers: Iterable[str] | None = None,
                  rows: list[Features] | None = None) -> Features:
    """Features of an unordered pair: the union of its contexts, its rule relations, how often it occurs.

    With ``triggers``, the contexts that hold one of them (or where a rule proposed the type) give the
    features; the others add only their deal-term labels, prefixed "other:". ``rows`` are the contexts'
    features when already computed (one per context, in order).
    """
    rows = rows if rows is not None else [context_features(c) for c in cand.contexts]
    named = cand.sentences()
    keep = {id(c) for c in cand.sentences(None if triggers is None else set(triggers), any_rule=True)}
    out = _union(row for c, row in zip(cand.contexts, rows) if id(c) in keep)
    for c in named:
        if id(c) not in keep:
            out.update({f"other:label={label}": 1.0 for label in c.labels})
    out.update(endpoints(cand))
    for rtype, rel in cand.rules.items():
        out[f"doc_rule={rtype}"] = 1.0
        out[f"doc_rule_status={rtype}:{rel['status']}"] = 1.0
    out[f"contexts{_bucket(len(named), (1, 2, 4))}"] = 1.0
    if all(c.cross for c in cand.contexts):
        out["only_cross_sentence"] = 1.0
    out["bias"] = 1.0
    return out


def direction_features(cand: PairCandidate, source: str, rtype: str, triggers: Iterable[str]) -> Features:
    """Is ``source`` (one of the pair) the source of a directed ``rtype`` edge?"""
    triggers = set(triggers)
    out: Features = {"bias": 1.0}
    rel = cand.rules.get(rtype)
    if rel is not None:
        out["rule_agrees" if rel["source"] == source else "rule_disagrees"] = 1.0
    for ctx in cand.sentences(triggers):  # the sentences of the type
        src, dst = (ctx.a, ctx.b) if ctx.a.kb_id_ == source else (ctx.b, ctx.a)
        out["src_first" if src.start < dst.start else "dst_first"] = 1.0
        near = _nearest_term(ctx, triggers)
        kind = "capped" if "CAP" in ctx.labels else "ended" if "ENDED" in ctx.labels else ""
        for role, mention in (("src", src), ("dst", dst)):
            owned = _owned_noun(mention)
            if owned:
                out[f"{role}_owns={owned}"] = 1.0
                if kind:
                    out[f"{kind}:{role}_owns={owned}"] = 1.0
            if kind and mention.root.dep_ in {"nsubj", "nsubjpass", "dobj", "dative", "pobj"}:
                head = mention.root.head
                out[f"{kind}:{role}_{mention.root.dep_}<{_word(head)}"] = 1.0
            root = mention.root
            while root.dep_ == "conj" and root.head.i != root.i:
                root = root.head
            out[f"{role}_dep={root.dep_}"] = 1.0
            if root.dep_ == "pobj":
                out[f"{role}_prep={root.head.lower_}"] = 1.0
            if root.dep_ in {"nsubj", "nsubjpass", "dobj", "dative"}:
                out[f"{role}_{root.dep_}<{_word(root.head)}"] = 1.0
            if near is not None:
                out[f"{role}_{'before' if mention.start < near.start else 'after'}_trigger"] = 1.0
        for r_ev in ctx.rules.values():
            if "source" in r_ev:
                out["ctx_rule_agrees" if r_ev["source"] == source else "ctx_rule_disagrees"] = 1.0
    return out


_MONEY_NOUNS = {"revenue", "revenues", "royalty", "royalties", "sales", "payment", "payments", "income", "profit",
                "profits", "share", "proceeds", "earnings"}


def _owned_noun(mention) -> str:
    """What a name owns when it is a possessor of money ("Acme's revenue", "Acme's future royalties"): the
    payer of a share of it."""
    root = mention.root
    if root.dep_ != "poss":
        return ""
    head = root.head
    return head.lower_ if head.lower_ in _MONEY_NOUNS else ""


def status_features(cand: PairCandidate, rtype: str, triggers: Iterable[str]) -> Features:
    """Active, ended or planned: cue words near the type's triggers and what the rules said.

    Read from the sentences of the type's triggers and those with an ending or planning cue ("X is in
    talks with Y" states the status of a deal another sentence names); the first of them, where news
    says what is new, gives its cues a second time, marked "lead:".
    """
    triggers = set(triggers)
    out: Features = {"bias": 1.0, f"type={rtype}": 1.0}
    rel = cand.rules.get(rtype)
    if rel is not None:
        out[f"rule_status={rel['status']}"] = 1.0
        out[f"rule_status={rtype}:{rel['status']}"] = 1.0
    typed = {id(c) for c in cand.sentences(triggers) if c.labels & triggers}
    own = [c for c in cand.contexts if id(c) in typed or c.labels & {"ENDED", "PLANNED"} and not c.cross]
    for ctx in own or cand.sentences():
        out.update(_status_context(ctx, triggers))
    lead = min(own or cand.sentences(), key=lambda c: c.index)  # the first sentence that tells of the pair
    out.update({f"lead:{k}": 1.0 for k in _status_context(lead, triggers) if not k.startswith(_LEXICAL)})
    return out


_LEXICAL = ("trigger", "verb", "ctx_rule")  # words of the sentence, too sparse to read twice


def _status_context(ctx: Context, triggers: set[str]) -> Features:
    """Status cues of one sentence: cue words, the nearest trigger's verb and modifiers, what governs it."""
    out: Features = dict.fromkeys(cues(ctx), 1.0)
    near = _nearest_term(ctx, triggers)
    if near is not None:
        root = near.root
        out[f"trigger={near.text.lower()}"] = 1.0
        read = ctx.sent.doc.user_data.get(TRIGGER_STATUS_KEY, {}).get(near.start)
        if read:
            out[f"trigger_status={read}"] = 1.0
        for t in ctx.terms:
            if t.label_ in {"ENDED", "PLANNED"} and abs(t.start - near.start) <= 6:
                out[f"near_cue={t.label_}"] = 1.0
                out[f"near_cue={t.label_}:{t.text.lower()}"] = 1.0
        verb = clause_verb(root)
        out[f"verb_tag={verb.tag_}"] = 1.0
        out[f"verb={_word(verb)}"] = 1.0
        for child in verb.children:
            if child.dep_ in {"aux", "neg", "advmod"}:
                out[f"verb_{child.dep_}={child.lower_}"] = 1.0
        for child in root.children:
            if child.dep_ in {"amod", "det", "neg"}:
                out[f"trigger_{child.dep_}={child.lower_}"] = 1.0
        governors = {t.i for t in root.ancestors}
        for t in ctx.terms:
            if t.label_ in {"ENDED", "PLANNED"} and (t.root.i in governors or t.root.head.i == root.i):
                out[f"governs={t.label_}"] = 1.0
                out[f"governs={t.label_}:{t.text.lower()}"] = 1.0
    for ev in ctx.rules.values():
        out[f"ctx_rule_status={ev['status']}"] = 1.0
    out.update(_future_dates(ctx))
    out.update(_cue_scope(ctx))
    return out


def _branch(clause: Token, tok: Token) -> str:
    """The dependency label of the clause's child through which ``tok`` hangs from it ("out" when it does not)."""
    if tok.i == clause.i:
        return "self"
    node = tok
    while node.head.i != node.i:
        if node.head.i == clause.i:
            return node.dep_
        node = node.head
    return "out"


def _cue_scope(ctx: Context) -> Features:
    """Whether an ending or planning cue speaks of this pair or of another one in the sentence: does the
    clause it sits in hold both names, one or neither; does it lie on the path between them; through which
    branch of that clause each name hangs ("ended its deal with X" is dobj, "and moved to Y" is conj)."""
    if ctx.cross:
        return {}
    out: Features = {}
    up_a, up_b, lca = dependency_path(ctx.a.root, ctx.b.root)
    on_path = {t.i for t in up_a + up_b} | ({lca.i} if lca is not None else set())
    for t in ctx.terms:
        if t.label_ not in {"ENDED", "PLANNED"}:
            continue
        clause = clause_verb(t.root)
        inside = {x.i for x in clause.subtree}
        held = (ctx.a.root.i in inside) + (ctx.b.root.i in inside)
        out[f"cue_scope={t.label_}:{('none', 'one', 'both')[held]}"] = 1.0
        if t.root.i in on_path or clause.i in on_path:
            out[f"cue_on_path={t.label_}"] = 1.0
        for m in (ctx.a, ctx.b):
            out[f"cue_branch={t.label_}:{_branch(clause, m.root)}"] = 1.0
    return out


def _future_dates(ctx: Context) -> Features:
    """A year after the article's ("from 2027" in a 2025 article): an arrangement that starts later."""
    published = ctx.sent.doc.user_data.get("published") or ""
    if not published[:4].isdigit():
        return {}
    year = int(published[:4])
    out: Features = {}
    for ent in sentence_ents(ctx.sent):
        if ent.label_ != "DATE":
            continue
        years = [int(w) for w in ent.text.split() if w.isdigit() and len(w) == 4]
        if years and min(years) > year:
            prev = ctx.sent.doc[ent.start - 1].lower_ if ent.start > 0 else ""
            out[f"future_year_after={prev}"] = 1.0
            out["future_year"] = 1.0
    return out
