"""Checks of notebook 04 (course.checks.playground): right passes, wrong gets a hint.

Training is stubbed for the hint branches; one test trains for real, end to end.
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from course.checks import playground as pg_checks
from course.checks.core import CheckResult
from course.playground import Playground


@pytest.fixture(scope="module")
def trained():
    """A default playground (circle, 2 × 4 tanh) trained a few epochs."""
    pg = Playground()
    pg.train(5)
    return pg


class FakeTrained:
    """Stands in for a trained playground: a fixed test accuracy, no training."""

    def __init__(self, accuracy: float, diverged: bool = False):
        self._accuracy, self.diverged = accuracy, diverged

    def accuracy(self, split: str) -> float:
        assert split == "test"
        return self._accuracy


@pytest.fixture
def trains_to(monkeypatch):
    """Stub the check's training: ``trains_to(0.5)`` makes every run reach 0.5."""
    calls = []

    def stub(accuracy: float, diverged: bool = False):
        def train(config, epochs):
            calls.append((config, epochs))
            return FakeTrained(accuracy, diverged)

        monkeypatch.setattr(pg_checks, "_train_check_playground", train)
        return calls

    return stub


def _dense_param_count(sizes):
    """Weights and biases of a chain of Dense layers with these sizes."""
    return sum(
        (n_in + 1) * n_out for n_in, n_out in zip(sizes, sizes[1:], strict=False)
    )


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
    assert (
        _verdict(pg_checks.check_playground_param_count(right, "playground")) is False
    )
    assert "pass the playground" in capsys.readouterr().out


def test_check_circle_features_end_to_end(capsys):
    """The one real training run: squared features solve the circle."""
    assert _verdict(pg_checks.check_circle_features(("x1^2", "x2^2"))) is True
    assert "✅" in capsys.readouterr().out


def test_check_circle_features_trains_the_circle_without_hidden_layers(trains_to):
    calls = trains_to(0.97)
    assert _verdict(pg_checks.check_circle_features(("x1^2", "x2^2", "x1")))
    ((config, epochs),) = calls
    assert (config.dataset, config.hidden_layers, epochs) == ("circle", (), 100)


def test_check_circle_features_hints(capsys, trains_to):
    trains_to(0.6)
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


def test_check_xor_settings_passes_a_run_that_reaches_the_target(capsys, trains_to):
    calls = trains_to(0.95)
    settings = "data=xor&layers=4&activation=tanh&lr=0.3"
    assert _verdict(pg_checks.check_xor_settings(settings)) is True
    assert "✅" in capsys.readouterr().out
    ((config, epochs),) = calls
    assert (config.dataset, config.hidden_layers, epochs) == ("xor", (4,), 200)


@pytest.mark.parametrize("diverged", [False, True])
def test_check_xor_settings_hints_when_training_falls_short(
    capsys, trains_to, diverged
):
    trains_to(0.95 if diverged else 0.5, diverged=diverged)
    settings = "data=xor&layers=4&activation=linear&lr=0.3"
    assert _verdict(pg_checks.check_xor_settings(settings)) is False
    assert "linear activation cannot bend" in capsys.readouterr().out


def test_check_xor_settings_hints_before_training(capsys, trains_to):
    calls = trains_to(1.0)
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
    assert calls == []


# -- hyperparameter exercises ---------------------------------------------------


class FakeRun:
    """Stands in for a trained playground of a hyperparameter check."""

    def __init__(self, losses=(0.1, 0.2), diverged=False):
        self._losses, self.diverged = losses, diverged
        # class shares 1/2: a constant answer has test loss ln 2 = 0.693
        self.y_train, self.y_test = np.array([0, 1, 0, 1]), np.array([1, 0])

    def losses(self):
        return self._losses


