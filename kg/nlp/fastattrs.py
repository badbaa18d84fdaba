"""The attribute ruler and the rule lemmatizer of the English pipelines, with the same output, faster.

kg parses only candidate stretches (``kg.nlp.fastpath``), and on those stretches spaCy's
``attribute_ruler`` and ``lemmatizer`` cost as much as the parser: the ruler runs a Matcher of
179 patterns and then sets attributes match by match in Python; the lemmatizer re-derives the lemma
of every token (its own cache skips only the tokens whose lemma needed rules).

Both are functions of a little of each token: a pattern of the en_core_web pipelines looks at
one or two tokens' ``LOWER``, ``TAG``, ``DEP`` and ``IS_SPACE``, and a lemma is a function of the
token's text, part of speech and morphology. So each is computed once per distinct key and then
written with one array call per Doc. The result equals the original components' token for token
(``tests/test_fastattrs.py`` compares them); a ruler with patterns outside that subset is not replaced.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.lookups import Lookups
from spacy.tokens import Doc

__all__ = ["FastAttributeRuler", "FastLemmatizer", "faster"]

_ATTRS = {"LOWER": "lower_", "TAG": "tag_", "DEP": "dep_", "IS_SPACE": "is_space"}
_WRITTEN = [TAG, POS, MORPH, LEMMA]  # DEP, set only on whitespace tokens, is written token by token
_KEY = [LOWER, TAG, DEP, IS_SPACE]
_SLOT = {TAG: 0, POS: 1, MORPH: 2, LEMMA: 3, DEP: 4}


def _predicate(attr: str, value):
    """``view -> bool`` for one attribute of a Matcher token pattern, or None if spaCy's semantics may differ."""
    name = _ATTRS.get(attr)
    if name is None:
        return None
    if isinstance(value, (str, bool)) and (attr == "IS_SPACE") == isinstance(value, bool):
        return lambda view: view[name] == value
    if not isinstance(value, dict) or len(value) != 1 or attr == "IS_SPACE":
        return None
    (op, arg), = value.items()
    if op in ("IN", "NOT_IN") and isinstance(arg, list) and all(isinstance(a, str) for a in arg):
        members = frozenset(arg)
        return (lambda view: view[name] in members) if op == "IN" else (lambda view: view[name] not in members)
    if op == "REGEX" and isinstance(arg, str):
        rx = re.compile(arg)
        return lambda view: bool(rx.search(view[name]))
    return None


def _token_test(spec: dict):
    preds = [_predicate(attr, value) for attr, value in spec.items()]
    if not spec or any(p is None for p in preds):
        return None
    return lambda view: all(p(view) for p in preds)


def _lower_values(spec: dict) -> list[str] | None:
    """The lower-case forms a token pattern accepts, when it names them."""
    value = spec.get("LOWER")
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and list(value) == ["IN"]:
        return list(value["IN"])
    return None


