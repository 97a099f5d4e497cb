"""File names given by uploaders, made safe to store, show and send back."""

import re
import unicodedata

# C0 and C1 controls, DEL, and the bidirectional formatting characters (embeddings,
# overrides, isolates, marks) that can make "invoice\u202efdp.exe" read as "invoiceexe.pdf".
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_filename(name: str | None, *, default: str, max_length: int = 200) -> str:
    """The last component of an uploaded file's name, without control or bidi characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = _UNSAFE.sub("", name)
    name = re.split(r"[/\\]", name)[-1].strip()
    if name in ("", ".", ".."):
        return default
    return name[:max_length]
