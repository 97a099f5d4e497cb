"""Parameter and input types shared by the routers and schemas."""

import re
from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel, ConfigDict, field_validator

# Database ids: positive and within a 32-bit INTEGER, so that no id in a URL can overflow a
# query parameter (a 422 names it instead).
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]
SlugPath = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]

# C0 control characters other than tab, newline and carriage return: PostgreSQL cannot
# store NUL, and none of them belongs in a name, a title or a note.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InputModel(BaseModel):
    """Base of every payload the API accepts: unknown fields and control characters are
    refused with a 422 naming the field."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_control_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and _CONTROL.search(value):
            raise ValueError("control characters are not allowed")
        return value
