"""Organization mentions: clean the small model's ORG output and resolve it per document.

The ``kg_orgs`` component writes ``doc.spans["kg_orgs"]``: one span per organization
mention, ``label_`` "ORG" for names and "REF"/"REFS" for back-references (see
:mod:`kg.nlp.references`), ``kb_id_`` the canonical name within the document.
``doc._.kg_entities`` maps each canonical name to its aliases and merge records.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.cues import load_cues
from kg.nlp.names import entity_key, load_alias_table
from kg.nlp.orggroups import group_mentions
from kg.nlp.orgspans import OrgSpanFinder
from kg.nlp.references import reference_spans

if not Doc.has_extension("kg_entities"):
    Doc.set_extension("kg_entities", default=None)


@Language.factory(
    "kg_orgs",
    requires=["doc.ents", "token.dep"],
    assigns=["doc.spans", "doc._.kg_entities"],
    default_config={"aliases_path": None, "cues_path": None},
)
def make_org_resolver(nlp: Language, name: str, aliases_path: str | None, cues_path: str | None):
    return OrgResolver(nlp, aliases_path=aliases_path, cues_path=cues_path)


class OrgResolver:
    """The ``kg_orgs`` component: names (:class:`OrgSpanFinder`), then entities (:func:`group_mentions`), then references."""

    def __init__(self, nlp: Language, *, aliases_path: str | None = None, cues_path: str | None = None):
        self.cues = load_cues(cues_path)
        self.alias_table = load_alias_table(aliases_path)
        self.finder = OrgSpanFinder(nlp, self.cues, self.alias_table)

    def __call__(self, doc: Doc) -> Doc:
        spans = self.finder.spans(doc)
        groups = group_mentions(doc, spans, self.alias_table)
        for span in spans:
            span.kb_id_ = groups["canon"][entity_key(span.text)]
        refs = reference_spans(doc, spans, self.cues.descriptor_nouns)
        all_spans = sorted(spans + refs, key=lambda s: s.start)
        doc.spans["kg_orgs"] = all_spans
        doc._.kg_entities = groups["entities"]
        return doc
