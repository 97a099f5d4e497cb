"""Compile one Typst document in a process of its own (app/web/pdf.py starts it per PDF).

Run as a script, importing nothing of the application: Typst's library, fonts and caches
(about 40 MB) are loaded here and given back to the system when the process ends, so a
server worker does not keep them. Reads one JSON request on stdin (template, data, fonts,
root), writes the PDF on stdout and one JSON line on stderr: the warnings, or the error.
"""

import json
import sys

MISSING_GLYPH = "could not be displayed with font"


def main() -> int:
    import typst

    request = json.loads(sys.stdin.buffer.read())
    fonts = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=[request["fonts"]]
    )
    compiler = typst.Compiler(root=request["root"], font_paths=fonts)
    options = {"input": request["template"], "format": "pdf", "sys_inputs": request["inputs"]}
    try:
        try:
            content, warnings = compiler.compile_with_warnings(**options, pdf_standards=["ua-1"])
            messages = [warning.message for warning in warnings]
        except typst.TypstError as error:
            if MISSING_GLYPH not in error.message:
                raise
            # PDF/UA forbids a character the fonts lack (a script they do not cover, an
            # emoji): the document is still printed, tagged, with a box in its place.
            content, warnings = compiler.compile_with_warnings(**options)
            messages = [error.message, *(warning.message for warning in warnings)]
    except typst.TypstError as error:
        sys.stderr.write(json.dumps({"error": error.message}) + "\n")
        return 2
    sys.stdout.buffer.write(content)
    sys.stderr.write(json.dumps({"warnings": messages}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
