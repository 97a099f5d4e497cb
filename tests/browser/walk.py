"""Walking the site in Chromium as a person does, checking every page on the way: nothing
scrolls sideways, every field has a label, the language and direction are those asked for,
and a screenshot of each step is kept."""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from playwright.sync_api import Browser, BrowserContext, Page

from app import i18n

DESKTOP, PHONE = 1280, 390

# What the page says of itself, measured in the browser: its width against the window's, its
# language and direction, and the form fields nothing names (no label, aria-label or title).
_INSPECT = """() => {
  const scroller = document.scrollingElement;
  const fields = [...document.querySelectorAll("input, select, textarea")].filter(
    (el) => !["hidden", "submit", "button", "reset", "image"].includes(el.type));
  const named = (el) => [...(el.labels || [])].some((label) => label.textContent.trim())
    || (el.getAttribute("aria-label") || "").trim()
    || (el.getAttribute("aria-labelledby") || "").split(" ").some(
         (id) => id && (document.getElementById(id)?.textContent || "").trim())
    || (el.title || "").trim();
  return {
    scrollWidth: scroller.scrollWidth,
    clientWidth: scroller.clientWidth,
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    unlabelled: fields.filter((el) => !named(el)).map((el) => el.name || el.id || el.type),
    // The words in the page's own language: what is marked as English content is left out.
    text: (() => {
      const copy = document.body.cloneNode(true);
      copy.querySelectorAll("[lang]:not([lang='" + document.documentElement.lang + "'])")
        .forEach((node) => node.remove());
      return copy.textContent.replace(/\\s+/g, " ");
    })(),
  };
}"""


@lru_cache
def interface_sentences(language: str) -> tuple[str, ...]:
    """The interface's English sentences that the catalogue translates differently: one of them
    on a French or Arabic page is English left behind."""
    with (i18n.LOCALE_DIR / "messages.pot").open("rb") as template:
        messages = [message.id for message in read_po(template) if isinstance(message.id, str)]
    return tuple(
        message
        for message in messages
        if len(message.split()) >= 4
        and "{" not in message
        and i18n.gettext(language, message) != message
    )


def t(language: str, message: str, **params: Any) -> str:
    """A message as the interface shows it in ``language`` (the catalogue's own wording)."""
    return i18n.gettext(language, message, **params)


def exactly(text: str) -> re.Pattern:
    """A name matched whole, so that "Save" does not also find "Save the quota" (a label may
    end with the asterisk of a required field)."""
    return re.compile(rf"^\s*{re.escape(text)}(\s*\*)?\s*$")


@dataclass
class Site:
    """The served application and the browser that visits it."""

    browser: Browser
    base_url: str
    screenshots: Path
    var_dir: Path
    database_url: str

    def visitor(
        self,
        journey: str,
        language: str,
        *,
        width: int = DESKTOP,
        javascript: bool = True,
        also_at: tuple[int, ...] = (),
    ) -> "Visitor":
        """A new window; ``also_at`` lays out every page checked at those widths too."""
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            accept_downloads=True,
            locale={"en": "en-GB", "fr": "fr-FR", "ar": "ar-MA"}[language],
        )
        context.set_default_timeout(20_000)  # a shared machine can be slow
        folder = self.screenshots / journey
        folder.mkdir(parents=True, exist_ok=True)
        suffix = "" if javascript else "-nojs"
        for earlier in folder.glob(f"{language}-{width}{suffix}-*.jpg"):
            earlier.unlink()  # the pictures of an earlier run
        return Visitor(context, context.new_page(), language, width, folder, suffix, also_at)


@dataclass
class Visitor:
    """One person in one browser window, in one language, at one width."""

    context: BrowserContext
    page: Page
    language: str
    width: int
    folder: Path
    suffix: str
    also_at: tuple[int, ...] = ()
    steps: list[str] = field(default_factory=list)

    def t(self, message: str, **params: Any) -> str:
        return t(self.language, message, **params)

    def open(self, path: str, step: str) -> Page:
        """Go to ``path`` in the visitor's language, check the page and keep its picture."""
        separator = "&" if "?" in path else "?"
        response = self.page.goto(f"{path}{separator}lang={self.language}")
        assert response is not None and response.ok, (path, response and response.status)
        self.check(step)
        return self.page

    def snap(self, step: str) -> None:
        """Keep a picture of the whole page as it is now, named by the step."""
        self.steps.append(step)
        name = f"{self.language}-{self.width}{self.suffix}-{len(self.steps):02d}-{step}.jpg"
        self.page.screenshot(path=self.folder / name, full_page=True, type="jpeg", quality=70)

    def check(self, step: str) -> dict:
        """Check the page now shown, then save its screenshot under the step's name."""
        self.snap(step)
        seen = self.page.evaluate(_INSPECT)
        where = f"{step} ({self.page.url}, {self.language}, {self.width} px)"
        assert seen["scrollWidth"] <= seen["clientWidth"], f"scrolls sideways: {where} {seen}"
        assert not seen["unlabelled"], f"fields without a label: {where} {seen['unlabelled']}"
        assert seen["lang"] == self.language, f"lang: {where} {seen['lang']}"
        assert seen["dir"] == i18n.direction(self.language), f"dir: {where} {seen['dir']}"
        if self.language != i18n.DEFAULT_LANGUAGE:
            left = [s for s in interface_sentences(self.language) if s in seen["text"]]
            assert not left, f"English left: {where} {left}"
        for width in self.also_at:  # the same page laid out again, at another width
            self.page.set_viewport_size({"width": width, "height": 900})
            other = self.page.evaluate(_INSPECT)
            assert other["scrollWidth"] <= other["clientWidth"], (
                f"scrolls sideways at {width} px: {where} {other}"
            )
            self.page.set_viewport_size({"width": self.width, "height": 900})
        return seen

    def text(self) -> str:
        return self.page.locator("main").inner_text()

    def close(self) -> None:
        self.context.close()
