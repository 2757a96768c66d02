"""utils.verify_setup: one clear message, naming the fix, for a kernel that
cannot run the course (Keras 2, no data), shown by IPython without a traceback."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import utils
from tools.notebooks import execute


def test_a_complete_set_up_passes():
    utils.verify_setup(data=["housing"])


def test_keras_2_names_the_version_and_the_fix(monkeypatch):
    monkeypatch.setattr(utils, "_installed_version", lambda package: "2.15.0")
    with pytest.raises(utils.SetupError, match=r"Keras 2\.15\.0.*Keras 3.*make lab"):
        utils.verify_setup()


def test_no_keras_at_all(monkeypatch):
    monkeypatch.setattr(utils, "_installed_version", lambda package: None)
    with pytest.raises(utils.SetupError, match="no Keras"):
        utils.verify_setup()


def test_missing_fashion_mnist_names_make_data(monkeypatch, tmp_path):
    monkeypatch.setattr(utils, "fashion_mnist_sources", lambda: [tmp_path / "none"])
    with pytest.raises(utils.SetupError, match="Fashion-MNIST.*make data"):
        utils.verify_setup(data=["fashion_mnist"])
    utils.verify_setup(data=["housing"])  # only the named data sets are checked


def test_missing_house_prices_name_the_file(monkeypatch, tmp_path):
    monkeypatch.setattr(utils, "DATA_DIR", tmp_path)
    with pytest.raises(utils.SetupError, match="housing_windsor.csv"):
        utils.verify_setup(data=["housing"])


def test_an_unknown_data_name_is_a_value_error():
    with pytest.raises(ValueError, match="fashion_mnist"):
        utils.verify_setup(data=["mnist"])


def test_jupyter_shows_one_line_and_no_traceback(tmp_path):
    nb = new_notebook(
        cells=[
            new_code_cell(
                "import utils\n"
                "utils._installed_version = lambda package: '2.15.0'\n"
                "utils.verify_setup()",
                metadata={"tags": ["raises-exception"]},
            )
        ]
    )
    execute(nb, cwd=tmp_path)
    (error,) = [o for o in nb.cells[0].outputs if o.output_type == "error"]
    assert error.ename == "SetupError"
    assert len(error.traceback) == 1, error.traceback
    assert "Keras 2.15.0" in error.traceback[0] and "make lab" in error.traceback[0]
    assert nbformat.validate(nb) is None
