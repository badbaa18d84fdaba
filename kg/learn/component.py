"""The ``kg_scorer`` component: the trained model decides which candidates are edges.

It runs after ``kg_relations`` (whose rule output becomes features) and replaces
``doc._.kg_relations`` with the scored relations, in the same shape.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.learn.model import RelationModel, default_model_path
from kg.learn.predict import prepare_doc, score_prepared


@Language.factory(
    "kg_scorer",
    requires=["doc.spans", "doc._.kg_relations"],
    assigns=["doc._.kg_relations"],
    default_config={"model_path": None},
)
def make_scorer(nlp: Language, name: str, model_path: str | None):
    return Scorer(RelationModel.from_disk(model_path or default_model_path()))


class Scorer:
    """Score a Doc's candidate pairs with a :class:`RelationModel`."""

    def __init__(self, model: RelationModel):
        self.model = model

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_relations = score_prepared(self.model, prepare_doc(doc, self.model.types))
        return doc
