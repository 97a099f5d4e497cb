"""The interface is fully translated, and language negotiation follows the brief."""

import re
import subprocess
import sys
from datetime import date, timedelta
from gettext import c2py
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_date, get_timezone_location
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from app.i18n import (
    BABEL_LOCALES,
    LANGUAGES,
    LOCALE_DIR,
    babel_locale,
    format_date_range,
    format_day,
    format_number,
    negotiate,
    ngettext,
    ordinal,
    zone_name,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str | tuple[str, str]]:
    """Every message the code and templates use, extracted as `make messages` does."""
    output = tmp_path_factory.mktemp("messages") / "messages.pot"
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    subprocess.run(
        [
            pybabel,
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "_",
            "-k",
            "_n:1,2",
            "--no-location",
            "-o",
            str(output),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with output.open("rb") as pot:
        return {message.id for message in read_po(pot) if message.id}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_message_is_translated(extracted: set[str], language: str) -> None:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    translated = {m.id: m.string for m in catalog if m.id and _complete(m.string) and not m.fuzzy}
    missing = sorted(map(str, extracted - translated.keys()))
    assert missing == [], f"untranslated in {language}: run `make messages` and translate"
    for msgid in extracted:
        if isinstance(msgid, tuple):  # every plural form uses only the message's placeholders
            allowed = set(re.findall(r"\{\w+\}", msgid[1]))
            for form in translated[msgid]:
                assert set(re.findall(r"\{\w+\}", form)) <= allowed, msgid
            continue
        placeholders = set(re.findall(r"\{\w+\}", msgid))
        assert placeholders == set(re.findall(r"\{\w+\}", translated[msgid])), msgid


def _complete(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        ("ar", "fr", "en", "ar"),
        (None, "fr", "ar", "fr"),
        (None, None, "de-DE,fr;q=0.8,ar;q=0.9", "ar"),
        (None, None, "de, es", "en"),
        ("xx", None, None, "en"),
    ],
)
def test_language_is_negotiated_in_order(query, cookie, header, expected) -> None:  # noqa: ANN001
    assert negotiate(query, cookie, header) == expected


# Counts that pick every plural form of French (one, many, other) and Arabic (zero, one, two,
# few, many, other) under the installed Babel's rules.
PLURAL_COUNTS = (0, 1, 2, 3, 5, 11, 100)
# Words that French writes as English does: not a sign of an untranslated rendering.
SHARED_WORDS = {"participant", "participants", "quota"}


def _words(text: str) -> set[str]:
    return {word.lower() for word in re.findall(r"[^\W\d_]+", re.sub(r"\{\w+\}", " ", text))}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_plural_message_renders_in_the_language_for_every_count(
    extracted: set[str | tuple[str, str]], language: str
) -> None:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    plurals = [msgid for msgid in extracted if isinstance(msgid, tuple)]
    assert plurals, "no plural message was extracted"
    for singular, plural in plurals:
        forms = catalog[(singular, plural)].string
        assert len(forms) == catalog.num_plurals, (language, singular, forms)
        english_words = _words(singular) | _words(plural)
        plural_index = c2py(catalog.plural_expr)
        for n in PLURAL_COUNTS:
            values = {name: "X" for name in re.findall(r"\{(\w+)\}", plural) if name != "n"}
            rendered = ngettext(language, singular, plural, n, **values)
            chosen = forms[plural_index(n)].format(n=n, **values)
            assert rendered == chosen, f"{language}, n={n}: {rendered!r} is not the catalogue's"
            leftover = (_words(rendered) - {"x"}) & english_words - SHARED_WORDS
            assert not leftover, f"{language}, n={n}: English words {leftover} in {rendered!r}"
            if language == "ar":
                assert not re.search(r"[A-Za-z]", rendered.replace("X", "")), rendered


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("fr", 0, "0 délégation"),
        ("fr", 1, "1 délégation"),
        ("fr", 5, "5 délégations"),
        ("fr", 1_000_000, "1000000 délégations"),
        ("ar", 2, "وفدان"),
        ("ar", 3, "3 وفود"),
        ("ar", 15, "15 وفدًا"),
        ("ar", 100, "100 وفد"),
        ("ar", 102, "102 وفد"),
        ("ar", 111, "111 وفدًا"),
    ],
)
def test_counted_words_take_the_form_of_their_number(language: str, n: int, expected: str) -> None:
    assert ngettext(language, "{n} delegation", "{n} delegations", n) == expected


