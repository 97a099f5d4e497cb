"""Headless Chromium driven over the DevTools protocol, to measure pages as a phone shows them.

Pages are rendered by the test client, written to a folder with the stylesheets they link,
and opened from there: the layout is the browser's own, with nothing served."""

import asyncio
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest
import websockets

from app.config import ROOT_DIR

STATIC_DIR = ROOT_DIR / "app" / "static"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)


def chromium_path() -> str:
    """The installed Chromium, or the test is skipped saying how to install it."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("no Chromium installed (Debian: apt-get install -y chromium)")
    return found


class Browser:
    def __init__(self) -> None:
        self.profile = tempfile.TemporaryDirectory()
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [chromium_path(), *CHROMIUM_ARGS, f"--user-data-dir={self.profile.name}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                pytest.fail("Chromium did not start")
            time.sleep(0.1)
        self.port = int(port_file.read_text().split()[0])

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.profile.cleanup()

    def page_width(self, html: str, width: int, folder: Path) -> int:
        """How wide the page lays out at ``width`` CSS pixels (wider: it scrolls sideways)."""
        path = folder / f"page-{time.monotonic_ns()}.html"
        path.write_text(html.replace('"/static/', f'"{STATIC_DIR.as_uri()}/'), encoding="utf-8")
        return asyncio.run(self._measure(path.as_uri(), width))

    async def _measure(self, url: str, width: int) -> int:
        target = httpx.put(f"http://127.0.0.1:{self.port}/json/new?about:blank").json()
        async with websockets.connect(target["webSocketDebuggerUrl"], max_size=None) as socket:
            counter = 0
            events: list[str] = []

            async def call(method: str, **params: object) -> dict:
                nonlocal counter
                counter += 1
                await socket.send(json.dumps({"id": counter, "method": method, "params": params}))
                while True:
                    message = json.loads(await socket.recv())
                    if message.get("id") == counter:
                        return message.get("result", {})
                    events.append(message.get("method", ""))

            await call(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=800,
                deviceScaleFactor=1,
                mobile=True,
            )
            await call("Page.enable")
            await call("Page.navigate", url=url)
            while "Page.loadEventFired" not in events:
                events.append(json.loads(await socket.recv()).get("method", ""))
            result = await call(
                "Runtime.evaluate",
                expression="document.documentElement.scrollWidth",
                returnByValue=True,
            )
        httpx.get(f"http://127.0.0.1:{self.port}/json/close/{target['id']}")
        return int(result["result"]["value"])
