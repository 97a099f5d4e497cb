"""The organisers' agenda editor: add, edit, delete and reorder items, publish revisions."""

from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.agenda import publishing
from app.agenda import service as agenda_service
from app.agenda.dependencies import CurrentAgendaItem
from app.agenda.models import INTERPRETATION_LANGUAGES, AgendaItemKind, Visibility
from app.agenda.presenters import FIELD_LABELS, ChangeView, change_views, item_form
from app.agenda.schemas import AgendaItemForm, FormInvalid
from app.agenda.service import EditableItem
from app.audit.presenters import changed_meanwhile
from app.auth.access import Access, CurrentAccount, allow
from app.auth.service import actor_for
from app.db import DbSessionDep, lock_row
from app.editions.dependencies import VisibleEdition
from app.editions.models import Edition
from app.errors import DomainError
from app.i18n import N_, gettext
from app.web.conditional import row_etag
from app.web.confirm import confirmation_page, is_confirmed
from app.web.flash import set_flash
from app.web.templating import error_message, render

router = APIRouter(prefix="/admin/editions/{slug}/agenda", include_in_schema=False)

CHANGED_MEANWHILE = N_(
    "Someone else changed this item since you opened this form. Your changes are below, not "
    "saved: compare them with the agenda, then save again to keep them."
)
CHANGED_MEANWHILE_BY = N_(
    "{who} changed this item at {when} since you opened this form. Your changes are below, "
    "not saved: compare them with the agenda, then save again to keep them."
)


def _editor_url(request: Request, edition: Edition) -> str:
    return str(request.app.url_path_for("agenda_editor", slug=edition.slug))


def _back(request: Request, edition: Edition, message: str) -> Response:
    """Back to the editor, saying what was done."""
    return set_flash(RedirectResponse(_editor_url(request, edition), status_code=303), message)


def _form_page(
    request: Request,
    edition: Edition,
    form: AgendaItemForm,
    *,
    entry: EditableItem | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    changed_meanwhile: str | None = None,
) -> HTMLResponse:
    context = {
        "changed_meanwhile": changed_meanwhile,
        "edition": edition,
        "form": form,
        "entry": entry,
        "errors": errors or {},
        "kinds": [kind.value for kind in AgendaItemKind],
        "visibilities": [visibility.value for visibility in Visibility],
        "interpretation_languages": INTERPRETATION_LANGUAGES,
    }
    return render(request, "agenda/item_form.html", context, status_code=status_code)


def _form_errors(request: Request, error: FormInvalid | DomainError) -> dict[str, str]:
    if isinstance(error, FormInvalid):
        language = request.state.language
        return {name: gettext(language, message) for name, message in error.errors.items()}
    return {error.field or "title_en": error_message(request, error)}


def _editor_context(
    edition: Edition,
    state: publishing.EditorState,
    pending: list[ChangeView],
    errors: dict[str, str],
) -> dict[str, object]:
    return {
        "edition": edition,
        "state": state,
        "pending": pending,
        "errors": errors,
        "zone": ZoneInfo(edition.time_zone),
        "field_labels": FIELD_LABELS,
    }


def _changed_meanwhile(
    request: Request, db_session: DbSessionDep, edition: Edition, entry: EditableItem
) -> str:
    return changed_meanwhile(
        db_session,
        subject=entry.item,
        language=request.state.language,
        time_zone=edition.time_zone,
        anonymous=CHANGED_MEANWHILE,
        named=CHANGED_MEANWHILE_BY,
    )


@router.get("", name="agenda_editor", dependencies=[allow(Access.viewer)])
def editor(request: Request, edition: VisibleEdition, db_session: DbSessionDep) -> HTMLResponse:
    """The working agenda with its warnings, the revisions, and the publish form."""
    state = publishing.editor_state(db_session, edition=edition)
    pending = change_views(state.pending, request.state.language, edition.time_zone)
    return render(request, "agenda/editor.html", _editor_context(edition, state, pending, {}))


@router.get("/items/new", name="agenda_item_new", dependencies=[allow(Access.organiser)])
def new_item(request: Request, edition: VisibleEdition) -> HTMLResponse:
    """An empty item form, on the edition's first day."""
    return _form_page(request, edition, item_form(None, edition.time_zone, edition.start_date))


