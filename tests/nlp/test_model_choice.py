"""The default English model is en_core_web_md, loaded without its one known version warning."""

import warnings

from kg.nlp.model import load_model


def test_default_model_is_the_medium_english_pipeline():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nlp = load_model()
    assert nlp.meta["name"] == "core_web_md"
    assert nlp.vocab.vectors.shape[0] > 10_000  # the md model's static vectors
    assert not [w for w in caught if "W095" in str(w.message)]


def test_medium_model_tags_organizations_under_this_spacy(nlp):
    doc = nlp("Globex Corporation and Initech Inc. signed a supply agreement in Berlin on Monday.")
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("Berlin") == "GPE" and labels.get("Monday") == "DATE"
    assert {"Globex Corporation", "Initech Inc."} <= {e.text for e in doc.ents if e.label_ == "ORG"}


def test_other_warnings_still_show():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_model()
        warnings.warn("[W095] Model 'other_model' (1.0) was trained with spaCy v3.0", UserWarning)
    assert any("other_model" in str(w.message) for w in caught)
