"""Features of one sentence of a candidate pair: small named functions, each returning a few ``{"name": value}`` pairs.

A context's features come from its sentence: which deal terms and cues occur, what the rule
extractor made of it (the old rules are evidence now), how each name sits in the parse, and the
words around and between the names. A pair's features are the union over its contexts (the
largest value of each), so one clear sentence is enough; the pair, direction and status features are
in :mod:`kg.learn.pairfeatures`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.tokens import Span, Token

from kg.learn.candidates import Context
from kg.nlp.references import is_source

Features = dict[str, float]
CUE_LABELS = ("ENDED", "PLANNED", "REPORT", "ACQUISITION", "LEGAL", "RIVALRY", "CAP", "PAYMENT")
_KEEP_WORDS = {"and", "with", "to", "from", "by", "of", "for", "between", "vs", "versus", "&", "'s", "’s", "-", "–",
               ",", "(", ")", ":", "on", "in", "as", "its", "their", "not", "no"}
_MODALS = {"will", "would", "could", "may", "might", "should", "can", "plans", "plan", "intends", "aims", "hopes",
           "seeks", "wants", "expected", "likely", "potential", "possible", "reportedly", "proposed"}


def _bucket(n: int, edges: Iterable[int]) -> str:
    """``"<=3"``-style label of the first edge ``n`` does not exceed.

    >>> _bucket(2, (1, 3, 8)), _bucket(9, (1, 3, 8))
    ('<=3', '>8')
    """
    edges = tuple(edges)
    for e in edges:
        if n <= e:
            return f"<={e}"
    return f">{edges[-1]}"


def most_common_tag(spans: Iterable[Span]) -> str | None:
    """The entity tag most of the mentions' heads carry ("none" for untagged); ties go to the alphabetically
    first (no set order: it varies by process)."""
    labels = [s.root.ent_type_ or "none" for s in spans]
    return min(sorted(set(labels)), key=lambda x: -labels.count(x)) if labels else None


def _word(tok: Token) -> str:
    return tok.lemma_.lower() if tok.lemma_ else tok.lower_


def _nearest_term(ctx: Context, labels: Iterable[str] | None = None) -> Span | None:
    mid = (ctx.a.start + ctx.b.start) / 2
    terms = [t for t in ctx.terms if labels is None or t.label_ in labels]
    return min(terms, key=lambda t: abs(t.start - mid)) if terms else None


# -- context features ---------------------------------------------------------------------------
def terms(ctx: Context) -> Features:
    """Labels and words of the sentence's deal terms; the nearest trigger word."""
    out = {f"label={t.label_}": 1.0 for t in ctx.terms}
    out.update({f"term={t.label_}:{t.text.lower()}": 1.0 for t in ctx.terms if t.label_ not in CUE_LABELS})
    near = _nearest_term(ctx)
    if near is not None:
        out[f"nearest={near.label_}"] = 1.0
    for t in ctx.terms:
        if t.label_ not in CUE_LABELS and _negated(t):
            out[f"negated={t.label_}"] = 1.0
    return out


def _negated(term: Span) -> bool:
    """"non-exclusive", "nonexclusive", "is not exclusive", "no deal": the deal word is denied."""
    doc, root = term.doc, term.root
    if term.text.lower().startswith("non") or term.start >= 2 and doc[term.start - 1].text == "-" \
            and doc[term.start - 2].lower_ == "non":
        return True
    return any(c.dep_ == "neg" or c.lower_ == "no" and c.dep_ == "det" for c in root.children) or \
        root.dep_ in {"acomp", "attr"} and any(c.dep_ == "neg" for c in root.head.children)


def rules(ctx: Context) -> Features:
    """What the rule extractor concluded from this sentence about this pair."""
    out = {}
    for rtype, ev in ctx.rules.items():
        how = ev["rule"].split(":")[1] if ev["rule"].count(":") else ev["rule"]
        out[f"rule={rtype}"] = 1.0
        out[f"rule={rtype}:{how}"] = 1.0
        out[f"rule_conf={rtype}"] = float(ev["confidence"])
    return out


