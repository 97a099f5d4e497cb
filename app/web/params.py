"""Parameter and input types shared by the routers and schemas."""

from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator

from app.web.text_input import CONTROL_CHARACTERS

# Database ids: positive and within a 32-bit INTEGER, so that no id in a URL can overflow a
# query parameter (a 422 names it instead).
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]
SlugPath = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]


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
