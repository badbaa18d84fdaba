"""Reading one ``iter_documents`` call's inputs: paths, folder walks, files, streams, JSON Lines, stdin."""

from __future__ import annotations

import codecs
import errno
import io
import itertools
import json
import os
import stat
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from kg.models import Document
from kg.read.skips import Skip, SkipKind
from kg.read.textsafe import (
    binary_kind,
    bom_encoding,
    declared_charset,
    guess_encoding,
    parse_date,
    repair_chunks,
    replace_surrogates,
    split_text,
)
from kg.read.webpage import read_page

# Relations are read within sentences, so splitting at paragraphs loses nothing; 100k chars is
# far above any news article, well under spaCy's default nlp.max_length (1,000,000), and keeps
# the parser's memory (about 1 GB per 100k chars by spaCy's own estimate) bounded.
DEFAULT_MAX_DOC_CHARS = 100_000
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
READ_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
# Reported (not silently ignored) even in folder walks: someone expected these to be read.
BINARY_SUFFIXES = frozenset(
    ".pdf .doc .docx .odt .rtf .xls .xlsx .ppt .pptx .epub .png .jpg .jpeg .gif .webp .bmp .tif .tiff "
    ".zip .gz .tgz .bz2 .xz .7z .tar".split()
)
_SNIFF = 8192
_CHUNK = 1 << 20


