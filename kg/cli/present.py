"""Plain-text renderings of relations and changes: lines fitted to a terminal, CSV, JSON.

Article text is untrusted: control characters (terminal escape sequences among them) are
removed and whitespace collapsed before anything is printed. Widths are counted in terminal
cells, so wide (CJK) characters and emoji count twice.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Iterable

from rich.cells import cell_len, set_cell_size

from kg.models import ATTR_KEYS, SYMMETRIC_TYPES, Change, Evidence, Relation

SEP = "  "
FORMATS = ("table", "csv", "jsonl", "json")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
SHORT_TYPES = {"partners-with": "partners", "exclusive-with": "exclusive", "revenue-share-capped": "rev-share"}
RELATION_HEADER = ("type", "edge", "status", "attributes", "conf", "first evidence")
CSV_COLUMNS = ("type", "source", "target", "status", *ATTR_KEYS, "confidence", "evidence_count",
               "first_doc", "first_date", "first_sentence")


def clean(text: object) -> str:
    """One printable line: control and bidi characters dropped, whitespace collapsed.

    >>> clean("Acme\\x1b[31m  Corp\\n")
    'Acme[31m Corp'
    """
    return " ".join(_CONTROL.sub("", str(text)).split())


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, with an ellipsis when cut.

    >>> fit("Hooli Corporation", 8), fit("Hooli", 8)
    ('Hooli C…', 'Hooli')
    """
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(0, width - 1)).rstrip() + "…" if width > 0 else ""


class Cell:
    """Text in a column; ``render(width)`` cuts it to ``width`` cells with an ellipsis."""

    def __init__(self, text: str) -> None:
        self.text = text

    @property
    def natural(self) -> int:
        return cell_len(self.text)

    def render(self, width: int) -> str:
        return fit(self.text, width)


class Tail(Cell):
    """``head`` + ``tail`` + ``extra``: the head is cut first, then the extra dropped; the tail (a date) stays.

    >>> [Tail("2026-04-28-acme-beta-deal", " · 2026-04-28", " (+2)").render(w) for w in (24, 14)]
    ['2026-… · 2026-04-28 (+2)', '… · 2026-04-28']
    """

    def __init__(self, head: str, tail: str, extra: str = "") -> None:
        super().__init__(head + tail + extra)
        self.head, self.tail, self.extra = head, tail, extra

    def render(self, width: int) -> str:
        if self.natural <= width:
            return self.text
        for end, least in ((self.tail + self.extra, 6), (self.tail, 1)):  # a few cells of the head beat the extra
            if (room := width - cell_len(end)) >= least:
                return fit(self.head, room) + end
        return fit(self.text, width)


class Pair(Cell):
    """``source ↔ target``: when cut, each name gives up room, the longer one first.

    >>> Pair("Amazon Web Services", "↔", "Hooli").render(18)
    'Amazon We… ↔ Hooli'
    """

    def __init__(self, source: str, arrow: str, target: str) -> None:
        super().__init__(f"{source} {arrow} {target}")
        self.source, self.arrow, self.target = source, arrow, target

    def render(self, width: int) -> str:
        if self.natural <= width:
            return self.text
        room = width - cell_len(self.arrow) - 2
        a, b = share([cell_len(self.source), cell_len(self.target)], room)
        return f"{fit(self.source, a)} {self.arrow} {fit(self.target, b)}" if min(a, b) >= 2 else fit(self.text, width)


def share(naturals: list[int], room: int, weights: list[int] | None = None) -> list[int]:
    """Widths for columns wanting ``naturals`` within ``room``: small ones whole, the rest a weighted share.

    >>> share([5, 40, 30], 45), share([5, 10], 30), share([40, 40], 30, [2, 1])
    ([5, 20, 20], [5, 10], [20, 10])
    """
    weights = weights or [1] * len(naturals)
    widths = [0] * len(naturals)
    left = sorted(range(len(naturals)), key=lambda i: naturals[i] / weights[i])
    while left:
        total = sum(weights[j] for j in left)
        i = left[0]
        if naturals[i] > max(0, room) * weights[i] // total:
            for j in left:
                widths[j] = max(0, room) * weights[j] // total
            break
        widths[i] = naturals[i]
        room -= naturals[i]
        left.pop(0)
    return widths


def pair(type_: str, source: str, target: str) -> Pair:
    """``source → target`` for revenue shares (payer → payee), ``A ↔ B`` for symmetric types.

    >>> pair("revenue-share-capped", "A", "B").text, pair("partners-with", "A", "B").text
    ('A → B', 'A ↔ B')
    """
    return Pair(clean(source), "↔" if type_ in SYMMETRIC_TYPES else "→", clean(target))


def attrs_text(attrs: dict[str, str]) -> str:
    """Key attributes in a fixed order.

    >>> attrs_text({"until": "2030", "percent": "20%"})
    '20% until 2030'
    """
    parts = []
    for key in ATTR_KEYS:
        if value := attrs.get(key):
            parts.append(clean(value) if key == "percent" else f"{'cap' if key == 'amount' else key} {clean(value)}")
    return " ".join(parts)


def where(ev: Evidence) -> Tail:
    """``doc · date`` of a piece of evidence (the date survives when the cell is cut)."""
    return Tail(clean(ev.doc_id), f" · {ev.published.isoformat() if ev.published else 'undated'}")


