"""The badges as printed: eight to an A4 page, each with its QR code.

The sheet is drawn with fpdf2 at fixed positions (a badge is a fixed layout: laying out an
HTML page of four hundred badges took seconds), with the fonts shipped in app/static/fonts,
Arabic shaped and joined by HarfBuzz, and each QR code drawn as filled rectangles, one per
run of dark modules. The HTML page of the same badges (``badge_sheets``, ``qr_data_uri``) is
the preview shown before printing."""

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import segno

from app import i18n
from app.badges.service import BadgeRow
from app.editions.models import Edition
from app.observability.metrics import PDF_RENDERING_SECONDS
from app.web import labels
from app.web.drawn_pdf import PT, DrawnPdf

BADGES_PER_PAGE = 8  # 2 columns x 4 rows
QR_MASK = 2  # vertical stripes: a pattern every reader handles
QR_BORDER = 2  # quiet zone, in modules

# Millimetres, on an A4 sheet.
MARGIN_X, MARGIN_Y = 10.0, 8.0
CARD_W, CARD_H = 94.0, 68.0
PAD = 3.0
BAND_H = 6.6
QR_SIZE, QR_TOP = 27.0, 14.0
TEXT_W = CARD_W - 2 * PAD - 30.0  # the text keeps clear of the QR code

CATEGORY_COLOURS = {
    "state": (0x00, 0x62, 0x33),
    "organisation": (0x1D, 0x4F, 0x91),
    "head": (0xA0, 0x70, 0x0B),
    "delegate": (0x4A, 0x4A, 0x4A),
}


@dataclass
class PrintedBadge:
    row: BadgeRow
    qr_uri: str


@lru_cache(maxsize=4096)
def qr_data_uri(code: str) -> str:
    """The QR code of a badge code, as a PNG data URI for the HTML preview, made once per
    code. The mask is fixed: choosing the best of eight (segno's default) scores every one
    of them; any mask reads back the same."""
    return segno.make(code, error="m", micro=False, mask=QR_MASK).png_data_uri(scale=1, border=2)


def badge_sheets(rows: list[BadgeRow]) -> list[list[PrintedBadge]]:
    """The badges with their QR codes, cut into A4 pages (the HTML preview)."""
    badges = [PrintedBadge(row, qr_data_uri(row.code)) for row in rows]
    return [
        badges[start : start + BADGES_PER_PAGE] for start in range(0, len(badges), BADGES_PER_PAGE)
    ]


