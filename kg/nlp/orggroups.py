"""Grouping a document's organization mentions into entities, and choosing each entity's canonical name."""

from __future__ import annotations

import re

from collections import Counter, defaultdict

from spacy.tokens import Doc, Span

from kg.nlp.orgrecover import letters_in_order, ticker_after
from kg.nlp.orgnames import ABBR_SKIPS, PAREN_ABBR, TICKER, is_abbreviation, is_place
from kg.nlp.names import GENERIC_FIRST_WORDS, LEGAL_SUFFIXES, clean_name, entity_key
from kg.nlp.syntax import doc_text


def group_mentions(doc: Doc, spans: list[Span], alias_table: dict[str, str]) -> dict:
    """Group one document's name spans into entities: tickers, defined abbreviations, the alias table, units, short forms.

    Returns ``{"canon": entity key -> canonical name, "entities": name -> {"aliases", "merges"}}``.
    """
    parent: dict[str, str] = {}

    def find(k: str) -> str:
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    merges: dict[str, list[tuple[str, str]]] = defaultdict(list)
    surfaces: dict[str, Counter] = defaultdict(Counter)
    defined: set[str] = set()
    tickers: set[str] = set()
    taught: set[str] = set()  # short forms the text itself defines: the alias file does not override them
    for span in spans:
        key = entity_key(span.text)
        surfaces[key][clean_name(span.text)] += 1
        find(key)

    def union(alias_key: str, target_key: str, surface: str, reason: str) -> None:
        a, b = find(alias_key), find(target_key)
        if a != b:
            parent[a] = b
            merges[target_key].append((surface, reason))

    text = doc_text(doc)
    for span in spans:
        key = entity_key(span.text)
        after = _after_suffix(text[span.end_char:span.end_char + 60])
        m = TICKER.match(after)
        bare = ticker_after(span)  # "Acme Inc ACME"
        if m or bare is not None:
            ticker = m.group(1) if m else bare.text
            tkey = entity_key(ticker)
            surfaces[tkey][ticker] += 0
            union(tkey, key, ticker, "ticker")
            taught |= {tkey, key}
            tickers.add(ticker)
            continue
        m = PAREN_ABBR.match(after)
        if m and (is_abbreviation(m.group(1), span.text) if len(span) > 1 else _spelled_inside(m.group(1), span.text)):
            akey = entity_key(m.group(1))
            surfaces[akey][m.group(1)] += 0
            union(akey, key, m.group(1), "definition")
            defined.add(key)
            taught |= {akey, key}
    for ticker, key in _exchange_tickers(spans):
        union(entity_key(ticker.text), key, ticker.text, "ticker")
        taught |= {entity_key(ticker.text), key}
    keys = list(surfaces)
    for key in keys:
        canon = alias_table.get(key)
        if canon and entity_key(canon) != key and key not in taught:
            ckey = entity_key(canon)
            surfaces[ckey][canon] += 0
            union(key, ckey, next(iter(surfaces[key])), "alias-file")
    # "Acme Cloud" / "Acme Nimbus": a one-word unit named after its parent joins the parent.
    single = {k for k in keys if " " not in k}
    for key in keys:
        words = key.split()
        if len(words) == 2 and words[0] in single and words[0] != key:
            union(key, words[0], next(iter(surfaces[key])), "unit-of-parent")
            unit = words[1]
            if unit in surfaces and not any(n[:1].islower() for n in surfaces[unit]):  # not "iWidget", a product
                union(unit, words[0], unit, "unit-of-parent")
    # Short forms: "Halvorsen" for "J.R. Halvorsen & Co.", "Casino Springfield" for "Acme Casino Springfield".
    for key, full in _short_forms(keys):
        union(key, full, next(iter(surfaces[key])), "short-form")
        defined.add(full)  # the document's full name is the canonical one
    # Initials: "ACS" beside "Acme Cloud Services", when no other name of the document has them.
    for key, full in _initials_of(keys, surfaces):
        union(key, full, next(iter(surfaces[key])), "initials")
        defined.add(full)
    # Possessive units: "Acme's Nimbus cloud".
    for span in spans:
        prev = span.start - 1
        if prev > 0 and doc[prev].lower_ in {"'s", "’s"} and len(span) == 1:
            owner = [s for s in spans if s.end == prev]
            nxt = doc[span.end] if span.end < len(doc) else None
            if owner and nxt is not None and nxt.lower_ in {"cloud", "platform", "unit", "division", "service", "services"}:
                union(entity_key(span.text), entity_key(owner[0].text), span.text, "unit-of-parent")

    members: dict[str, list[str]] = defaultdict(list)
    for key in surfaces:
        members[find(key)].append(key)
    canon_of: dict[str, str] = {}
    entities: dict[str, dict] = {}
    for keys_ in members.values():
        counts: Counter = Counter()
        for k in keys_:
            counts.update(surfaces[k])
        defined_names = [n for k in keys_ if k in defined for n in surfaces[k]]
        if defined_names:
            name = max(defined_names, key=len)
        else:  # the spelling the text uses most; shorter on ties ("Acme" over "Acme Corp"); a name over its ticker
            name = min(counts, key=lambda n: (n in tickers, -counts[n], len(n)))
        aliases = sorted({n for n in counts if n != name})
        entities[name] = {
            "aliases": aliases,
            "merges": [m for k in keys_ for m in merges.get(k, [])],
        }
        for k in keys_:
            canon_of[k] = name
    return {"canon": canon_of, "entities": entities}


