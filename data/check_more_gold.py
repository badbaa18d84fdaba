"""Check data/more_gold.jsonl against the gold format of the annotation guidelines.

Checks: every line is valid JSON with the expected keys; ids are unique;
every entity name or alias and every attribute value occurs in the text;
every relation endpoint is an entity name; types, statuses and attribute
keys are valid; passages are 60-220 words.

Usage: .venv/bin/python data/check_more_gold.py [path]
Exit status 1 if any problem is found.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

TYPES = {"partners-with", "exclusive-with", "revenue-share-capped"}
STATUSES = {"active", "ended", "planned"}
ATTRS = {"percent", "amount", "until", "since"}
KEYS = {"id", "url", "published", "text", "entities", "relations"}
MIN_WORDS, MAX_WORDS = 60, 220


def check(path: Path) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    counts = {"passages": 0, "relations": 0}
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
        if not isinstance(rec, dict) or set(rec) != KEYS:
            problems.append(f"{where}: keys must be exactly {sorted(KEYS)}")
            continue
        pid = rec["id"]
        where = f"{pid} (line {lineno})"
        if pid in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(pid)
        counts["passages"] += 1
        text = rec["text"]
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: empty text")
            continue
        pub = rec["published"]
        if pub is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", pub):
            problems.append(f"{where}: published must be YYYY-MM-DD or null")
        words = len(text.split())
        if not MIN_WORDS <= words <= MAX_WORDS:
            problems.append(f"{where}: {words} words (want {MIN_WORDS}-{MAX_WORDS})")
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
                if spelling not in text:
                    problems.append(f"{where}: {spelling!r} does not occur in the text")
        for rel in rec["relations"]:
            counts["relations"] += 1
            desc = f"{rel.get('type')} {rel.get('source')} -> {rel.get('target')}"
            if rel.get("type") not in TYPES:
                problems.append(f"{where}: {desc}: unknown type")
            if rel.get("status") not in STATUSES:
                problems.append(f"{where}: {desc}: bad status {rel.get('status')!r}")
            for end in ("source", "target"):
                if rel.get(end) not in names:
                    problems.append(f"{where}: {desc}: {end} is not an entity name")
            if rel.get("source") == rel.get("target"):
                problems.append(f"{where}: {desc}: self-loop")
            for key, value in (rel.get("attrs") or {}).items():
                if key not in ATTRS:
                    problems.append(f"{where}: {desc}: unknown attr {key!r}")
                if not isinstance(value, str) or value not in text:
                    problems.append(f"{where}: {desc}: attr {key}={value!r} not in the text")
    print(f"{path}: {counts['passages']} passages, {counts['relations']} relations, "
          f"{len(problems)} problem(s)")
    return problems


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("more_gold.jsonl")
    problems = check(path)
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
