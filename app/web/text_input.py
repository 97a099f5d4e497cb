"""What typed text may not contain."""

import re

from app.i18n import N_

# C0 control characters but tab, newline and carriage return: PostgreSQL cannot store NUL,
# and none of them belongs in a title, a name or a statement.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# What a one-line value (a title, a name, a city) may not hold: every C0 and C1 control
# character (line feeds included, which would split a mail header), the Unicode line and
# paragraph separators, and the bidi embeddings, overrides and isolates that can make a
# name read backwards. The marks (LRM, RLM, ALM) stay: Arabic typing produces them.
NOT_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
SINGLE_LINE_MESSAGE = N_("Enter this on one line, without line breaks or control characters.")


def is_single_line(value: str) -> bool:
    return NOT_SINGLE_LINE.search(value) is None


def require_single_line(value: str, *, field: str) -> None:
    """Refuse a line feed, control or bidi override character in a one-line input."""
    from app.errors import InvalidInput

    if not is_single_line(value):
        raise InvalidInput(SINGLE_LINE_MESSAGE, field=field)
