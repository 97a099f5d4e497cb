"""The List of Participants as an A4 PDF, drawn line by line with fpdf2 (a delegation kept
on one page, page numbers at the foot), in the reader's language."""

from app import i18n
from app.delegations.lists import ListedDelegation, ListGroup
from app.editions.models import Edition
from app.observability.metrics import PDF_RENDERING_SECONDS
from app.web import labels
from app.web.drawn_pdf import PT, DrawnPdf

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 18.0, 22.0, 22.0
TEXT_W = PAGE_W - 2 * MARGIN_X
NAME_SIZE, DETAIL_SIZE = 10.5, 8.5
NAME_H, DETAIL_H = NAME_SIZE * 1.35 * PT, DETAIL_SIZE * 1.35 * PT
GREY = (0x55, 0x55, 0x55)


class ParticipantList(DrawnPdf):
    """One list of participants being drawn, top to bottom."""

    def __init__(self, language: str) -> None:
        super().__init__(language)
        translations = i18n.get_translations(language)
        self.translate = translations.gettext
        self.align = "R" if self.rtl else "L"
        self.direction = "rtl" if self.rtl else "ltr"
        self.y = PAGE_H

    def new_page(self) -> None:
        self.pdf.add_page()
        self.y = MARGIN_TOP

    def room(self, height: float) -> None:
        """A new page unless ``height`` millimetres still fit on this one."""
        if self.y + height > PAGE_H - MARGIN_BOTTOM:
            self.new_page()

    def write(
        self,
        text: str,
        *,
        size: float,
        h: float,
        style: str = "",
        colour: tuple[int, int, int] = (0, 0, 0),
        direction: str | None = "reader",
    ) -> None:
        """A line (two if it must wrap) at the current height, in the reader's direction."""
        lines = 1
        self.font(text, style, size)
        if self.width(text) > TEXT_W:
            lines = 2
        self.line(
            text,
            MARGIN_X,
            self.y,
            TEXT_W,
            h,
            style=style,
            size=size,
            colour=colour,
            align=self.align,
            lines=lines,
            direction=self.direction if direction == "reader" else direction,
        )
        self.y += h * lines

    def heading(self, edition_title: str) -> None:
        self.new_page()
        for text in (edition_title, self.translate("List of participants")):
            self.write(text, size=16, h=16 * 1.3 * PT, style="B")
        self.y += 2

    def group(self, title: str) -> None:
        self.room(13 * 1.3 * PT + 4 + 11 * 1.3 * PT + NAME_H + DETAIL_H)
        self.y += 4
        self.write(self.translate(title), size=13, h=13 * 1.3 * PT, style="B")
        self.pdf.set_draw_color(0x99, 0x99, 0x99)
        self.pdf.set_line_width(0.3)
        self.pdf.line(MARGIN_X, self.y, PAGE_W - MARGIN_X, self.y)
        self.y += 1

    def delegation(self, listed: ListedDelegation) -> None:
        people = listed.participants
        height = 11 * 1.3 * PT + 3 + len(people) * (NAME_H + DETAIL_H + 0.8)
        if height <= PAGE_H - MARGIN_TOP - MARGIN_BOTTOM:
            self.room(height)  # a delegation is not split across pages when it fits on one
        self.y += 2.5
        name = i18n.localized(listed.entity, "name", self.language)[0] or ""
        self.write(name, size=11, h=11 * 1.3 * PT, style="B")
        for person in people:
            self.room(NAME_H + DETAIL_H)
            self.person(person)
            detail = ", ".join(part for part in (person.function, person.agency) if part)
            if detail:
                self.write(detail, size=DETAIL_SIZE, h=DETAIL_H, colour=GREY)
            self.y += 0.8

    def person(self, person) -> None:  # noqa: ANN001
        """A participant's name in its own direction (as <bdi>), then their role."""
        name = labels.titled_name(person, self.translate)
        role = (
            f"({self.translate(labels.delegation_role[person.role])})"
            if person.role in ("head", "deputy")
            else ""
        )
        self.font(name, "", NAME_SIZE)
        name_width = self.width(name)
        room = TEXT_W - name_width - 2
        if role:
            self.font(role, "", NAME_SIZE)
        if not role or self.width(role) > room:
            self.write(name, size=NAME_SIZE, h=NAME_H, direction=None)
            if role:
                self.write(role, size=NAME_SIZE, h=NAME_H)
            return
        self.line(name, MARGIN_X, self.y, TEXT_W, NAME_H, size=NAME_SIZE, align=self.align)
        role_w = TEXT_W - name_width - 1.5
        self.line(
            role,
            MARGIN_X if self.rtl else MARGIN_X + name_width + 1.5,
            self.y,
            role_w,
            NAME_H,
            size=NAME_SIZE,
            align=self.align,
            direction=self.direction,
        )
        self.y += NAME_H

    def page_numbers(self) -> None:
        pdf = self.pdf
        total = pdf.page
        for number in range(1, total + 1):
            pdf.page = number
            text = f"{number} / {total}"
            pdf.set_font("sans", "", 8)
            pdf.set_text_color(0, 0, 0)
            pdf.text((PAGE_W - self.width(text)) / 2, PAGE_H - 10, text)
        pdf.page = total


def participants_pdf(edition: Edition, groups: list[ListGroup], language: str) -> bytes:
    """The List of Participants as an A4 PDF in the reader's language."""
    with PDF_RENDERING_SECONDS.time():
        document = ParticipantList(language)
        edition_title = i18n.localized(edition, "title", language)[0] or ""
        document.pdf.set_title(f"{document.translate('List of participants')} · {edition_title}")
        document.pdf.set_lang(language)
        document.heading(edition_title)
        if not groups:
            document.write(document.translate("No participant yet."), size=NAME_SIZE, h=NAME_H)
        for group in groups:
            document.group(group.title)
            for listed in group.delegations:
                document.delegation(listed)
        document.page_numbers()
        return document.output()
