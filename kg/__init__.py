"""kg: a knowledge-graph builder for deal news.

>>> import kg
>>> sorted(kg.__all__)[:3]
['Change', 'DocResult', 'Document']
"""

from kg.api import build, extract, train
from kg.errors import GraphFormatError, InputError, KGError, ModelError, StoreError
from kg.export import load  # also registers the graph writers (KnowledgeGraph.to_html etc.)
from kg.graph import KnowledgeGraph
from kg.models import Change, DocResult, Document, Entity, Evidence, Merge, Mention, Relation

__all__ = [
    "build", "extract", "train", "load", "KnowledgeGraph",
    "Change", "Document", "DocResult", "Entity", "Evidence", "Merge", "Mention", "Relation",
    "KGError", "InputError", "ModelError", "GraphFormatError", "StoreError",
]
