"""Check gold or training passages (JSON Lines) against the gold format of the annotation guidelines.

Checks: every line is valid JSON with the required keys (id, published, text, entities,
relations; url and notes optional; text_file, a text file relative to the gold file, instead of
text); ids are unique; every entity name or alias occurs in the
text as a whole word; every relation endpoint is an entity name; no self-loops or duplicate
edges (symmetric types in either order); types, statuses and attribute keys are valid and
attribute values occur in the text; passages are MIN-MAX words.

Usage: .venv/bin/python data/check_more_gold.py [PATH ...] [--types TYPES.toml]
       [--min-words N] [--max-words N] [--exact-keys]
Without a path it checks data/more_gold.jsonl (which must have exactly the keys
id, url, published, text, entities, relations). `--types` replaces the three built-in
types by those of a types file ([[type]] tables with name and symmetric). Prints the
edge counts per type and status. Exit status 1 if any problem is found.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

BUILTIN_TYPES = {"partners-with": True, "exclusive-with": True, "revenue-share-capped": False}
STATUSES = {"active", "ended", "planned"}
ATTRS = {"percent", "amount", "until", "since"}
REQUIRED = {"id", "published", "text", "entities", "relations"}
OPTIONAL = {"url", "notes"}
MIN_WORDS, MAX_WORDS = 60, 220


def load_types(path: Path) -> dict[str, bool]:
    """Relation type names and whether each is symmetric, from a types file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {t["name"]: bool(t.get("symmetric", False)) for t in data.get("type", [])}


def occurs(spelling: str, text: str) -> bool:
    """Whether `spelling` occurs in `text`, not inside a longer word."""
    return re.search(rf"(?<!\w){re.escape(spelling)}(?!\w)", text) is not None


def check_entities(rec: dict, where: str, problems: list[str]) -> set[str]:
    """Entity names of a passage; records spellings missing from the text."""
    names: set[str] = set()
    for ent in rec["entities"]:
        name = ent.get("name")
        if not name:
            problems.append(f"{where}: entity without a name")
            continue
        if name in names:
            problems.append(f"{where}: entity {name!r} listed twice")
        names.add(name)
        for spelling in [name, *ent.get("aliases", [])]:
            if not occurs(spelling, rec["text"]):
                problems.append(f"{where}: {spelling!r} does not occur in the text")
    return names


def check_relations(rec: dict, names: set[str], types: dict[str, bool], where: str,
                    problems: list[str], counts: Counter) -> None:
    """Records problems with the relations of one passage and counts them by type and status."""
    seen: set[tuple] = set()
    for rel in rec["relations"]:
        rtype, src, tgt = rel.get("type"), rel.get("source"), rel.get("target")
        desc = f"{rtype} {src} -> {tgt}"
        counts[(rtype, rel.get("status"))] += 1
        if rtype not in types:
            problems.append(f"{where}: {desc}: unknown type")
        if rel.get("status") not in STATUSES:
            problems.append(f"{where}: {desc}: bad status {rel.get('status')!r}")
        for end in ("source", "target"):
            if rel.get(end) not in names:
                problems.append(f"{where}: {desc}: {end} is not an entity name")
        if src == tgt:
            problems.append(f"{where}: {desc}: self-loop")
        key = (rtype, *sorted([str(src), str(tgt)])) if types.get(rtype) else (rtype, src, tgt)
        if key in seen:
            problems.append(f"{where}: {desc}: duplicate edge")
        seen.add(key)
        for attr, value in (rel.get("attrs") or {}).items():
            if attr not in ATTRS:
                problems.append(f"{where}: {desc}: unknown attr {attr!r}")
            if not isinstance(value, str) or value not in rec["text"]:
                problems.append(f"{where}: {desc}: attr {attr}={value!r} not in the text")


def check_record(rec: object, where: str, opts: argparse.Namespace, types: dict[str, bool],
                 problems: list[str], counts: Counter) -> str | None:
    """Checks one parsed line; returns its id when its keys are usable."""
    keys = set(rec) if isinstance(rec, dict) else set()
    if opts.exact_keys and keys != REQUIRED | {"url"}:
        problems.append(f"{where}: keys must be exactly {sorted(REQUIRED | {'url'})}")
        return None
    if not REQUIRED <= keys or keys - REQUIRED - OPTIONAL:
        problems.append(f"{where}: keys must be {sorted(REQUIRED)} plus optional {sorted(OPTIONAL)}")
        return None
    where = f"{rec['id']} ({where})"
    text = rec["text"]
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: empty text")
        return rec["id"]
    pub = rec["published"]
    if pub is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(pub)):
        problems.append(f"{where}: published must be YYYY-MM-DD or null")
    words = len(text.split())
    if not opts.min_words <= words <= opts.max_words:
        problems.append(f"{where}: {words} words (want {opts.min_words}-{opts.max_words})")
    names = check_entities(rec, where, problems)
    check_relations(rec, names, types, where, problems, counts)
    return rec["id"]


def by_reference(rec: dict, path: Path, where: str, problems: list[str]) -> dict | None:
    """A passage annotated by reference with its text read in: `text_file` names a UTF-8 file relative to
    the gold file, so the gold file holds no article text. None (and a problem) when it cannot be read."""
    name = rec["text_file"]
    try:
        text = (path.parent / name).read_text(encoding="utf-8")
    except (OSError, TypeError, UnicodeDecodeError) as exc:
        problems.append(f"{where}: cannot read text_file {name!r} ({exc.__class__.__name__})")
        return None
    return {key: value for key, value in rec.items() if key != "text_file"} | {"text": text}


def check(path: Path, opts: argparse.Namespace, types: dict[str, bool]) -> list[str]:
    """All problems of one file; prints a one-line summary and the edge counts."""
    problems: list[str] = []
    seen: set[str] = set()
    counts: Counter = Counter()
    passages = 0
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"line {lineno}"
        if not line.strip():
            problems.append(f"{where}: blank line")
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: invalid JSON ({exc})")
            continue
        passages += 1
        if isinstance(rec, dict) and "text_file" in rec and "text" not in rec:
            rec = by_reference(rec, path, where, problems)
            if rec is None:
                continue
        pid = check_record(rec, where, opts, types, problems, counts)
        if pid is not None and pid in seen:
            problems.append(f"{pid} ({where}): duplicate id")
        seen.add(pid)
    print(f"{path}: {passages} passages, {sum(counts.values())} relations, {len(problems)} problem(s)")
    for (rtype, status), n in sorted(counts.items(), key=str):
        print(f"  {rtype:22} {status:8} {n}")
    return problems


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options; no path means data/more_gold.jsonl with its exact keys."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--types", type=Path, help="a types file replacing the built-in three types")
    parser.add_argument("--min-words", type=int, default=MIN_WORDS)
    parser.add_argument("--max-words", type=int, default=MAX_WORDS)
    parser.add_argument("--exact-keys", action="store_true", help="keys exactly as in more_gold.jsonl")
    opts = parser.parse_args(argv)
    if not opts.paths:
        opts.paths = [Path(__file__).with_name("more_gold.jsonl")]
        opts.exact_keys = True
    return opts


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    types = load_types(opts.types) if opts.types else BUILTIN_TYPES
    problems = [p for path in opts.paths for p in check(path, opts, types)]
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
