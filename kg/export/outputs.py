"""Output paths checked before any work starts, and write errors turned into one-line ``OutputError``s.

>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
>>> _ = f.write_text("x")
>>> check_output_dir(f / "out")  # doctest: +ELLIPSIS
Traceback (most recent call last):
kg.errors.OutputError: ...notes.txt is a file, not a folder: cannot create .../out — choose another -o path (or move the file)
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import OutputError

GRAPH_OUTPUTS = ("graph.graphml", "graph.json", "graph.html")

__all__ = ["GRAPH_OUTPUTS", "check_output_dir", "check_output_file", "writing"]


def _exists(path: Path, option: str) -> bool:
    try:
        return path.exists()
    except OSError as exc:  # e.g. a folder on the way that cannot be searched
        raise OutputError(f"cannot look at {path} ({exc.strerror or exc}) — choose another {option} path") from None


def _existing_ancestor(path: Path, option: str) -> Path:
    for parent in path.parents:
        if _exists(parent, option):
            return parent
    return Path(".")  # pragma: no cover - the root always exists


def _writable_folder(folder: Path, target: Path, option: str) -> None:
    if not folder.is_dir():
        raise OutputError(f"{folder} is a file, not a folder: cannot create {target} — "
                          f"choose another {option} path (or move the file)")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write in {folder} (permission denied or read-only) — "
                          f"choose another {option} or make the folder writable")


def check_output_dir(path: str | Path, names: Iterable[str] = GRAPH_OUTPUTS, *, option: str = "-o") -> None:
    """Raise ``OutputError`` unless ``path`` is, or can be created as, a writable folder for files ``names``.

    Nothing is created: a failed command leaves no empty folders behind.
    """
    path = Path(path)
    if _exists(path, option):
        if not path.is_dir():
            raise OutputError(f"{path} is a file, not a folder — give {option} a folder path for the outputs")
        _writable_folder(path, path, option)
        for name in names:
            if (path / name).is_dir():
                raise OutputError(f"{path / name} is a folder where kg writes a file — move it away or choose another {option}")
        return
    _writable_folder(_existing_ancestor(path, option), path, option)


def check_output_file(path: str | Path, *, option: str = "-o") -> None:
    """Raise ``OutputError`` unless ``path`` is a file, or can be created as one, in a writable folder."""
    path = Path(path)
    if _exists(path, option):
        if path.is_dir():
            raise OutputError(f"{path} is a folder — give {option} a file path")
        _writable_folder(path.parent, path, option)
        return
    _writable_folder(_existing_ancestor(path, option), path, option)


@contextlib.contextmanager
def writing(path: str | Path, *, option: str = "-o") -> Iterator[None]:
    """Turn an ``OSError`` raised while writing outputs into a one-line ``OutputError`` naming the path."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or path
        raise OutputError(f"cannot write {where} ({exc.strerror or exc}) — free some space, "
                          f"fix the permissions or choose another {option}") from None
