"""Stage 4, the knowledge graph: merging document results, resolution across documents, queries, the store, changes."""

from kg.graph.knowledge import KnowledgeGraph

__all__ = ["KnowledgeGraph"]