def _glossary() -> list[dict[str, str]]:
    import csv

    with (LOCALE_DIR / "glossary.csv").open(encoding="utf-8") as glossary:
        return list(csv.DictReader(glossary))


@pytest.mark.parametrize(("language", "column"), [("fr", "french"), ("ar", "arabic")])
def test_the_catalogues_use_the_terms_of_the_glossary(language: str, column: str) -> None:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    translations = {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in catalog if m.id}
    for term in _glossary():
        # A message that is the term itself is translated by the glossary's term.
        for msgid, string in translations.items():
            if msgid.lower() == term["english"].lower():
                assert string.lower() == term[column].lower(), (msgid, string)
        # A term the glossary replaces is used nowhere (placeholders such as {edition} aside).
        avoided = term[f"avoid_{column}"]
        if not avoided:
            continue
        pattern = re.compile(rf"(?<!\w){re.escape(avoided)}(?!\w)", re.IGNORECASE)
        for msgid, string in translations.items():
            for form in string if isinstance(string, tuple) else (string,):
                text = re.sub(r"\{\w+\}", "", form)
                assert not pattern.search(text), f"{avoided!r} in {language} {msgid!r}: {form!r}"


def test_french_puts_a_non_breaking_space_before_double_punctuation() -> None:
    with (LOCALE_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale="fr")
    for message in catalog:
        if not message.id:
            continue
        for form in message.string if isinstance(message.string, tuple) else (message.string,):
            # A sign that ends a clause (followed by a space or the end): not "HH:MM", not a URL.
            for match in re.finditer(r"(.?)([:;?!])(?=\s|$|»)", form):
                assert match.group(1) in ("\u00a0", "\u202f"), (message.id, form)


def _seeded_arabic_content() -> list[str]:
    """The Arabic text the project writes in seed/ (titles, summaries, notes), not the quotes,
    which keep the sources' own spelling."""
    import csv
    import tomllib

    seed = ROOT / "seed"
    texts: list[str] = []

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, dict):
            for name, inner in value.items():
                walk(inner, name)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, key)
        elif isinstance(value, str) and key.endswith("_ar"):
            texts.append(value)

    for path in seed.rglob("*.toml"):
        walk(tomllib.loads(path.read_text(encoding="utf-8")))
    with (seed / "entities.csv").open(encoding="utf-8") as csv_file:
        texts.extend(row["name_ar"] for row in csv.DictReader(csv_file))
    return texts


def test_africa_has_one_spelling_in_the_interface_and_the_content() -> None:
    with (LOCALE_DIR / "ar" / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale="ar")
    interface = [m.string for m in catalog if m.id and isinstance(m.string, str)]
    content = _seeded_arabic_content()
    assert any("أفريقيا" in text for text in interface) and any("أفريقيا" in t for t in content)
    for text in interface + content:
        assert "إفريقي" not in text, text
        assert not re.search(r"(?<!\S)ال\w+ رفيع المستوى", text), text


def test_arabic_content_writes_months_as_the_united_nations_do() -> None:
    egyptian_only = re.compile(
        r"(?<![/\w])(يناير|فبراير|مارس|أبريل|مايو|يونيو|يونيه|يوليو|يوليه|أغسطس|سبتمبر|أكتوبر"
        r"|نوفمبر|ديسمبر)(?!\w)"
    )
    for text in _seeded_arabic_content():
        assert not egyptian_only.search(text), text


