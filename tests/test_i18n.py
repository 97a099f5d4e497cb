"""The interface is fully translated, and language negotiation follows the brief."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.i18n import LOCALE_DIR, negotiate

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
