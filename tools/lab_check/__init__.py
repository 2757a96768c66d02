"""Run notebooks in JupyterLab in a real browser, the way a student does.

`jupyter lab` from this environment serves a temporary copy of a notebook folder
(JupyterLab autosaves; the committed notebooks are never touched), Debian's
Chromium, driven headless by Playwright, opens each notebook, runs it with
JupyterLab's own "Run All Cells" command and reads the result from the page.
A notebook fails when a code cell shows an error, did not run, or is still
running at the time limit, when a dialog (such as "Select Kernel" or "Kernel
Restarting") is in the way, or when the kernel is not this project's Python.
Cells tagged ``raises-exception`` (read from the .ipynb) may show an error; the
kernel then runs on past them.

Used by test_jupyterlab.py and test_detects_broken.py, and from the command line:

    .venv/bin/python -m tools.lab_check [NOTEBOOK ...]
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from tools.kernel_env import kernel_env

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = ROOT / "notebooks"
SCREENSHOT_DIR = ROOT / "build" / "screenshots"
PLAYGROUND_NOTEBOOK = "04_ann_playground.ipynb"

# Generous enough for the longest notebook; override with BROWSER_CHECK_TIMEOUT_S.
DEFAULT_TIMEOUT_S = 240.0
SERVER_START_TIMEOUT_S = 60.0
WIDGET_CHANGE_TIMEOUT_S = 30.0
SETTLE_S = 3.0  # an idle kernel this long after "Run All" has returned: run over

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

# JupyterLab settings for the check: render every cell (no windowing, so the
# page holds all of them) and no pop-ups asking about news or updates.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none"
    },
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

STDERR_MIME = "application/vnd.jupyter.stderr"

# Reads the state of the open notebook from the page: per cell, the prompt the
# student sees ("[3]:", "[*]:", "[ ]:"), error outputs in the model and any
# traceback rendered on stderr, and whether it waits for input().
_READ_STATE_JS = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session?.kernel;
  const cells = panel.content.widgets.map((cell) => {
    const node = cell.node;
    const prompt = node.querySelector('.jp-InputPrompt');
    const errors = [];
    if (cell.model.type === 'code') {
      for (const out of cell.model.outputs.toJSON()) {
        if (out.output_type === 'error') {
          errors.push(`${out.ename}: ${out.evalue}`);
        }
      }
      const sel = '.jp-RenderedText[data-mime-type="%s"]';
      for (const el of node.querySelectorAll(sel)) {
        const text = el.textContent || '';
        if (errors.length === 0 && text.includes('Traceback')) {
          errors.push(text.trim().split('\\n').slice(-1)[0]);
        }
      }
    }
    return {
      type: cell.model.type,
      prompt: prompt ? prompt.textContent.trim() : '',
      errors: errors,
      stdin: node.querySelector('.jp-Stdin') !== null,
      source: cell.model.sharedModel.getSource().slice(0, 200),
    };
  });
  const dialog = document.querySelector('.jp-Dialog');
  return {
    kernel: kernel ? kernel.status : 'no kernel',
    done: window.__labCheckRunAll ?? null,
    dialog: dialog ? dialog.innerText.trim().slice(0, 300) : null,
    cells: cells,
  };
}
""".replace("%s", STDERR_MIME)

_APP_READY_JS = "() => !!(window.jupyterapp && window.jupyterapp.shell)"

# Open a notebook in a main area of its own (the Launcher tab closed).
_OPEN_JS = """
async (name) => {
  const app = window.jupyterapp;
  await app.restored;
  for (const widget of Array.from(app.shell.widgets('main'))) widget.dispose();
  app.commands.execute('docmanager:open', {path: name});
}
"""

# True once the notebook is open with an idle kernel, or when a dialog (such as
# "Select Kernel") stands in the way.
_NOTEBOOK_READY_JS = """
(name) => {
  if (document.querySelector('.jp-Dialog')) return true;
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.context || !panel.sessionContext) return false;
  if (panel.context.path !== name || !panel.context.isReady) return false;
  const kernel = panel.sessionContext.session?.kernel;
  return !!kernel && kernel.status === 'idle' && !!panel.content;
}
"""

_RUN_ALL_JS = """
() => {
  window.__labCheckRunAll = null;
  window.jupyterapp.commands.execute('notebook:run-all-cells').then(
    () => { window.__labCheckRunAll = 'done'; },
    (err) => { window.__labCheckRunAll = 'failed: ' + err; },
  );
}
"""

# Shut the kernel down and close the notebook without a "save changes?" dialog.
_CLOSE_JS = """
async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (panel && panel.sessionContext) {
    await panel.sessionContext.shutdown();
    panel.dispose();
  }
}
"""

