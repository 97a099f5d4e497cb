"""Languages of the interface and of the content: English, French and Arabic.

Catalogues are gettext ``.po`` files under ``app/locale``, read with Babel when first
needed (no compile step); ``pybabel extract`` refreshes them (see the Makefile).
"""

from datetime import UTC, date, datetime
from functools import lru_cache
from io import BytesIO
from typing import Any, Literal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_interval, format_time, get_timezone_location
from babel.lists import format_list as babel_format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from app.config import ROOT_DIR

Language = Literal["en", "fr", "ar"]
LANGUAGES: tuple[Language, ...] = ("en", "fr", "ar")
DEFAULT_LANGUAGE: Language = "en"
RTL_LANGUAGES = frozenset({"ar"})
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}
LOCALE_DIR = ROOT_DIR / "app" / "locale"
LANGUAGE_COOKIE = "lang"


def direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


@lru_cache
def get_translations(language: str) -> NullTranslations:
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == DEFAULT_LANGUAGE or not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def gettext(language: str, message: str, **params: Any) -> str:
    text = get_translations(language).gettext(message)
    return text.format(**params) if params else text


def ngettext(language: str, singular: str, plural: str, n: int, **params: Any) -> str:
    """The form of a message for the number ``n`` (Arabic has six, French counts 0 as one)."""
    return get_translations(language).ngettext(singular, plural, n).format(n=n, **params)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> Language:
    """Pick the language: ``?lang=`` first, then the cookie, then Accept-Language."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate  # type: ignore[return-value]
    return accepted_language(accept_language) or DEFAULT_LANGUAGE


@lru_cache(maxsize=512)  # browsers send a handful of distinct headers, on every request
def accepted_language(accept_language: str | None) -> Language | None:
    """The first of our languages the browser asks for (Accept-Language), if any."""
    for tag in _parse_accept_language(accept_language or ""):
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary  # type: ignore[return-value]
    return None


def _parse_accept_language(header: str) -> list[str]:
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        if not tag:
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def localized(obj: Any, field: str, language: str) -> tuple[str | None, bool]:
    """Return the field in ``language`` and whether it fell back to English."""
    value = getattr(obj, f"{field}_{language}", None)
    if value:
        return value, False
    fallback = getattr(obj, f"{field}_{DEFAULT_LANGUAGE}", None)
    return fallback, language != DEFAULT_LANGUAGE and bool(fallback)


# UN usage: British English ("4 June 2024").
BABEL_LOCALES = {"en": "en_GB", "fr": "fr", "ar": "ar"}


@lru_cache(maxsize=32)
def babel_locale(language: str) -> Locale:
    """Babel's locale, parsed once a process (``Locale.parse`` checks its name on every call)."""
    return Locale.parse(BABEL_LOCALES.get(language, language))


# What Babel's British English writes for a long date ("d MMMM y"), without its pattern
# machinery: a page writes a dozen dates (tests compare the two).
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# The United Nations' Arabic month names: the Levantine name, then the Egyptian one.
UN_ARABIC_MONTHS = (
    "كانون الثاني/يناير",
    "شباط/فبراير",
    "آذار/مارس",
    "نيسان/أبريل",
    "أيار/مايو",
    "حزيران/يونيه",
    "تموز/يوليه",
    "آب/أغسطس",
    "أيلول/سبتمبر",
    "تشرين الأول/أكتوبر",
    "تشرين الثاني/نوفمبر",
    "كانون الأول/ديسمبر",
)


def _day_number(value: date, language: str) -> str:
    """The day of the month: French writes the first "1er"."""
    return "1er" if language == "fr" and value.day == 1 else str(value.day)


def _day_month(value: date, language: str) -> str:
    if language == "ar":
        return f"{value.day} {UN_ARABIC_MONTHS[value.month - 1]}"
    month = babel_locale(language).months["format"]["wide"][value.month]
    return f"{_day_number(value, language)} {month}"


def format_day(value: date | None, language: str, fmt: str = "long") -> str:
    """A day as UN documents write it: "4 June 2024", "1er juin 2024", "4 حزيران/يونيه 2024"."""
    if not value:
        return ""
    if fmt in ("long", "medium") and language in ("ar", "fr"):
        return f"{_day_month(value, language)} {value.year}"
    if fmt == "long" and language == "en":
        return f"{value.day} {ENGLISH_MONTHS[value.month - 1]} {value.year}"
    if fmt == "full" and language in ("ar", "fr"):
        weekday = babel_locale(language).days["format"]["wide"][value.weekday()]
        separator = "، " if language == "ar" else " "
        return f"{weekday}{separator}{_day_month(value, language)} {value.year}"
    return format_date(value, format=fmt, locale=babel_locale(language))


