"""Tests of the playground's exercise checks (course.checks.playground).

The playground's own tests are in tests/playground/; these move to
tests/checks/test_playground.py with the checks core."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from course.checks import playground as pg_checks
from course.checks.core import CheckResult
from course.playground import (
    Playground,
)

SMALL = {"n_points": 100}  # small data sets keep the tests fast


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def trained():
    """A default playground (circle, 2 × 4 tanh) trained a few epochs."""
    pg = Playground()
    pg.train(5)
    return pg


def _dense_param_count(sizes):
    """Weights and biases of a chain of Dense layers with these sizes."""
    return sum(
        (n_in + 1) * n_out for n_in, n_out in zip(sizes, sizes[1:], strict=False)
    )


# -- exercise checks --------------------------------------------------------------


def _verdict(result) -> bool:
    """A check's result as a bool; it must be a CheckResult."""
    assert isinstance(result, CheckResult), type(result)
    return bool(result)


def test_check_param_count(capsys, trained):
    right = _dense_param_count([2, 4, 4, 1])
    assert _verdict(pg_checks.check_playground_param_count(right, trained)) is True
    assert "✅" in capsys.readouterr().out
    assert _verdict(pg_checks.check_playground_param_count(right - 1, trained)) is False
    out = capsys.readouterr().out
    assert "❌" in out and "one bias per neuron" in out
    for wrong in (None, "41", 41.0, [41]):
        assert _verdict(pg_checks.check_playground_param_count(wrong, trained)) is False
        assert "❌" in capsys.readouterr().out
    assert (
        _verdict(pg_checks.check_playground_param_count(right, "playground")) is False
    )
    assert "pass the playground" in capsys.readouterr().out


def test_check_circle_features(capsys):
    assert _verdict(pg_checks.check_circle_features(("x1^2", "x2^2"))) is True
    assert "✅" in capsys.readouterr().out
    assert _verdict(pg_checks.check_circle_features(("x1", "x2"))) is False
    out = capsys.readouterr().out
    assert "❌" in out and "distance from the centre" in out
    for wrong, hint in (
        (None, "still None"),
        ("x1^2", "tuple of names"),
        (("radius",), "unknown feature"),
        (42, "tuple of names"),
    ):
        assert _verdict(pg_checks.check_circle_features(wrong)) is False
        assert hint in capsys.readouterr().out


def test_check_xor_settings(capsys):
    assert (
        _verdict(
            pg_checks.check_xor_settings("data=xor&layers=4&activation=tanh&lr=0.3")
        )
        is True
    )
    assert "✅" in capsys.readouterr().out
    assert (
        _verdict(
            pg_checks.check_xor_settings("data=xor&layers=4&activation=linear&lr=0.3")
        )
        is False
    )
    assert "linear activation cannot bend" in capsys.readouterr().out
    for wrong, hint in [
        (None, "should be a string"),
        ("data=xor&layers=9", "does not parse"),
        ("data=circle&layers=2", "data=xor"),
        ("data=xor&layers=2&features=x1,x2,x1*x2", "only the features x1 and x2"),
        ("data=xor&layers=4,4", "1 to 4 hidden neurons"),
        ("data=xor&layers=", "1 to 4 hidden neurons"),
    ]:
        assert _verdict(pg_checks.check_xor_settings(wrong)) is False
        assert hint in capsys.readouterr().out