def layout(ctx: Context) -> Features:
    """Distance and order of the two names and the nearest trigger; how many organizations the sentence holds."""
    a, b = sorted((ctx.a, ctx.b), key=lambda s: s.start)
    orgs = {s.kb_id_ for s in ctx.sent.doc.spans.get("kg_orgs", []) if ctx.sent.start <= s.start < ctx.sent.end}
    out = {f"dist{_bucket(abs(b.start - a.end), (2, 5, 10, 20))}": 1.0, f"orgs{_bucket(len(orgs), (2, 3, 5))}": 1.0}
    if ctx.cross:
        out["cross_sentence"] = 1.0
        return out
    between = [s for s in ctx.sent.doc.spans.get("kg_orgs", []) if a.end <= s.start and s.end <= b.start
               and s.kb_id_ not in {a.kb_id_, b.kb_id_}]
    if between:
        out["org_between"] = 1.0
    near = _nearest_term(ctx)
    if near is not None:
        where = "before" if near.end <= a.start else "after" if near.start >= b.end else "between"
        out[f"trigger_{where}"] = 1.0
    if ctx.index == 0:
        out["first_sentence"] = 1.0
    return out


def roles(ctx: Context) -> Features:
    """How each name sits in the parse: its dependency label, preposition, back-reference, news source."""
    out: Features = {}
    for mention in (ctx.a, ctx.b):
        root = mention.root
        dep = root.dep_
        if dep == "conj":  # a listed name takes the role of the list's head
            head = root
            while head.dep_ == "conj" and head.head.i != head.i:
                head = head.head
            dep = head.dep_
            root = head
        out[f"dep={dep}"] = 1.0
        if dep == "pobj":
            out[f"prep={root.head.lower_}"] = 1.0
            out[f"prep={root.head.lower_}<{_word(root.head.head)}"] = 1.0
        if dep in {"nsubj", "nsubjpass", "dobj", "poss"}:
            out[f"{dep}<{_word(root.head)}"] = 1.0
        if mention.label_ != "ORG":
            out["reference"] = 1.0
        elif mention.root.ent_type_:
            out[f"ner={mention.root.ent_type_}"] = 1.0
        else:
            out["ner=none"] = 1.0
        if is_source(mention, None, ctx.sent):
            out["news_source"] = 1.0
    if ctx.a.root.i in {t.i for t in ctx.b.root.conjuncts}:
        out["coordinated"] = 1.0
        if len(ctx.a.root.conjuncts) >= 2:
            out["in_list"] = 1.0
    return out


def dependency_path(a: Token, b: Token) -> tuple[list[Token], list[Token], Token | None]:
    """The tokens from ``a`` and from ``b`` up to (not including) their lowest common ancestor, and that
    ancestor (None when they share none)."""
    up_a, up_b = [a, *a.ancestors], [b, *b.ancestors]
    ids_b = [t.i for t in up_b]
    for n, t in enumerate(up_a):
        if t.i in ids_b:
            return up_a[:n], up_b[:ids_b.index(t.i)], t
    return up_a, up_b, None


def path(ctx: Context) -> Features:
    """The dependency path between the two names (labels up to their lowest common ancestor)."""
    if ctx.cross:
        return {}
    up_a, up_b, lca = dependency_path(ctx.a.root, ctx.b.root)
    if lca is None:
        return {"path=none": 1.0}
    left = [t.dep_ for t in up_a]
    right = [t.dep_ for t in up_b]
    out = {f"lca={_word(lca)}": 1.0, f"path_len{_bucket(len(left) + len(right), (1, 2, 3, 5))}": 1.0}
    if len(left) + len(right) <= 5:
        out["path=" + "/".join(sorted(["<".join(left), "<".join(right)]))] = 1.0
    terms_at = {t.root.i for t in ctx.terms}
    on_path = {t.i for t in up_a} | {t.i for t in up_b} | {lca.i}
    if terms_at & on_path:
        out["trigger_on_path"] = 1.0
    return out


