"""The deal-term Matcher run only where a pattern can start: the same matches, a tenth of the work.

spaCy's Matcher starts every token pattern at every token of a Doc. Most deal-term patterns
become phrase patterns (``kg.nlp.fastpath.as_phrases``); the rest ("joint ... venture", "until
2030", "sole ... provider") start with a named word or a number and span a few tokens. So
:class:`WindowedMatcher` finds the tokens where some pattern's first token can match and runs the
real Matcher only on short stretches from there, each as long as the longest pattern. Every match
it returns is one the Matcher returns on the whole Doc and none is lost: a match starts at a token
its first pattern token accepts and ends within the longest pattern's length. Patterns whose first
token is optional or not a plain word or number test, or patterns with callbacks or greedy
filtering, make it match the whole Doc, as spaCy does.
"""

from __future__ import annotations

import numpy
from spacy.attrs import LIKE_NUM, LOWER
from spacy.matcher import Matcher
from spacy.tokens import Doc

__all__ = ["WindowedMatcher", "install"]


def _starts(spec: dict) -> tuple[set[str], bool] | None:
    """(first words, or a number) a pattern's first token accepts; None when that is not a plain test."""
    if "OP" in spec:  # an optional or negated first token: the match can start anywhere
        return None
    rest = spec
    if set(rest) == {"LOWER"}:
        value = rest["LOWER"]
        if isinstance(value, str):
            return {value}, False
        if isinstance(value, dict) and list(value) == ["IN"] and all(isinstance(w, str) for w in value["IN"]):
            return set(value["IN"]), False
        return None
    if rest == {"LIKE_NUM": True}:
        return set(), True
    return None


class WindowedMatcher:
    """A spaCy ``Matcher`` that is searched only around the tokens where its patterns can start."""

    def __init__(self, matcher: Matcher):
        self.matcher = matcher
        self.words: set[str] = set()
        self.numbers = False
        self.longest = 0
        self.exact = True  # False: some pattern can start anywhere, so the whole Doc is searched
        self._hashes: numpy.ndarray | None = None

    def add(self, key, patterns, *, on_match=None, greedy=None) -> None:
        self.matcher.add(key, patterns, on_match=on_match, greedy=greedy)
        if on_match is not None or greedy is not None:
            self.exact = False
        for pattern in patterns:
            first = _starts(pattern[0]) if pattern else None
            if first is None or any(t.get("OP") in {"*", "+"} for t in pattern):
                self.exact = False
                continue
            self.words |= first[0]
            self.numbers |= first[1]
            self.longest = max(self.longest, len(pattern))
        self._hashes = None

    def remove(self, key) -> None:
        self.matcher.remove(key)  # the start index stays a superset: still exact

    def __contains__(self, key) -> bool:
        return key in self.matcher

    def __len__(self) -> int:
        return len(self.matcher)

    def __getattr__(self, name):
        return getattr(self.matcher, name)

    def _windows(self, doc: Doc) -> list[tuple[int, int]]:
        if self._hashes is None:
            self._hashes = numpy.array(sorted(doc.vocab.strings.add(w) for w in self.words), dtype=numpy.uint64)
        arr = doc.to_array([LOWER, LIKE_NUM])
        hit = numpy.isin(arr[:, 0], self._hashes)
        if self.numbers:
            hit |= arr[:, 1] == 1
        windows: list[tuple[int, int]] = []
        for i in numpy.flatnonzero(hit).tolist():
            end = min(i + self.longest, len(doc))
            if windows and windows[-1][1] >= i:
                windows[-1] = (windows[-1][0], max(windows[-1][1], end))
            else:
                windows.append((i, end))
        return windows

    def __call__(self, doclike, *args, **kwargs):
        if not self.exact or not isinstance(doclike, Doc) or args or kwargs.get("as_spans") or kwargs.get("with_alignments"):
            return self.matcher(doclike, *args, **kwargs)
        found = []
        for start, end in self._windows(doclike):
            found += [(key, s + start, e + start) for key, s, e in self.matcher(doclike[start:end], **kwargs)]
        return found


def install(ruler) -> None:
    """Give a ``SpanRuler`` a windowed Matcher (before its token patterns are added)."""
    if len(ruler.matcher):
        raise ValueError("install the windowed matcher before adding token patterns")
    ruler.matcher = WindowedMatcher(ruler.matcher)
