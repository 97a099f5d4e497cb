"""Every fact is exactly as strong as its source: a stated value appears in its quote, an
inferred value or a reading says why, and every quote is in the document it cites."""

import re
import unicodedata
from datetime import date

from sqlmodel import select

from app.editions.models import Edition
from app.history.models import (
    EditionFact,
    EditionPerson,
    Person,
    RecordFact,
    ReportedFigure,
    ReportedOutcome,
    Source,
    Strength,
    SummaryCitation,
    Theme,
)

CITED_MODELS = (EditionFact, ReportedFigure, EditionPerson, Theme, ReportedOutcome, RecordFact)
MONTHS = {6: ("june", "يونيو")}
ORDINALS = {"1": ("first", "inaugural"), "2": ("second", "الثانية"), "3": ("third", "الثالثة")}
QUALIFIERS = {"over": ("over", "more than"), "about": ("around", "about", "حوالي"), "exact": ("",)}
ROLE_WORDS = {
    "opening_co_chair": ("co chaired the opening ceremony",),
    "co_chair": ("co chaired",),
    "keynote_speaker": ("keynote speakers",),
    "opening_remarks": ("during the opening", "في افتتاح"),
}
STOP_WORDS = {"with", "from", "that", "this", "their", "there", "were", "which", "into"}


