"""The fast attribute ruler and lemmatizer give spaCy's own answers, token for token."""

import json
from pathlib import Path

import pytest
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG

from kg.nlp.fastattrs import FastAttributeRuler, FastLemmatizer, faster

DATA = Path(__file__).resolve().parents[2] / "data"
_COMPARED = [TAG, POS, MORPH, LEMMA, DEP, HEAD]
# the multi-token, dependency and whitespace rules of the English attribute ruler, in our own words
TRICKY = [
    "It ain't over: we're gonna sign it, and let's say they gotta pay. Y'all know there is a cap.",
    "C'mon, what did Orbis do? It has had a deal, but it did not renew it, and I told you so.",
    "Which firm pays?  That one, which\n\nsigned with Keld Energy, does; there were two bids.",
    "Northwind Bank and Northwind Air said they have agreed to share revenue until 2030.",
]


@pytest.fixture(scope="module")
def parsed():
    """Our own passages, tagged and parsed by the full model but not yet through the ruler or lemmatizer."""
    from kg.nlp.model import load_model

    nlp = load_model()
    texts = list(TRICKY)
    for path in sorted(DATA.glob("*.jsonl")) + sorted((DATA / "train").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += [p.read_text(encoding="utf-8") for p in sorted((DATA / "articles").glob("*.txt"))]
    docs = list(nlp.pipe(texts, disable=["attribute_ruler", "lemmatizer"]))
    return nlp, docs


def test_fast_components_equal_spacys_on_every_token(parsed):
    nlp, docs = parsed
    ruler, lemmatizer = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer")
    fast_ruler, fast_lemmatizer = FastAttributeRuler(ruler), FastLemmatizer(lemmatizer)
    tokens = 0
    for doc in docs:
        expected, got = doc.copy(), doc.copy()
        lemmatizer(ruler(expected))
        fast_lemmatizer(fast_ruler(got))
        want, have = expected.to_array(_COMPARED), got.to_array(_COMPARED)
        bad = [(t.text, t.pos_, got[t.i].pos_, t.lemma_, got[t.i].lemma_, str(t.morph), str(got[t.i].morph))
               for t in expected if (want[t.i] != have[t.i]).any()]
        assert not bad, bad[:5]
        tokens += len(doc)
    assert tokens > 5000  # the comparison ran over real text


def test_the_tricky_rules_fire(parsed):
    """The comparison above is worth something only if the rare rules do change tokens."""
    nlp, docs = parsed
    ruler, lemmatizer = FastAttributeRuler(nlp.get_pipe("attribute_ruler")), FastLemmatizer(nlp.get_pipe("lemmatizer"))
    doc = lemmatizer(ruler(docs[0].copy()))
    lemmas = {t.lower_: t.lemma_ for t in doc}
    assert lemmas["ai"] == "be" and lemmas["gon"] == "go" and lemmas["na"] == "to"
    assert {t.pos_ for t in doc if t.lower_ == "is"} == {"VERB"}  # "there is": the expletive rule
    space = next(t for t in lemmatizer(ruler(docs[2].copy())) if t.is_space)
    assert (space.tag_, space.pos_) == ("_SP", "SPACE")


def test_unsupported_patterns_keep_spacys_component(parsed):
    from spacy.pipeline import AttributeRuler

    nlp, _docs = parsed
    ruler = AttributeRuler(nlp.vocab)
    ruler.add([[{"LENGTH": 3}]], {"POS": "NOUN"})
    assert FastAttributeRuler.maybe(ruler) is None
    three = AttributeRuler(nlp.vocab)
    three.add([[{"LOWER": "a"}, {"LOWER": "b"}, {"LOWER": "c"}]], {"POS": "NOUN"})
    assert faster([three], ["attribute_ruler"]) == [three]
    assert isinstance(faster([nlp.get_pipe("attribute_ruler")], ["attribute_ruler"])[0], FastAttributeRuler)


def test_the_candidate_parser_uses_them():
    from kg.engine import get_pipeline

    procs = get_pipeline(fast=True).get_pipe("kg_candidate_parse").procs
    assert any(isinstance(p, FastAttributeRuler) for p in procs)
    assert any(isinstance(p, FastLemmatizer) for p in procs)