# Ask the notebook's kernel, outside any cell, which Python environment it runs.
_KERNEL_PREFIX_JS = """
async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  const future = panel.sessionContext.session.kernel.requestExecute({
    code: 'import sys; print(sys.prefix, end="")',
    store_history: false,
  });
  let out = '';
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
  };
  await future.done;
  return out;
}
"""

_EXECUTED = re.compile(r"^\[\d+\]:$")


class LabCheckError(RuntimeError):
    """The check itself could not run (server did not start, page did not load)."""


class _NotReady(Exception):
    """The notebook did not open with a running kernel (e.g. a dialog asks for one)."""


def find_chromium() -> str | None:
    """Return the path of Debian's Chromium, or None when it is not installed."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def expected_error_cells(path: str | os.PathLike) -> set[int]:
    """Return the indices of the cells tagged ``raises-exception`` in a notebook."""
    with open(path, encoding="utf-8") as f:
        cells = json.load(f).get("cells", [])
    return {
        i
        for i, cell in enumerate(cells)
        if "raises-exception" in cell.get("metadata", {}).get("tags", [])
    }


def timeout_from_env(default: float = DEFAULT_TIMEOUT_S) -> float:
    """Return the per-notebook time limit: BROWSER_CHECK_TIMEOUT_S or the default."""
    value = os.environ.get("BROWSER_CHECK_TIMEOUT_S")
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(
            f"BROWSER_CHECK_TIMEOUT_S must be a number of seconds, got {value!r}"
        ) from None
    if seconds <= 0:
        raise ValueError(f"BROWSER_CHECK_TIMEOUT_S must be positive, got {value!r}")
    return seconds


def _kernel_env() -> dict[str, str]:
    """Environment for the server and its kernels: the one nbval uses."""
    return kernel_env()


class JupyterLabServer:
    """``jupyter lab`` on 127.0.0.1 serving a temporary copy of a notebook folder."""

    def __init__(self, notebooks_dir: str | os.PathLike) -> None:
        self.source_dir = Path(notebooks_dir)
        if not self.source_dir.is_dir():
            raise ValueError(f"expected a folder of notebooks, got {self.source_dir}")
        self.port = 0
        self.token = ""
        self.root_dir: Path | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._proc: subprocess.Popen | None = None
        self._log = None

    def url(self, path: str = "lab") -> str:
        """Return the URL of a path on this server, with the token."""
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def __enter__(self) -> JupyterLabServer:
        self._tmp = tempfile.TemporaryDirectory(prefix="lab-browser-check-")
        tmp = Path(self._tmp.name)
        self.root_dir = tmp / "notebooks"
        shutil.copytree(
            self.source_dir,
            self.root_dir,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
        settings_dir = tmp / "lab-settings"
        for name, values in LAB_SETTINGS.items():
            target = settings_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values))
        env = _kernel_env()
        # Keep the user's Jupyter config and runtime files out of the check.
        for var, sub in (
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
        ):
            env[var] = str(tmp / sub)
        self.port, self.token = free_port(), secrets.token_hex(24)
        cmd = [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--IdentityProvider.token={self.token}",
            "--ServerApp.allow_root=True",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={settings_dir}",
            f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        self.log_path = tmp / "jupyter-lab.log"
        self._log = open(self.log_path, "w")  # closed in __exit__
        self._proc = subprocess.Popen(
            cmd,
            cwd=self.root_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_until_up()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise LabCheckError(
                    f"jupyter lab exited with code {self._proc.returncode}:\n"
                    + self.log_tail()
                )
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise LabCheckError(
            f"jupyter lab did not answer within {SERVER_START_TIMEOUT_S:.0f} s:\n"
            + self.log_tail()
        )

    def shutdown_kernels(self) -> None:
        """Shut down every kernel the server runs (left over from a failed check)."""
        with urllib.request.urlopen(self.url("api/kernels"), timeout=10) as response:
            kernels = json.load(response)
        for kernel in kernels:
            request = urllib.request.Request(
                self.url(f"api/kernels/{kernel['id']}"), method="DELETE"
            )
            urllib.request.urlopen(request, timeout=30).close()

    def log_tail(self, lines: int = 30) -> str:
        """Return the last lines of the server's log (with its kernels' stderr)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except (AttributeError, OSError):
            return ""
        return "\n".join(text.splitlines()[-lines:]).replace(self.token, "TOKEN")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            # A clean shutdown also stops the kernels; signals are the fallback.
            request = urllib.request.Request(self.url("api/shutdown"), method="POST")
            try:
                urllib.request.urlopen(request, timeout=5).close()
            except (urllib.error.URLError, OSError):
                pass
            for sig, wait in ((None, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
                if sig is not None and proc.poll() is None:
                    try:
                        os.killpg(proc.pid, sig)
                    except ProcessLookupError:
                        break
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


class ChromiumBrowser:
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

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.browser is not None:
            self.browser.close()
            self.browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None


@dataclass
class NotebookResult:
    """What the browser check found for one notebook."""

    name: str
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    run_seconds: float = 0.0
    screenshot: Path | None = None

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
    page, name: str, timeout_s: float = WIDGET_CHANGE_TIMEOUT_S
) -> list[str]:
    """Check that the widgets rendered and that the Step/Play button changes the plot.

    The button pressed is the first widget button whose text says "Step" or
    "Play" (any case), else one whose tooltip does, else one with a step or
    play icon, else the play button of an ipywidgets Play widget.
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
    cell = page.locator(".jp-Cell").filter(has=button).last
    before, errors_before = _plot_signature(page, cell), _tracebacks(page)
    button.click()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        errors = _tracebacks(page)[len(errors_before) :]
        if errors:
            last_line = errors[0].strip().splitlines()[-1]
            return [*problems, f"{name}: pressing the button raised {last_line}"]
        if _plot_signature(page, cell) != before:
            return problems
    label = button.inner_text().strip() or button.get_attribute("title") or "play"
    problems.append(
        f"{name}: pressing {label!r} did not change the plot within {timeout_s:g} s"
    )
    return problems


class LabChecker:
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

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

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
            self._page.wait_for_function(_APP_READY_JS, timeout=90_000)
        return self._page

    def check(
        self,
        name: str,
        *,
        check_widgets: bool | None = None,
        screenshot_dir: str | os.PathLike | None = None,
        widget_timeout_s: float | None = None,
    ) -> NotebookResult:
        """Open a notebook, run all cells, and report what went wrong.

        Args:
            name: the notebook's path below the server's folder, e.g.
                "01_artificial_neuron.ipynb".
            check_widgets: also check widgets; default: only for the playground.
            screenshot_dir: instead of the checker's screenshot folder.
            widget_timeout_s: instead of the checker's widget_timeout_s.

        Returns:
            A NotebookResult; each of its ``problems`` names the notebook and cell.
        """
        from playwright.sync_api import Error as PlaywrightError

        path = self.server.root_dir / name
        if not path.is_file():
            raise ValueError(
                f"no notebook {name!r} in the served copy of {self.server.source_dir}"
            )
        if widget_timeout_s is not None and not widget_timeout_s > 0:
            raise ValueError(
                f"widget_timeout_s must be a positive number, got {widget_timeout_s}"
            )
        if check_widgets is None:
            check_widgets = name == PLAYGROUND_NOTEBOOK
        shots = self.screenshot_dir if screenshot_dir is None else Path(screenshot_dir)
        if widget_timeout_s is None:
            widget_timeout_s = self.widget_timeout_s
        result = NotebookResult(name)
        start = time.monotonic()
        try:
            page = self._open_page()
            self._run(page, result, expected_error_cells(path))
            if check_widgets and result.ok:
                result.problems += check_playground_widgets(
                    page, name, widget_timeout_s
                )
            if shots is not None:
                result.screenshot = _screenshot_end(page, name, shots)
            page.evaluate(_CLOSE_JS)
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
        page.evaluate(_OPEN_JS, name)
        page.wait_for_function(_NOTEBOOK_READY_JS, arg=name, timeout=90_000)
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            text = " · ".join(dialog.first.inner_text().split("\n"))
            raise _NotReady(f"{name}: a dialog is open instead of the notebook: {text}")
        run_start = time.monotonic()
        page.evaluate(_RUN_ALL_JS)
        state = self._wait_until_finished(page, run_start + self.timeout_s)
        result.run_seconds = time.monotonic() - run_start
        result.problems = _problems(name, state, allowed)
        if not (_settled(state) or _stuck(state)):
            limit = f"{self.timeout_s:.0f} s"
            result.problems.insert(0, f"{name}: not finished within {limit}")
        elif state["kernel"] == "idle":
            prefix = page.evaluate(_KERNEL_PREFIX_JS)
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
            state = page.evaluate(_READ_STATE_JS)
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


def main(argv: list[str]) -> int:
    """Check the given notebooks (default: all in notebooks/) and print a summary."""
    names = [Path(a).name for a in argv] or notebook_names()
    failed = 0
    with (
        ChromiumBrowser() as browser,
        JupyterLabServer(NOTEBOOKS_DIR) as server,
        LabChecker(
            browser, server, timeout_s=timeout_from_env(), screenshot_dir=SCREENSHOT_DIR
        ) as checker,
    ):
        for name in names:
            result = checker.check(name)
            status = "ok" if result.ok else "FAILED"
            print(
                f"{name}: {status} in {result.seconds:.1f} s "
                f"(run all {result.run_seconds:.1f} s)",
                flush=True,
            )
            if not result.ok:
                print(result.report(), flush=True)
                failed += 1
    return 1 if failed else 0
