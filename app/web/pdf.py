"""PDF rendering with Typst: a static template per document (templates/**/*.typ) and its
data as one JSON string.

Nothing a person typed is ever part of Typst markup: the templates read the data with
``json(bytes(sys.inputs.data))`` and set every text as a string, so ``*bold*``, ``#panic()``
or ``$x$`` in a title print as typed. Every label is translated in Python (gettext) before it
is put in the data. Only the fonts shipped in app/static/fonts (Noto Sans, Noto Naskh Arabic,
cut down to the characters printed) are used, neither the system's nor Typst's own, so a PDF
looks the same on every machine; Typst shapes Arabic right-to-left itself (no system library).

Each document is compiled in a short-lived process of its own (app/web/typst_process.py,
about 0.1 s more than in-process): Typst's library, fonts and caches, some 40 MB, are given
back to the system when it ends, instead of staying in every server worker. Renderings are
serialised (one at a time per worker, so that a burst does not start a process per request).

Published documents are rendered in the background by one thread the process owns
(``render_later``), so that their first reader gets a stored copy; a copy that is missing
(the process stopped first, or the copy was deleted) is rendered on demand.
"""

import json
import logging
import queue
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.config import ROOT_DIR
from app.observability.metrics import PDF_RENDERING_SECONDS

FONTS_DIR = ROOT_DIR / "app" / "static" / "fonts"
TEMPLATES_DIR = ROOT_DIR / "templates"
TYPST_PROCESS = Path(__file__).with_name("typst_process.py")
logger = logging.getLogger(__name__)

_render_lock = threading.Lock()


class PdfRenderingError(RuntimeError):
    """Typst refused a template or its data (a defect of ours, never of the data)."""


_preloaded = threading.Event()


def preload() -> None:
    """Compile a one-line document once a process, so that Typst's library and the fonts
    are in the system's file cache before the first PDF a reader asks for (an application
    started again in the same process, as the tests do, finds them there already)."""
    if _preloaded.is_set():
        return
    _preloaded.set()
    compile_typst(TEMPLATES_DIR / "preload.typ", {})


def compile_typst(template: Path, data: dict[str, Any]) -> tuple[bytes, list[str]]:
    """Compile a Typst template with its data to a tagged PDF/UA-1 document, and Typst's
    warnings. A character the shipped fonts lack (an emoji, a script they do not cover) is
    printed as a box, in a tagged PDF that no longer claims PDF/UA, with a warning."""
    request = {
        "template": str(template),
        "inputs": {"data": json.dumps(data, ensure_ascii=False, default=str)},
        "fonts": str(FONTS_DIR),
        "root": str(TEMPLATES_DIR),
    }
    with _render_lock:
        finished = subprocess.run(  # noqa: S603 - this interpreter and our own script
            [sys.executable, "-I", str(TYPST_PROCESS)],
            input=json.dumps(request).encode(),
            capture_output=True,
            check=False,
        )
    lines = finished.stderr.decode(errors="replace").strip().splitlines()
    try:
        outcome = json.loads(lines[-1])
    except (IndexError, ValueError):
        outcome = {"error": "\n".join(lines[-5:]) or f"exit status {finished.returncode}"}
    if finished.returncode != 0 or "error" in outcome:
        raise PdfRenderingError(f"{template.name}: {outcome.get('error')}")
    return finished.stdout, outcome.get("warnings", [])


def render_pdf(template: Path, data: dict[str, Any]) -> bytes:
    """Render a document to PDF bytes (A4, tagged PDF/UA-1, the shipped fonts)."""
    with PDF_RENDERING_SECONDS.time():
        content, warnings = compile_typst(template, data)
    for warning in warnings:
        logger.warning("Typst warned while rendering %s: %s", template.name, warning)
    return content


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
