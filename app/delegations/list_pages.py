"""Organiser downloads of the participants: CSV, XLSX, the print page and its PDF."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.auth.access import Access, allow
from app.db import DbSessionDep
from app.delegations import exports, list_pdf, lists
from app.delegations.dependencies import OrganiserEdition
from app.web.templating import render

router = APIRouter(prefix="/admin/editions/{slug}/participants", include_in_schema=False)
Accredited = Annotated[bool, Query(description="Only accredited participants")]


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.get(".csv", name="participants_csv", dependencies=[allow(Access.viewer)])
def participants_csv(
    edition: OrganiserEdition, db_session: DbSessionDep, accredited: Accredited = False
) -> Response:
    """Every participant as CSV (UTF-8)."""
    groups = lists.list_of_participants(db_session, edition=edition, accredited_only=accredited)
    return _download(
        exports.participants_csv(groups),
        "text/csv; charset=utf-8",
        f"{edition.slug}-participants.csv",
    )


@router.get(".xlsx", name="participants_xlsx", dependencies=[allow(Access.viewer)])
def participants_xlsx(
    edition: OrganiserEdition, db_session: DbSessionDep, accredited: Accredited = False
) -> Response:
    """Every participant as an Excel workbook."""
    groups = lists.list_of_participants(db_session, edition=edition, accredited_only=accredited)
    return _download(
        exports.participants_xlsx(groups, title=edition.title_en),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{edition.slug}-participants.xlsx",
    )


def _print_page(request: Request, edition, db_session, accredited: bool) -> HTMLResponse:  # noqa: ANN001
    groups = lists.list_of_participants(db_session, edition=edition, accredited_only=accredited)
    return render(
        request,
        "delegations/print.html",
        {"edition": edition, "groups": groups, "accredited": accredited},
    )


@router.get("/print", name="participants_print", dependencies=[allow(Access.viewer)])
def participants_print(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    accredited: Accredited = False,
) -> HTMLResponse:
    """The List of Participants, ready to print."""
    return _print_page(request, edition, db_session, accredited)


@router.get(".pdf", name="participants_pdf", dependencies=[allow(Access.viewer)])
def participants_pdf(
    request: Request,
    edition: OrganiserEdition,
    db_session: DbSessionDep,
    accredited: Accredited = False,
) -> Response:
    """The List of Participants as an A4 PDF."""
    groups = lists.list_of_participants(db_session, edition=edition, accredited_only=accredited)
    pdf = list_pdf.participants_pdf(edition, groups, request.state.language)
    return _download(pdf, "application/pdf", f"{edition.slug}-list-of-participants.pdf")
