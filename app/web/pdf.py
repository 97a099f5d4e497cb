"""PDF rendering with WeasyPrint from the same HTML templates as the pages.

The fonts shipped in app/static/fonts (Noto Sans, Noto Naskh Arabic) are declared here, so a
PDF looks the same on every machine and Arabic is shaped (Pango/HarfBuzz) right-to-left.
WeasyPrint is imported inside the function: it is slow to import and only PDFs need it.
"""

from app.config import ROOT_DIR
from app.observability.metrics import PDF_RENDERING_SECONDS

FONTS_DIR = ROOT_DIR / "app" / "static" / "fonts"

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


def render_pdf(html: str, *, extra_css: str = "") -> bytes:
    """Render an HTML document to PDF bytes with the shipped fonts and A4 pages."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    stylesheets = [CSS(string=BASE_PRINT_CSS + extra_css, font_config=font_config)]
    document = HTML(string=html, base_url=str(ROOT_DIR / "app" / "static"))
    with PDF_RENDERING_SECONDS.time():
        return document.write_pdf(stylesheets=stylesheets, font_config=font_config)
