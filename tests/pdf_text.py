"""The text of a PDF as the tests read it: extracted in drawing order (pypdf), or as a
reader copies it from Chrome's viewer (pdfium)."""

from io import BytesIO

from pypdf import PdfReader


def extracted_text(content: bytes) -> str:
    """Every page's text in drawing order (pypdf): good for Latin text and layout checks."""
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def copied_text(content: bytes, page: int | None = None) -> str:
    """The text a reader copies in Chrome's viewer (pdfium). Arabic is drawn word by word
    from right to left, and pypdf strings the words together in drawing order; pdfium (like
    pdftotext) gives them back in the order typed."""
    import pypdfium2

    document = pypdfium2.PdfDocument(content)
    try:
        pages = range(len(document)) if page is None else [page]
        return "\n".join(document[index].get_textpage().get_text_range() for index in pages)
    finally:
        document.close()
