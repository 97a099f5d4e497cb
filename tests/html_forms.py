"""Reading the forms of a page as a browser does, to submit them as a person would.

A button posts only the fields of its own form, to its ``formaction`` or the form's
``action``: tests that fill in a page and press a button find out what is sent, and so what
a person would lose."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any


@dataclass
class Button:
    text: str
    action: str
    name: str | None = None
    value: str = ""


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[Button] = field(default_factory=list)


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._button: Button | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = Form(action=attr.get("action", ""))
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attr.get("name")
        if tag == "input" and name and attr.get("type") not in ("submit", "file", "checkbox"):
            self._form.fields[name] = attr.get("value", "")
        elif tag == "input" and name and attr.get("type") == "checkbox" and "checked" in attr:
            self._form.fields[name] = attr.get("value", "on")
        elif tag == "select" and name:
            self._select = name
            self._form.fields.setdefault(name, "")
        elif tag == "option" and self._select:
            if "selected" in attr:
                self._form.fields[self._select] = attr.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._form.fields[name] = ""
        elif tag == "button" and attr.get("type", "submit") == "submit":
            self._button = Button(
                text="",
                action=attr.get("formaction", self._form.action),
                name=name,
                value=attr.get("value", ""),
            )
            self._form.buttons.append(self._button)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "button":
            self._button = None

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button.text += data.strip()
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data


def read_forms(html: str) -> list[Form]:
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


def press(client: Any, html: str, button_text: str, typed: dict[str, str], **kwargs: Any) -> Any:
    """Type ``typed`` into the page's fields and press the button labelled ``button_text``.

    Only what the button's form holds is sent, as a browser does; typing into a field that
    is not in that form is lost, and the test sees it in the page that comes back."""
    for form in read_forms(html):
        for button in form.buttons:
            if button.text == button_text:
                data = {**form.fields}
                data.update({k: v for k, v in typed.items() if k in form.fields})
                if button.name:
                    data[button.name] = button.value
                return client.post(button.action, data=data, **kwargs)
    raise AssertionError(f"no button {button_text!r} on the page")