def _short_forms(keys: list[str]) -> list[tuple[str, str]]:
    """(short, full) for each name that ends exactly one longer name of the document and starts none.

    The tail of a name is its distinctive part ("Halvorsen" of "J.R. Halvorsen & Co."); a first
    word is not a short form here, as it may be a parent ("Orbis" of "Orbis Cloud").
    """
    out = []
    words = {k: k.replace("&", " ").split() for k in keys}
    for key in keys:
        short = words[key]
        if not short or len(short) == 1 and (len(key) < 4 or key in GENERIC_FIRST_WORDS or is_place(key)):
            continue
        longer = [k for k in keys if len(words[k]) > len(short) and _contains_tail(words[k], short)]
        starts = [k for k in keys if k != key and words[k][:len(short)] == short]
        if len(longer) == 1 and not starts:
            out.append((key, longer[0]))
    return out


def _after_suffix(after: str) -> str:
    """The text after a name, past a legal form the name span left out ("Acme| Corp. (ACM)").

    >>> _after_suffix(" Corp. (ACM) said"), _after_suffix(", Inc. (NYSE: ACM)"), _after_suffix(" (ACM)")
    (' (ACM) said', ' (NYSE: ACM)', ' (ACM)')
    """
    m = re.match(r",?\s+([A-Za-z.]+?)\.?(?=\s*\()", after)
    return after[m.end():] if m and m.group(1).casefold() in LEGAL_SUFFIXES else after


def _initials_of(keys: list[str], surfaces: dict[str, Counter]) -> list[tuple[str, str]]:
    """(short, full) for a name written in capitals ("ACS") that is the initials of exactly one name of
    two or more capitalized words ("Acme Cloud Services"; the words of ABBR_SKIPS left out).

    >>> from collections import Counter
    >>> _initials_of(["acs", "acme cloud services", "ab"], {"acs": Counter(["ACS"]), "ab": Counter(["AB"]),
    ...              "acme cloud services": Counter(["Acme Cloud Services"])})
    [('acs', 'acme cloud services')]
    """
    initials: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        for surface in surfaces[key]:
            words = [w for w in surface.replace("-", " ").split() if w.lower() not in ABBR_SKIPS]
            if len(words) >= 2 and all(w[:1].isupper() for w in words):
                initials["".join(w[0] for w in words)].append(key)
                break
    out = []
    for key in keys:
        caps = [n for n in surfaces[key] if n.isupper() and n.isalpha() and 2 <= len(n) <= 5]
        full = sorted(set(initials.get(caps[0], []))) if caps else []
        if len(full) == 1 and full[0] != key:
            out.append((key, full[0]))
    return out


def _spelled_inside(abbr: str, name: str) -> bool:
    """A one-word name defines a capitals-only short form of three or more letters found in it in order
    ("Zentrix (ZNTX)")."""
    return len(abbr) >= 3 and abbr.isupper() and abbr.isalpha() and letters_in_order(abbr, name)


def _contains_tail(full: list[str], short: list[str]) -> bool:
    """``short`` is the last words of ``full``, or its words after a leading initial or title ("J.R.")."""
    n = len(short)
    return full[-n:] == short or any(full[i:i + n] == short and i > 0 for i in range(1, len(full) - n + 1)
                                     if all(len(w.rstrip(".")) <= 2 for w in full[:i]))


_EXCHANGE_TICKER = re.compile(r"^([A-Z]{2,5})\.[A-Z]{1,2}$")  # "ACME.AS": a ticker with its exchange


def _exchange_tickers(spans: list[Span]) -> list[tuple[Span, str]]:
    """(ticker span, key of its company) for a ticker written with its exchange ("ACME.AS") whose base is a
    name of the document. (A ticker written straight after the name is ``is_bare_ticker``'s.)

    >>> import spacy
    >>> doc = spacy.blank("en")("Orbis Music Group ( OMG ) and OMG.AS rose, unlike XYZ.L")
    >>> [(t.text, k) for t, k in _exchange_tickers([doc[0:3], doc[4:5], doc[7:8], doc[11:12]])]
    [('OMG.AS', 'omg')]
    """
    keys = {entity_key(s.text) for s in spans}
    return [(span, entity_key(m.group(1))) for span in spans
            if len(span) == 1 and (m := _EXCHANGE_TICKER.match(span.text)) and entity_key(m.group(1)) in keys]
