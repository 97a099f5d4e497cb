"""PDFs drawn at fixed positions with fpdf2 (badges, the list of participants): far faster
than laying out HTML for documents whose layout is fixed, with the fonts shipped in
app/static/fonts and Arabic shaped and joined by HarfBuzz (uharfbuzz)."""

import re

from app import i18n
from app.web.pdf import FONTS_DIR

PT = 25.4 / 72  # one point in millimetres
FONTS = (
    ("sans", "", "NotoSans-Regular.ttf"),
    ("sans", "B", "NotoSans-Bold.ttf"),
    ("naskh", "", "NotoNaskhArabic-Regular.ttf"),
    ("naskh", "B", "NotoNaskhArabic-Bold.ttf"),
)


def is_arabic(text: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" or "\ufb50" <= char <= "\ufeff" for char in text)


def needs_shaping(text: str) -> bool:
    """Whether a text needs HarfBuzz: anything past the Latin letters Noto Sans holds
    (Arabic, combining accents...). Plain Latin is written glyph by glyph, far faster."""
    return any(ord(char) >= 0x0300 for char in text)


def _plain_latin(text: str, direction: str | None) -> bool:
    """Whether a text reads the same glyph by glyph, unshaped and left to right: Latin
    only, and in a right-to-left line, starting and ending with a letter (punctuation at an
    end would move to the other side)."""
    if needs_shaping(text):
        return False
    return direction != "rtl" or (text[:1].isalpha() and text[-1:].isalpha())


class DrawnPdf:
    """An A4 PDF being drawn at fixed positions, with the shipped fonts.

    fpdf2's shaped text costs about a millisecond a line; badges and lists repeat many of
    their lines (the edition, the bands, a delegation), so a line is shaped once and its
    drawing operators are stamped again wherever it recurs, moved by a translation. Plain
    Latin needs no shaping and is written glyph by glyph."""

    def __init__(self, language: str) -> None:
        from fpdf import FPDF  # slow to import: only these PDFs need it

        self.language = language
        self.rtl = i18n.direction(language) == "rtl"
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0, 0)
        for family, style, filename in FONTS:
            pdf.add_font(family, style, str(FONTS_DIR / filename))
        pdf.set_text_shaping(True)
        pdf.c_margin = 0
        self.pdf = pdf
        self.stamps: dict[tuple, tuple[float, float, bytes, set[int]]] = {}

    def font(self, text: str, style: str, size: float) -> None:
        """Naskh for Arabic text, Noto Sans otherwise; the other as fallback for mixed text."""
        arabic = is_arabic(text)
        self.pdf.set_font("naskh" if arabic else "sans", style, size)
        self.pdf.set_fallback_fonts(["sans" if arabic else "naskh"], exact_match=False)

    def line(
        self,
        text: str,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        style: str = "",
        size: float,
        colour: tuple[int, int, int] = (0, 0, 0),
        align: str = "L",
        lines: int = 1,
        direction: str | None = None,
    ) -> None:
        """A line of text (or a paragraph of ``lines`` lines) in a box of width ``w``,
        as a paragraph in ``direction`` ("ltr", "rtl"; by default that of its first letter)."""
        pdf = self.pdf
        self.font(text, style, size)
        pdf.set_text_color(*colour)
        if lines == 1 and align in "LR" and _plain_latin(text, direction):
            left = x if align == "L" else x + w - self.width(text)
            pdf.text(left, y + h / 2 + 0.35 * size * PT, text)
            return
        key = (text, style, size, colour, w, h, align, lines, direction)
        stamp = self.stamps.get(key)
        if stamp is not None:
            self._stamp(stamp, x, y, colour)
            return
        page = pdf.pages[pdf.page].contents
        before = len(page)
        pdf.current_font_is_set_on_page = False  # the stamp must carry its font
        pdf.set_xy(x, y)
        if direction:
            pdf.set_text_shaping(True, direction=direction)
        if lines == 1:
            pdf.cell(w, h, text, align=align)
        else:
            pdf.multi_cell(w, h, text, align=align, max_line_height=h)
        if direction:
            pdf.set_text_shaping(True)
        fonts = {int(found) for found in re.findall(rb"/F(\d+) ", page[before:])}
        self.stamps[key] = (x, y, bytes(page[before:]), fonts)

    def output(self) -> bytes:
        return bytes(self.pdf.output())

    def _stamp(
        self, stamp: tuple[float, float, bytes, set[int]], x: float, y: float, colour: tuple
    ) -> None:
        from fpdf.enums import PDFResourceType

        pdf = self.pdf
        origin_x, origin_y, operators, fonts = stamp
        dx, dy = (x - origin_x) * pdf.k, (origin_y - y) * pdf.k
        red, green, blue = (part / 255 for part in colour)
        pdf._out(f"q {red:.3f} {green:.3f} {blue:.3f} rg 1 0 0 1 {dx:.2f} {dy:.2f} cm")
        pdf._out(operators.rstrip(b"\n"))
        pdf._out("Q")
        for font in fonts:
            pdf._resource_catalog.add(PDFResourceType.FONT, font, pdf.page)

    def width(self, text: str) -> float:
        """The width of a text in the current font (summed from the glyphs for plain Latin,
        which needs no shaping)."""
        pdf = self.pdf
        if needs_shaping(text):
            return pdf.get_string_width(text)
        return pdf.current_font.get_text_width(text, pdf.font_size_pt, None)[1] / pdf.k
