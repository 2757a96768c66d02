"""Every notebook's student edition runs in JupyterLab in a real browser.

JupyterLab serves a temporary copy of the student edition (solutions replaced by
stubs); Chromium runs each notebook with "Run All Cells". The test fails naming
the notebook and the cell when a cell shows an error (unless tagged
raises-exception) or did not run, and when an exercise check does not print its
❌ hint on the stub. The playground must also show its sliders and buttons, and
its Step/Play and Re-initialise buttons must each change the plot. A screenshot
of each notebook's end goes to build/screenshots/.
"""

import hashlib

import nbformat
import pytest

from tools import lab_check as lab
from tools import make_student

MIN_HINT = 25  # characters after "❌": a verdict with a hint, not a bare cross


def _digest(name: str) -> str:
    return hashlib.sha256((lab.NOTEBOOKS_DIR / name).read_bytes()).hexdigest()


def _unhelpful_checks(student_nb, stdout: list[str]) -> list[str]:
    """The check cells whose output is not a ❌ with a hint."""
    bad = []
    for i, cell in enumerate(student_nb.cells):
        if cell.cell_type != "code" or not make_student.calls_check(cell.source):
            continue
        shown = stdout[i] if i < len(stdout) else ""
        hint = shown[shown.find("❌") :].strip() if "❌" in shown else ""
        if "✅" in shown or len(hint) < MIN_HINT:
            bad.append(f"cell {i} (`{cell.source.splitlines()[-1]}`) printed {shown!r}")
    return bad


@pytest.mark.parametrize("name", lab.notebook_names(lab.NOTEBOOKS_DIR))
def test_student_edition_runs_in_jupyterlab(lab_checker, notebook_results, name):
    before = _digest(name)
    result = lab_checker.check(name)
    notebook_results.append(result)
    assert result.ok, result.report()
    assert result.screenshot is not None and result.screenshot.stat().st_size > 0
    student = nbformat.read(lab_checker.server.root_dir / name, as_version=4)
    bad = _unhelpful_checks(student, result.stdout)
    assert not bad, f"{name}: on the stubs every check prints ❌ and a hint:\n" + (
        "\n".join(bad)
    )
    assert _digest(name) == before, f"the check changed the committed {name}"
