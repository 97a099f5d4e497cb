"""PDF rendering with WeasyPrint from the same HTML templates as the pages.

The fonts shipped in app/static/fonts (Noto Sans, Noto Naskh Arabic, cut down to the
characters printed) are declared here, so a PDF looks the same on every machine and Arabic is
shaped (Pango/HarfBuzz) right-to-left. WeasyPrint is imported inside the functions: it is slow
to import and only PDFs need it. The font configuration and the stylesheets are made once per
process; rendering is serialised (Pango's font map is not shared between threads).

Published documents are rendered in the background by one thread the process owns
(``render_later``), so that their first reader gets a stored copy; a copy that is missing
(the process stopped first, or the copy was deleted) is rendered on demand.
"""

import atexit
import ctypes
import ctypes.util
import logging
import queue
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from app import i18n
from app.config import ROOT_DIR
from app.observability.metrics import PDF_RENDERING_SECONDS
from app.web import labels

FONTS_DIR = ROOT_DIR / "app" / "static" / "fonts"
STATIC_DIR = ROOT_DIR / "app" / "static"
logger = logging.getLogger(__name__)

FONT_FACES = "\n".join(
    f"@font-face {{ font-family: '{family}'; font-weight: {weight}; "
    f"src: url('{(FONTS_DIR / filename).as_uri()}'); }}"
    for family, weight, filename in (
        ("Noto Sans", 400, "NotoSans-Regular.ttf"),
        ("Noto Sans", 700, "NotoSans-Bold.ttf"),
        ("Noto Naskh Arabic", 400, "NotoNaskhArabic-Regular.ttf"),
        ("Noto Naskh Arabic", 700, "NotoNaskhArabic-Bold.ttf"),
    )
)

BASE_PRINT_CSS = (
    FONT_FACES
    + """
html { font-family: 'Noto Sans', 'Noto Naskh Arabic', sans-serif; font-size: 10.5pt; }
html[dir="rtl"] { font-family: 'Noto Naskh Arabic', 'Noto Sans', sans-serif; }
@page { size: A4; margin: 22mm 18mm 22mm 18mm; }
"""
)

_render_lock = threading.Lock()
atexit.register(lambda: _forget_fonts())


@lru_cache(maxsize=1)
def _font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _forget_fonts() -> None:
    """Let the kept font configuration go while Pango is still loaded (at exit, otherwise
    its finaliser runs after the library's bindings are gone and prints an error)."""
    _stylesheet.cache_clear()
    _font_config.cache_clear()


@lru_cache(maxsize=32)
def _stylesheet(css: str) -> Any:
    """A parsed stylesheet, kept for the life of the process (they are few and constant)."""
    from weasyprint import CSS

    return CSS(string=css, font_config=_font_config())


def preload() -> None:
    """Load WeasyPrint, the fonts and the base stylesheet ahead of the first PDF."""
    _stylesheet(BASE_PRINT_CSS)


def render_pdf(
    html: str, *, extra_css: str = "", page_css: str = "", pdf_variant: str | None = None
) -> bytes:
    """Render an HTML document to PDF bytes with the shipped fonts and A4 pages.

    ``extra_css`` is a document type's constant stylesheet (parsed once per process);
    ``page_css`` the few rules of this one document (its running header and footer)."""
    from weasyprint import CSS, HTML

    with _render_lock:
        font_config = _font_config()
        stylesheets = [_stylesheet(BASE_PRINT_CSS), _stylesheet(extra_css)]
        if page_css:
            stylesheets.append(CSS(string=page_css, font_config=font_config))
        document = HTML(string=html, base_url=str(STATIC_DIR))
        try:
            with PDF_RENDERING_SECONDS.time():
                return document.write_pdf(
                    stylesheets=stylesheets,
                    font_config=font_config,
                    pdf_variant=pdf_variant,
                    uncompressed_pdf=False,
                )
        finally:
            del document
            _release_memory()


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (AttributeError, OSError):  # not glibc
        return None


def _release_memory() -> None:
    """Give the memory a rendering freed back to the system (glibc keeps it otherwise, in the
    arena of the thread that rendered): a few milliseconds, several MB a worker."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


RIGHT_TO_LEFT = frozenset(("R", "AL"))
LEFT_TO_RIGHT = frozenset(("L", "EN", "AN"))


def needs_isolation(text: str | None, direction: str) -> bool:
    """Whether a text set inside a line of this direction must be isolated (``<bdi>``) to
    keep its order and punctuation: it holds letters (or, right-to-left, digits) of the
    other direction."""
    other = LEFT_TO_RIGHT if direction == "rtl" else RIGHT_TO_LEFT
    return any(unicodedata.bidirectional(char) in other for char in text or "")


def document_context(language: str) -> dict[str, Any]:
    """What a printed document's template needs without a request: the language, its
    direction, translation, the localised field lookup and which texts to isolate."""
    translations = i18n.get_translations(language)
    direction = i18n.direction(language)

    def translate(message: str, **params: Any) -> str:
        text = translations.gettext(message)
        return text.format(**params) if params else text

    return {
        "lang": language,
        "dir": i18n.direction(language),
        "_": translate,
        "localized": lambda obj, field: i18n.localized(obj, field, language),
        "labels": labels,
        "isolate": lambda text: needs_isolation(text, direction),
    }


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
