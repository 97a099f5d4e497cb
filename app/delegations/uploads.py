"""The nomination letter (or note verbale): a PDF checked by its content (a real PDF, with no
JavaScript, embedded file or launch action), stored outside any public folder under a random
name; the name it was uploaded with is kept without control or bidi characters."""

import io
import secrets
from pathlib import Path

from sqlmodel import Session

from app.audit import service as audit
from app.audit.service import Actor
from app.config import get_settings
from app.delegations.letter_scan import Finding, scan
from app.delegations.models import Delegation
from app.delegations.participants import check_editable, check_open
from app.editions.models import Edition
from app.errors import InvalidInput, NotFound
from app.i18n import N_
from app.timestamps import utcnow
from app.web.filenames import clean_filename

MAX_LETTER_BYTES = 5 * 1024 * 1024
# The request carrying a letter may be this large, so that a letter somewhat over the limit
# gets its message next to the field; a larger request is refused before it is read.
MAX_LETTER_REQUEST_BYTES = 8 * 1024 * 1024
LETTER_UPLOAD_PATH = r"/register/[^/]+/letter"
DEFAULT_LETTER_NAME = "letter.pdf"
FINDING_MESSAGES = {
    Finding.javascript: N_(
        "The file contains JavaScript, which is not accepted. Save the letter again as a "
        "plain PDF (for example with Print to PDF) and upload that file."
    ),
    Finding.embedded_file: N_(
        "The file contains embedded files, which are not accepted. Save the letter again as "
        "a plain PDF (for example with Print to PDF) and upload that file."
    ),
    Finding.action: N_(
        "The file contains actions that run by themselves or open other programs, which are "
        "not accepted. Save the letter again as a plain PDF (for example with Print to PDF) "
        "and upload that file."
    ),
    Finding.too_complex: N_("The file must be a PDF document."),
}


def uploads_dir() -> Path:
    folder = get_settings().var_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _check_pdf(content: bytes) -> None:
    if len(content) > MAX_LETTER_BYTES:
        raise InvalidInput(N_("The file must be at most {size} MB."), field="letter", size=5)
    if not content.startswith(b"%PDF-"):
        raise InvalidInput(N_("The file must be a PDF document."), field="letter")
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if len(reader.pages) < 1:
            raise InvalidInput(N_("The file must be a PDF document."), field="letter")
        finding = scan(reader, content)
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OSError,
        RecursionError,
    ) as error:
        raise InvalidInput(N_("The file must be a PDF document."), field="letter") from error
    if finding is not None:
        raise InvalidInput(FINDING_MESSAGES[finding], field="letter")


def store_letter(
    db_session: Session,
    *,
    edition: Edition,
    delegation: Delegation,
    content: bytes,
    filename: str | None,
    actor: Actor,
) -> Delegation:
    """Keep the delegation's nomination letter, replacing any earlier one."""
    if not content:
        raise InvalidInput(N_("Choose a PDF file to upload."), field="letter")
    _check_pdf(content)
    check_open(db_session, edition, actor)
    check_editable(delegation, actor)
    name = f"{secrets.token_hex(16)}.pdf"
    (uploads_dir() / name).write_bytes(content)
    previous = delegation.letter_file
    delegation.letter_file = name
    delegation.letter_filename = clean_filename(filename, default=DEFAULT_LETTER_NAME)
    delegation.letter_uploaded_at = utcnow()
    db_session.add(delegation)
    audit.record(
        db_session,
        actor=actor,
        action="delegation.upload_letter",
        subject=delegation,
        edition_id=edition.id,
        after={"size": len(content)},
    )
    db_session.commit()
    if previous:
        (uploads_dir() / previous).unlink(missing_ok=True)
    return delegation


def letter_name(delegation: Delegation) -> str:
    """The name to show and to send the letter under (cleaned again: rows stored earlier)."""
    return clean_filename(delegation.letter_filename, default=DEFAULT_LETTER_NAME)


def letter_path(delegation: Delegation) -> Path:
    """Where the delegation's letter is stored, or 404 when there is none."""
    if not delegation.letter_file:
        raise NotFound(N_("This delegation has not uploaded a letter."))
    path = uploads_dir() / delegation.letter_file
    if not path.is_file():
        raise NotFound(N_("This delegation has not uploaded a letter."))
    return path