def _first(r: Relation) -> Cell:
    if not r.evidence:
        return Cell("")
    cell = where(r.evidence[0])
    return Tail(cell.head, cell.tail, f" (+{len(r.evidence) - 1})" if len(r.evidence) > 1 else "")


def relation_row(r: Relation, short: bool = False) -> list[Cell]:
    """The cells of one edge's line (see ``RELATION_HEADER``); ``short`` type names save room."""
    type_ = SHORT_TYPES.get(r.type, r.type) if short else r.type
    return [Cell(type_), pair(r.type, r.source, r.target), Cell(r.status), Cell(attrs_text(r.attrs)),
            Cell(f"{r.confidence:.2f}"), _first(r)]


def _natural(rows: list[list[Cell | str]]) -> int:
    """Width of the widest row when nothing is cut."""
    return max(sum(c.natural for c in _cells(row)) + cell_len(SEP) * (len(row) - 1) for row in rows)


def _cells(row: Iterable[Cell | str]) -> list[Cell]:
    return [c if isinstance(c, Cell) else Cell(c) for c in row]


def fit_rows(rows: list[list[Cell | str]], width: int, flexible: Iterable[int],
             weights: list[int] | None = None) -> list[str]:
    """Rows as aligned lines of at most ``width`` cells; the ``flexible`` columns share what room is left.

    >>> fit_rows([["a", "long text here", "x"]], 12, flexible=[1])
    ['a  long…   x']
    """
    if not rows:
        return []
    table = [_cells(row) for row in rows]
    widths = [max(row[i].natural for row in table) for i in range(len(table[0]))]
    flexible = list(flexible)
    room = width - cell_len(SEP) * (len(widths) - 1) - sum(w for i, w in enumerate(widths) if i not in flexible)
    if sum(widths) + cell_len(SEP) * (len(widths) - 1) > width:
        for i, w in zip(flexible, share([widths[i] for i in flexible], room, weights)):
            widths[i] = w
    lines = []
    for row in table:
        cells = [set_cell_size(cell.render(w), w) for cell, w in zip(row, widths)]
        lines.append(fit(SEP.join(cells).rstrip(), width))
    return lines


def relation_lines(rels: list[Relation], width: int, *, evidence: bool = False) -> list[str]:
    """One line per edge (and with ``evidence``, its sentences below it), no line wider than ``width``."""
    rows = [list(RELATION_HEADER), *(relation_row(r) for r in rels)]
    if _natural(rows) > width:
        rows = [list(RELATION_HEADER), *(relation_row(r, short=True) for r in rels)]
    lines = fit_rows(rows, width, flexible=(1, 3, 5), weights=[3, 2, 3])
    if not evidence:
        return lines
    out = [lines[0]]
    for line, r in zip(lines[1:], rels):
        out.append(line)
        for ev in r.evidence:
            text = f"{where(ev).text} · {ev.status}: {clean(ev.sentence)}"
            out += [fit(w, width) for w in textwrap.wrap(text, max(20, width - 4), initial_indent="    ",
                                                          subsequent_indent="      ")]
    return out


def change_row(c: Change, short: bool = False) -> list[Cell]:
    """The cells of one change's line: date, type, edge, from → to, the sentence that shows it."""
    said = clean(c.evidence[0].sentence) if c.evidence else ""
    type_ = SHORT_TYPES.get(c.type, c.type) if short else c.type
    return [Cell(c.date.isoformat() if c.date else "undated"), Cell(type_), pair(c.type, c.source, c.target),
            Cell(f"{c.from_status or 'new'} → {c.to_status}"), Cell(said)]


def change_lines(changes: list[Change], undated: list[Change], width: int) -> list[str]:
    """Changes by date, one line each, then undated evidence apart; no line wider than ``width``."""
    header = ["date", "type", "edge", "change", "evidence"]
    short = _natural([header, *(change_row(c) for c in [*changes, *undated])]) > width
    lines = fit_rows([header, *(change_row(c, short) for c in changes)], width, flexible=(2, 4), weights=[3, 2])
    if undated:
        lines += ["", fit(f"{len(undated)} undated reading(s), not placed in time:", width)]
        lines += fit_rows([change_row(c, short) for c in undated], width, flexible=(2, 4), weights=[3, 2])
    return lines


def relations_csv(rels: list[Relation]) -> str:
    """One CSV row per edge (``CSV_COLUMNS``) with its first evidence."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rels:
        ev = r.evidence[0] if r.evidence else None
        writer.writerow([r.type, r.source, r.target, r.status, *(r.attrs.get(k, "") for k in ATTR_KEYS),
                         f"{r.confidence:.3f}", len(r.evidence), ev.doc_id if ev else "",
                         ev.published.isoformat() if ev and ev.published else "", ev.sentence if ev else ""])
    return buf.getvalue()


def relations_json(rels: list[Relation], fmt: str) -> str:
    """``jsonl``: one relation per line; ``json``: one array."""
    if fmt == "jsonl":
        return "".join(r.model_dump_json() + "\n" for r in rels)
    return json.dumps([r.model_dump(mode="json") for r in rels], ensure_ascii=False, indent=2) + "\n"
