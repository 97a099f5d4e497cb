"""Public pages of the record: the home page, one page per source, the Platform and the
other subjects, and the conflicts between sources."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.auth.access import Access, allow
from app.db import DbSessionDep
from app.editions import service as editions_service
from app.editions.models import EditionStatus
from app.history import service as history_service
from app.history import subjects as history_subjects
from app.statistics import service as statistics_service
from app.web.params import RowId, SlugPath
from app.web.templating import render

router = APIRouter(include_in_schema=False)

UPCOMING = (
    EditionStatus.announced,
    EditionStatus.registration_open,
    EditionStatus.registration_closed,
)


@router.get("/", name="home", dependencies=[allow(Access.public)])
def home(request: Request, db_session: DbSessionDep) -> HTMLResponse:
    """The timeline of editions, the participation chart and the next edition."""
    editions = editions_service.list_editions(db_session, include_demo=False)
    records = history_service.records_for(db_session, editions)
    countries = editions_service.countries_by_id(db_session, editions)
    upcoming = [edition for edition in editions if edition.status in UPCOMING]
    return render(
        request,
        "history/home.html",
        {
            "editions": editions,
            "records": records,
            "countries": countries,
            "chart": history_service.participation_chart(
                editions, records, statistics_service.registration_totals(db_session, editions)
            ),
            "next_edition": upcoming[0] if upcoming else None,
        },
    )


@router.get("/sources/{source_id}", name="source_page", dependencies=[allow(Access.public)])
def source_page(source_id: RowId, request: Request, db_session: DbSessionDep) -> HTMLResponse:
    """A source document and the facts it backs."""
    source = history_service.get_source(db_session, source_id)
    backed = history_service.facts_backed_by(db_session, source)
    editions = [item.edition for item in backed if item.edition is not None]
    return render(
        request,
        "history/source.html",
        {
            "source": source,
            "backed": backed,
            "countries": editions_service.countries_by_id(db_session, editions),
        },
    )


@router.get("/platform", name="platform_page", dependencies=[allow(Access.public)])
def platform_page(request: Request, db_session: DbSessionDep) -> HTMLResponse:
    """The Platform itself: formation, supervision, objectives, names, membership."""
    return _subject_page(request, db_session, history_subjects.PLATFORM)


@router.get("/record/{key}", name="subject_page", dependencies=[allow(Access.public)])
def subject_page(key: SlugPath, request: Request, db_session: DbSessionDep) -> HTMLResponse:
    """Another subject of the record: the Rabat office, a person."""
    return _subject_page(request, db_session, key)


def _subject_page(request: Request, db_session: DbSessionDep, key: str) -> HTMLResponse:
    return render(
        request,
        "history/subject.html",
        {
            "record": history_subjects.get_subject(db_session, key),
            "subjects": history_subjects.list_subjects(db_session),
        },
    )


@router.get("/conflicts", name="conflicts_page", dependencies=[allow(Access.public)])
def conflicts_page(request: Request, db_session: DbSessionDep) -> HTMLResponse:
    """Every point on which the sources disagree, each side cited."""
    return render(
        request,
        "history/conflicts.html",
        {"listing": history_subjects.list_conflicts(db_session)},
    )
