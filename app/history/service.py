"""Reading the historical record: the facts of editions, sources, the participation chart.

Each loader takes many editions and runs one query per kind of fact, so a page costs the
same number of queries whatever the number of editions.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from app.editions.models import PUBLIC_STATUSES, Edition
from app.errors import NotFound
from app.history.models import (
    EditionFact,
    EditionPerson,
    FigureMetric,
    Person,
    RecordFact,
    RecordSubject,
    ReportedFigure,
    ReportedOutcome,
    Source,
    SummaryCitation,
    Theme,
)
from app.i18n import N_
from app.web.memo import row_copy


@dataclass
class EditionRecord:
    """Everything the sources report about one edition."""

    facts: list[EditionFact] = field(default_factory=list)
    figures: list[ReportedFigure] = field(default_factory=list)
    people: list[tuple[EditionPerson, Person]] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    outcomes: list[ReportedOutcome] = field(default_factory=list)
    statements: list[RecordFact] = field(default_factory=list)
    summary_citations: list[SummaryCitation] = field(default_factory=list)
    sources: dict[int, Source] = field(default_factory=dict)
    # Keys of the people on whom the sources disagree (their title...), see /conflicts.
    disputed_people: set[str] = field(default_factory=set)

    def copied(self) -> "EditionRecord":
        """The same record with plain copies of its rows (``RowCopy``), to be kept for the
        public renderings of its pages."""
        return EditionRecord(
            facts=[row_copy(row) for row in self.facts],
            figures=[row_copy(row) for row in self.figures],
            people=[(row_copy(role), row_copy(person)) for role, person in self.people],
            themes=[row_copy(row) for row in self.themes],
            outcomes=[row_copy(row) for row in self.outcomes],
            statements=[row_copy(row) for row in self.statements],
            summary_citations=[row_copy(row) for row in self.summary_citations],
            sources={key: row_copy(source) for key, source in self.sources.items()},
            disputed_people=set(self.disputed_people),
        )

    def first_fact(self, field_name: str) -> EditionFact | None:
        """The first reading of an attribute ("kind"...), if a source gives one."""
        return next((fact for fact in self.facts if fact.field == field_name), None)

    def cited_rows(self) -> list[Any]:
        """Every row that names a source."""
        return [
            *self.facts,
            *self.figures,
            *self.themes,
            *self.outcomes,
            *self.statements,
            *self.summary_citations,
            *(role for role, _ in self.people),
        ]

    def grouped_statements(self) -> list[list[RecordFact]]:
        """Statements in order, those several sources make in the same words shown once."""
        groups: dict[tuple[str, str], list[RecordFact]] = {}
        for statement in self.statements:
            groups.setdefault((statement.topic, statement.text_en), []).append(statement)
        return list(groups.values())

    def distinct_figures(self) -> list[ReportedFigure]:
        """One figure per reading: two sources giving "about 60 delegations" show once."""
        seen: set[tuple[str, str, int]] = set()
        distinct = []
        for figure in self.figures:
            reading = (figure.metric, figure.qualifier, figure.value)
            if reading not in seen:
                seen.add(reading)
                distinct.append(figure)
        return distinct

    def disputed_fields(self, edition: Edition) -> set[str]:
        """Attributes for which the sources give different values; another spelling of the
        city (Fes for Fez, Marrakesh for Marrakech) is not a disagreement."""
        values: dict[str, set[str]] = defaultdict(set)
        for fact in self.facts:
            values[fact.field].add(
                same_city(edition, fact.value) if fact.field == "city" else fact.value
            )
        return {name for name, seen in values.items() if len(seen) > 1}


def same_city(edition: Edition, value: str) -> str:
    """The edition's city when ``value`` is one of its names or spellings, else ``value``."""
    names = {edition.city_en, edition.city_fr, edition.city_ar, *edition.city_aliases}
    return edition.city_en if value in names else value


