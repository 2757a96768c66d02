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

from pathlib import Path

from .checker import (
    NOTEBOOKS_DIR,
    PLAYGROUND_NOTEBOOK,
    ROOT,
    SCREENSHOT_DIR,
    LabChecker,
    NotebookResult,
    check_playground_widgets,
    expected_error_cells,
    notebook_names,
)
from .chromium import (
    CHROMIUM_MISSING,
    CHROMIUM_REQUIRED,
    ChromiumBrowser,
    find_chromium,
)
from .server import (
    DEFAULT_TIMEOUT_S,
    JupyterLabServer,
    LabCheckError,
    free_port,
    timeout_from_env,
)

__all__ = [
    "CHROMIUM_MISSING",
    "CHROMIUM_REQUIRED",
    "DEFAULT_TIMEOUT_S",
    "NOTEBOOKS_DIR",
    "PLAYGROUND_NOTEBOOK",
    "ROOT",
    "SCREENSHOT_DIR",
    "ChromiumBrowser",
    "JupyterLabServer",
    "LabCheckError",
    "LabChecker",
    "NotebookResult",
    "check_playground_widgets",
    "expected_error_cells",
    "find_chromium",
    "free_port",
    "main",
    "notebook_names",
    "timeout_from_env",
]


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
