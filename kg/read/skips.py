"""Skips: an input that was not read, why, and what to do; the ``InputError`` subclass for each kind."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict

from kg.errors import InputError

SkipKind = Literal["missing", "unreadable", "binary", "unsupported", "empty", "malformed", "duplicate", "loop"]
log = logging.getLogger("kg.read")


class MissingInputError(InputError):
    """An input does not exist, or disappeared before it could be read."""


class UnreadableInputError(InputError):
    """An input cannot be opened: permission denied, not a regular file, I/O error."""


class BinaryInputError(InputError):
    """An input is a binary file (PDF, image, archive), not text."""


class UnsupportedInputError(InputError):
    """An input is of a kind kg does not read (file extension, Python object)."""


class EmptyInputError(InputError):
    """An input holds no text."""


class MalformedInputError(InputError):
    """A JSON Lines line is not valid JSON, not an object, or has no ``text`` string."""


class DuplicateInputError(InputError):
    """A file or folder was reached a second time (through a symlink or a repeated argument)."""


class SymlinkLoopError(InputError):
    """A symlink points back into a folder that contains it."""


_ERRORS: dict[str, type[InputError]] = {
    "missing": MissingInputError, "unreadable": UnreadableInputError, "binary": BinaryInputError,
    "unsupported": UnsupportedInputError, "empty": EmptyInputError, "malformed": MalformedInputError,
    "duplicate": DuplicateInputError, "loop": SymlinkLoopError,
}


class Skip(BaseModel):
    """One input that was not read, and why; ``str()`` is the one-line message for the user.

    >>> print(Skip(path="a.jsonl", line=3, kind="malformed", reason="not valid JSON", fix="fix the line"))
    a.jsonl:3: not valid JSON — fix the line
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    line: int | None = None
    kind: SkipKind
    reason: str
    fix: str = ""

    def __str__(self) -> str:
        path = self.path.replace("\n", "\\n").replace("\r", "\\r")  # keep it one line, whatever the file name
        where = f"{path}:{self.line}" if self.line is not None else path
        return f"{where}: {self.reason}" + (f" — {self.fix}" if self.fix else "")

    def error(self) -> InputError:
        """The ``InputError`` subclass for this skip, with the same message."""
        return _ERRORS[self.kind](str(self))


class SkipLog:
    """Collects skips: pass it as ``on_skip``; ``summary()`` counts them by kind.

    >>> from kg.read.documents import iter_documents
    >>> skips = SkipLog()
    >>> docs = list(iter_documents(["Acme signs.", "  "], on_skip=skips))
    >>> len(docs), skips.count, skips.summary()
    (1, 1, '1 skipped (1 empty)')
    """

    def __init__(self, echo: Callable[[str], object] | None = None) -> None:
        self.skips: list[Skip] = []
        self._echo = echo

    def __call__(self, skip: Skip) -> None:
        self.skips.append(skip)
        if self._echo is not None:
            self._echo(str(skip))

    def __iter__(self) -> Iterator[Skip]:
        return iter(self.skips)

    @property
    def count(self) -> int:
        return len(self.skips)

    def counts(self) -> dict[str, int]:
        """Number of skips per kind, most common first."""
        return dict(Counter(s.kind for s in self.skips).most_common())

    def summary(self) -> str:
        if not self.skips:
            return "nothing skipped"
        kinds = ", ".join(f"{n} {kind}" for kind, n in self.counts().items())
        return f"{self.count} skipped ({kinds})"


def raise_skip(skip: Skip) -> None:
    """An ``on_skip`` callback that raises the skip's ``InputError`` subclass."""
    raise skip.error()


def _log_skip(skip: Skip) -> None:
    log.warning("skipped %s", skip)
