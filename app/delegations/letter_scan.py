"""What an uploaded letter may not hold: JavaScript, embedded files, launch actions and
automatic actions. Organisers open these letters, so a PDF that could run code or carry
another file is refused rather than stored.

The check walks every object reachable from the document's trailer with pypdf (the catalog
and its /OpenAction and /AA, the names tree with /JavaScript and /EmbeddedFiles, the pages
with their annotations and actions, outlines and forms), so names written with ``#xx``
escapes or packed in object streams are found as a viewer reads them; a scan of the raw bytes
for the long names backs it up for objects that no reference reaches.
"""

import re
from enum import StrEnum
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

# A 5 MB file holds far fewer objects; past this the file is refused rather than walked.
MAX_OBJECTS = 200_000
_RAW_NAMES = re.compile(rb"/(JavaScript|EmbeddedFiles?|Launch)(?![A-Za-z0-9])")


class Finding(StrEnum):
    javascript = "javascript"
    embedded_file = "embedded_file"
    action = "action"  # a launch action or an automatic (/AA) action
    too_complex = "too_complex"


_RAW_FINDINGS = {
    b"JavaScript": Finding.javascript,
    b"EmbeddedFile": Finding.embedded_file,
    b"EmbeddedFiles": Finding.embedded_file,
    b"Launch": Finding.action,
}


def _resolved(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _finding_in(dictionary: DictionaryObject) -> Finding | None:
    keys = set(dictionary.keys())
    if keys & {"/JS", "/JavaScript"}:
        return Finding.javascript
    if keys & {"/EmbeddedFiles", "/EF"}:
        return Finding.embedded_file
    if "/AA" in keys:
        return Finding.action
    kind = _resolved(dictionary.get("/S"))
    if kind == "/JavaScript":
        return Finding.javascript
    if kind == "/Launch":
        return Finding.action
    if kind == "/GoToE":  # go to a document embedded in this one
        return Finding.embedded_file
    if _resolved(dictionary.get("/Type")) == "/EmbeddedFile":
        return Finding.embedded_file
    if _resolved(dictionary.get("/Subtype")) == "/FileAttachment":
        return Finding.embedded_file
    return None


def scan(reader: PdfReader, raw: bytes) -> Finding | None:
    """The first forbidden thing found in the document, or None for a plain PDF."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    walked = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            reference = (item.idnum, item.generation)
            if reference in seen:
                continue
            seen.add(reference)
            item = item.get_object()
        walked += 1
        if walked > MAX_OBJECTS:
            return Finding.too_complex
        if isinstance(item, DictionaryObject):  # streams included: their dictionary
            finding = _finding_in(item)
            if finding is not None:
                return finding
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    match = _RAW_NAMES.search(raw)
    return None if match is None else _RAW_FINDINGS[match.group(1)]