class FastAttributeRuler:
    """An ``AttributeRuler`` of one- and two-token patterns, applied per distinct token key."""

    def __init__(self, ruler):
        self.vocab = ruler.vocab
        self.attrs = ruler.attrs  # normalized: {attr id: value id}, in rule order (later rules win)
        # one-token rules, found by the word when they name it, else by the attributes they read
        self.by_lower: dict[str, list[tuple[int, object]]] = {}
        self.by_reads: dict[tuple[str, ...], list[tuple[int, object]]] = {}
        self.pairs: list[tuple[int, object, object, int]] = []  # (rule, test first, test second, target)
        for rule, index in enumerate(ruler.indices):
            if not set(self.attrs[rule]) <= set(_SLOT):
                raise ValueError(f"attribute ruler rule {rule} sets an attribute kg does not copy")
            for pattern in ruler.matcher.get(self.vocab.strings[str(rule)])[1]:
                tests = [_token_test(spec) for spec in pattern]
                if any(t is None for t in tests) or len(tests) not in (1, 2) or not -len(tests) <= index < len(tests):
                    raise ValueError(f"attribute ruler pattern outside the supported subset: {pattern}")
                if len(tests) == 2:
                    self.pairs.append((rule, tests[0], tests[1], index % 2))
                elif (words := _lower_values(pattern[0])) is not None:
                    for word in words:
                        self.by_lower.setdefault(word, []).append((rule, tests[0]))
                else:
                    reads = tuple(sorted(_ATTRS[a] for a in pattern[0]))
                    self.by_reads.setdefault(reads, []).append((rule, tests[0]))
        self._keys: dict[tuple, tuple] = {}  # token key -> (one-token rules, pairs as first, pairs as second)
        self._reads: dict[tuple, tuple[int, ...]] = {}  # (attributes, their values) -> rules
        self._folds: dict[tuple, tuple] = {}  # rules that apply to a token -> final value per slot

    @classmethod
    def maybe(cls, ruler):
        """The fast ruler, or None when a pattern falls outside what it reproduces exactly."""
        try:
            return cls(ruler)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def _rules_of(self, key: tuple) -> tuple:
        found = self._keys.get(key)
        if found is None:
            strings = self.vocab.strings
            view = {"lower_": strings[key[0]], "tag_": strings[key[1]], "dep_": strings[key[2]],
                    "is_space": bool(key[3])}
            rules = [r for r, t in self.by_lower.get(view["lower_"], ()) if t(view)]
            for reads, tests in self.by_reads.items():
                sub = (reads, tuple(view[a] for a in reads))
                hit = self._reads.get(sub)
                if hit is None:
                    hit = self._reads[sub] = tuple(r for r, t in tests if t(view))
                rules.extend(hit)
            found = (tuple(sorted(rules)),
                     frozenset(i for i, (_r, t, _u, _x) in enumerate(self.pairs) if t(view)),
                     frozenset(i for i, (_r, _t, u, _x) in enumerate(self.pairs) if u(view)))
            self._keys[key] = found
        return found

    def _fold(self, rules: tuple) -> tuple:
        values = self._folds.get(rules)
        if values is None:
            slots: list = [None] * len(_SLOT)
            for rule in sorted(rules):  # spaCy sorts the matches by rule: later rules have precedence
                for attr, value in self.attrs[rule].items():
                    slots[_SLOT[attr]] = value
            values = self._folds[rules] = tuple(slots)
        return values

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        keys = [self._rules_of(k) for k in map(tuple, doc.to_array(_KEY).tolist())]
        extra: dict[int, list[int]] = {}
        if self.pairs:
            for i in range(n - 1):
                if keys[i][1] and keys[i + 1][2]:
                    for p in keys[i][1] & keys[i + 1][2]:
                        rule, _t, _u, target = self.pairs[p]
                        extra.setdefault(i + target, []).append(rule)
        arr = doc.to_array(_WRITTEN)
        changed = False
        deps = []
        for i, (singles, _first, _second) in enumerate(keys):
            rules = singles + tuple(extra[i]) if i in extra else singles
            if not rules:
                continue
            values = self._fold(rules)
            for slot, value in enumerate(values[:4]):
                if value is not None:
                    arr[i, slot] = value
                    changed = True
            if values[4] is not None:
                deps.append((i, values[4]))
        if changed:
            doc.from_array(_WRITTEN, arr)
        for i, dep in deps:
            doc[i].dep = dep
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


class FastLemmatizer:
    """A rule ``Lemmatizer`` whose answers are kept per (text, part of speech, morphology)."""

    def __init__(self, lemmatizer):
        # spaCy's own rules, reading a copy of the lookups whose word indexes are sets: the
        # tables hold them as lists (57,000 verbs and nouns), and each new word scans them
        self.lemmatizer = copy.copy(lemmatizer)
        lookups = Lookups()
        for name in lemmatizer.lookups.tables:
            table = lemmatizer.lookups.get_table(name)
            data = {key: frozenset(value) for key, value in table.items()} if name == "lemma_index" else dict(table)
            lookups.add_table(name, data)
        self.lemmatizer.lookups = lookups
        self.lemmatizer.cache = {}
        self.lemmatizer.lemmatize = self.lemmatizer.rule_lemmatize
        # strings, not their hashes: a string added inside a memory zone is gone after it
        self._lemmas: dict[tuple[int, int, int], str] = {}

    @classmethod
    def maybe(cls, lemmatizer):
        if getattr(lemmatizer, "mode", None) != "rule" or getattr(lemmatizer, "overwrite", True):
            return None
        return cls(lemmatizer)

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        arr = doc.to_array([ORTH, POS, MORPH, LEMMA])
        out = arr[:, 3].copy()
        strings = doc.vocab.strings
        for i in numpy.flatnonzero(arr[:, 3] == 0).tolist():
            key = (int(arr[i, 0]), int(arr[i, 1]), int(arr[i, 2]))
            lemma = self._lemmas.get(key)
            if lemma is None:
                lemma = self._lemmas[key] = self.lemmatizer.lemmatize(doc[i])[0]
            out[i] = strings.add(lemma)
        doc.from_array([LEMMA], out.reshape(-1, 1))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


def faster(procs: list, names: list[str]) -> list:
    """The same components, with the attribute ruler and lemmatizer replaced where that is exact."""
    out = []
    for proc, name in zip(procs, names):
        fast = None
        if name == "attribute_ruler":
            fast = FastAttributeRuler.maybe(proc)
        elif name == "lemmatizer":
            fast = FastLemmatizer.maybe(proc)
        out.append(fast or proc)
    return out
