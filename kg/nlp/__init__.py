"""Stage 2, the spaCy pipeline: model loading, deal terms, organizations, references, syntax, the rules, the fast path.

Nothing is imported here, so ``kg.nlp.names`` (used by the graph) does not load spaCy.
"""
