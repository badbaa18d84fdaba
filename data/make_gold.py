"""Build data/gold.jsonl from data/annotations.toml and the article files.

The text of each gold line is taken from ``data/articles/<id>.txt`` exactly as
kg reads it: everything after the ``Published: YYYY-MM-DD`` line and the blank
line that follows it (starting at the headline), verbatim.
The annotations (entities, relations) are written by hand in the TOML file.

Usage::

    .venv/bin/python data/make_gold.py            # write data/gold.jsonl
    .venv/bin/python data/make_gold.py --check    # validate only; exit 1 if gold.jsonl is stale
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARTICLES = HERE / "articles"
ANNOTATIONS = HERE / "annotations.toml"
GOLD = HERE / "gold.jsonl"

TYPES = {"partners-with", "exclusive-with", "revenue-share-capped"}
STATUSES = {"active", "ended", "planned"}
ATTR_KEYS = {"percent", "amount", "until", "since"}
SYMMETRIC = {"partners-with", "exclusive-with"}


def read_article(path: Path) -> tuple[str, str]:
    """(published ISO date, text) of an article file."""
    raw = path.read_text(encoding="utf-8")
    if "\r" in raw:
        raise ValueError(f"{path}: use LF line endings")
    first, sep, rest = raw.partition("\n")
    if not first.startswith("Published: ") or not sep:
        raise ValueError(f"{path}: first line must be 'Published: YYYY-MM-DD'")
    published = first.removeprefix("Published: ").strip()
    dt.date.fromisoformat(published)
    if not rest.startswith("\n") or rest.startswith("\n\n"):
        raise ValueError(f"{path}: exactly one blank line must follow the Published line")
    text = rest[1:]  # verbatim, final newline included
    if not text.strip() or text[0].isspace() or not text.endswith("\n") or text.endswith("\n\n"):
        raise ValueError(f"{path}: text must start with the headline and end with one newline")
    return published, text


def validate(record: dict) -> list[str]:
    """Problems with one gold record (empty when it is valid)."""
    problems: list[str] = []
    rid, text = record["id"], record["text"]
    names: set[str] = set()
    for ent in record["entities"]:
        name = ent["name"]
        if name in names:
            problems.append(f"{rid}: entity {name!r} listed twice")
        names.add(name)
        spellings = [name, *ent.get("aliases", [])]
        if not any(s in text for s in spellings):
            problems.append(f"{rid}: entity {name!r} (or an alias) does not occur in the text")
        for alias in ent.get("aliases", []):
            if alias not in text:
                problems.append(f"{rid}: alias {alias!r} of {name!r} does not occur in the text")
    seen: set[tuple] = set()
    for rel in record["relations"]:
        if rel["type"] not in TYPES:
            problems.append(f"{rid}: unknown relation type {rel['type']!r}")
        if rel["status"] not in STATUSES:
            problems.append(f"{rid}: unknown status {rel['status']!r}")
        for end in ("source", "target"):
            if rel[end] not in names:
                problems.append(f"{rid}: {end} {rel[end]!r} is not in entities")
        if rel["source"] == rel["target"]:
            problems.append(f"{rid}: self-loop on {rel['source']!r}")
        for key, value in rel.get("attrs", {}).items():
            if key not in ATTR_KEYS:
                problems.append(f"{rid}: unknown attr {key!r}")
            elif value not in text:
                problems.append(f"{rid}: attr {key}={value!r} is not written in the text")
        ends = (rel["source"], rel["target"])
        key = (rel["type"], *(sorted(ends) if rel["type"] in SYMMETRIC else ends))
        if key in seen:
            problems.append(f"{rid}: duplicate relation {key}")
        seen.add(key)
    return problems


def build() -> list[dict]:
    """Gold records, one per annotated article, in id order; raises on any problem."""
    data = tomllib.loads(ANNOTATIONS.read_text(encoding="utf-8"))
    annotated = {a["id"]: a for a in data["article"]}
    files = {p.stem: p for p in ARTICLES.glob("*.txt")}
    problems = [f"{i}: no article file" for i in sorted(annotated.keys() - files.keys())]
    problems += [f"{i}: article has no annotation" for i in sorted(files.keys() - annotated.keys())]
    records = []
    for rid in sorted(annotated.keys() & files.keys()):
        ann = annotated[rid]
        published, text = read_article(files[rid])
        record = {
            "id": rid,
            "url": None,
            "published": published,
            "text": text,
            "entities": [
                {"name": e["name"], "aliases": list(e.get("aliases", []))} for e in ann["entities"]
            ],
            "relations": [
                {
                    "type": r["type"],
                    "source": r["source"],
                    "target": r["target"],
                    "status": r.get("status", "active"),
                    "attrs": dict(r.get("attrs", {})),
                }
                for r in ann["relations"]
            ],
        }
        problems += validate(record)
        records.append(record)
    if problems:
        raise SystemExit("gold annotations are invalid:\n  " + "\n  ".join(problems))
    return records


def render(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="validate; fail if gold.jsonl is out of date")
    args = parser.parse_args(argv)
    out = render(build())
    if args.check:
        if not GOLD.exists() or GOLD.read_text(encoding="utf-8") != out:
            print(f"{GOLD} is out of date; run data/make_gold.py", file=sys.stderr)
            return 1
        print(f"{GOLD} is up to date")
        return 0
    GOLD.write_text(out, encoding="utf-8")
    n_rel = sum(len(r["relations"]) for r in json.loads("[" + ",".join(out.splitlines()) + "]"))
    print(f"wrote {GOLD} ({out.count(chr(10))} articles, {n_rel} relations)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
