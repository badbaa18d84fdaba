"""The extractor's word lists, loaded once from ``kg/data/cues.toml`` (or a user file)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class Cues:
    generic_orgs: frozenset[str]
    descriptor_nouns: frozenset[str]
    span_breakers: frozenset[str]
    pay_verbs: frozenset[str]
    receive_verbs: frozenset[str]
    until_preps: frozenset[str]
    since_preps: frozenset[str]
    amount_qualifiers: tuple[str, ...]


@lru_cache(maxsize=4)
def load_cues(path: str | None = None) -> Cues:
    """Read the cue lists; ``path`` overrides the packaged file."""
    if path is None:
        raw = resources.files("kg.data").joinpath("cues.toml").read_text(encoding="utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    sets = {k: frozenset(w.casefold() for w in data.get(k, [])) for k in (
        "generic_orgs", "descriptor_nouns", "span_breakers", "pay_verbs", "receive_verbs",
        "until_preps", "since_preps")}
    quals = tuple(sorted((q.casefold() for q in data.get("amount_qualifiers", [])), key=len, reverse=True))
    return Cues(amount_qualifiers=quals, **sets)
