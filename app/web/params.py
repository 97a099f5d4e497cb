"""Parameter and input types shared by the routers and schemas."""

from datetime import datetime
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import available_timezones

from fastapi import Path
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from app.i18n import N_
from app.web.text_input import CONTROL_CHARACTERS, SINGLE_LINE_MESSAGE, is_single_line

# Database ids: positive and within a 32-bit INTEGER, so that no id in a URL can overflow a
# query parameter (a 422 names it instead).
MAX_ROW_ID = 2_147_483_647
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
IdInBody = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]  # an id sent in a JSON body
SlugPath = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]


def whole_number(text: str, *, maximum: int = MAX_ROW_ID) -> int | None:
    """``text`` as a whole number of ASCII digits up to ``maximum``, else None. ``str.isdigit``
    alone also accepts "²" (which ``int`` refuses) and other scripts' digits."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    value = int(text)
    return value if value <= maximum else None


def _single_line(value: str) -> str:
    if not is_single_line(value):
        raise PydanticCustomError("single_line", SINGLE_LINE_MESSAGE)
    return value


# A title, a name, a city, a function: one line of text, which may go into a mail header or
# a file name. Refused with a 422 naming the field (type "single_line"). Put ONE_LINE after
# any StringConstraints, so that length errors keep their own type:
# ``Annotated[str, StringConstraints(max_length=300), ONE_LINE]``.
ONE_LINE = AfterValidator(_single_line)
SingleLine = Annotated[str, ONE_LINE]


@lru_cache
def time_zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    return name in time_zone_names()


TIME_ZONE_MESSAGE = N_("Enter a time zone such as Africa/Casablanca.")


def _time_zone(value: str) -> str:
    if not is_time_zone(value):
        raise PydanticCustomError("time_zone", TIME_ZONE_MESSAGE)
    return value


# An IANA time zone name the server knows ("Africa/Casablanca"); '' and paths are refused.
TimeZoneName = Annotated[str, AfterValidator(_time_zone)]


def _moment(value: datetime) -> datetime:
    if not 1900 <= value.year <= 2200:
        raise PydanticCustomError("moment_range", "Enter a date between 1900 and 2200.")
    return value


# A date and time typed by a user: within years a calendar can shift into any time zone.
Moment = Annotated[datetime, AfterValidator(_moment)]


class InputModel(BaseModel):
    """Base of every payload the API accepts: unknown fields and control characters are
    refused with a 422 naming the field."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_control_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise ValueError("control characters are not allowed")
        return value


def _empty_as_none(value: Any) -> Any:
    return None if value == "" else value


# On a filter of a GET form the empty choice ("All") arrives as "": it means no filter.
EmptyAsNone = BeforeValidator(_empty_as_none)
