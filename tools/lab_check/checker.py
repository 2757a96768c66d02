"""Open notebooks in JupyterLab in Chromium, run them all, read the result.

The JavaScript run in the page is in ``page.js`` beside this file.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .chromium import ChromiumBrowser
from .server import DEFAULT_TIMEOUT_S, Closing, JupyterLabServer

__all__ = [
    "NOTEBOOKS_DIR",
    "PLAYGROUND_NOTEBOOK",
    "ROOT",
    "SCREENSHOT_DIR",
    "LabChecker",
    "NotebookResult",
    "check_playground_widgets",
    "expected_error_cells",
    "notebook_names",
]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = ROOT / "notebooks"
SCREENSHOT_DIR = ROOT / "build" / "screenshots"
PLAYGROUND_NOTEBOOK = "04_ann_playground.ipynb"
# Beyond Step, the playground's guided controls that must redraw the picture.
PLAYGROUND_BUTTONS = ("Re-initialise",)
WIDGET_CHANGE_TIMEOUT_S = 30.0
SETTLE_S = 3.0  # an idle kernel this long after "Run All" has returned: run over
STDERR_MIME = "application/vnd.jupyter.stderr"


def _read_snippets(path: Path) -> dict[str, str]:
    """The page's JavaScript: ``// @snippet NAME`` starts each function."""
    snippets: dict[str, list[str]] = {}
    lines: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("// @snippet "):
            lines = snippets.setdefault(line.split()[-1], [])
        elif not line.startswith("//"):
            lines.append(line)
    return {name: "\n".join(body).strip() for name, body in snippets.items()}


JS = _read_snippets(Path(__file__).with_name("page.js"))

_EXECUTED = re.compile(r"^\[\d+\]:$")


class _NotReady(Exception):
    """The notebook did not open with a running kernel (e.g. a dialog asks for one)."""


def expected_error_cells(path: str | os.PathLike) -> set[int]:
    """Return the indices of the cells tagged ``raises-exception`` in a notebook."""
    with open(path, encoding="utf-8") as f:
        cells = json.load(f).get("cells", [])
    return {
        i
        for i, cell in enumerate(cells)
        if "raises-exception" in cell.get("metadata", {}).get("tags", [])
    }


@dataclass
class NotebookResult:
    """What the browser check found for one notebook."""

    name: str
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    run_seconds: float = 0.0
    screenshot: Path | None = None
    stdout: list[str] = field(default_factory=list)  # what each cell printed

    @property
    def ok(self) -> bool:
        """True when the notebook ran without a problem."""
        return not self.problems

    def report(self) -> str:
        """Return the problems, one per line, for an assertion message."""
        return f"{self.name}: {len(self.problems)} problem(s)\n" + "\n".join(
            f"  - {p}" for p in self.problems
        )


def _describe(name: str, index: int, cell: dict) -> str:
    first_line = next((s for s in cell["source"].splitlines() if s.strip()), "")
    return f"{name}, cell {index} (`{first_line[:60]}`)"


def _problems(name: str, state: dict, allowed: set[int]) -> list[str]:
    """Turn the page state into messages that name the notebook and the cell."""
    problems = []
    if state["dialog"]:
        text = " · ".join(state["dialog"].split("\n"))
        problems.append(f"{name}: a dialog is open: {text}")
    for i, cell in enumerate(state["cells"]):
        if cell["type"] != "code":
            continue
        where = _describe(name, i, cell)
        if cell["errors"] and i not in allowed:
            problems.append(
                f"{where} raised an error: {'; '.join(cell['errors'])} "
                "(tag the cell `raises-exception` if that is intended)"
            )
        if cell["stdin"]:
            problems.append(f"{where} waits for keyboard input (input())")
        if cell["prompt"] == "[*]:":
            problems.append(f"{where} was still running or queued (prompt [*])")
        elif not _EXECUTED.match(cell["prompt"]):
            problems.append(f"{where} did not run (prompt {cell['prompt']!r})")
    if str(state["done"]).startswith("failed"):
        problems.append(f"{name}: JupyterLab's Run All failed: {state['done']}")
    if state["kernel"] not in ("idle", "busy"):
        problems.append(f"{name}: the kernel is {state['kernel']}")
    return problems


def _settled(state: dict) -> bool:
    """True when "Run All" has returned, the kernel is idle and no cell is queued."""
    running = any(c["prompt"] == "[*]:" for c in state["cells"])
    return state["done"] is not None and state["kernel"] == "idle" and not running


def _stuck(state: dict) -> bool:
    """True when waiting longer cannot help: a dialog, input(), or no live kernel."""
    if state["dialog"] or any(c["stdin"] for c in state["cells"]):
        return True
    return state["kernel"] in ("dead", "unknown", "no kernel")


def _all_ran(state: dict) -> bool:
    code = [c for c in state["cells"] if c["type"] == "code"]
    return all(_EXECUTED.match(c["prompt"]) for c in code)