class Reader:
    """State of one ``iter_documents`` call: the callback, files and ids already seen."""

    def __init__(self, on_skip: Callable[[Skip], object], limit: int) -> None:
        self.on_skip = on_skip
        self.limit = limit
        self.seen_files: dict[tuple[int, int], str] = {}
        self.seen_dirs: dict[tuple[int, int], str] = {}
        self.ids: Counter[str] = Counter()
        self.where = ""  # the JSON Lines file being read, for skips of empty lines

    def skip(self, path: object, kind: SkipKind, reason: str, fix: str = "", line: int | None = None) -> None:
        self.on_skip(Skip(path=str(path), line=line, kind=kind, reason=reason, fix=fix))

    def item(self, n: int, item: object) -> Iterator[Document]:
        if isinstance(item, Document):
            text = replace_surrogates(item.text)
            yield from self.emit(item if text == item.text else item.model_copy(update={"text": text}), unique=False)
        elif isinstance(item, Path) or (isinstance(item, str) and _looks_like_path(item)):
            yield from (self.stdin() if str(item) == "-" else self.path(Path(item)))
        elif isinstance(item, str):
            yield from self.emit(Document(id=f"text-{n}", text=replace_surrogates(item)), unique=False)
        else:
            self.skip(f"input {n}", "unsupported", f"cannot read a {type(item).__name__}",
                      "give a path, a text or a kg.Document")

    def emit(
        self, doc: Document, *, chunks: Iterable[str] | None = None, unique: bool = True, line: int | None = None
    ) -> Iterator[Document]:
        """Yield ``doc`` (its text taken from ``chunks`` when given), split to the limit; report it if empty."""
        parts = split_text(doc.text if chunks is None else chunks, self.limit)
        first = next(parts, None)
        if first is None:
            where = doc.source if line is None and doc.source else doc.id if line is None else self.where
            self.skip(where, "empty", "empty document", "give some text", line)
            return
        doc_id = self.unique(doc.id) if unique else doc.id
        second = next(parts, None)
        if second is None:
            yield doc if (doc_id, first) == (doc.id, doc.text) else doc.model_copy(update={"id": doc_id, "text": first})
            return
        for i, text in enumerate(itertools.chain([first, second], parts), 1):
            yield doc.model_copy(update={"id": f"{doc_id}#{i}", "text": text})

    def unique(self, doc_id: str) -> str:
        self.ids[doc_id] += 1
        return doc_id if self.ids[doc_id] == 1 else f"{doc_id}~{self.ids[doc_id]}"

    # --- paths ------------------------------------------------------------------------------

    def path(self, path: Path) -> Iterator[Document]:
        try:
            st = path.stat()
        except FileNotFoundError:
            self.skip(path, "missing", "no such file or folder", "check the path")
            return
        except OSError as exc:
            self.skip(path, _os_kind(exc), _os_reason(exc), _os_fix(exc))
            return
        if stat.S_ISDIR(st.st_mode):
            self.seen_dirs[(st.st_dev, st.st_ino)] = str(path)
            for file, rel in self.walk(path, path, frozenset({(st.st_dev, st.st_ino)})):
                yield from self.file(file, rel.with_suffix("").as_posix(), walked=True)
        elif not stat.S_ISREG(st.st_mode):
            self.skip(path, "unreadable", "not a regular file", "give a file, a folder or - for stdin")
        else:
            yield from self.file(path, path.stem, walked=False)

    def walk(self, root: Path, folder: Path, ancestors: frozenset) -> Iterator[tuple[Path, Path]]:
        """(file, path relative to root) under ``folder``, sorted by name, hidden entries ignored."""
        try:
            names = sorted(e.name for e in os.scandir(folder) if not e.name.startswith("."))
        except OSError as exc:
            self.skip(folder, _os_kind(exc), _os_reason(exc), _os_fix(exc))
            return
        for name in names:
            child = folder / name
            known = child.suffix.lower() in READ_SUFFIXES | BINARY_SUFFIXES
            try:
                st = child.stat()
            except FileNotFoundError:
                if known:
                    broken = child.is_symlink()
                    self.skip(child, "missing", "broken symlink" if broken else "file disappeared before it could be read",
                              "fix or remove the link" if broken else "check the path")
                continue
            except OSError as exc:
                self.skip(child, _os_kind(exc), _os_reason(exc), _os_fix(exc))
                continue
            if stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if key in ancestors:
                    self.skip(child, "loop", "symlink loop (it points to a folder containing it)",
                              "not followed; remove the link")
                elif key in self.seen_dirs:
                    self.skip(child, "duplicate", f"same folder as {self.seen_dirs[key]}, already read", "not read twice")
                else:
                    self.seen_dirs[key] = str(child)
                    yield from self.walk(root, child, ancestors | {key})
            elif known and not stat.S_ISREG(st.st_mode):
                self.skip(child, "unreadable", "not a regular file", "remove it from the folder")
            elif known:
                yield child, child.relative_to(root)
            # Other files (no or unknown extension, sockets, fifos) are ignored in folder walks.

    def file(self, path: Path, doc_id: str, *, walked: bool) -> Iterator[Document]:
        suffix = path.suffix.lower()
        if suffix in BINARY_SUFFIXES:
            self.skip(path, "binary", f"{suffix[1:].upper()} file, not text", _BINARY_FIX)
            return
        if suffix not in READ_SUFFIXES:
            self.skip(path, "unsupported", f"unknown file type {suffix or '(no extension)'!r}",
                      "kg reads .txt .md .html .htm .jsonl; rename or convert it")
            return
        try:
            with path.open("rb") as fh:
                st = os.fstat(fh.fileno())
                if not stat.S_ISREG(st.st_mode):
                    self.skip(path, "unreadable", "not a regular file", "give a file or a folder")
                    return
                key = (st.st_dev, st.st_ino)
                if key in self.seen_files:
                    self.skip(path, "duplicate", f"same file as {self.seen_files[key]}, already read", "not read twice")
                    return
                self.seen_files[key] = str(path)
                yield from self.stream(fh, path, doc_id, suffix)
        except FileNotFoundError:
            self.skip(path, "missing", "file disappeared before it could be read" if walked else "no such file",
                      "check the path")
        except OSError as exc:
            self.skip(path, _os_kind(exc), _os_reason(exc), _os_fix(exc))

    def stream(self, fh: IO[bytes], path: Path | str, doc_id: str, suffix: str) -> Iterator[Document]:
        """Documents from an open binary file; refuses binary content."""
        head = fh.read(_SNIFF)
        if kind := binary_kind(head):
            self.skip(path, "binary", f"binary file ({kind}), not text", _BINARY_FIX)
            return
        if suffix in JSONL_SUFFIXES:
            fh.seek(0)
            yield from self.jsonl(fh, path)
            return
        encoding = _sniff_encoding(fh, head, declared_charset(head) if suffix in HTML_SUFFIXES else None)
        fh.seek(0)
        text = io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline=None)
        chunks = iter(lambda: replace_surrogates(text.read(_CHUNK)), "")
        if suffix in HTML_SUFFIXES:
            page = read_page("".join(chunks))
            if not page.text:
                self.skip(path, "empty", "no article text in the page (only menus, links, scripts or comments)",
                          "save the article's own page, or give its text as .txt")
                return
            doc = Document(id=doc_id, text=page.text, published=page.published, title=page.title, source=str(path))
            yield from self.emit(doc)
        else:
            published, chunks = _published_header(chunks)
            yield from self.emit(Document(id=doc_id, text="", published=published, source=str(path)),
                                 chunks=repair_chunks(chunks))

    def jsonl(self, lines: Iterable[bytes], path: Path | str, start: int = 1) -> Iterator[Document]:
        """Documents from JSON Lines, one line at a time; a bad line is skipped, the others read."""
        stem = Path(path).stem
        blank = True
        for lineno, raw in enumerate(lines, start):
            if lineno == start and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if not raw.strip():
                continue
            blank = False
            row = self.json_row(raw, path, lineno)
            if row is None:
                continue
            self.where = str(path)
            doc = Document(
                id=str(row["id"]) if row.get("id") not in (None, "") else f"{stem}:{lineno}",
                text="",
                published=parse_date(row.get("published")),
                title=_str_or_none(row.get("title")),
                source=_str_or_none(row.get("url")) or str(path),
            )
            yield from self.emit(doc, chunks=[replace_surrogates(row["text"])], line=lineno)
        if blank:
            self.skip(path, "empty", "empty file (no JSON lines)", "give one JSON object per line")

    def json_row(self, raw: bytes, path: Path | str, lineno: int) -> dict | None:
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("cp1252", errors="replace")  # JSON Lines is UTF-8 by spec; Windows exports are not
        fix = "fix or remove the line; the other lines were read"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            self.skip(path, "malformed", f"not valid JSON ({exc.msg} at column {exc.colno})", fix, lineno)
            return None
        except RecursionError:
            self.skip(path, "malformed", "JSON nested too deeply", fix, lineno)
            return None
        if not isinstance(row, dict):
            self.skip(path, "malformed", f"a JSON {type(row).__name__}, not an object", fix, lineno)
            return None
        if not isinstance(row.get("text"), str):
            got = "no 'text' field" if "text" not in row else f"'text' is a {type(row['text']).__name__}"
            self.skip(path, "malformed", f"{got}; each line needs a JSON object with a \"text\" string", fix, lineno)
            return None
        return row

    def stdin(self) -> Iterator[Document]:
        """Documents from standard input: JSON Lines when its first non-blank byte is ``{``, else one text."""
        stream = sys.stdin.buffer
        first, lineno = stream.readline(), 1
        while first and not first.strip():
            first, lineno = stream.readline(), lineno + 1
        if first.lstrip(codecs.BOM_UTF8 + b" \t").startswith(b"{"):
            yield from self.jsonl(itertools.chain([first], stream), "<stdin>", lineno)
        else:
            yield from self.stream(io.BytesIO(first + stream.read()), "<stdin>", "stdin", ".txt")


