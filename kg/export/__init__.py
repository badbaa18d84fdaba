"""Exports of a :class:`~kg.graph.KnowledgeGraph`: GraphML, node-link JSON, self-contained HTML; and ``load``."""

from kg.export.files import load, to_graphml, to_json
from kg.export.html import to_html
from kg.graph.knowledge import WRITERS

WRITERS.update(graphml=to_graphml, json=to_json, html=to_html)  # KnowledgeGraph.to_graphml() etc.

__all__ = ["load", "to_graphml", "to_html", "to_json"]