@router.post("/items/new", name="agenda_item_create", dependencies=[allow(Access.organiser)])
def create_item(
    request: Request,
    edition: VisibleEdition,
    form: Annotated[AgendaItemForm, Form()],
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> Response:
    """Add the item, or show the form again with the reasons it was refused."""
    try:
        agenda_service.create_item(
            db_session, edition=edition, item_in=form.to_create(), actor=actor_for(account)
        )
    except (FormInvalid, DomainError) as error:
        errors = _form_errors(request, error)
        return _form_page(request, edition, form, errors=errors, status_code=422)
    return _back(request, edition, N_("Item added to the working agenda."))


@router.get("/items/{item_id}", name="agenda_item_edit", dependencies=[allow(Access.organiser)])
def edit_item(request: Request, edition: VisibleEdition, entry: CurrentAgendaItem) -> HTMLResponse:
    """The item's form, filled in."""
    form = item_form(entry, edition.time_zone, edition.start_date)
    return _form_page(request, edition, form, entry=entry)


@router.post("/items/{item_id}", name="agenda_item_update", dependencies=[allow(Access.organiser)])
def update_item(
    request: Request,
    edition: VisibleEdition,
    entry: CurrentAgendaItem,
    form: Annotated[AgendaItemForm, Form()],
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> Response:
    """Save the item, keeping speakers' links to participants by name; if someone else
    changed it since the form was opened, show the form again as typed, with who and when."""
    lock_row(db_session, entry.item)  # compared and saved in one step
    entry = agenda_service.get_item(db_session, edition=edition, item_id=entry.item.id or 0)
    current_version = row_etag(entry.item, *entry.speakers)
    if form.version and form.version != current_version:
        message = _changed_meanwhile(request, db_session, edition, entry)
        form = form.model_copy(update={"version": current_version})
        return _form_page(
            request, edition, form, entry=entry, status_code=409, changed_meanwhile=message
        )
    linked = {speaker.name: speaker.participant_id for speaker in entry.speakers}
    try:
        item_in = form.to_update(linked)
        agenda_service.update_item(
            db_session, edition=edition, item=entry.item, item_in=item_in, actor=actor_for(account)
        )
    except (FormInvalid, DomainError) as error:
        errors = _form_errors(request, error)
        return _form_page(request, edition, form, entry=entry, errors=errors, status_code=422)
    return _back(request, edition, N_("Item saved."))


@router.post(
    "/items/{item_id}/delete", name="agenda_item_delete", dependencies=[allow(Access.organiser)]
)
def delete_item(
    request: Request,
    edition: VisibleEdition,
    entry: CurrentAgendaItem,
    db_session: DbSessionDep,
    account: CurrentAccount,
    confirm: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    """Remove the item from the working agenda, once the organiser has confirmed."""
    if not is_confirmed(confirm):
        language = request.state.language
        return confirmation_page(
            request,
            title=gettext(language, N_("Delete this item?")),
            message=gettext(
                language,
                N_("“{title}” will be removed from the working agenda."),
                title=entry.item.title_en,
            ),
            button=gettext(language, N_("Delete the item")),
            cancel_url=_editor_url(request, edition),
        )
    agenda_service.delete_item(
        db_session, edition=edition, item=entry.item, actor=actor_for(account)
    )
    return _back(request, edition, N_("Item deleted."))


@router.post(
    "/items/{item_id}/move", name="agenda_item_move", dependencies=[allow(Access.organiser)]
)
def move_item(
    request: Request,
    edition: VisibleEdition,
    entry: CurrentAgendaItem,
    direction: Annotated[Literal["up", "down"], Form()],
    db_session: DbSessionDep,
    account: CurrentAccount,
) -> Response:
    """Move the item before or after the item that starts at the same time."""
    agenda_service.move_item(
        db_session, edition=edition, item=entry.item, direction=direction, actor=actor_for(account)
    )
    return _back(request, edition, N_("Item moved."))


@router.post("/publish", name="agenda_publish", dependencies=[allow(Access.organiser)])
def publish(
    request: Request,
    edition: VisibleEdition,
    db_session: DbSessionDep,
    account: CurrentAccount,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Freeze the working agenda into the next revision."""
    try:
        publishing.publish_agenda(db_session, edition=edition, note=note, actor=actor_for(account))
    except DomainError as error:
        state = publishing.editor_state(db_session, edition=edition)
        pending = change_views(state.pending, request.state.language, edition.time_zone)
        errors = {"note": error_message(request, error)}
        context = _editor_context(edition, state, pending, errors)
        return render(request, "agenda/editor.html", context, status_code=422)
    return _back(request, edition, N_("Agenda published: the public page shows the new revision."))
