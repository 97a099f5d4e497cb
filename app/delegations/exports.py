"""Lists of participants for organisers: CSV, XLSX, the printable HTML page and PDF."""

import csv
import io
from collections.abc import Iterator

from app.delegations.lists import ListGroup

COLUMNS = (
    ("group", "Group"),
    ("delegation", "Delegation"),
    ("entity_code", "Code"),
    ("honorific", "Title"),
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("function", "Function"),
    ("agency", "Agency"),
    ("role", "Role"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("interpretation_language", "Interpretation"),
    ("arrival_date", "Arrival"),
    ("departure_date", "Departure"),
    ("dietary_needs", "Dietary needs"),
    ("access_needs", "Access needs"),
    ("status", "Accreditation"),
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _rows(groups: list[ListGroup]) -> Iterator[list[str]]:
    for group in groups:
        for listed in group.delegations:
            for person in listed.participants:
                values = {
                    "group": group.title,
                    "delegation": listed.entity.name_en,
                    "entity_code": listed.entity.code,
                }
                yield [
                    str(values.get(key) or getattr(person, key, None) or "") for key, _ in COLUMNS
                ]


def _safe(value: str) -> str:
    """Typed text starting like a formula is kept as text by spreadsheets."""
    return "'" + value if value.startswith(FORMULA_START) else value


def participants_csv(groups: list[ListGroup]) -> bytes:
    """UTF-8 CSV with a byte-order mark, so spreadsheets read Arabic names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title for _, title in COLUMNS])
    for row in _rows(groups):
        writer.writerow([_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def participants_xlsx(groups: list[ListGroup], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Participants"
    sheet.append([heading for _, heading in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(groups):
        sheet.append([_safe(value) for value in row])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for column, width in zip(
        "ABCDEFGHIJKLMNOPQ",
        (14, 30, 8, 8, 20, 20, 30, 30, 10, 30, 16, 8, 11, 11, 20, 20, 12),
        strict=True,
    ):
        sheet.column_dimensions[column].width = width
    workbook.properties.title = title[:250]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


PRINT_CSS = """
@page { @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; } }
h1 { font-size: 16pt; } h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 1.2em; }
h3 { font-size: 11pt; margin: .8em 0 .2em; break-after: avoid; }
.delegation { break-inside: avoid; }
ul.people { list-style: none; padding: 0; margin: 0; }
.no-print, .site-header, .site-footer, .skip-link { display: none; }
"""
