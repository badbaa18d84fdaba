"""Relation types as data: a TOML file of ``[[type]]`` tables (name, symmetric, triggers).

>>> [t.name for t in load_types()]
['partners-with', 'exclusive-with', 'revenue-share-capped']
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kg.errors import InputError


@dataclass(frozen=True)
class RelationType:
    """One edge type: its name, whether it is symmetric, and the deal-term labels that propose it."""

    name: str
    symmetric: bool
    triggers: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"name": self.name, "symmetric": self.symmetric, "triggers": list(self.triggers)}


def parse_types(text: str, source: str = "types file") -> list[RelationType]:
    """Types from TOML text; a bad file raises :class:`InputError` naming ``source``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: not valid TOML ({exc}); see kg/data/types.toml for the format") from exc
    rows = data.get("type")
    if not isinstance(rows, list) or not rows:
        raise InputError(f"{source}: no [[type]] tables; each needs name, symmetric and triggers")
    out = []
    for i, row in enumerate(rows, 1):
        name, sym, trig = row.get("name"), row.get("symmetric"), row.get("triggers")
        if not isinstance(name, str) or not name or not isinstance(sym, bool) or not (
                isinstance(trig, list) and trig and all(isinstance(t, str) for t in trig)):
            raise InputError(f"{source}: [[type]] number {i} needs name (text), symmetric (true/false) and "
                             "triggers (a list of span-ruler labels)")
        out.append(RelationType(name, sym, tuple(trig)))
    if len({t.name for t in out}) != len(out):
        raise InputError(f"{source}: a type name is listed twice")
    return out


def load_types(path: str | Path | None = None) -> list[RelationType]:
    """The packaged default types, or those of ``path``."""
    if path is None:
        return parse_types(resources.files("kg.data").joinpath("types.toml").read_text(encoding="utf-8"),
                           "kg/data/types.toml")
    path = Path(path)
    try:
        return parse_types(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the types file ({exc.strerror}); give a TOML file of [[type]] tables") from exc
