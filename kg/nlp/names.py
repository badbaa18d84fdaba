"""Entity-name normalization and the alias table (data file, user-editable)."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path

LEGAL_SUFFIXES: frozenset[str] = frozenset(
    s.casefold()
    for s in (
        "Inc", "Incorporated", "Corp", "Corporation", "Co", "Company", "LLC", "L.L.C",
        "Ltd", "Limited", "plc", "PLC", "AG", "SA", "S.A", "SE", "NV", "N.V", "BV",
        "GmbH", "LP", "LLP", "Holdings", "Group", "PBC", "Platforms", "Communications",
    )
)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_TRAILING_PUNCT = re.compile(r"[\s.,;:!?\"'’”)\]]+$")
_LEADING_PUNCT = re.compile(r"^[\s\"'“‘(\[\-–—]+")


@lru_cache(maxsize=1 << 16)  # pure and called for the same names again and again
def clean_name(text: str) -> str:
    """Strip a leading "the", a trailing possessive and surrounding punctuation.

    >>> clean_name("the Acme Corp.'s")
    'Acme Corp'
    """
    name = " ".join(text.split())
    name = _LEADING_PUNCT.sub("", name)
    name = _TRAILING_PUNCT.sub("", name)
    name = _POSSESSIVE.sub("", name)
    name = _TRAILING_PUNCT.sub("", name)
    name = _LEADING_THE.sub("", name)
    return name


# A two-word name whose second word says the industry is usually shortened to its first:
# "Ionis Pharmaceuticals" → "Ionis", "Honda Motor" → "Honda" (not "General Motors" → "General").
INDUSTRY_WORDS: frozenset[str] = frozenset(
    "pharmaceuticals pharmaceutical pharma therapeutics biosciences biotherapeutics biotech motor motors "
    "airlines airways technologies entertainment software labs laboratories semiconductor semiconductors "
    "electronics industries interactive studios telecom telecommunications".split()
)
GENERIC_FIRST_WORDS: frozenset[str] = frozenset(
    "general united american national international royal first global digital universal applied advanced "
    "new big british european asian pacific western eastern northern southern central standard allied "
    "consolidated continental federal public".split()
)


@lru_cache(maxsize=1 << 16)  # pure and called for the same names again and again
def strip_legal_suffix(name: str) -> str:
    """Drop trailing legal-form words ("Inc.", "Corp", "plc", ...) and a lone industry word, keeping one word.

    >>> strip_legal_suffix("Acme Widgets Holdings Inc."), strip_legal_suffix("Acme Pharmaceuticals Inc.")
    ('Acme Widgets', 'Acme')
    >>> strip_legal_suffix("General Motors Co.")
    'General Motors'
    """
    words = clean_name(name).replace(",", " ").split()
    while len(words) > 1 and words[-1].rstrip(".").casefold() in LEGAL_SUFFIXES:
        words.pop()
    if len(words) == 2 and words[1].casefold() in INDUSTRY_WORDS and words[0].casefold() not in GENERIC_FIRST_WORDS \
            and not _is_place_word(words[0]):
        words.pop()  # but "Northland Airlines" is not "Northland", where Northland is a country
    return " ".join(words)


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Country, region and city names of ``kg/data/places.txt``, case-folded, dots removed."""
    raw = resources.files("kg.data").joinpath("places.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().casefold().replace(".", "") for line in raw.splitlines()
                     if line.strip() and not line.startswith("#"))


def is_place(text: str) -> bool:
    """A known place, also as "mainland X" or with dots ("U.S.")."""
    key = text.casefold().replace(".", "").removeprefix("mainland ").strip()
    return key in places()


def _is_place_word(word: str) -> bool:
    return is_place(word)


@lru_cache(maxsize=1 << 16)  # pure and called for the same names again and again
def entity_key(name: str) -> str:
    """The comparison key of an organization name: cleaned, suffix-free, case-folded.

    >>> entity_key("The Acme Corp.") == entity_key("acme")
    True
    """
    return strip_legal_suffix(name).replace(".", "").casefold()


@lru_cache(maxsize=8)
def load_alias_table(path: str | None = None) -> dict[str, str]:
    """Alias → canonical name, from the packaged ``aliases.toml`` or a user file.

    Keys are compared with :func:`entity_key`.
    """
    if path is None:
        raw = resources.files("kg.data").joinpath("aliases.toml").read_text(encoding="utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    table: dict[str, str] = {}
    for canonical, aliases in data.get("aliases", {}).items():
        for alias in aliases:
            table[entity_key(alias)] = canonical
        table[entity_key(canonical)] = canonical
    return table


# --------------------------------------------------------------------------- across documents


def is_short_form(alias: str, name: str) -> bool:
    """True when ``alias`` is ``name`` with words left out ("Northwind" for "Northwind Bank").

    A short form says which company is meant only inside its own document: across documents
    it may name another company sharing the word, so it never merges nodes on its own.

    >>> is_short_form("Northwind", "Northwind Bank"), is_short_form("NWB", "Northwind Bank")
    (True, False)
    """
    short, full = entity_key(alias).split(), entity_key(name).split()
    return 0 < len(short) < len(full) and set(short) <= set(full)


def compact_key(name: str) -> str:
    """The key without spaces, hyphens and punctuation: "Vantor-Lee" and "VantorLee" compare equal.

    >>> compact_key("Vantor-Lee Stores") == compact_key("VantorLee stores")
    True
    """
    return re.sub(r"[\W_]+", "", entity_key(name))


def _word_close(a: str, b: str) -> bool:
    """Two words that differ only by a typo or plural: "Solution"/"Solutions", not "Bank"/"Band"."""
    from rapidfuzz.distance import Levenshtein

    if a == b:
        return True
    if len(a) < 5 or len(b) < 5 or a[0] != b[0] or any(c.isdigit() for c in a + b):
        return False
    if a.rstrip("s") == b.rstrip("s") or a.rstrip("es") == b.rstrip("es"):
        return True
    return Levenshtein.distance(a, b) <= 1 and len(a) >= 7


def near_identical(a: str, b: str) -> str | None:
    """Why two names from different documents are one company, or None.

    "spelling": the same letters with other spacing or punctuation ("Vantor-Lee", "VantorLee");
    "fuzzy": the same words, one of them spelled slightly differently ("Keld Energy Solution",
    "Keld Energy Solutions"). A parent and its unit ("Acme" / "Acme Cloud") or two names that
    only share words ("Northwind Bank" / "Northwind Air") have different words: never merged.

    >>> near_identical("Keld Energy Solution", "Keld Energy Solutions"), near_identical("Northwind Bank", "Northwind Air")
    ('fuzzy', None)
    """
    ka, kb = entity_key(a), entity_key(b)
    if ka == kb:
        return "key"
    ca, cb = compact_key(a), compact_key(b)
    if len(ca) >= 4 and ca == cb:
        return "spelling"
    wa, wb = ka.split(), kb.split()
    if len(wa) != len(wb) or len(wa) < 2:
        return None  # one-word names: too little to tell a typo from another company
    differing = [(x, y) for x, y in zip(wa, wb) if x != y]
    if len(differing) == 1 and _word_close(*differing[0]):
        return "fuzzy"
    return None
