"""Debian's Chromium, headless, driven by Playwright (no browser download).

JupyterLab's own browser-test tool, Galata, is TypeScript on Node; this project
drives JupyterLab from Python so that the tests need no Node tool chain.
"""

from __future__ import annotations

import os
import shutil

from .server import Closing, LabCheckError

__all__ = [
    "CHROMIUM_MISSING",
    "CHROMIUM_REQUIRED",
    "ChromiumBrowser",
    "find_chromium",
]

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
CHROMIUM_MISSING = (
    "Chromium not found (neither /usr/bin/chromium nor `chromium` on PATH), so the "
    "JupyterLab browser check was skipped. Install it with "
    "`apt-get install -y chromium` (Debian/Ubuntu, as root; `make test` does this)."
)
CHROMIUM_REQUIRED = (
    "Chromium not found (neither /usr/bin/chromium nor `chromium` on PATH), but "
    "BROWSER_CHECK_REQUIRED=1 (CI) requires the JupyterLab browser check. Install "
    "it with `apt-get install -y chromium` (.ci/run does this)."
)


def find_chromium() -> str | None:
    """Return the path of Debian's Chromium, or None when it is not installed."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


class ChromiumBrowser(Closing):
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or find_chromium()
        if self.executable is None:
            raise LabCheckError(CHROMIUM_MISSING)
        self._playwright = None
        self.browser = None

    def __enter__(self) -> ChromiumBrowser:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self.browser = self._playwright.chromium.launch(
                executable_path=self.executable,
                headless=True,
                args=list(CHROMIUM_ARGS),
            )
        except BaseException:
            self._playwright.stop()
            raise
        return self

    def close(self) -> None:
        """Close the browser and stop Playwright."""
        if self.browser is not None:
            self.browser.close()
            self.browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None
