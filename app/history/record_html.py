"""The long lists of an edition's page, as HTML: the facts the sources give, the passages of
the summary, the statements, people, themes, outcome statements, reported outcomes, figures
and sources.

Each list is printed by the template as one piece: a loop in Jinja costs a context lookup,
a call and an escape for every value of every item, and an edition cites a hundred items
and more. The HTML is the same, byte for byte, as the loops of ``editions/page.html`` gave
(the whitespace included): each value that is not already HTML is escaped as Jinja would.
"""

from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape

from app import i18n
from app.history.cited import CitedHtml
from app.i18n import N_
from app.web import labels

DISPUTED = ' class="disputed"'
KIND = ' id="fact-kind"'


def _joined(pieces: Iterable[str]) -> Markup:
    """Pieces of trusted HTML in which every value is escaped, as one piece."""
    return Markup("".join(pieces))  # noqa: S704


class RecordHtml:
    """The lists of one page, in the reader's language, with the fragments of ``cited``."""

    def __init__(self, cited: CitedHtml) -> None:
        self.cited = cited
        self.gettext = cited.gettext
        self._labels: dict[str, Markup] = {}  # a few labels, repeated on every item

    def _label(self, message: str) -> Markup:
        label = self._labels.get(message)
        if label is None:
            label = self._labels[message] = escape(self.gettext(message))
        return label

    def edition_page(
        self, *, record: Any, edition: Any, country: Any, disputed: set[str], statements: Any
    ) -> dict[str, Markup]:
        """Every list of an edition's page, by the name the template prints it under."""
        return {
            "facts": self.facts(record, edition, country, disputed),
            "summary_citations": self.summary_citations(record),
            "statements": self.statements(record),
            "people": self.people(record),
            "themes": self.texts(record.themes, record.sources),
            "outcome_statements": self.outcome_statements(statements, edition),
            "outcomes": self.texts(record.outcomes, record.sources),
            "figures": self.figures(record),
            "sources": self.sources(record),
        }

    def facts(self, record: Any, edition: Any, country: Any, disputed: set[str]) -> Markup:
        """What the sources say of the edition's attributes: one item per source."""
        cited, sources = self.cited, record.sources
        colon = self._label(N_(": "))
        conflicts = escape(cited.url_for("conflicts_page"))
        differ = self._label(N_("the sources differ"))
        differ = f'<em>(<a href="{conflicts}">{differ}</a>)</em>'
        spelling = self._label(N_("the spelling of this source"))
        spelling = f"<em>({spelling})</em>"
        aliases = edition.city_aliases
        parts = []
        for fact in record.facts:
            field, source = fact.field, sources[fact.source_id]
            is_disputed = field in disputed
            parts.append(
                f"      <li{DISPUTED if is_disputed else ''}{KIND if field == 'kind' else ''}>\n"
                f"        <strong>{self._label(labels.fact_field.get(field, field))}</strong>"
                f"{colon}{cited.fact_text(field, fact.value, edition, country)}\n"
                f"{spelling if field == 'city' and fact.value in aliases else ''}"
                f"{differ if is_disputed else ''}"
                f"        {cited.strength_mark(fact)}\n"
                f"        — {cited.source_link(source)}\n"
                f"        {cited.quote(fact, source)}\n"
                f"        {cited.strength_note(fact)}\n"
                "      </li>\n"
            )
        return _joined(parts)

    def summary_citations(self, record: Any) -> Markup:
        """The passages the summary is written from."""
        cited, sources = self.cited, record.sources
        return _joined(
            f"        <li>{cited.source_link(sources[citation.source_id])} "
            f"{cited.quote(citation, sources[citation.source_id])}</li>\n"
            for citation in record.summary_citations
        )

    def statements(self, record: Any) -> Markup:
        """The statements, those several sources make in the same words shown once."""
        cited, sources = self.cited, record.sources
        return _joined(
            f"      <li><strong>"
            f"{self._label(labels.record_topic.get(rows[0].topic, rows[0].topic))}</strong>\n"
            f"        {cited.cited_text(rows, sources)}</li>\n"
            for rows in record.grouped_statements()
        )

    def people(self, record: Any) -> Markup:
        """The co-chairs and speakers, each with the title the source gives."""
        cited, sources = self.cited, record.sources
        comma = self._label(N_(", "))
        differ = self._label(N_("the sources differ on this person's title"))
        parts = []
        for role, person in record.people:
            function = cited.localized(role, "function")[0]
            source = sources[role.source_id]
            disputed = ""
            if person.key in record.disputed_people:
                address = escape(cited.url_for("subject_page", key=person.key))
                disputed = f'<a href="{address}" class="disputed-link">{differ}</a>'
            parts.append(
                f"      <li><strong>{cited.person_name(person)}</strong>\n"
                f"        — {self._label(labels.person_role[role.role])}"
                f"{f'{comma}{escape(function)}' if function else ''}"
                f"        {cited.strength_mark(role)} {cited.source_link(source)}\n"
                f"{disputed}"
                f"        {cited.strength_note(role)}</li>\n"
            )
        return _joined(parts)

    def texts(self, rows: Iterable[Any], sources: dict[int, Any]) -> Markup:
        """Themes or reported outcomes: each text with its strength and source."""
        cited = self.cited
        return _joined(
            f"      <li>{escape(cited.localized(row, 'text')[0])} {cited.strength_mark(row)} "
            f"{cited.source_link(sources[row.source_id])}{cited.strength_note(row)}</li>\n"
            for row in rows
        )

    def outcome_statements(self, statements: Iterable[Any], edition: Any) -> Markup:
        """The published outcome statements, each with its page and its PDF."""
        cited = self.cited
        comma = self._label(N_(", "))
        parts = []
        for statement in statements:
            adopted = ""
            if statement.adopted_date:
                day = i18n.format_day(statement.adopted_date, cited.language)
                adopted = self.gettext(N_("adopted on {date}")).format(date=day)
                adopted = f"{comma}{escape(adopted)}"
            page = cited.url_for("outcome_page", slug=edition.slug, statement_id=statement.id)
            pdf = cited.url_for("outcome_pdf", slug=edition.slug, statement_id=statement.id)
            parts.append(
                f'      <li><a href="{escape(page)}">'
                f"{escape(cited.localized(statement, 'title')[0])}</a>\n"
                f'        <span class="meta">({self._label(labels.outcome_kind[statement.kind])}'
                f"{comma}{escape(statement.symbol)}{adopted})</span>\n"
                f'        — <a href="{escape(pdf)}">PDF</a></li>\n'
            )
        return _joined(parts)

    def figures(self, record: Any) -> Markup:
        """The rows of the figures the sources report."""
        cited, sources = self.cited, record.sources
        return _joined(
            f'        <tr><th scope="row">{self._label(labels.metric[figure.metric])}</th>'
            f"<td>{cited.figure_value(figure)} {cited.strength_mark(figure)}</td>\n"
            f"          <td>{cited.source_link(sources[figure.source_id])}"
            f"{cited.strength_note(figure)}</td></tr>\n"
            for figure in record.figures
        )

    def sources(self, record: Any) -> Markup:
        """The sources cited on the page, each with what it is and when."""
        cited = self.cited
        return _joined(
            f'      <li><a href="{escape(cited.url_for("source_page", source_id=source.id))}">'
            f'{cited.source_title(source)}</a> <span class="meta">'
            f"({cited.source_meta(source)})</span></li>\n"
            for source in record.sources.values()
        )
