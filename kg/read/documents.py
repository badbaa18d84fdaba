"""Reading documents from folders, files (.txt .md .html .jsonl), stdin and raw strings.

``iter_documents`` is a generator that never raises for one bad input: each file or line it
cannot use is reported to ``on_skip`` as a ``Skip`` (one line: ``path:line: reason — fix``) and
reading goes on. ``iter_documents_strict`` raises the matching ``InputError`` subclass instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.models import Document
from kg.read.files import DEFAULT_MAX_DOC_CHARS, Reader
from kg.read.skips import Skip, SkipLog, _log_skip, raise_skip
from kg.read.textsafe import parse_date, split_text

__all__ = [
    "DEFAULT_MAX_DOC_CHARS", "Skip", "SkipLog", "iter_documents", "iter_documents_strict", "parse_date",
    "raise_skip", "split_text",
]


def iter_documents(
    inputs: str | Path | Document | Iterable[str | Path | Document],
    *,
    on_skip: Callable[[Skip], object] | None = None,
    max_doc_chars: int = DEFAULT_MAX_DOC_CHARS,
) -> Iterator[Document]:
    """Documents from paths (files, folders, ``-`` for stdin), raw texts or Documents, in order.

    Never raises for a bad input: it is reported to ``on_skip`` (default: a warning on the
    ``kg.read`` logger) and skipped. A document longer than ``max_doc_chars`` is split at
    paragraph (else line, sentence, space) boundaries into ``id#1``, ``id#2``… each within the limit.
    A ``str`` is a path when it is ``-``, an existing path, or a single word ending in a known
    extension; otherwise it is the text of a document.

    >>> [d.id for d in iter_documents(["Acme signs a deal.", "Beta too."])]
    ['text-0', 'text-1']
    >>> [d.text for d in iter_documents("One.\\n\\nTwo.", max_doc_chars=6)]
    ['One.\\n\\n', 'Two.']
    """
    if max_doc_chars < 1:
        raise ValueError("max_doc_chars must be at least 1")
    reader = Reader(_log_skip if on_skip is None else on_skip, max_doc_chars)
    if isinstance(inputs, (str, Path, Document)):
        inputs = [inputs]
    for n, item in enumerate(inputs):
        yield from reader.item(n, item)


def iter_documents_strict(
    inputs: str | Path | Document | Iterable[str | Path | Document], *, max_doc_chars: int = DEFAULT_MAX_DOC_CHARS
) -> Iterator[Document]:
    """Like ``iter_documents`` but raises an ``InputError`` subclass at the first bad input.

    >>> list(iter_documents_strict(["   "]))
    Traceback (most recent call last):
    kg.read.skips.EmptyInputError: text-0: empty document — give some text
    """
    return iter_documents(inputs, on_skip=raise_skip, max_doc_chars=max_doc_chars)
