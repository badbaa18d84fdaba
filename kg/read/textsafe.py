"""Helpers for untrusted bytes and text: binary sniffing, encoding detection, dates, XML-safe text.

Nothing here touches the file system; ``kg.read`` reads files and calls these.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import codecs
import datetime as dt
import html
import re

# Characters XML 1.0 forbids: C0 controls except tab/newline/return, lone surrogates, U+FFFE/U+FFFF.
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# First bytes of binary formats people drop into article folders.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (or .docx/.xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office (.doc/.xls) file"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "executable"),
    (b"{\\rtf", "RTF document"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Bytes Windows-1252 leaves undefined; text containing them is not cp1252.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# HTML character references left in plain text ("&#163;", "&amp;", "&eacute;"), and a trailing one a chunk cut.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ENTITY_CUT = re.compile(r"&#?[xX]?[A-Za-z0-9]{0,31}$")
# An inverted question mark inside a word is a curly apostrophe a faulty conversion replaced ("America¿s").
_MANGLED_APOSTROPHE = re.compile("(?<=[^\\W\\d_])\u00bf(?=[^\\W\\d_])")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def strip_xml_invalid(text: str) -> str:
    """Remove the characters XML 1.0 does not allow (C0 controls but tab/LF/CR, U+FFFE/FFFF, lone surrogates).

    >>> strip_xml_invalid("Acme\\x00 Corp\\x1b \\ufffe<ok> \\U0001f600\\t\\n")
    'Acme Corp <ok> \\U0001f600\\t\\n'
    """
    return _XML_INVALID.sub("", text)


def repair_text(text: str) -> str:
    """Plain text as it was meant: HTML character references decoded, in-word ``¿`` read as an apostrophe.

    >>> repair_text("Caf&#233; &amp; Bar&#191;s &#163;5 &nosuch; a&b")
    'Café & Bar’s £5 &nosuch; a&b'
    """
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    return _MANGLED_APOSTROPHE.sub("\u2019", text) if "\u00bf" in text else text


def repair_chunks(chunks: Iterable[str]) -> Iterator[str]:
    """:func:`repair_text` over a text read in chunks; a reference cut at a chunk's end is completed first."""
    held = ""
    for chunk in chunks:
        chunk = held + chunk
        cut = _ENTITY_CUT.search(chunk, max(0, len(chunk) - 40))
        held, chunk = (chunk[cut.start():], chunk[:cut.start()]) if cut else ("", chunk)
        if chunk:
            yield repair_text(chunk)
    if held:
        yield repair_text(held)


def replace_surrogates(text: str) -> str:
    """Replace lone surrogates (from JSON ``"\\ud800"`` escapes) with U+FFFD, which UTF-8 can encode.

    >>> replace_surrogates("a\\ud800b") == "a\\ufffdb"
    True
    """
    return _SURROGATE.sub("\ufffd", text)


def declared_charset(head: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag within ``head``, else None.

    >>> declared_charset(b'<meta charset="windows-1252">')
    'windows-1252'
    """
    match = _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def bom_encoding(head: bytes) -> str | None:
    """The codec named by a byte-order mark at the start of ``head``, else None.

    >>> bom_encoding(b"\\xef\\xbb\\xbfhello"), bom_encoding(b"hello")
    ('utf-8-sig', None)
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return None


def binary_kind(head: bytes) -> str | None:
    """What kind of binary file ``head`` (the first few KB) starts, or None for text.

    A NUL byte means binary unless a UTF-16/32 byte-order mark says otherwise.

    >>> binary_kind(b"%PDF-1.7 ..."), binary_kind(b"ab\\x00cd"), binary_kind(b"plain text")
    ('PDF', 'binary data (NUL bytes)', None)
    """
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"\x00" in head and bom_encoding(head) not in ("utf-16", "utf-32"):
        return "binary data (NUL bytes)"
    return None


def guess_encoding(data: bytes, declared: str | None = None) -> str:
    """The codec to decode ``data`` with: BOM, UTF-8, a declared charset, Windows-1252, charset-normalizer.

    Windows-1252 is tried before charset-normalizer when the bytes are mostly ASCII: on short
    English text with a few high bytes (a "£" in a BBC article) charset-normalizer guesses
    cp932 or cp775 and garbles it. Falls back to cp1252 (decode with errors="replace").

    >>> guess_encoding("Fee: £15.8m".encode("cp1252")), guess_encoding("naïve".encode())
    ('cp1252', 'utf-8')
    """
    if bom := bom_encoding(data[:4]):
        return bom
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multibyte character cut by the end of a sample is still UTF-8.
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    if declared and _codec(declared):
        return _codec(declared)
    high = len(_HIGH_BYTE.findall(data))
    if not _CP1252_UNDEFINED.search(data) and high <= 0.2 * len(data):
        return "cp1252"
    from charset_normalizer import from_bytes  # imported lazily: slow, and rarely needed

    best = from_bytes(data).best()
    return best.encoding if best is not None else "cp1252"


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def parse_date(value: object) -> dt.date | None:
    """An ISO date (or datetime) string to a date; None when absent or unreadable.

    >>> parse_date("2026-04-27T10:00:00Z"), parse_date("soon")
    (datetime.date(2026, 4, 27), None)
    """
    if not value or not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def split_text(chunks: str | Iterable[str], limit: int) -> Iterator[str]:
    """Consecutive slices of the text (given whole or in chunks), each at most ``limit`` chars.

    Cuts after a blank line, else a line break, else ". ", else a space, found in the second half
    of the window; else exactly at ``limit``. Whitespace-only slices are dropped.

    >>> list(split_text(["Para one.\\n\\nPara", " two is here."], 16))
    ['Para one.\\n\\n', 'Para two is ', 'here.']
    """
    buf = ""
    for chunk in [chunks] if isinstance(chunks, str) else chunks:
        buf += chunk
        pos = 0
        while len(buf) - pos > limit:
            cut = _cut(buf, pos, pos + limit)
            if buf[pos:cut].strip():
                yield buf[pos:cut]
            pos = cut
        buf = buf[pos:]
    if buf.strip():
        yield buf


def _cut(buf: str, start: int, end: int) -> int:
    floor = start + max(1, (end - start) // 2)
    for sep in ("\n\n", "\n", ". ", " "):
        i = buf.rfind(sep, floor, end)
        if i >= 0:
            return i + len(sep)
    return end
