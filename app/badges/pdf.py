"""The badges as printed: eight to an A4 page, each with its QR code (segno, PNG)."""

from dataclasses import dataclass
from functools import lru_cache

import segno

from app.badges.service import BadgeRow
from app.editions.models import Edition
from app.web.pdf import document_context, render_pdf
from app.web.templating import get_environment

BADGES_PER_PAGE = 8  # 2 columns x 4 rows
QR_MASK = 2  # vertical stripes: a pattern every reader handles

BADGE_CSS = """
@page { size: A4; margin: 8mm 10mm; }
.site-header, .site-footer, .skip-link, .no-print { display: none; }
html, body, main { padding: 0; margin: 0; }
.sheet { display: flow-root; break-after: page; }
.sheet:last-child { break-after: auto; }
.badge-card { float: left; box-sizing: border-box; width: 94mm; height: 68mm;
  margin: 0; border: 0.3mm dashed #999; position: relative; overflow: hidden;
  break-inside: avoid; }
.badge-band { color: #fff; font-weight: 700; font-size: 8.5pt; padding: 1.5mm 3mm; }
.badge-edition { font-size: 7pt; color: #333; padding: 1mm 3mm 0; }
.badge-name { font-size: 15pt; font-weight: 700; padding: 2mm 3mm 0; margin-right: 30mm;
  line-height: 1.2; }
.badge-delegation { font-size: 10pt; padding: 1mm 3mm; margin-right: 30mm; }
.badge-qr { position: absolute; right: 3mm; top: 14mm; width: 27mm; text-align: center; }
.badge-qr img { width: 27mm; height: 27mm; image-rendering: pixelated; }
.badge-code { font-size: 6pt; }
.badge-role { position: absolute; left: 0; right: 0; bottom: 0; }
.category-state { background: #006233; }
.category-organisation { background: #1d4f91; }
.role-head { background: #a0700b; }
.role-delegate { background: #4a4a4a; }
"""


@dataclass
class PrintedBadge:
    row: BadgeRow
    qr_uri: str


@lru_cache(maxsize=4096)
def qr_data_uri(code: str) -> str:
    """The QR code of a badge code, as a PNG data URI for an <img>, made once per code
    (one pixel a module, scaled without smoothing: parsing an SVG of a few hundred squares
    per badge was the largest cost of a sheet). The mask is fixed: choosing the best of
    eight (segno's default) scores every one of them; any mask reads back the same."""
    return segno.make(code, error="m", micro=False, mask=QR_MASK).png_data_uri(scale=1, border=2)


def badge_sheets(rows: list[BadgeRow]) -> list[list[PrintedBadge]]:
    """The badges with their QR codes, cut into A4 pages."""
    badges = [PrintedBadge(row, qr_data_uri(row.code)) for row in rows]
    return [
        badges[start : start + BADGES_PER_PAGE] for start in range(0, len(badges), BADGES_PER_PAGE)
    ]


def badges_pdf(edition: Edition, rows: list[BadgeRow], language: str) -> bytes:
    """The badges as an A4 PDF, eight to a page, in the reader's language."""
    context = {**document_context(language), "edition": edition, "sheets": badge_sheets(rows)}
    html = get_environment().get_template("badges/print.html").render(context)
    return render_pdf(html, extra_css=BADGE_CSS)
