"""Pipeline assembly: model fallback, components as registered factories, line breaks."""

import pytest

from kg.errors import ModelError
from kg.nlp.model import add_kg_components, load_model
from kg.pipeline import load_pipeline


def test_pipeline_has_kg_components_after_ner(nlp):
    names = nlp.pipe_names
    assert names.index("ner") < names.index("kg_deal_terms") < names.index("kg_orgs") < names.index("kg_relations")
    assert nlp.get_pipe_meta("kg_relations").factory == "kg_relations"


def test_unknown_model_is_a_clear_error():
    with pytest.raises(ModelError, match="--model"):
        load_model("no_such_model_xyz")


def test_line_breaks_start_sentences(nlp):
    doc = nlp("- Hooli signed a deal\n- Vandelay Industries said nothing")
    assert len(list(doc.sents)) == 2


def test_custom_pattern_file_extends_triggers(tmp_path):
    patterns = tmp_path / "terms.jsonl"
    patterns.write_text('{"label": "PARTNER", "pattern": [{"LOWER": "handshake"}]}\n')
    nlp = add_kg_components(load_model(), patterns_path=str(patterns))
    doc = nlp("Hooli agreed a handshake with Vandelay Industries.")
    assert [s.text for s in doc.spans["deal_terms"]] == ["handshake"]
    assert load_pipeline() is load_pipeline()
