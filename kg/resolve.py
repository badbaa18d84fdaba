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
_LEADING_PUNCT = re.compile(r"^[\s\"'“‘(\[]+")


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
    if len(words) == 2 and words[1].casefold() in INDUSTRY_WORDS and words[0].casefold() not in GENERIC_FIRST_WORDS:
        words.pop()
    return " ".join(words)


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
