"""How a fact is backed, as HTML for the history pages: its strength (stated, inferred, the
project's reading) and the reasoning, its source and quote, a person's name in the reader's
script.

Written in Python rather than as Jinja macros: an edition's page cites a source for every
fact, person, theme, outcome and figure, and the hundred and more macro calls (each with its
own context, arguments and escaping) were most of the time its rendering took. The HTML is
the same, byte for byte."""

from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup, escape

from app import i18n
from app.i18n import N_
from app.web import labels

EMPTY = Markup("")


def _html(template: str, *values: Any) -> Markup:
    """The template (trusted HTML) with each value escaped, as Jinja would print it; what
    ``Markup(template) % values`` gives, at a third of its cost. A value that is already
    HTML (a fragment built here) goes in as it is: escaping it would copy it unchanged."""
    return Markup(  # noqa: S704
        template.format(
            *[value if isinstance(value, Markup) else escape(value) for value in values]
        )
    )


class CitedHtml:
    """The fragments in one reader's language, for one rendering of a page."""

    def __init__(
        self,
        *,
        language: str,
        gettext: Callable[[str], str],
        url_for: Callable[..., str],
        localized: Callable[[Any, str], tuple[str | None, bool]],
        fact_value: Callable[[str, Any], str],
    ) -> None:
        self.language = language
        self.gettext = gettext
        self.url_for = url_for
        self.localized = localized
        self.fact_value = fact_value
        self._in_english: Markup | None = None
        # A page repeats a few strengths and sources many times: each is built once.
        self._marks: dict[Any, Markup] = {}
        self._links: dict[Any, Markup] = {}

    def functions(self) -> dict[str, Callable[..., Markup]]:
        """What templates call, by name."""
        return {
            "strength_mark": self.strength_mark,
            "strength_note": self.strength_note,
            "in_english": self.in_english,
            "source_title": self.source_title,
            "source_link": self.source_link,
            "source_meta": self.source_meta,
            "fact_text": self.fact_text,
            "quote": self.quote,
            "person_name": self.person_name,
            "cited_text": self.cited_text,
            "figure_value": self.figure_value,
            "edition_dates": self.edition_dates,
        }

    def strength_mark(self, row: Any) -> Markup:
        strength = row.strength
        mark = self._marks.get(strength)
        if mark is None:
            mark = self._marks[strength] = _html(
                '<span class="strength strength-{}" title="{}">{}</span>',
                strength,
                self.gettext(labels.strength_help[strength]),
                self.gettext(labels.strength[strength]),
            )
        return mark

    def strength_note(self, row: Any) -> Markup:
        note, fallback = self.localized(row, "note")
        if not note:
            return EMPTY
        if fallback:
            return _html(
                '<p class="note"><span lang="en" dir="ltr">{}</span> {}</p>',
                note,
                self.in_english(),
            )
        return _html('<p class="note"><span>{}</span></p>', note)

    def in_english(self) -> Markup:
        if self._in_english is None:
            self._in_english = _html(
                '<small class="fallback-note">{}</small>', self.gettext(N_("(in English)"))
            )
        return self._in_english

    def source_title(self, source: Any) -> Markup:
        return _html('<cite lang="{}" dir="auto">{}</cite>', source.language, source.title)

    def source_link(self, source: Any) -> Markup:
        link = self._links.get(source.id)
        if link is None:
            link = self._links[source.id] = _html(
                '<a class="cite" href="{}">[{}]</a>',
                self.url_for("source_page", source_id=source.id),
                self.source_title(source),
            )
        return link

    def source_meta(self, source: Any) -> Markup:
        """What it is and when, in the reader's language where it can be (its page says who
        published it)."""
        kind = source.kind
        text = escape(
            self.gettext(labels.source_kind[kind]) if kind in labels.source_kind else kind
        )
        if source.published_on:
            text += _html(
                '{}<span lang="en" dir="ltr">{}</span>',
                self.gettext(N_(", ")),
                source.published_on,
            )
        return text

    def fact_text(self, field: str, value: Any, edition: Any, country: Any) -> Markup:
        """A reported value in the reader's language where the catalogue knows it: the kind,
        the city and the country of the edition; another spelling of a city stays as the
        source has it."""
        if field == "kind":
            return escape(self.gettext(labels.kind[value]))
        if field == "city" and value == edition.city_en:
            return escape(self.localized(edition, "city")[0])
        if field == "country" and country and value == country.name_en:
            return escape(self.localized(country, "name")[0])
        return escape(self.fact_value(field, value))

    def quote(self, row: Any, source: Any) -> Markup:
        return _html('<blockquote lang="{}" dir="auto">{}</blockquote>', source.language, row.quote)

    def person_name(self, person: Any) -> Markup:
        if self.language == "ar" and person.name_ar:
            if person.name_ar_source_id:
                return escape(person.name_ar)
            return _html(
                '{} <small class="transliteration">({})</small>',
                person.name_ar,
                self.gettext(N_("transliteration")),
            )
        return escape(person.name)

    def cited_text(self, rows: list[Any], sources: Mapping[Any, Any]) -> Markup:
        """One statement, backed by one or more sources in the same words."""
        text, fallback = self.localized(rows[0], "text")
        if fallback:
            parts = [
                f'<p><span lang="en" dir="ltr">{escape(text)}</span> {self.in_english()}</p>\n'
            ]
        else:
            parts = [f"<p><span>{escape(text)}</span></p>\n"]
        parts.append('<ul class="backing">\n')
        for row in rows:
            source = sources[row.source_id]
            conflict = ""
            if row.conflict:
                conflict = _html(
                    ' <a href="{}#{}" class="disputed-link">{}</a>',
                    self.url_for("conflicts_page"),
                    row.conflict,
                    self.gettext(N_("the sources differ: see the conflicts")),
                )
            parts.append(
                f"  <li>{self.strength_mark(row)} {self.source_link(source)}{conflict}    "
                f"{self.quote(row, source)}\n    {self.strength_note(row)}</li>\n"
            )
        parts.append("</ul>")
        return Markup("".join(parts))  # noqa: S704 - every value in it is escaped

    def figure_value(self, figure: Any) -> Markup:
        """A reported figure: "over 80", "about 60", with its qualifier translated."""
        number = escape(i18n.format_number(figure.value, self.language))
        qualifier = labels.qualifier[figure.qualifier]
        if qualifier:
            return _html("{} {}", self.gettext(qualifier), number)
        return number

    def edition_dates(self, edition: Any) -> Markup:
        """An edition's dates as the sources give them."""
        start, end = edition.start_date, edition.end_date
        if start and end and end != start:
            return escape(i18n.format_date_range(start, end, self.language))
        if start:
            day = i18n.format_day(start, self.language)
            if end:
                return escape(day)
            return escape(
                self.gettext(N_("from {start} (end date not reported)")).format(start=day)
            )
        return escape(
            self.gettext(N_("{year}, exact dates not reported")).format(year=edition.year)
        )