def format_date_range(start: date, end: date, language: str) -> str:
    """Two days as a range: "4–5 June 2024", "les 4 et 5 juin 2024", "4 و5 حزيران/يونيه 2024";
    "du 30 mai au 2 juin 2024", "من 30 أيار/مايو إلى 2 حزيران/يونيه 2024"."""
    if end <= start:
        return format_day(start, language)
    same_year = start.year == end.year
    same_month = same_year and start.month == end.month
    if language == "fr":
        if same_month and (end - start).days == 1:
            return f"les {_day_number(start, language)} et {format_day(end, language)}"
        first = (
            _day_number(start, language)
            if same_month
            else (_day_month(start, language) if same_year else format_day(start, language))
        )
        return f"du {first} au {format_day(end, language)}"
    if language == "ar":
        if same_month and (end - start).days == 1:
            return f"{start.day} و{format_day(end, language)}"
        first = (
            str(start.day)
            if same_month
            else (_day_month(start, language) if same_year else format_day(start, language))
        )
        return f"من {first} إلى {format_day(end, language)}"
    if same_month:
        return f"{start.day}–{format_day(end, language)}"
    first = _day_month(start, language) if same_year else format_day(start, language)
    return f"{first} – {format_day(end, language)}"


@lru_cache(maxsize=1024)  # a few zones in three languages; Babel looks each up every call
def zone_name(time_zone: str, language: str) -> str:
    """A time zone as a reader names it: its city in their language ("الدار البيضاء")."""
    try:
        return get_timezone_location(time_zone, locale=babel_locale(language), return_city=True)
    except LookupError:
        return time_zone


def format_dates(start: date | None, end: date | None, language: str) -> str:
    """A span of days as the language writes it: "2–3 June 2027", "2–3 juin 2027"."""
    if start is None:
        return ""
    if end is None or end == start:
        return format_day(start, language)
    return format_interval(start, end, skeleton="yMMMMd", locale=babel_locale(language))


def zone_label(moment: datetime, language: str) -> str:
    """The offset of an aware moment as people read it: "GMT+1", "UTC+1", "GMT+5:30"."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    text = f"{sign}{hours}" + (f":{rest:02d}" if rest else "") if minutes else ""
    return babel_locale(language).zone_formats["gmt"] % text


def format_moment(
    value: datetime | None, language: str, fmt: str = "medium", *, time_zone: str | None = None
) -> str:
    """A moment as a person reads it: in ``time_zone`` (the venue's), without seconds, with
    its offset ("2 June 2027, 17:00 GMT+1"). Naive values are UTC, as stored."""
    if not value:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(ZoneInfo(time_zone)) if time_zone else value
    locale = babel_locale(language)
    day = format_day(local.date(), language, fmt)
    clock = format_time(local, format="HH:mm", locale=locale)
    joined = locale.datetime_formats["medium"].replace("'", "").format(clock, day)
    return f"{joined} {zone_label(local, language)}"


def format_clock(value: datetime | None, language: str) -> str:
    return format_time(value, format="HH:mm", locale=babel_locale(language)) if value else ""


def format_number(value: int | float, language: str) -> str:
    """A number as the language writes it; 0 to 999 are written the same in the three
    languages (Latin digits, no separator), without Babel."""
    if type(value) is int and 0 <= value < 1000:
        return str(value)
    return format_decimal(value, locale=babel_locale(language))


def format_list(items: list[str], language: str) -> str:
    """ "Arabic, English, and French" / "arabe, anglais et français" / "العربية والإنكليزية"."""
    return babel_format_list(items, locale=babel_locale(language)) if items else ""


ARABIC_ORDINALS = (
    "الأولى",
    "الثانية",
    "الثالثة",
    "الرابعة",
    "الخامسة",
    "السادسة",
    "السابعة",
    "الثامنة",
    "التاسعة",
    "العاشرة",
)


def ordinal(n: int, language: str) -> str:
    """The rank of a session (feminine in French and Arabic): "3rd", "1re", "3e", "الثالثة"."""
    if language == "fr":
        return "1re" if n == 1 else f"{n}e"
    if language == "ar":
        return ARABIC_ORDINALS[n - 1] if 1 <= n <= len(ARABIC_ORDINALS) else str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def of_entity(entity: Any, language: str) -> str:
    """An entity's name after "of", as each language joins them: "of Mali", "du Mali",
    "de la Côte d'Ivoire", "des Comores", "d'Haïti"; Arabic annexes the name ("وفد مالي")."""
    if language == "fr":
        return entity.name_fr_of or f"de {entity.name_fr}"
    if language == "ar":
        return entity.name_ar
    return f"of {entity.name_en}"


def format_fact_value(field: str, value: str, language: str) -> str:
    """A reported value as a reader expects it: dates in their language, the rest as given."""
    if field.endswith("_date"):
        try:
            return format_day(date.fromisoformat(value), language)
        except ValueError:
            return value
    return value
