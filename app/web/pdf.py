"""PDF rendering with Typst, in-process: a static template per document (templates/**/*.typ)
and its data as one JSON string.

Nothing a person typed is ever part of Typst markup: the templates read the data with
``json(bytes(sys.inputs.data))`` and set every text as a string, so ``*bold*``, ``#panic()``
or ``$x$`` in a title print as typed. Every label is translated in Python (gettext) before it
is put in the data. Only the fonts shipped in app/static/fonts (Noto Sans, Noto Naskh Arabic,
cut down to the characters printed) are used, neither the system's nor Typst's own, so a PDF
looks the same on every machine; Typst shapes Arabic right-to-left itself (no system library).

Typst is imported inside the functions, so that a process that renders no PDF does not load
it. One compiler is kept per process (it holds the fonts); compiling is serialised by a lock
(the compiler is one mutable object).

Published documents are rendered in the background by one thread the process owns
(``render_later``), so that their first reader gets a stored copy; a copy that is missing
(the process stopped first, or the copy was deleted) is rendered on demand.
"""

import ctypes
import ctypes.util
import json
import logging
import queue
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.config import ROOT_DIR
from app.observability.metrics import PDF_RENDERING_SECONDS

FONTS_DIR = ROOT_DIR / "app" / "static" / "fonts"
TEMPLATES_DIR = ROOT_DIR / "templates"
logger = logging.getLogger(__name__)

_render_lock = threading.Lock()
MISSING_GLYPH = "could not be displayed with font"


class PdfRenderingError(RuntimeError):
    """Typst refused a template or its data (a defect of ours, never of the data)."""


@lru_cache(maxsize=1)
def _compiler() -> Any:
    import typst

    fonts = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(FONTS_DIR)]
    )
    return typst.Compiler(root=str(TEMPLATES_DIR), font_paths=fonts)


def preload() -> None:
    """Load Typst and the shipped fonts ahead of the first PDF (a few milliseconds)."""
    with _render_lock:
        _compiler()


def compile_typst(template: Path, data: dict[str, Any]) -> tuple[bytes, list[str]]:
    """Compile a Typst template with its data to a tagged PDF/UA-1 document, and Typst's
    warnings (a missing font or glyph among them)."""
    import typst

    inputs = {"data": json.dumps(data, ensure_ascii=False, default=str)}
    with _render_lock:
        try:
            try:
                content, warnings = _compiler().compile_with_warnings(
                    input=str(template), format="pdf", sys_inputs=inputs, pdf_standards=["ua-1"]
                )
            except typst.TypstError as error:
                if MISSING_GLYPH not in error.message:
                    raise
                # PDF/UA forbids a character the fonts lack (a script they do not cover, an
                # emoji): the document is still printed, tagged, with a box in its place.
                content, warnings = _compiler().compile_with_warnings(
                    input=str(template), format="pdf", sys_inputs=inputs
                )
                warnings = [error, *warnings]
        except typst.TypstError as error:
            raise PdfRenderingError(f"{template.name}: {error.message}") from error
        finally:
            _release_memory()
    return content, [warning.message for warning in warnings]


def render_pdf(template: Path, data: dict[str, Any]) -> bytes:
    """Render a document to PDF bytes (A4, tagged PDF/UA-1, the shipped fonts)."""
    with PDF_RENDERING_SECONDS.time():
        content, warnings = compile_typst(template, data)
    for warning in warnings:
        logger.warning("Typst warned while rendering %s: %s", template.name, warning)
    return content


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (AttributeError, OSError):  # not glibc
        return None


def _release_memory() -> None:
    """Give the memory a rendering freed back to the system (glibc keeps it otherwise, in the
    arena of the thread that rendered): a millisecond, a few MB a worker."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


RIGHT_TO_LEFT = frozenset(("R", "AL"))
LEFT_TO_RIGHT = frozenset(("L", "EN", "AN"))


def needs_isolation(text: str | None, direction: str) -> bool:
    """Whether a text set inside a line of this direction must be isolated to keep its order
    and punctuation: it holds letters (or, right-to-left, digits) of the other direction."""
    other = LEFT_TO_RIGHT if direction == "rtl" else RIGHT_TO_LEFT
    return any(unicodedata.bidirectional(char) in other for char in text or "")


def isolated(text: str | None, direction: str, *, always: bool = False) -> str:
    """The text between Unicode isolates (FSI … PDI) where its direction differs from the
    line's, so that a name of the other direction keeps its order and punctuation."""
    if not text:
        return text or ""
    return f"\u2068{text}\u2069" if always or needs_isolation(text, direction) else text


_jobs: "queue.Queue[Callable[[], None]] | None" = None
_jobs_lock = threading.Lock()


def start_background_rendering() -> None:
    """Start the process's rendering thread (once); until then ``render_later`` does nothing."""
    global _jobs
    with _jobs_lock:
        if _jobs is not None:
            return
        _jobs = queue.Queue()
        _jobs.put(preload)
        threading.Thread(target=_run_jobs, args=(_jobs,), name="pdf-rendering", daemon=True).start()


def _run_jobs(jobs: "queue.Queue[Callable[[], None]]") -> None:
    while True:
        job = jobs.get()
        try:
            job()
        except Exception:
            # The copy will be rendered on demand instead; nothing is lost.
            logger.exception("Rendering a PDF in the background failed")


def render_later(job: Callable[[], None]) -> None:
    """Queue a rendering for the background thread (after the current unit of work)."""
    if _jobs is not None:
        _jobs.put(job)
