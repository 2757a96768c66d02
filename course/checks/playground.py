"""Exercise checks of notebook 04 (the ANN playground)."""

from __future__ import annotations

import numpy as np

from course.playground import PLAYGROUND_LEARNING_RATES, Playground, PlaygroundConfig
from course.playground._validate import require_features

from .core import ExerciseCheck, as_number, as_whole_number, exercise_check

__all__ = [
    "check_circle_features",
    "check_diverging_learning_rate",
    "check_noisy_circle_settings",
    "check_playground_param_count",
    "check_xor_settings",
]


@exercise_check("parameter count")
def check_playground_param_count(check: ExerciseCheck, n_params, pg: Playground):
    """Check a hand-computed number of trainable parameters of ``pg``'s network."""
    check.require(
        isinstance(pg, Playground),
        f"pass the playground as the second argument; got {type(pg).__name__}",
    )
    expected = pg.model.count_params()
    count = as_whole_number(check, n_params, "n_params")
    check.stop_if_failed()
    sizes = [len(pg.config.features), *pg.config.hidden_layers]
    check.require(
        count == expected,
        f"{count} is not right. Each Dense layer has inputs × neurons weights "
        f"plus one bias per neuron; the first layer's inputs are the "
        f"{sizes[0]} features, and the layer sizes are {sizes[1:]} then the output.",
    )
    return f"{expected} parameters, as model.count_params() says"


def _train_check_playground(config: PlaygroundConfig, epochs: int) -> Playground:
    pg = Playground(config)
    pg.train(epochs)
    return pg


@exercise_check("circle features")
def check_circle_features(check: ExerciseCheck, features) -> str:
    """Check that these features let a network without hidden layers solve the circle.

    Trains a playground (circle data, no hidden layer, 100 epochs) and passes
    when its test accuracy reaches 0.95.
    """
    check.require(
        features is not None,
        "features is still None: set it to a tuple of feature names",
    )
    try:
        features = require_features(features)
    except (TypeError, ValueError) as exc:
        check.stop(str(exc))
    config = PlaygroundConfig(
        dataset="circle", features=features, hidden_layers=(), learning_rate=0.03
    )
    accuracy = _train_check_playground(config, 100).accuracy("test")
    check.require(
        accuracy >= 0.95,
        f"test accuracy {accuracy:.2f} (needs 0.95). Without hidden layers the "
        "boundary is a line in feature space: which features grow with the "
        "distance from the centre, so that 'inside' becomes 'small'?",
    )
    note = "" if len(features) <= 2 else " (two squared features are enough)"
    return f"test accuracy {accuracy:.2f} with {list(features)}{note}"


def _settings_config(check: ExerciseCheck, settings) -> PlaygroundConfig:
    """The configuration ``settings`` describes; ends the check if it is no string."""
    check.require(
        isinstance(settings, str),
        f"settings should be a string such as 'data=xor&layers=2'; got {settings!r}",
    )
    try:
        return PlaygroundConfig.from_settings(settings)
    except (TypeError, ValueError) as exc:
        check.stop(f"the string does not parse: {exc}")


@exercise_check("XOR settings")
def check_xor_settings(check: ExerciseCheck, settings) -> str:
    """Check a settings string that solves XOR with x1, x2 and at most 4 hidden neurons.

    Trains the playground the string describes for 200 epochs and passes when
    the test accuracy reaches 0.9.
    """
    config = _settings_config(check, settings)
    if config.dataset != "xor" or config.noise != 0:
        check.fail("use the XOR data without noise: data=xor, noise=0")
    if not set(config.features) <= {"x1", "x2"}:
        check.fail(f"use only the features x1 and x2 (not {list(config.features)})")
    if not 1 <= sum(config.hidden_layers) <= 4:
        check.fail(
            f"use 1 to 4 hidden neurons in total; you have {sum(config.hidden_layers)}"
        )
    check.stop_if_failed()
    pg = _train_check_playground(config, 200)
    accuracy = 0.0 if pg.diverged else pg.accuracy("test")
    check.require(
        accuracy >= 0.9,
        f"test accuracy {accuracy:.2f} after 200 epochs (needs 0.9). A linear "
        "activation cannot bend the boundary; try relu or tanh and a larger "
        "learning rate (0.1 or 0.3).",
    )
    return f"test accuracy {accuracy:.2f} with hidden layers {config.hidden_layers}"