# Where the Step/Play button is looked for, in this order: its text, its
# tooltip, its icon, and the play button of an ipywidgets Play widget.
_STEP_TEXT = re.compile(r"\b(step|play)\b", re.IGNORECASE)
_STEP_SELECTORS = (
    '.jupyter-button[title*="step" i], .jupyter-button[title*="play" i]',
    ".jupyter-button:has(.fa-step-forward, .fa-forward-step, .fa-play)",
    ".widget-play button",
)


def _find_step_button(page):
    """Return the playground's Step (or Play) button, or None."""
    buttons = page.locator(".jp-OutputArea .jupyter-button").filter(has_text=_STEP_TEXT)
    for selector in _STEP_SELECTORS:
        if buttons.count():
            break
        buttons = page.locator(f".jp-OutputArea :is({selector})")
    return buttons.first if buttons.count() else None


def _tracebacks(page) -> list[str]:
    """Return the tracebacks shown on stderr anywhere in the notebook (widgets too)."""
    selector = f'.jp-Notebook .jp-RenderedText[data-mime-type="{STDERR_MIME}"]'
    texts = page.locator(selector).all_inner_texts()
    return [t for t in texts if "Traceback" in t]


def _plot_signature(page, cell) -> tuple:
    """Return what the plots look like now: the notebook's image sources, or pixels."""
    images = page.locator(".jp-Notebook .jp-OutputArea img")
    sources = tuple(images.nth(i).get_attribute("src") for i in range(images.count()))
    if sources:
        return sources
    return (cell.locator(".jp-OutputArea").screenshot(),)


def check_playground_widgets(
    page,
    name: str,
    timeout_s: float = WIDGET_CHANGE_TIMEOUT_S,
    also_press: tuple[str, ...] = (),
) -> list[str]:
    """Check that the widgets rendered and that the Step/Play button changes the plot.

    The button pressed is the first widget button whose text says "Step" or
    "Play" (any case), else one whose tooltip does, else one with a step or
    play icon, else the play button of an ipywidgets Play widget. Then each
    button labelled as in ``also_press`` (e.g. "Re-initialise") must change
    the plot too.
    """
    problems = []
    for selector, what in (
        (".jupyter-widgets", "widgets"),
        (".widget-slider", "sliders"),
        (".jupyter-button", "buttons"),
    ):
        if page.locator(f".jp-OutputArea {selector}").count() == 0:
            problems.append(f"{name}: no {what} rendered ({selector} not found)")
    text = page.locator(".jp-Notebook").inner_text()
    for marker in ("Error displaying widget", "Loading widget..."):
        if marker in text:
            problems.append(f"{name}: a widget did not render ({marker!r} shown)")
    button = _find_step_button(page)
    if button is None:
        return [*problems, f"{name}: no Step or Play button found"]
    problems += _press_changes_plot(page, name, button, timeout_s)
    for label in also_press:
        other = page.locator(".jp-OutputArea .jupyter-button").filter(
            has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")
        )
        if not other.count():
            problems.append(f"{name}: no {label!r} button found")
        elif not problems:
            problems += _press_changes_plot(page, name, other.first, timeout_s)
    return problems


def _press_changes_plot(page, name: str, button, timeout_s: float) -> list[str]:
    """Click ``button``; a problem unless the plot changes (without an error)."""
    cell = page.locator(".jp-Cell").filter(has=button).last
    before, errors_before = _plot_signature(page, cell), _tracebacks(page)
    button.click()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        errors = _tracebacks(page)[len(errors_before) :]
        if errors:
            last_line = errors[0].strip().splitlines()[-1]
            return [f"{name}: pressing the button raised {last_line}"]
        if _plot_signature(page, cell) != before:
            return []
    label = button.inner_text().strip() or button.get_attribute("title") or "play"
    return [
        f"{name}: pressing {label!r} did not change the plot within {timeout_s:g} s"
    ]


