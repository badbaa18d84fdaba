"""Reading documents from files, folders, JSON Lines and raw strings."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.models import Document

TEXT_SUFFIXES = {".txt", ".md"}


def parse_date(value: object) -> dt.date | None:
    """An ISO date (or datetime) string to a date; None when absent or unreadable.

    >>> parse_date("2026-04-27T10:00:00Z")
    datetime.date(2026, 4, 27)
    """
    if not value or not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def read_jsonl(path: Path) -> Iterator[Document]:
    """Documents from a JSON Lines file with ``text`` and optional ``id``/``published``."""
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{lineno}: not valid JSON ({exc.msg}); fix or remove the line") from exc
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise InputError(f"{path}:{lineno}: no 'text' field; each line needs a JSON object with a text string")
            yield Document(
                id=str(row.get("id") or f"{path.stem}:{lineno}"),
                text=row["text"],
                published=parse_date(row.get("published")),
                title=row.get("title"),
                source=row.get("url") or str(path),
            )


def read_text_file(path: Path) -> Document:
    """One document from a plain-text file; a first line ``Published: YYYY-MM-DD`` sets the date."""
    text = path.read_text(encoding="utf-8")
    published = None
    lines = text.splitlines()
    if lines and lines[0].lower().startswith(("published:", "date:")):
        published = parse_date(lines[0].split(":", 1)[1])
        text = "\n".join(lines[1:]).lstrip("\n")
    return Document(id=path.stem, text=text, published=published, source=str(path))


def iter_documents(inputs: str | Path | Iterable[str | Path | Document]) -> Iterator[Document]:
    """Documents from a path, a list of paths, texts or Documents."""
    if isinstance(inputs, (str, Path, Document)):
        inputs = [inputs]
    for n, item in enumerate(inputs):
        if isinstance(item, Document):
            yield item
        elif isinstance(item, Path) or (isinstance(item, str) and "\n" not in item and Path(item).exists()):
            yield from _iter_path(Path(item))
        elif isinstance(item, str):
            yield Document(id=f"text-{n}", text=item)
        else:
            raise InputError(f"cannot read {item!r}: give a path, a text or a kg.Document")


def _iter_path(path: Path) -> Iterator[Document]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and child.suffix.lower() in TEXT_SUFFIXES | {".jsonl"}:
                yield from _iter_path(child)
    elif path.suffix.lower() == ".jsonl":
        yield from read_jsonl(path)
    else:
        yield read_text_file(path)