# -- hyperparameter exercises (notebook 04, section 8) ---------------------------


def _train_hyper_playground(config: PlaygroundConfig, epochs: int) -> Playground:
    """Train for a hyperparameter check; few records, so the check stays quick."""
    pg = Playground(config)
    pg.train(epochs, record_every=epochs)
    return pg


@exercise_check("diverging learning rate")
def check_diverging_learning_rate(check: ExerciseCheck, learning_rate) -> str:
    """Check the smallest learning rate of the list that makes the default
    network diverge on the plane.

    Trains the tilted plane (regression, default network) for 40 epochs and
    passes when the loss is no longer a number and, with the next smaller rate
    of ``PLAYGROUND_LEARNING_RATES``, it still is.
    """
    rate = as_number(check, learning_rate, "learning_rate")
    check.stop_if_failed()
    check.require(
        1e-6 <= rate <= 10, f"learning_rate must be from 1e-6 to 10; got {rate:g}"
    )
    pg = _train_hyper_playground(
        PlaygroundConfig(dataset="plane", learning_rate=rate), 40
    )
    check.require(
        pg.diverged,
        f"with {rate:g} the loss stayed a number (train loss "
        f"{pg.losses()[0]:.3g} after 40 epochs). Divergence means each step "
        "overshoots the minimum by more than it started from: what must a step "
        "be like for that?",
    )
    smaller = [r for r in PLAYGROUND_LEARNING_RATES if r < rate]
    if smaller:
        below = _train_hyper_playground(
            PlaygroundConfig(dataset="plane", learning_rate=smaller[-1]), 40
        )
        check.require(
            not below.diverged,
            f"{rate:g} diverges, but so does a smaller rate of the list: look for "
            "the smallest one that does",
        )
    return f"learning rate {rate:g} diverged, and the next smaller one did not"


_NOISY_FIXED = {
    "dataset": "circle",
    "noise": 0.5,
    "train_fraction": 0.1,
    "hidden_layers": (8, 8, 8),
    "activation": "relu",
}


def constant_test_loss(pg: Playground) -> float:
    """Test loss of the best constant answer: the training share of class 1
    everywhere (a network that learned nothing beyond the class shares)."""
    share = float(np.clip(np.mean(pg.y_train), 1e-7, 1 - 1e-7))
    y = np.asarray(pg.y_test, dtype=float)
    return float(-np.mean(y * np.log(share) + (1 - y) * np.log(1 - share)))


@exercise_check("noisy circle")
def check_noisy_circle_settings(check: ExerciseCheck, settings) -> str:
    """Check settings that keep 8.3's large network from over-fitting.

    The data (circle, noise 0.5, train 0.1) and the network (three ReLU layers
    of 8) are fixed; the settings must add L1/L2 or dropout. Trains 300 epochs
    and passes when the test loss is below that of the best constant answer
    (the training share of class 1 everywhere, :func:`constant_test_loss`).
    """
    config = _settings_config(check, settings)
    for name, wanted in _NOISY_FIXED.items():
        if getattr(config, name) != wanted:
            check.fail(f"keep {name} = {wanted!r} (you have {getattr(config, name)!r})")
    check.stop_if_failed()
    check.require(
        (config.regularization != "none" and config.regularization_rate > 0)
        or config.dropout > 0,
        "the network is fixed here: change how it is trained, not its size. "
        "Which settings hold the weights back?",
    )
    pg = _train_hyper_playground(config, 300)
    baseline = constant_test_loss(pg)
    train_loss, test_loss = (float("nan"),) * 2 if pg.diverged else pg.losses()
    check.require(
        test_loss < baseline,
        f"test loss {test_loss:.2f} after 300 epochs (train loss {train_loss:.2f}); "
        f"answering the class share everywhere gives {baseline:.2f}, and the "
        "network must beat that. A test loss far above the training loss is "
        "over-fitting: hold the weights back more; a training loss as high as "
        "the test loss means they are held back too much.",
    )
    return (
        f"test loss {test_loss:.2f} (train {train_loss:.2f}, a constant answer "
        f"{baseline:.2f}) after 300 epochs"
    )