class LabChecker(Closing):
    """Check notebooks one after another in one JupyterLab page.

    The page loads JupyterLab once; each notebook is opened with JupyterLab's
    "open" command, run with "Run All Cells", then its kernel is shut down and
    its tab closed. After a browser error the next notebook gets a fresh page.

    Args:
        browser: a started ChromiumBrowser.
        server: a started JupyterLabServer; names are relative to its folder.
        timeout_s: how long one notebook may run.
        screenshot_dir: where to save ``<stem>.png`` of each notebook's end.
        widget_timeout_s: how long the plot may take to change after Step/Play.
    """

    def __init__(
        self,
        browser: ChromiumBrowser,
        server: JupyterLabServer,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        screenshot_dir: str | os.PathLike | None = None,
        widget_timeout_s: float = WIDGET_CHANGE_TIMEOUT_S,
    ) -> None:
        for label, value in (
            ("timeout_s", timeout_s),
            ("widget_timeout_s", widget_timeout_s),
        ):
            if not value > 0:
                raise ValueError(f"{label} must be a positive number, got {value}")
        self.widget_timeout_s = widget_timeout_s
        self.browser, self.server, self.timeout_s = browser, server, timeout_s
        self.screenshot_dir = None if screenshot_dir is None else Path(screenshot_dir)
        self._context = None
        self._page = None

    def __enter__(self) -> LabChecker:
        return self

    def close(self) -> None:
        """Close the page (the server and browser stay up)."""
        if self._context is not None:
            self._context.close()
        self._context = self._page = None

    def _open_page(self):
        if self._page is None:
            size = {"width": 1280, "height": 900}
            self._context = self.browser.browser.new_context(viewport=size)
            self._page = self._context.new_page()
            # "reset": a fresh workspace, no tabs restored from an earlier run.
            self._page.goto(self.server.url("lab") + "&reset", wait_until="commit")
            self._page.wait_for_function(JS["app_ready"], timeout=90_000)
        return self._page

    def check(self, name: str, *, check_widgets: bool | None = None) -> NotebookResult:
        """Open a notebook, run all cells, and report what went wrong.

        Args:
            name: the notebook's path below the server's folder, e.g.
                "01_artificial_neuron.ipynb".
            check_widgets: also check widgets; default: only for the playground.

        Returns:
            A NotebookResult; each of its ``problems`` names the notebook and cell.
        """
        from playwright.sync_api import Error as PlaywrightError

        path = self.server.root_dir / name
        if not path.is_file():
            raise ValueError(
                f"no notebook {name!r} in the served copy of {self.server.source_dir}"
            )
        if check_widgets is None:
            check_widgets = name == PLAYGROUND_NOTEBOOK
        result = NotebookResult(name)
        start = time.monotonic()
        try:
            page = self._open_page()
            self._run(page, result, expected_error_cells(path))
            if check_widgets and result.ok:
                more = PLAYGROUND_BUTTONS if name.endswith(PLAYGROUND_NOTEBOOK) else ()
                result.problems += check_playground_widgets(
                    page, name, self.widget_timeout_s, also_press=more
                )
            if self.screenshot_dir is not None:
                result.screenshot = _screenshot_end(page, name, self.screenshot_dir)
            page.evaluate(JS["close"])
            if not result.ok:  # a dialog or a stuck widget must not reach the next
                self.close()
        except _NotReady as exc:
            result.problems.append(str(exc))
            self.close()
        except PlaywrightError as exc:  # a page that never loads still names it
            result.problems.append(f"{name}: the browser check failed: {exc}")
            tail = self.server.log_tail()
            if tail:
                result.problems.append(f"server log:\n{tail}")
            self.close()
        finally:
            self.server.shutdown_kernels()
        result.seconds = time.monotonic() - start
        return result

    def _run(self, page, result: NotebookResult, allowed: set[int]) -> None:
        name = result.name
        page.evaluate(JS["open"], name)
        page.wait_for_function(JS["notebook_ready"], arg=name, timeout=90_000)
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            text = " · ".join(dialog.first.inner_text().split("\n"))
            raise _NotReady(f"{name}: a dialog is open instead of the notebook: {text}")
        run_start = time.monotonic()
        page.evaluate(JS["run_all"])
        state = self._wait_until_finished(page, run_start + self.timeout_s)
        result.run_seconds = time.monotonic() - run_start
        result.problems = _problems(name, state, allowed)
        result.stdout = [cell.get("stdout", "") for cell in state["cells"]]
        if not (_settled(state) or _stuck(state)):
            limit = f"{self.timeout_s:.0f} s"
            result.problems.insert(0, f"{name}: not finished within {limit}")
        elif state["kernel"] == "idle":
            prefix = page.evaluate(JS["kernel_prefix"])
            if Path(prefix).resolve() != Path(sys.prefix).resolve():
                result.problems.append(
                    f"{name}: the kernel runs the Python of {prefix}, not this "
                    f"project's environment {sys.prefix}"
                )

    @staticmethod
    def _wait_until_finished(page, deadline: float) -> dict:
        """Poll the page until every cell ran, or the kernel stays idle, or time is up.

        "Run All" returns at the first error, even in a cell tagged
        raises-exception, while the kernel goes on with the cells queued after
        it; so unless every cell shows a count, the kernel must be quiet
        for SETTLE_S seconds before the run counts as over.
        """
        quiet_since = None
        while True:
            state = page.evaluate(JS["read_state"])
            now = time.monotonic()
            if _stuck(state) or now >= deadline:
                return state
            if _settled(state):
                if _all_ran(state):
                    return state
                quiet_since = quiet_since or now
                if now - quiet_since >= SETTLE_S:
                    return state
            else:
                quiet_since = None
            page.wait_for_timeout(250)


def _screenshot_end(page, name: str, directory: Path) -> Path:
    """Save a screenshot of the notebook's last cell as <directory>/<stem>.png."""
    directory.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    cells = page.locator(".jp-Notebook .jp-Cell")
    if cells.count():
        cells.last.scroll_into_view_if_needed()
    target = directory / f"{Path(name).stem}.png"
    page.screenshot(path=target)
    return target


def notebook_names(notebooks_dir: str | os.PathLike = NOTEBOOKS_DIR) -> list[str]:
    """Return the notebooks' file names in lecture (file-name) order."""
    return sorted(p.name for p in Path(notebooks_dir).glob("*.ipynb"))
