"""Fixtures for the browser tests: Debian's Chromium driven by Playwright.

JupyterLab serves the *student* edition (tools.make_student, built into a
temporary folder): a student's first "Run All" must work, and every exercise
check must print its hint. nbval checks the instructor edition's outputs.

Without Chromium the browser tests skip, and the end of the pytest run says so
in one line with the command that installs it; with BROWSER_CHECK_REQUIRED=1
(set by .ci/run) they fail instead, so CI never skips them quietly.
"""

import os

import pytest

from tools import lab_check as lab
from tools import make_student

_SKIPPED = pytest.StashKey[list[str]]()
_RESULTS = pytest.StashKey[list[lab.NotebookResult]]()


def pytest_configure(config) -> None:
    config.stash[_SKIPPED] = []
    config.stash[_RESULTS] = []


@pytest.fixture(scope="session")
def chromium(pytestconfig):
    """A headless Chromium for the whole session; skips the test without one."""
    executable = lab.find_chromium()
    if executable is None:
        if os.environ.get("BROWSER_CHECK_REQUIRED") == "1":  # CI must not skip
            pytest.fail(lab.CHROMIUM_REQUIRED)
        skipped = pytestconfig.stash[_SKIPPED]
        if not skipped:
            skipped.append(lab.CHROMIUM_MISSING)
        pytest.skip(lab.CHROMIUM_MISSING)
    pytest.importorskip(
        "playwright.sync_api",
        reason="Playwright for Python is missing: pip install -r requirements.txt",
    )
    with lab.ChromiumBrowser(executable) as browser:
        yield browser


@pytest.fixture(scope="session")
def student_edition(tmp_path_factory):
    """The student edition of notebooks/, built as `make student` builds it."""
    out = tmp_path_factory.mktemp("student") / "notebooks"
    make_student.make_student_edition(src=lab.NOTEBOOKS_DIR, out=out, log=None)
    return out


@pytest.fixture(scope="session")
def lab_checker(chromium, student_edition):
    """JupyterLab serving a copy of the student edition, and one page to drive it.

    Shared by the whole session: the self-test writes its notebooks into a
    subfolder of the same copy, so JupyterLab starts and loads only once.
    """
    with (
        lab.JupyterLabServer(student_edition) as server,
        lab.LabChecker(
            chromium,
            server,
            timeout_s=lab.timeout_from_env(),
            screenshot_dir=lab.SCREENSHOT_DIR,
        ) as checker,
    ):
        yield checker


@pytest.fixture(scope="session")
def notebook_results(pytestconfig) -> list[lab.NotebookResult]:
    """Where tests put each notebook's result, for the timings in the summary."""
    return pytestconfig.stash[_RESULTS]


def pytest_terminal_summary(terminalreporter, config) -> None:
    """Say why the browser tests were skipped, or how long each notebook took."""
    skipped, results = config.stash[_SKIPPED], config.stash[_RESULTS]
    if skipped:
        terminalreporter.write_line(f"SKIPPED browser tests: {skipped[0]}")
    if results:
        terminalreporter.section("JupyterLab in Chromium: time per notebook")
        for result in results:
            status = "ok" if result.ok else "FAILED"
            terminalreporter.write_line(
                f"{result.name:45s} {status:6s} {result.seconds:6.1f} s "
                f"(Run All {result.run_seconds:.1f} s)"
            )
