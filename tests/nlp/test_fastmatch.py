"""The windowed deal-term Matcher finds exactly what spaCy's Matcher finds on the whole Doc."""

import json
from pathlib import Path

import pytest
import spacy
from spacy.matcher import Matcher

from kg.nlp.fastmatch import WindowedMatcher, install

DATA = Path(__file__).resolve().parents[2] / "data"
PATTERNS = [
    [{"LOWER": "joint"}, {"IS_ALPHA": True, "OP": "?"}, {"LOWER": "venture"}],
    [{"LOWER": {"IN": ["until", "through"]}}, {"LIKE_NUM": True}],
    [{"LIKE_NUM": True}, {"LOWER": "percent"}],
    [{"LOWER": "sole"}, {"IS_ALPHA": True, "OP": "?"}, {"IS_ALPHA": True, "OP": "?"}, {"LOWER": "provider"}],
]


def _both(vocab, patterns):
    full, windowed = Matcher(vocab), WindowedMatcher(Matcher(vocab))
    for i, pattern in enumerate(patterns):
        full.add(f"P{i}", [pattern])
        windowed.add(f"P{i}", [pattern])
    return full, windowed


@pytest.fixture(scope="module")
def texts():
    out = ["Orbis and Keld formed a joint battery venture; it runs until 2030 and pays 12 percent.",
           "the sole cloud provider", "sole provider", "through 2031", "joint venture", "40 percent", ""]
    for path in sorted(DATA.glob("*.jsonl")) + sorted((DATA / "train").glob("*.jsonl")):
        out += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def test_same_matches_as_the_whole_doc_matcher(texts):
    nlp = spacy.blank("en")
    full, windowed = _both(nlp.vocab, PATTERNS)
    found = 0
    for doc in nlp.tokenizer.pipe(texts):
        assert sorted(windowed(doc)) == sorted(full(doc))
        found += len(full(doc))
    assert windowed.exact and found > 20  # the comparison saw matches, at doc ends too


def test_patterns_that_can_start_anywhere_search_the_whole_doc():
    nlp = spacy.blank("en")
    _full, windowed = _both(nlp.vocab, [[{"LOWER": "a", "OP": "?"}, {"LOWER": "deal"}]])
    assert not windowed.exact
    doc = nlp("a deal, then another deal")
    assert sorted(doc[s:e].text for _k, s, e in windowed(doc)) == ["a deal", "deal", "deal"]
    _full, shaped = _both(nlp.vocab, [[{"IS_TITLE": True}, {"LOWER": "deal"}]])
    assert not shaped.exact and len(shaped(nlp("Orbis deal"))) == 1


def test_the_pipeline_ruler_uses_it():
    from kg.engine import get_pipeline

    ruler = get_pipeline(fast=True).get_pipe("kg_deal_terms")
    assert isinstance(ruler.matcher, WindowedMatcher) and ruler.matcher.exact and len(ruler.matcher) > 0
    with pytest.raises(ValueError):
        install(ruler)
