"""The browser check catches broken notebooks (a test of the test).

Tiny notebooks, written into a subfolder of the served temporary copy of
notebooks/, go through the same checker and page as the course notebooks: an
error in a cell not tagged raises-exception must fail and name the notebook
and the cell; a tagged one must pass; a playground-like widget must pass only
when its Step button changes the plot. The checker's logic that needs no
browser is tested first, on hand-made page states.
"""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tools import lab_check as lab

# One worker runs this module (`pytest -n 2 --dist loadgroup`): its module
# fixtures build once.
pytestmark = pytest.mark.xdist_group("selftest")

KERNELSPEC = {
    "name": "python3",
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
}

WIDGET_CELL = """\
import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

plot = widgets.Output()
rate = widgets.FloatSlider(value=0.1, min=0.01, max=1.0, description="rate")
step = widgets.Button(description="Step")
steps = [0]


def draw(_=None):
    steps[0] += STEP_SIZE
    with plot:
        if BREAK_ON_CLICK and _ is not None:
            raise RuntimeError("the step broke")
        plot.clear_output(wait=True)
        plt.plot(range(steps[0] + 2))
        plt.show()


step.on_click(draw)
draw()
display(widgets.VBox([rate, step, plot]))
"""


def _write(folder, name, cells):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = KERNELSPEC
    nbformat.write(nb, folder / name)


def _code(source, *tags):
    cell = new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


# --------------------------------------------------------------------------
# Without a browser: the checker's rules on hand-made page states
# --------------------------------------------------------------------------


def _state(*cells, kernel="idle", done="done", dialog=None):
    return {
        "kernel": kernel,
        "done": done,
        "dialog": dialog,
        "cells": [
            {
                "type": "code",
                "prompt": prompt,
                "errors": list(errors),
                "stdin": False,
                "source": f"line_{i}()\n",
            }
            for i, (prompt, errors) in enumerate(cells)
        ],
    }


def test_problems_names_notebook_and_cell():
    state = _state(("[1]:", []), ("[2]:", ["ValueError: bad"]), ("[ ]:", []))
    problems = lab.checker._problems("nb.ipynb", state, allowed=set())
    assert len(problems) == 2
    assert problems[0].startswith("nb.ipynb, cell 1 (`line_1()`) raised an error")
    assert "ValueError: bad" in problems[0]
    assert problems[1] == "nb.ipynb, cell 2 (`line_2()`) did not run (prompt '[ ]:')"


def test_problems_accepts_tagged_error_and_reports_dead_kernel():
    state = _state(("[1]:", ["ZeroDivisionError: x"]), ("[2]:", []))
    assert lab.checker._problems("nb.ipynb", state, allowed={0}) == []
    dead = _state(("[1]:", []), kernel="dead")
    assert lab.checker._problems("nb.ipynb", dead, allowed=set()) == [
        "nb.ipynb: the kernel is dead"
    ]


def test_settled_needs_run_all_returned_idle_kernel_and_no_queued_cell():
    assert lab.checker._settled(_state(("[1]:", [])))
    assert not lab.checker._settled(_state(("[1]:", []), done=None))
    assert not lab.checker._settled(_state(("[1]:", []), kernel="busy"))
    assert not lab.checker._settled(_state(("[1]:", []), ("[*]:", [])))
    assert lab.checker._stuck(_state(("[*]:", []), dialog="Select Kernel"))
    assert not lab.checker._stuck(_state(("[*]:", []), kernel="busy"))


def test_expected_error_cells_reads_tags(tmp_path):
    _write(
        tmp_path,
        "t.ipynb",
        [
            new_markdown_cell("# T"),
            _code("1 / 0", "raises-exception"),
            _code("x = 1", "nbval-ignore-output"),
        ],
    )
    assert lab.expected_error_cells(tmp_path / "t.ipynb") == {1}


def test_timeout_from_env(monkeypatch):
    monkeypatch.delenv("BROWSER_CHECK_TIMEOUT_S", raising=False)
    assert lab.timeout_from_env() == lab.DEFAULT_TIMEOUT_S
    monkeypatch.setenv("BROWSER_CHECK_TIMEOUT_S", "12.5")
    assert lab.timeout_from_env() == 12.5
    for bad in ("soon", "-3"):
        monkeypatch.setenv("BROWSER_CHECK_TIMEOUT_S", bad)
        with pytest.raises(ValueError, match="BROWSER_CHECK_TIMEOUT_S"):
            lab.timeout_from_env()


