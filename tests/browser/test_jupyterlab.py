"""Every notebook opens and runs in JupyterLab in a real browser, as students see it.

JupyterLab serves a temporary copy of notebooks/; Chromium runs each notebook
with "Run All Cells" and the test fails naming the notebook and the cell when a
cell shows an error (unless tagged raises-exception) or did not run. The
playground must also show its sliders and buttons, and its Step/Play button must
change the plot. A screenshot of each notebook's end goes to build/screenshots/.
"""

import hashlib

import pytest

from tools import lab_check as lab


def _params() -> list:
    names = lab.notebook_names(lab.NOTEBOOKS_DIR)
    params = [pytest.param(name, id=name) for name in names]
    if lab.PLAYGROUND_NOTEBOOK not in names:
        reason = f"notebooks/{lab.PLAYGROUND_NOTEBOOK} does not exist yet"
        params.append(
            pytest.param(
                lab.PLAYGROUND_NOTEBOOK,
                id=lab.PLAYGROUND_NOTEBOOK,
                marks=pytest.mark.skip(reason=reason),
            )
        )
    return sorted(params, key=lambda p: p.values[0])


def _digest(name: str) -> str:
    return hashlib.sha256((lab.NOTEBOOKS_DIR / name).read_bytes()).hexdigest()


@pytest.mark.parametrize("name", _params())
def test_notebook_runs_in_jupyterlab(lab_checker, notebook_results, name):
    before = _digest(name)
    result = lab_checker.check(name)
    notebook_results.append(result)
    assert result.ok, result.report()
    assert result.screenshot is not None and result.screenshot.stat().st_size > 0
    assert _digest(name) == before, f"the check changed the committed {name}"
