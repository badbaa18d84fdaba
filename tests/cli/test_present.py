"""kg.cli.present: lines fitted to a terminal whatever the text (wide characters, escapes, long names)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from kg.models import Evidence, Relation
from kg.cli.present import clean, fit, relation_lines, relations_csv

names = st.text(min_size=1, max_size=60).map(str.strip).filter(bool)


def relation(source, target, sentence, doc="d1", type_="revenue-share-capped"):
    ev = Evidence(doc_id=doc, sentence=sentence, start=0, end=len(sentence), published=dt.date(2026, 1, 5))
    return Relation(type=type_, source=source, target=target, attrs={"percent": "20%", "until": "2030"}, evidence=[ev])


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(names, names, st.text(max_size=200), names), min_size=1, max_size=6),
       width=st.integers(20, 200), evidence=st.booleans())
def test_no_line_is_wider_than_the_terminal(rows, width, evidence):
    rels = [relation(a, b, s, doc) for a, b, s, doc in rows]
    lines = relation_lines(rels, width, evidence=evidence)
    assert all(cell_len(line) <= width for line in lines)
    assert all("\n" not in line and "\x1b" not in line for line in lines)
    if not evidence:
        assert len(lines) == len(rels) + 1


def test_wide_characters_count_twice():
    line = relation_lines([relation("株式会社グロービックス", "Hooli", "…")], 40)[1]
    assert cell_len(line) <= 40 < len(line) * 2
    assert fit("株式会社", 5) == "株式…"


def test_escape_sequences_and_bidi_overrides_are_removed():
    assert clean("Hooli\x1b]0;pwned\x07 \u202eInc\n\tCorp") == "Hooli]0;pwned Inc Corp"


def test_csv_keeps_the_text_as_it_is():
    text = relations_csv([relation('Hooli, "the search group"', "Globex", "Line one.\nLine two.")])
    assert '"Hooli, ""the search group"""' in text and '"Line one.\nLine two."' in text