def words(ctx: Context) -> Features:
    """Words between the names (when close) and right around each."""
    out: Features = {}
    doc = ctx.sent.doc
    a, b = sorted((ctx.a, ctx.b), key=lambda s: s.start)
    if not ctx.cross and b.start - a.end <= 12:
        for tok in doc[a.end:b.start]:
            if tok.is_alpha and not tok.is_stop or tok.lower_ in _KEEP_WORDS:
                out[f"between={_word(tok)}"] = 1.0
    for mention in (a, b):
        if mention.start > 0:
            out[f"before={_word(doc[mention.start - 1])}"] = 1.0
        if mention.end < len(doc):
            out[f"after={_word(doc[mention.end])}"] = 1.0
    return out


def cues(ctx: Context) -> Features:
    """Cue words of the sentence: ending, planning, reporting, acquisition, lawsuit, rivalry, negation, modality."""
    out = {f"cue={t.label_}:{t.text.lower()}": 1.0 for t in ctx.terms if t.label_ in CUE_LABELS}
    for tok in ctx.sent:
        if tok.dep_ == "neg":
            out["negation"] = 1.0
        if tok.lower_ in _MODALS:
            out[f"modal={tok.lower_}"] = 1.0
    return out


def _role(mention: Span, trigger: Span) -> str:
    """How a name hangs from a trigger: inside its phrase, or the dependency labels up to where they meet."""
    noun = trigger.root
    while noun.dep_ in {"amod", "compound"} and noun.head.i != noun.i:
        noun = noun.head
    inside = {t.i for t in noun.subtree}
    root = mention.root
    if root.i in inside:
        chain = []
        node = root
        while node.i != noun.i and len(chain) < 3:
            chain.append(node.dep_ if node.dep_ != "pobj" else f"pobj:{node.head.lower_}")
            node = node.head
        return "in:" + "<".join(chain[:2])
    above = {t.i for t in noun.ancestors}
    chain = []
    node = root
    while node.i not in above and node.head.i != node.i and len(chain) < 4:
        chain.append(node.dep_ if node.dep_ != "pobj" else f"pobj:{node.head.lower_}")
        node = node.head
    if node.i not in above:
        return "apart"
    return "up:" + "<".join(chain[:2]) + ("@verb" if node.pos_ in {"VERB", "AUX"} else "@" + node.dep_)


def anchor(ctx: Context) -> Features:
    """The two names' roles towards the nearest trigger, as a pair ("up:nsubj@verb|in:pobj:with")."""
    if ctx.cross:
        return {}
    near = _nearest_term(ctx, {t.label_ for t in ctx.terms if t.label_ not in CUE_LABELS})
    if near is None:
        return {}
    ra, rb = sorted((_role(ctx.a, near), _role(ctx.b, near)))
    return {f"anchor={ra}|{rb}": 1.0, f"anchor1={ra}": 1.0, f"anchor1={rb}": 1.0,
            f"anchor_label={near.label_}:{ra}|{rb}": 1.0}


def trigger_cues(ctx: Context) -> Features:
    """Cues that qualify a deal word itself: "merger agreement", "agreement to acquire", "deal talks", "lawsuit
    over the licence" (a cue within two steps of the trigger, below or above it)."""
    out: Features = {}
    deal = [t for t in ctx.terms if t.label_ not in CUE_LABELS]
    for trig in deal:
        near = {trig.root.i}
        for child in trig.root.children:
            near.add(child.i)
            near.update(g.i for g in child.children)
        near.update((trig.root.head.i, trig.root.head.head.i))
        for cue in ctx.terms:
            if cue.label_ in {"ACQUISITION", "LEGAL", "RIVALRY"} and cue.root.i in near and cue.root.i != trig.root.i:
                out[f"trigger_has={cue.label_}"] = 1.0
                out[f"trigger_has={trig.label_}:{cue.label_}"] = 1.0
    return out


CONTEXT_FEATURES: list[Callable[[Context], Features]] = [terms, rules, layout, roles, path, words, cues, anchor,
                                                         trigger_cues]


def context_features(ctx: Context) -> Features:
    out: Features = {}
    for fn in CONTEXT_FEATURES:
        out.update(fn(ctx))
    return out