def records_for(db_session: Session, editions: Sequence[Edition]) -> dict[int, EditionRecord]:
    """The record of each edition, in a constant number of queries."""
    ids = [edition.id for edition in editions if edition.id is not None]
    records: dict[int, EditionRecord] = {edition_id: EditionRecord() for edition_id in ids}
    if not ids:
        return records
    for fact in db_session.exec(
        select(EditionFact).where(col(EditionFact.edition_id).in_(ids)).order_by(EditionFact.id)
    ):
        records[fact.edition_id].facts.append(fact)
    for figure in db_session.exec(
        select(ReportedFigure)
        .where(col(ReportedFigure.edition_id).in_(ids))
        .order_by(ReportedFigure.id)
    ):
        records[figure.edition_id].figures.append(figure)
    metric_order = {metric: index for index, metric in enumerate(FigureMetric)}
    for record in records.values():
        record.figures.sort(key=lambda figure: metric_order.get(FigureMetric(figure.metric), 9))
    for role, person in db_session.exec(
        select(EditionPerson, Person)
        .join(Person, col(Person.id) == EditionPerson.person_id)
        .where(col(EditionPerson.edition_id).in_(ids))
        .order_by(EditionPerson.position, EditionPerson.id)
    ):
        records[role.edition_id].people.append((role, person))
    for theme in db_session.exec(
        select(Theme).where(col(Theme.edition_id).in_(ids)).order_by(Theme.position, Theme.id)
    ):
        records[theme.edition_id].themes.append(theme)
    for outcome in db_session.exec(
        select(ReportedOutcome)
        .where(col(ReportedOutcome.edition_id).in_(ids))
        .order_by(ReportedOutcome.position, ReportedOutcome.id)
    ):
        records[outcome.edition_id].outcomes.append(outcome)
    for statement in db_session.exec(
        select(RecordFact)
        .where(col(RecordFact.edition_id).in_(ids))
        .order_by(RecordFact.position, RecordFact.id)
    ):
        records[statement.edition_id or 0].statements.append(statement)
    for citation in db_session.exec(
        select(SummaryCitation)
        .where(col(SummaryCitation.edition_id).in_(ids))
        .order_by(SummaryCitation.position, SummaryCitation.id)
    ):
        records[citation.edition_id].summary_citations.append(citation)
    disputed_subjects = set(
        db_session.exec(
            select(RecordSubject.key)
            .join(RecordFact, col(RecordFact.subject_id) == RecordSubject.id)
            .where(col(RecordFact.conflict).is_not(None))
        )
    )
    source_ids = {row.source_id for record in records.values() for row in record.cited_rows()}
    sources = {
        source.id: source
        for source in db_session.exec(select(Source).where(col(Source.id).in_(source_ids)))
        if source.id is not None
    }
    for record in records.values():
        used = {row.source_id for row in record.cited_rows()}
        record.sources = {source_id: sources[source_id] for source_id in sorted(used)}
        record.disputed_people = {
            person.key for _, person in record.people if person.key in disputed_subjects
        }
    return records


def get_source(db_session: Session, source_id: int) -> Source:
    """A source by its id."""
    source = db_session.get(Source, source_id)
    if source is None:
        raise NotFound(N_("There is no source {id}."), id=source_id)
    return source


@dataclass
class BackedFact:
    """A fact a source backs, with the public edition or the subject it concerns."""

    edition: Edition | None
    kind: str
    row: Any
    subject: RecordSubject | None = None

    @property
    def cited(self) -> Any:
        """The row holding the quote, strength and note."""
        return self.row[0] if self.kind == "person" else self.row


def facts_backed_by(db_session: Session, source: Source) -> list[BackedFact]:
    """Every fact of a public edition that cites this source."""
    backed: list[BackedFact] = []
    public = col(Edition.status).in_(PUBLIC_STATUSES)
    for kind, model in (
        ("fact", EditionFact),
        ("figure", ReportedFigure),
        ("theme", Theme),
        ("outcome", ReportedOutcome),
        ("statement", RecordFact),
        ("summary", SummaryCitation),
    ):
        for row, edition in db_session.exec(
            select(model, Edition)
            .join(Edition, col(Edition.id) == model.edition_id)
            .where(model.source_id == source.id, public)
            .order_by(Edition.year, model.id)
        ):
            backed.append(BackedFact(edition, kind, row))
    for role, person, edition in db_session.exec(
        select(EditionPerson, Person, Edition)
        .join(Person, col(Person.id) == EditionPerson.person_id)
        .join(Edition, col(Edition.id) == EditionPerson.edition_id)
        .where(EditionPerson.source_id == source.id, public)
        .order_by(Edition.year, EditionPerson.id)
    ):
        backed.append(BackedFact(edition, "person", (role, person)))
    backed.sort(key=lambda item: (item.edition.year, item.edition.id or 0))  # type: ignore[union-attr]
    for row, subject in db_session.exec(
        select(RecordFact, RecordSubject)
        .join(RecordSubject, col(RecordSubject.id) == RecordFact.subject_id)
        .where(RecordFact.source_id == source.id)
        .order_by(RecordSubject.position, RecordFact.position, RecordFact.id)
    ):
        backed.append(BackedFact(None, "subject", row, subject))
    return backed


