"""Translations that may lag behind the English: when the English title or text of an
agenda item or an outcome statement changes and its French or Arabic one does not, that
translation is flagged as possibly out of date until it is saved changed."""

from typing import Any

from sqlalchemy import false
from sqlmodel import Field

TRANSLATIONS = ("fr", "ar")


def outdated_flag() -> Any:
    """The column of one flag: False for every row that existed before it."""
    return Field(default=False, sa_column_kwargs={"server_default": false()})


def flag_outdated(
    record: Any,
    *,
    before: dict[str, Any],
    parts: tuple[str, ...],
    after: dict[str, Any] | None = None,
) -> None:
    """Set ``fr_outdated`` / ``ar_outdated`` from the values ``before`` the change
    (``{"title_en": ..., "title_fr": ...}``) and the values now: ``after`` where given
    (texts that are not columns of the record, such as an item's speakers), otherwise the
    record's own."""

    def now(name: str) -> Any:
        return after.get(name) if after is not None else getattr(record, name)

    def changed(language: str) -> bool:
        return any(
            (before.get(f"{part}_{language}") or "") != (now(f"{part}_{language}") or "")
            for part in parts
        )

    english_changed = changed("en")
    for language in TRANSLATIONS:
        has_text = any(now(f"{part}_{language}") for part in parts)
        if changed(language) or not has_text:
            setattr(record, f"{language}_outdated", False)
        elif english_changed:
            setattr(record, f"{language}_outdated", True)


def values_of(record: Any, parts: tuple[str, ...]) -> dict[str, Any]:
    """The translated fields of a record, before a change."""
    return {
        f"{part}_{language}": getattr(record, f"{part}_{language}")
        for part in parts
        for language in ("en", *TRANSLATIONS)
    }