@pytest.mark.parametrize(
    ("language", "day", "expected"),
    [
        ("en", date(2021, 6, 23), "23 June 2021"),
        ("fr", date(2024, 6, 1), "1er juin 2024"),
        ("ar", date(2021, 6, 23), "23 حزيران/يونيه 2021"),
        ("ar", date(2024, 1, 5), "5 كانون الثاني/يناير 2024"),
        ("ar", date(2024, 7, 5), "5 تموز/يوليه 2024"),
    ],
)
def test_days_are_written_as_un_documents_write_them(language, day, expected) -> None:  # noqa: ANN001
    assert format_day(day, language) == expected


@pytest.mark.parametrize(
    ("language", "start", "end", "expected"),
    [
        ("en", date(2024, 6, 4), date(2024, 6, 5), "4–5 June 2024"),
        ("fr", date(2024, 6, 4), date(2024, 6, 5), "les 4 et 5 juin 2024"),
        ("ar", date(2024, 6, 4), date(2024, 6, 5), "4 و5 حزيران/يونيه 2024"),
        ("fr", date(2024, 6, 4), date(2024, 6, 7), "du 4 au 7 juin 2024"),
        ("fr", date(2024, 5, 30), date(2024, 6, 2), "du 30 mai au 2 juin 2024"),
        ("en", date(2024, 12, 30), date(2025, 1, 2), "30 December 2024 – 2 January 2025"),
        ("ar", date(2024, 5, 30), date(2024, 6, 2), "من 30 أيار/مايو إلى 2 حزيران/يونيه 2024"),
        ("en", date(2024, 6, 4), date(2024, 6, 4), "4 June 2024"),
    ],
)
def test_a_range_of_days_reads_as_one_phrase(language, start, end, expected) -> None:  # noqa: ANN001
    assert format_date_range(start, end, language) == expected


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [("en", 1, "1st"), ("en", 12, "12th"), ("en", 23, "23rd"), ("fr", 1, "1re"), ("fr", 3, "3e")]
    + [("ar", 1, "الأولى"), ("ar", 3, "الثالثة")],
)
def test_sessions_are_ranked_with_the_languages_ordinals(language, n, expected) -> None:  # noqa: ANN001
    assert ordinal(n, language) == expected


def test_english_days_written_without_babel_are_those_babel_writes() -> None:
    days = [date(2015, 1, 1) + timedelta(days=n) for n in range(0, 20 * 366, 3)]
    days += [date(1, 1, 1), date(9, 2, 28), date(999, 12, 31), date(1000, 1, 1)]
    days += [date(2024, 2, 29), date(9999, 12, 31)]
    for day in days:
        assert format_day(day, "en") == format_date(day, format="long", locale="en_GB"), day


@pytest.mark.parametrize("language", LANGUAGES)
def test_small_numbers_written_without_babel_are_those_babel_writes(language: str) -> None:
    locale = Locale.parse(BABEL_LOCALES[language])
    for number in [*range(1000), 1000, 1234, 12345678, -1, -999, 2.5, 0.75]:
        assert format_number(number, language) == format_decimal(number, locale=locale), number


@pytest.mark.parametrize("language", LANGUAGES)
def test_locales_and_zone_names_are_read_once_and_are_babels(language: str) -> None:
    locale = babel_locale(language)
    assert babel_locale(language) is locale
    assert locale == Locale.parse(BABEL_LOCALES[language])
    for zone in ("Africa/Casablanca", "Africa/Addis_Ababa", "Europe/Paris", "UTC", "Asia/Kolkata"):
        expected = get_timezone_location(zone, locale=locale, return_city=True)
        assert zone_name(zone, language) == expected == zone_name(zone, language)
    assert zone_name("Not/A_Zone", language) == "Not/A_Zone"