_BINARY_FIX = "convert it to text first (e.g. pdftotext file.pdf file.txt) or remove it from the inputs"


def _looks_like_path(item: str) -> bool:
    if item == "-":
        return True
    if "\n" in item or len(item) > 4096:
        return False
    try:
        if Path(item).exists():
            return True
    except (OSError, ValueError):  # name too long, NUL byte
        return False
    return not any(c.isspace() for c in item) and Path(item).suffix.lower() in READ_SUFFIXES | BINARY_SUFFIXES


def _sniff_encoding(fh: IO[bytes], head: bytes, declared: str | None) -> str:
    """The file's encoding: BOM, else UTF-8 if every chunk decodes, else a guess from the first bad chunk."""
    if bom := bom_encoding(head):
        return bom
    fh.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    while chunk := fh.read(_CHUNK):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError:
            return guess_encoding(chunk, declared)
    return "utf-8"


def _published_header(chunks: Iterator[str]) -> tuple[object, Iterator[str]]:
    """Read a first line ``Published: YYYY-MM-DD`` (or ``Date:``) off the text; return (date, rest)."""
    first = next(chunks, "")
    line, sep, rest = first.partition("\n")
    if line.lower().startswith(("published:", "date:")) and (date := parse_date(line.split(":", 1)[1])):
        return date, itertools.chain([rest.lstrip("\n")], chunks)
    return None, itertools.chain([first], chunks)


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _os_kind(exc: OSError) -> SkipKind:
    if exc.errno == errno.ELOOP:
        return "loop"
    return "missing" if isinstance(exc, FileNotFoundError) else "unreadable"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symlink loop (it resolves to itself)"
    return f"cannot read ({exc.strerror or exc})"


def _os_fix(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "make it readable (chmod +r) or remove it from the inputs"
    if exc.errno == errno.ELOOP:
        return "not followed; remove the link"
    return "check the path"
