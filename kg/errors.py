"""One error family for kg: every failure a user can fix is a ``KGError``."""

from __future__ import annotations


class KGError(Exception):
    """Base class of all kg errors; the message is one line naming the file and the fix."""


class InputError(KGError):
    """A document or input file could not be read or parsed."""


class ModelError(KGError):
    """The spaCy model could not be loaded."""


class GraphFormatError(KGError):
    """A graph file (GraphML/JSON) is malformed or not a kg graph."""


class StoreError(KGError):
    """The persistent store is unusable."""


class OutputError(KGError):
    """An output path cannot be written (a file where a folder should be, no permission, disk full)."""
