"""What typed text may not contain."""

import re

# C0 control characters but tab, newline and carriage return: PostgreSQL cannot store NUL,
# and none of them belongs in a title, a name or a statement.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
