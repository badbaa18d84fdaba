"""Saved news pages to text with trafilatura: the article's main text, its title and publication date.

Menus, cookie banners, sidebars, related links, comment threads and footers are dropped; the date
comes from the page's metadata (meta tags, JSON-LD, ``<time>``, the canonical URL) through
htmldate, never from dates mentioned in the text. Nothing here touches the network: trafilatura
gets the HTML as a string and no URL, so neither it nor htmldate fetches anything.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import NamedTuple

from kg.read.textsafe import parse_date

# Only markup says when a page was published; dates in the running text ("since 2020") are not guesses we want.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
# A page whose "main text" is mostly the text of its links is a front page or a list of headlines.
MAX_LINK_SHARE = 0.8


class Page(NamedTuple):
    """Main text (paragraphs separated by blank lines), title and publication date of one page."""

    text: str
    title: str | None
    published: dt.date | None


def read_page(html: str) -> Page:
    """The main text, title and date of a saved news page; ``text`` is "" when it has no article text.

    >>> page = read_page('<html><head><title>Deal</title><meta property="article:published_time" '
    ...     'content="2026-04-27T09:00Z"></head><body><nav><a href="/">Home</a></nav><article>'
    ...     '<p>Acme &amp; Beta sign.</p><p>More text.</p></article></body></html>')
    >>> page.text, page.title, page.published
    ('Deal\\n\\nAcme & Beta sign.\\n\\nMore text.', 'Deal', datetime.date(2026, 4, 27))
    """
    import trafilatura  # imported here: ~0.2 s, and only HTML inputs need it
    from trafilatura.utils import load_html

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs a warning for every empty page
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    tree = load_html(html) if html.strip() else None
    if tree is None and html.strip():  # a fragment without <html>: trafilatura wants a whole page
        tree = load_html(f"<html><body>{html}</body></html>")
    if tree is None:
        return Page("", None, None)
    anchors = {" ".join(a.text_content().split()) for a in tree.iter("a")}  # before trafilatura prunes the tree
    result = trafilatura.bare_extraction(
        tree, with_metadata=True, include_comments=False, include_tables=True, favor_precision=True,
        deduplicate=False, date_extraction_params=_DATE_PARAMS, prune_xpath=["//template", "//noscript"],
    )
    if result is None:
        return Page("", _title(tree), None)
    text = "\n\n".join(line.strip() for line in (result.text or "").splitlines() if line.strip())
    if text and _link_share(anchors, text) > MAX_LINK_SHARE:
        text = ""
    title = " ".join((result.title or "").split()) or _title(tree)
    if text and title and text.split("\n", 1)[0].strip() != title:
        text = f"{title}\n\n{text}"  # the headline, as in a .txt article, unless the main text opens with it
    return Page(text, title, parse_date(result.date))


def _title(tree) -> str | None:
    found = " ".join((tree.findtext(".//title") or "").split())
    return found or None


def _link_share(anchors: set[str], text: str) -> float:
    """How much of ``text`` is the text of the page's links."""
    flat = " ".join(text.split())
    linked = sum(len(a) for a in anchors if len(a) > 2 and a in flat)
    return linked / max(1, len(flat))