@pytest.fixture
def runs_to(monkeypatch):
    """Stub the hyperparameter checks' training: every run ends as given."""
    calls = []

    def stub(diverges_above=None, **kwargs):
        """``diverges_above``: runs diverge exactly when the rate exceeds it."""

        def train(config, epochs):
            calls.append((config, epochs))
            if diverges_above is not None:
                kwargs["diverged"] = config.learning_rate > diverges_above
            return FakeRun(**kwargs)

        monkeypatch.setattr(pg_checks, "_train_hyper_playground", train)
        return calls

    return stub


def test_check_diverging_learning_rate_end_to_end(capsys):
    assert _verdict(pg_checks.check_diverging_learning_rate(1.0)) is True
    assert _verdict(pg_checks.check_diverging_learning_rate(0.01)) is False
    out = capsys.readouterr().out
    assert "✅" in out and "stayed a number" in out


def test_check_diverging_learning_rate_hints(capsys, runs_to):
    calls = runs_to(diverges_above=0.5)
    assert _verdict(pg_checks.check_diverging_learning_rate(1))
    assert [(c.dataset, c.learning_rate, e) for c, e in calls] == [
        ("plane", 1.0, 40),
        ("plane", 0.3, 40),  # the next smaller rate of the list
    ]
    for wrong, hint in [(None, "still None"), ("fast", "one number"), (0, "1e-6")]:
        assert _verdict(pg_checks.check_diverging_learning_rate(wrong)) is False
        assert hint in capsys.readouterr().out
    assert len(calls) == 2  # no training for a wrong kind of answer
    assert _verdict(pg_checks.check_diverging_learning_rate(3.0)) is False
    assert "smallest" in capsys.readouterr().out
    runs_to(diverged=False)
    assert _verdict(pg_checks.check_diverging_learning_rate(0.3)) is False
    out = capsys.readouterr().out
    assert "overshoots" in out and "larger" not in out  # points, does not tell


def test_constant_test_loss_is_the_entropy_of_the_training_share():
    run = FakeRun()
    assert pg_checks.constant_test_loss(run) == pytest.approx(np.log(2))
    run.y_train = np.array([0, 0, 0, 1])
    run.y_test = np.array([0])
    assert pg_checks.constant_test_loss(run) == pytest.approx(-np.log(0.75))


NOISY = "data=circle&noise=0.5&train=0.1&layers=8,8,8&activation=relu&lr=0.1"


def test_check_noisy_circle_passes_regularised_settings(capsys, runs_to):
    calls = runs_to(losses=(0.4, 0.6))
    assert _verdict(
        pg_checks.check_noisy_circle_settings(NOISY + "&reg=l2&reg_rate=0.01")
    )
    assert "✅" in capsys.readouterr().out
    ((config, epochs),) = calls
    assert (config.regularization, epochs) == ("l2", 300)
    assert _verdict(pg_checks.check_noisy_circle_settings(NOISY + "&dropout=0.3"))


def test_check_noisy_circle_wants_better_than_a_constant_answer(capsys, runs_to):
    runs_to(losses=(0.7, 0.72))  # held back so much it learned nothing
    assert not _verdict(pg_checks.check_noisy_circle_settings(NOISY + "&dropout=0.3"))
    out = capsys.readouterr().out
    assert "❌" in out and "class share everywhere gives 0.69" in out


def test_check_noisy_circle_hints(capsys, runs_to):
    calls = runs_to(losses=(0.05, 1.5))
    assert not _verdict(pg_checks.check_noisy_circle_settings(NOISY + "&dropout=0.1"))
    assert "over-fitting" in capsys.readouterr().out
    for wrong, hint in [
        (None, "should be a string"),
        (NOISY.replace("noise=0.5", "noise=0.1") + "&dropout=0.1", "keep noise"),
        (NOISY.replace("8,8,8", "2") + "&dropout=0.1", "keep hidden_layers"),
        (NOISY, "not its size"),
        (NOISY + "&reg=l2&reg_rate=0.0", "not its size"),
    ]:
        assert not _verdict(pg_checks.check_noisy_circle_settings(wrong))
        assert hint in capsys.readouterr().out
    assert len(calls) == 1
