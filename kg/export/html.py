"""Self-contained interactive HTML (placeholder; replaced below)."""

def to_html(g, path, *, max_nodes=None):
    raise NotImplementedError