def test_bad_arguments_raise_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="expected a folder of notebooks"):
        lab.JupyterLabServer(tmp_path / "missing")
    server = lab.JupyterLabServer(tmp_path)
    with pytest.raises(ValueError, match="timeout_s must be a positive number"):
        lab.LabChecker(None, server, timeout_s=0)
    with pytest.raises(ValueError, match="widget_timeout_s must be a positive"):
        lab.LabChecker(None, server, widget_timeout_s=-1)


# --------------------------------------------------------------------------
# In the browser: the same checker as test_jupyterlab.py
# --------------------------------------------------------------------------


def _button_html(*buttons: str) -> str:
    return "<div class='jp-OutputArea'>" + "".join(buttons) + "</div>"


@pytest.mark.parametrize(
    ("buttons", "expected"),
    [
        (
            [
                "<button class='jupyter-button' id='other'>Display</button>",
                "<button class='jupyter-button' id='it'>Step ▶</button>",
            ],
            "it",
        ),
        (
            [
                "<button class='jupyter-button' id='reset'>Reset</button>",
                "<button class='jupyter-button' id='it' title='Play: train'></button>",
            ],
            "it",
        ),
        (
            [
                "<button class='jupyter-button' id='it'>"
                "<i class='fa fa-play'></i></button>"
            ],
            "it",
        ),
        (
            [
                "<div class='widget-play'>"
                "<button id='it'></button><button></button></div>"
            ],
            "it",
        ),
        (["<button class='jupyter-button'>Reset</button>"], None),
    ],
)
def test_step_button_is_found_by_text_tooltip_icon_or_play_widget(
    chromium, buttons, expected
):
    page = chromium.browser.new_page()
    try:
        page.set_content(_button_html(*buttons))
        button = lab.checker._find_step_button(page)
        found = None if button is None else button.get_attribute("id")
        assert found == expected
    finally:
        page.close()


SELFTEST = "_selftest"  # subfolder of the served copy of notebooks/


@pytest.fixture(scope="module")
def results(lab_checker, tmp_path_factory):
    """Check four tiny notebooks in JupyterLab; return their results by file name.

    "working" holds what must pass: a cell tagged raises-exception, the cells
    after it, and a widget whose Step button changes the plot. The others
    each hold one fault.
    """
    folder = lab_checker.server.root_dir / SELFTEST
    folder.mkdir()
    _write(folder, "broken.ipynb", [_code("x = 1"), _code("1 / 0"), _code("y = 2")])
    _write(
        folder,
        "working.ipynb",
        [
            new_markdown_cell("# Errors on purpose"),
            _code("x = 1"),
            _code("1 / 0", "raises-exception"),
            _code("y = x + 1\nprint(y)"),
            _code("STEP_SIZE, BREAK_ON_CLICK = 1, False"),
            _code(WIDGET_CELL),
        ],
    )
    _write(
        folder,
        "frozen.ipynb",
        [_code("STEP_SIZE, BREAK_ON_CLICK = 0, False"), _code(WIDGET_CELL)],
    )
    _write(
        folder,
        "raising.ipynb",
        [_code("STEP_SIZE, BREAK_ON_CLICK = 1, True"), _code(WIDGET_CELL)],
    )
    shots = tmp_path_factory.mktemp("screenshots")
    with lab.LabChecker(
        lab_checker.browser,
        lab_checker.server,
        timeout_s=lab_checker.timeout_s,
        screenshot_dir=shots,
        widget_timeout_s=2,
    ) as checker:
        return {
            f"{name}.ipynb": checker.check(
                f"{SELFTEST}/{name}.ipynb", check_widgets=name != "broken"
            )
            for name in ("broken", "working", "frozen", "raising")
        }


def test_untagged_error_fails_naming_notebook_and_cell(results):
    result = results["broken.ipynb"]
    assert not result.ok
    report = result.report()
    assert f"{SELFTEST}/broken.ipynb, cell 1 (`1 / 0`) raised an error" in report
    assert "ZeroDivisionError" in report
    # Whether the kernel still runs cell 2 after the error is a race in the
    # kernel (it aborts the queued cells, sometimes too late); the rule that
    # reports cells that did not run is tested above on hand-made states.


def test_tagged_error_is_accepted_and_widgets_work(results):
    result = results["working.ipynb"]
    assert result.ok, result.report()
    assert result.screenshot.name == "working.png"
    assert result.screenshot.stat().st_size > 0


def test_step_button_that_changes_nothing_fails(results):
    result = results["frozen.ipynb"]
    assert result.problems == [
        f"{SELFTEST}/frozen.ipynb: pressing 'Step' did not change the plot within 2 s"
    ]


def test_step_button_that_raises_fails_with_the_error(results):
    result = results["raising.ipynb"]
    assert result.problems == [
        f"{SELFTEST}/raising.ipynb: pressing the button raised "
        "RuntimeError: the step broke"
    ]
