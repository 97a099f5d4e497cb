"""Markdown of outcome texts to safe HTML, and the differences between two revisions.

Markdown is parsed with raw HTML disabled, then the HTML is cleaned by nh3 to a small
allow-list, so neither a script nor an inline handler nor a ``javascript:`` link survives.
"""

import difflib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "s",
}  # fmt: skip
LINK_SCHEMES = {"http", "https", "mailto"}
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
        url_schemes=LINK_SCHEMES,
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


def markdown_blocks(text: str | None) -> list[dict[str, Any]]:
    """Markdown as plain data for a Typst template (the PDF): blocks (paragraphs, headings
    from level 2, lists, quotes, code, rules, tables) holding runs of text with their
    emphasis. The texts stay texts: the template sets them as strings, never as markup.
    Links keep their text, and their target only for http, https and mailto."""
    root: list[dict[str, Any]] = []
    stack: list[list[Any]] = [root]
    row: dict[str, Any] | None = None
    tokens = _parser().parse(text or "")
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "paragraph_open":
            continue
        if kind == "inline":
            spans = _spans(token.children or [])
            opener = tokens[index - 1].type if index else ""
            if opener == "heading_open":
                level = min(int(tokens[index - 1].tag[1:]) + 1, 4) if index else 2
                stack[-1].append({"kind": "heading", "level": max(level, 2), "spans": spans})
            elif opener in ("th_open", "td_open") and row is not None:
                row["cells"].append(spans)
            else:
                stack[-1].append({"kind": "paragraph", "spans": spans})
        elif kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1)
            block = {"kind": "list", "ordered": kind == "ordered_list_open", "start": start}
            block["items"] = []
            stack[-1].append(block)
            stack.append(block["items"])
        elif kind == "list_item_open":
            item: list[dict[str, Any]] = []
            stack[-1].append(item)
            stack.append(item)
        elif kind == "blockquote_open":
            block = {"kind": "quote", "blocks": []}
            stack[-1].append(block)
            stack.append(block["blocks"])
        elif kind in (
            "bullet_list_close",
            "ordered_list_close",
            "list_item_close",
            "blockquote_close",
        ):
            stack.pop()
        elif kind in ("code_block", "fence"):
            stack[-1].append({"kind": "code", "text": token.content.rstrip("\n")})
        elif kind == "hr":
            stack[-1].append({"kind": "rule"})
        elif kind == "table_open":
            table = {"kind": "table", "rows": []}
            stack[-1].append(table)
        elif kind == "tr_open":
            row = {"header": False, "cells": []}
            table["rows"].append(row)
        elif kind == "th_open" and row is not None:
            row["header"] = True
    return root


def _spans(children: list[Any]) -> list[dict[str, Any]]:
    """The runs of an inline token: text with its emphasis, a link's target, line breaks."""
    spans: list[dict[str, Any]] = []
    strong = emphasis = 0
    link = ""
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline", "image"):
            content = child.content
            spans.append(
                {
                    "text": content,
                    "strong": strong > 0,
                    "em": emphasis > 0,
                    "code": kind == "code_inline",
                    "link": link,
                }
            )
        elif kind == "softbreak":
            spans.append({"text": " ", "strong": False, "em": False, "code": False, "link": ""})
        elif kind == "hardbreak":
            spans.append({"break": True})
        elif kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        elif kind == "em_open":
            emphasis += 1
        elif kind == "em_close":
            emphasis -= 1
        elif kind == "link_open":
            href = str(child.attrGet("href") or "")
            link = href if href.split(":", 1)[0].lower() in LINK_SCHEMES else ""
        elif kind == "link_close":
            link = ""
    return spans