@lru_cache(maxsize=4096)
def qr_runs(code: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR code of a badge code as (modules a side, runs of dark modules as
    (row, first column, length)), quiet zone included, made once per code."""
    matrix = segno.make(code, error="m", micro=False, mask=QR_MASK).matrix
    runs = []
    for row, modules in enumerate(matrix):
        start = None
        for column, dark in enumerate((*modules, 0)):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                runs.append((row + QR_BORDER, start + QR_BORDER, column - start))
                start = None
    return len(matrix) + 2 * QR_BORDER, tuple(runs)


class BadgeSheet(DrawnPdf):
    """One PDF of badges being drawn."""

    def band(self, text: str, category: str, x: float, y: float) -> None:
        self.pdf.set_fill_color(*CATEGORY_COLOURS[category])
        self.pdf.rect(x, y, CARD_W, BAND_H, style="F")
        align = "R" if self.rtl else "L"
        self.line(
            text,
            x + PAD,
            y,
            CARD_W - 2 * PAD,
            BAND_H,
            style="B",
            size=8.5,
            colour=(255, 255, 255),
            align=align,
        )

    def name(self, text: str, direction: str, x: float, y: float) -> float:
        """The name in at most two lines (three for the longest), smaller if it needs to be;
        the height it takes."""
        for size in (15, 13, 11, 9.5):
            self.font(text, "B", size)
            lines = math.ceil(self.width(text) / (0.9 * TEXT_W))
            if lines <= 2:
                break
        lines = min(max(lines, 1), 3)
        height = size * 1.2 * PT
        align = "R" if direction == "rtl" else "L"
        self.line(
            text,
            x,
            y,
            TEXT_W,
            height,
            style="B",
            size=size,
            align=align,
            lines=lines,
            direction=direction,
        )
        return height * lines

    def qr(self, code: str, x: float, y: float) -> None:
        pdf = self.pdf
        pdf._out(f"q 0 g 1 0 0 1 {x * pdf.k:.2f} {(pdf.h - y) * pdf.k:.2f} cm")
        pdf._out(_qr_path(code, pdf.k))
        pdf._out("Q")

    def badge(
        self, row: BadgeRow, edition_title: str, entity_name: str, x: float, y: float
    ) -> None:
        pdf = self.pdf
        translate = i18n.get_translations(self.language).gettext
        category = translate(labels.badge_entity_category[row.entity_category])
        self.band(category, row.entity_category, x, y)
        align = "R" if self.rtl else "L"
        top = y + BAND_H + 1
        self.line(
            edition_title,
            x + PAD,
            top,
            TEXT_W,
            7 * 1.2 * PT,
            size=7,
            colour=(0x33, 0x33, 0x33),
            align=align,
        )
        top += 7 * 1.2 * PT + 2
        name = labels.titled_name(row.participant, translate)
        top += self.name(name, row.name_direction, x + PAD, top) + 1
        self.line(entity_name, x + PAD, top, TEXT_W, 10 * 1.25 * PT, size=10, align=align, lines=2)
        qr_x = x + CARD_W - PAD - QR_SIZE
        self.qr(row.code, qr_x, y + QR_TOP)
        groups = row.printed_code.split(" ")
        self.font(row.printed_code, "", 6)
        pdf.set_text_color(0, 0, 0)
        for number, part in enumerate((" ".join(groups[:3]), " ".join(groups[3:]))):
            left = qr_x + (QR_SIZE - self.width(part)) / 2
            pdf.text(left, y + QR_TOP + QR_SIZE + 2.2 + number * 2.6, part)
        role = translate(labels.badge_role_category[row.role_category])
        self.band(role, row.role_category, x, y + CARD_H - BAND_H)
        # The cutting line, drawn last so that the bands do not cover it.
        pdf.set_draw_color(0x99, 0x99, 0x99)
        pdf.set_line_width(0.3)
        pdf.set_dash_pattern(dash=1, gap=1)
        pdf.rect(x, y, CARD_W, CARD_H, style="D")
        pdf.set_dash_pattern()

    def empty(self, message: str) -> None:
        self.pdf.add_page()
        align = "R" if self.rtl else "L"
        self.line(message, MARGIN_X, MARGIN_Y, 210 - 2 * MARGIN_X, 8, size=10.5, align=align)


@lru_cache(maxsize=4096)
def _qr_path(code: str, scale: float) -> str:
    """The dark modules of a QR code as one filled path, from its top-left corner."""
    side, runs = qr_runs(code)
    module = QR_SIZE / side * scale
    rects = " ".join(
        f"{column * module:.2f} {-(row + 1) * module:.2f} {length * module:.2f} {module:.2f} re"
        for row, column, length in runs
    )
    return rects + " f"


def _metadata(pdf: Any, edition_title: str, title: str, language: str) -> None:
    pdf.set_title(f"{title} · {edition_title}")
    pdf.set_lang(language)
    pdf.set_creator("Marrakech Platform")


def badges_pdf(edition: Edition, rows: list[BadgeRow], language: str) -> bytes:
    """The badges as an A4 PDF, eight to a page, in the reader's language."""
    with PDF_RENDERING_SECONDS.time():
        translate = i18n.get_translations(language).gettext
        edition_title = i18n.localized(edition, "title", language)[0]
        sheet = BadgeSheet(language)
        _metadata(sheet.pdf, edition_title, translate("Badges"), language)
        if not rows:
            sheet.empty(translate("No accredited participant."))
        names: dict[int, str] = {}
        for index, row in enumerate(rows):
            place = index % BADGES_PER_PAGE
            if place == 0:
                sheet.pdf.add_page()
            column, line = place % 2, place // 2
            key = row.entity.id or 0
            if key not in names:
                names[key] = i18n.localized(row.entity, "name", language)[0]
            sheet.badge(
                row,
                edition_title,
                names[key],
                MARGIN_X + column * CARD_W,
                MARGIN_Y + line * CARD_H,
            )
        return sheet.output()
