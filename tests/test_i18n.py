"""The interface is fully translated, and language negotiation follows the brief."""

import re
import subprocess
import sys
from gettext import c2py
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.i18n import LOCALE_DIR, negotiate, ngettext

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
