"""Markdown of outcome texts to safe HTML, and the differences between two revisions.

Markdown is parsed with raw HTML disabled, then the HTML is cleaned by nh3 to a small
allow-list, so neither a script nor an inline handler nor a ``javascript:`` link survives.
"""

import difflib
from dataclasses import dataclass
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "s",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


@lru_cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str | None) -> Markup:
    """Markdown as sanitised HTML (headings start at h2: the page holds the h1)."""
    if not text:
        return Markup("")
    html = _parser().render(text).replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 - cleaned by nh3 just above


@dataclass(frozen=True)
class DiffLine:
    op: str  # "equal", "insert" or "delete"
    text: str


def diff_texts(before: str | None, after: str | None) -> list[DiffLine]:
    """Line by line differences of two texts (escaped when shown, never trusted)."""
    old, new = (before or "").splitlines(), (after or "").splitlines()
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new).get_opcodes():
        if tag == "equal":
            lines.extend(DiffLine("equal", text) for text in old[i1:i2])
            continue
        if tag in ("delete", "replace"):
            lines.extend(DiffLine("delete", text) for text in old[i1:i2])
        if tag in ("insert", "replace"):
            lines.extend(DiffLine("insert", text) for text in new[j1:j2])
    return lines