@dataclass
class ChartBar:
    metric: FigureMetric
    value: int
    qualifier: str
    x: float
    y: float
    height: float
    from_registrations: bool = False


@dataclass
class ChartColumn:
    edition: Edition
    label_x: float
    bars: list[ChartBar]


@dataclass
class ParticipationChart:
    """Geometry of the home page's bar chart, computed here so the template only draws."""

    width: int
    height: int
    baseline: float
    columns: list[ChartColumn]
    scale_max: int
    ticks: list[tuple[int, float]]
    bar_width: float


CHART_METRICS = (
    FigureMetric.participants,
    FigureMetric.delegations,
    FigureMetric.heads_of_agencies,
)


@dataclass
class CountedFigure:
    """A figure counted from an edition's registrations rather than reported by a source."""

    value: int
    qualifier: str = "exact"


def participation_chart(
    editions: Sequence[Edition],
    records: dict[int, EditionRecord],
    registrations: Mapping[int, Any] | None = None,
) -> ParticipationChart:
    """Bars per edition: for an edition with registrations, the accredited participants and
    the submitted or confirmed delegations counted from them; otherwise the largest reading
    of each reported figure."""
    width, height, top, bottom, left = 640, 280, 20, 50, 40
    plot_height = height - top - bottom
    registrations = registrations or {}
    values: dict[int, dict[FigureMetric, ReportedFigure | CountedFigure]] = {}
    for edition in editions:
        best: dict[FigureMetric, ReportedFigure | CountedFigure] = {}
        for figure in records.get(edition.id or 0, EditionRecord()).figures:
            metric = FigureMetric(figure.metric)
            if metric not in best or figure.value > best[metric].value:
                best[metric] = figure
        counted = registrations.get(edition.id or 0)
        if counted is not None:
            best[FigureMetric.participants] = CountedFigure(counted.accredited_participants)
            best[FigureMetric.delegations] = CountedFigure(counted.delegations)
        values[edition.id or 0] = best
    peak = max((fig.value for best in values.values() for fig in best.values()), default=0)
    scale_max = max(10, -(-peak // 20) * 20)
    column_width = (width - left - 10) / max(1, len(editions))
    bar_width = min(24.0, column_width / (len(CHART_METRICS) + 1))
    columns: list[ChartColumn] = []
    for index, edition in enumerate(editions):
        start_x = left + index * column_width + (column_width - bar_width * len(CHART_METRICS)) / 2
        bars = []
        for position, metric in enumerate(CHART_METRICS):
            figure = values[edition.id or 0].get(metric)
            if figure is None:
                continue
            bar_height = plot_height * figure.value / scale_max
            bars.append(
                ChartBar(
                    metric,
                    figure.value,
                    figure.qualifier,
                    x=start_x + position * bar_width,
                    y=top + plot_height - bar_height,
                    height=bar_height,
                    from_registrations=isinstance(figure, CountedFigure),
                )
            )
        columns.append(ChartColumn(edition, left + index * column_width + column_width / 2, bars))
    ticks = [
        (value, top + plot_height - plot_height * value / scale_max)
        for value in range(0, scale_max + 1, max(1, scale_max // 4))
    ]
    return ParticipationChart(
        width, height, top + plot_height, columns, scale_max, ticks, bar_width
    )


def describe_fact(item: BackedFact) -> str:
    """A one-line English description of a backed fact, for the API."""
    row = item.row
    if item.kind == "person":
        role, person = row
        return f"{person.name}: {role.role}"
    if item.kind == "figure":
        return f"{row.metric}: {row.qualifier} {row.value}"
    if item.kind == "fact":
        return f"{row.field}: {row.value}"
    if item.kind == "summary":
        return "summary"
    return row.text_en