def words(text: str) -> list[str]:
    """Lower case, accents and Arabic short vowels dropped, punctuation and hyphens as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^\w]+", " ", bare).split()


def flat(text: str) -> str:
    return " " + " ".join(words(text)) + " "


def appears(value: str, quote: str) -> bool:
    return flat(value).strip() in flat(quote)


def stems_appear(text: str, quote: str, language: str) -> bool:
    """Each content word of ``text`` is in the quote: in English by its first five letters;
    in Arabic as written, prefixed letters (و، ب، ل) allowed."""
    content = [w for w in words(text) if len(w) >= (3 if language == "ar" else 4)]
    if language == "ar":
        return all(word in flat(quote) for word in content)
    quoted = {word[:5] for word in words(quote)}
    return all(word[:5] in quoted for word in content if word not in STOP_WORDS)


def date_appears(value: str, quote: str) -> bool:
    day = date.fromisoformat(value)
    text = flat(quote)
    for month in MONTHS[day.month]:
        patterns = (
            rf" {day.day}( and \d+)? {month} {day.year} ",
            rf" {month} {day.day} {day.year} ",
        )
        if any(re.search(pattern, text) for pattern in patterns):
            return True
    return False


def edition_fact_holds(fact: EditionFact, edition: Edition) -> bool:
    if fact.field.endswith("_date"):
        return date_appears(fact.value, fact.quote)
    if fact.field == "number":
        return any(appears(word, fact.quote) for word in ORDINALS[fact.value])
    if fact.field == "city" and fact.value == edition.city_en:
        # A city named in another language's source: its name in that language.
        names = (edition.city_en, edition.city_fr or "", edition.city_ar or "")
        return any(name and appears(name, fact.quote) for name in names)
    return appears(fact.value, fact.quote)


def person_holds(role: EditionPerson, person: Person, source: Source) -> bool:
    name = person.name_ar if source.language == "ar" else person.name
    function = getattr(role, f"function_{source.language}") or ""
    quoted = set(words(role.quote))
    return (
        appears(name or "", role.quote)
        and set(words(function)) <= quoted
        and any(appears(phrase, role.quote) for phrase in ROLE_WORDS.get(role.role, ("\0",)))
    )


def failures_of_value_in_quote(db_session) -> list[str]:  # noqa: ANN001
    sources = {s.id: s for s in db_session.exec(select(Source))}
    editions = {e.id: e for e in db_session.exec(select(Edition))}
    failures = []
    for fact in db_session.exec(select(EditionFact)):
        if fact.strength == Strength.stated and not edition_fact_holds(
            fact, editions[fact.edition_id]
        ):
            failures.append(f"fact {fact.field}={fact.value}: {fact.quote}")
    for figure in db_session.exec(select(ReportedFigure)):
        holds = str(figure.value) in figure.quote and any(
            appears(f"{word} {figure.value}", figure.quote) for word in QUALIFIERS[figure.qualifier]
        )
        if figure.strength == Strength.stated and not holds:
            failures.append(f"figure {figure.qualifier} {figure.value}: {figure.quote}")
    for role, person in db_session.exec(
        select(EditionPerson, Person).join(Person, Person.id == EditionPerson.person_id)
    ):
        if role.strength == Strength.stated and not person_holds(
            role, person, sources[role.source_id]
        ):
            failures.append(f"person {person.name} as {role.role}: {role.quote}")
    for model in (Theme, ReportedOutcome):
        for row in db_session.exec(select(model)):
            language = sources[row.source_id].language
            text = getattr(row, f"text_{language}") or ""
            if row.strength == Strength.stated and not stems_appear(text, row.quote, language):
                failures.append(f"{model.__name__} {text}: {row.quote}")
    for row in db_session.exec(select(RecordFact)):
        if row.strength == Strength.stated and not (row.value and appears(row.value, row.quote)):
            failures.append(f"record fact {row.value}: {row.quote}")
    return failures


def test_every_stated_value_appears_in_its_quote(db_session) -> None:
    assert failures_of_value_in_quote(db_session) == []


def test_the_check_catches_a_value_its_quote_does_not_give(db_session) -> None:
    figure = db_session.exec(select(ReportedFigure)).first()
    figure.value += 1
    db_session.add(figure)
    role = db_session.exec(
        select(EditionPerson).where(EditionPerson.role == "keynote_speaker")
    ).first()
    role.role = "co_chair"  # "keynote speakers" is not "co-chaired"
    db_session.add(role)
    db_session.flush()
    failures = failures_of_value_in_quote(db_session)
    assert any(failure.startswith("figure") for failure in failures)
    assert any(" as co_chair" in failure for failure in failures)


def test_every_quote_is_in_its_source(db_session) -> None:
    sources = {s.id: flat(s.text) for s in db_session.exec(select(Source))}
    checked = 0
    for model in (*CITED_MODELS, SummaryCitation):
        for row in db_session.exec(select(model)):
            for piece in row.quote.split("[...]"):
                assert flat(piece) in sources[row.source_id], (model.__name__, piece)
            checked += 1
    assert checked >= 90


def test_every_inferred_value_and_reading_gives_its_reasoning_in_three_languages(
    db_session,
) -> None:
    marked = 0
    for model in CITED_MODELS:
        for row in db_session.exec(select(model).where(model.strength != Strength.stated)):
            assert row.note_en and row.note_fr and row.note_ar, (model.__name__, row.quote)
            marked += 1
    assert marked >= 5
    for source in db_session.exec(select(Source).where(Source.date_strength != "stated")):
        assert "(" in (source.published_on or ""), source.key
        assert source.date_note_en and source.date_note_fr and source.date_note_ar


def test_an_arabic_name_is_either_written_so_by_its_source_or_a_transliteration(
    db_session,
) -> None:
    sources = {s.id: s for s in db_session.exec(select(Source))}
    people = {p.key: p for p in db_session.exec(select(Person))}
    for person in people.values():
        assert person.name_ar, person.key  # every name can be read in Arabic script
        if person.name_ar_source_id:
            assert person.name_ar in sources[person.name_ar_source_id].text
    assert people["nasser-bourita"].name_ar_source_id is not None
    assert people["mohamed-yassin-mansouri"].name_ar_source_id is None


def test_the_2021_event_is_linked_to_the_platform_only_as_a_reading(db_session) -> None:
    edition = db_session.exec(select(Edition).where(Edition.slug == "2021-marrakech")).one()
    kind = db_session.exec(
        select(EditionFact).where(EditionFact.edition_id == edition.id, EditionFact.field == "kind")
    ).one()
    assert kind.value == "precursor" and kind.strength == Strength.reading
    assert "No source links this event to the Marrakech Platform" in kind.note_en


def test_city_aliases_are_spellings_the_sources_use(db_session) -> None:
    texts = " ".join(s.text for s in db_session.exec(select(Source)))
    for edition in db_session.exec(select(Edition).where(Edition.is_historical)):
        for alias in edition.city_aliases:
            assert alias in texts, (edition.slug, alias)
