"""Tests of playground.py: data, features, configuration, settings strings, the
Keras model and its exported code, training, the figure, the exercise checks and
the widget's logic (ipywidgets run without a display or kernel)."""

import asyncio
import math

import matplotlib

matplotlib.use("Agg")

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection

from course import playground as pgm
from course.checks import playground as pg_checks
from course.checks.core import CheckResult
from course.playground import (
    Playground,
    PlaygroundConfig,
    build_playground_model,
    make_playground_data,
    playground_features,
    playground_keras_code,
    split_playground_data,
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


# -- data -------------------------------------------------------------------


@pytest.mark.parametrize("name", list(pgm.PLAYGROUND_DATASETS))
def test_every_dataset_has_the_promised_shape_and_labels(name):
    x, y = make_playground_data(name, n_points=120, noise=0.2, seed=3)
    task = pgm.PLAYGROUND_DATASETS[name][0]
    assert x.shape == (120, 2) and x.dtype == np.float32 and y.shape == (120,)
    assert np.isfinite(x).all() and np.abs(x).max() < 12
    if task == "regression":
        assert y.dtype == np.float32 and np.abs(y).max() < 2
    else:
        k = 3 if task == "multiclass" else 2
        assert y.dtype == np.int32 and set(np.unique(y)) == set(range(k))


@pytest.mark.parametrize("name", list(pgm.PLAYGROUND_DATASETS))
def test_a_seed_reproduces_the_data_and_another_seed_changes_it(name):
    x1, y1 = make_playground_data(name, noise=0.1, seed=5)
    x2, y2 = make_playground_data(name, noise=0.1, seed=5)
    x3, _ = make_playground_data(name, noise=0.1, seed=6)  # noiseless spirals: fixed
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(x1, x3)


def test_noiseless_labels_follow_the_rule_of_each_dataset():
    x, y = make_playground_data("circle", 400)
    np.testing.assert_array_equal(y, np.hypot(x[:, 0], x[:, 1]) < 2.5)
    assert not np.any(
        (np.hypot(x[:, 0], x[:, 1]) > 2.5) & (np.hypot(x[:, 0], x[:, 1]) < 3.5)
    )
    x, y = make_playground_data("xor", 400)
    np.testing.assert_array_equal(y, x[:, 0] * x[:, 1] >= 0)
    assert np.abs(x).min() >= 0.3  # the gap along the axes
    x, y = make_playground_data("plane", 400)
    np.testing.assert_allclose(y, (x[:, 0] + x[:, 1]) / 10, rtol=1e-5)
    x, y = make_playground_data("gauss", 2000)
    np.testing.assert_allclose(x[y == 1].mean(axis=0), [2, 2], atol=0.15)
    np.testing.assert_allclose(x[y == 0].mean(axis=0), [-2, -2], atol=0.15)


def test_noise_flips_labels_near_the_boundary_only():
    x, y = make_playground_data("circle", 2000, noise=0.3)
    clean = np.hypot(x[:, 0], x[:, 1]) < 2.5
    assert 0 < np.mean(y != clean) < 0.3


def test_bump_is_plus_one_at_a_positive_centre_and_zero_far_away():
    x, y = make_playground_data("bump", 5000)
    near = np.hypot(x[:, 0] + 4, x[:, 1] - 2.5) < 0.2  # centre (-4, 2.5), sign +
    assert y[near].min() > 0.85
    middle = (np.abs(x[:, 0] + 2) < 0.1) & (np.abs(x[:, 1]) < 0.1)  # far from all
    np.testing.assert_allclose(y[middle], 0, atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"name": "moons"}, ValueError, "unknown data set 'moons'"),
        ({"name": "circle", "noise": 0.9}, ValueError, "noise must be from 0 to 0.5"),
        ({"name": "circle", "noise": "low"}, TypeError, "noise must be a number"),
        ({"name": "circle", "n_points": 5}, ValueError, "n_points must be from 10"),
        (
            {"name": "circle", "n_points": 10.5},
            TypeError,
            "n_points must be an integer",
        ),
        ({"name": "circle", "seed": -1}, ValueError, "seed must be from 0"),
    ],
)
def test_bad_data_arguments_raise_clear_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_playground_data(**kwargs)


def test_split_shuffles_and_keeps_every_point_once():
    x = np.arange(40, dtype=np.float32).reshape(20, 2)
    y = np.arange(20)
    (x_tr, y_tr), (x_te, y_te) = split_playground_data(x, y, 0.7, seed=1)
    assert len(x_tr) == 14 and len(x_te) == 6
    np.testing.assert_array_equal(np.sort(np.r_[y_tr, y_te]), y)
    np.testing.assert_array_equal(x_tr[:, 0], 2 * y_tr)  # rows stay paired
    assert not np.array_equal(y_tr, np.sort(y_tr))  # shuffled


def test_split_rejects_mismatched_lengths_and_fractions():
    with pytest.raises(ValueError, match="one length; got 5 and 4"):
        split_playground_data(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="train_fraction must be from 0.1 to 0.9"):
        split_playground_data(np.zeros((5, 2)), np.zeros(5), train_fraction=1.0)


# -- features ---------------------------------------------------------------


def test_features_match_their_formulas_in_the_requested_order():
    x = np.random.default_rng(0).uniform(-6, 6, (50, 2)).astype(np.float32)
    a, b = x[:, 0], x[:, 1]
    expected = {
        "x1": a,
        "x2": b,
        "x1^2": a * a,
        "x2^2": b * b,
        "x1*x2": a * b,
        "sin(x1)": np.sin(a),
        "sin(x2)": np.sin(b),
    }
    names = ("sin(x2)", "x1*x2", "x1", "x2^2", "x2", "sin(x1)", "x1^2")
    got = playground_features(x, names)
    assert got.shape == (50, 7) and got.dtype == np.float32
    for i, name in enumerate(names):
        np.testing.assert_allclose(got[:, i], expected[name], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    ("features", "error", "match"),
    [
        (("x1", "x3"), ValueError, r"unknown feature\(s\) \['x3'\]"),
        ((), ValueError, "one or more distinct names"),
        (("x1", "x1"), ValueError, "one or more distinct names"),
        ("x1", TypeError, "tuple of names"),
    ],
)
def test_bad_features_raise(features, error, match):
    with pytest.raises(error, match=match):
        playground_features(np.zeros((3, 2)), features)


def test_features_need_points_of_shape_n_by_2():
    with pytest.raises(ValueError, match=r"shape \(n, 2\); got \(3, 3\)"):
        playground_features(np.zeros((3, 3)))


# -- configuration and settings string --------------------------------------


def test_default_config_is_the_issues_default_network():
    c = PlaygroundConfig()
    assert c.hidden_layers == (4, 4) and c.n_points == 500 and c.dataset == "circle"
    assert c.task == "binary"


def test_config_normalises_lists_and_numpy_numbers():
    c = PlaygroundConfig(
        hidden_layers=[3, np.int64(2)], features=["x1"], noise=np.float32(0.25)
    )
    assert c.hidden_layers == (3, 2) and type(c.hidden_layers[1]) is int
    assert c.features == ("x1",) and c.noise == 0.25


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"dataset": "moons"}, ValueError, "unknown dataset 'moons'"),
        ({"hidden_layers": (4,) * 7}, ValueError, "0 to 6 layers; got 7"),
        ({"hidden_layers": (4, 9)}, ValueError, "hidden layer 2 .* from 1 to 8; got 9"),
        ({"hidden_layers": (0,)}, ValueError, "hidden layer 1 .* from 1 to 8; got 0"),
        ({"hidden_layers": "4,4"}, TypeError, "tuple of neuron counts"),
        ({"hidden_layers": (4.0,)}, TypeError, "must be an integer"),
        ({"activation": "softmax"}, ValueError, "unknown activation 'softmax'"),
        ({"learning_rate": 0}, ValueError, "learning_rate must be from"),
        ({"regularization": "l3"}, ValueError, "unknown regularization"),
        ({"regularization_rate": -1.0}, ValueError, "regularization_rate must be"),
        ({"batch_size": 0}, ValueError, "batch_size must be from 1"),
        ({"optimizer": "rmsprop"}, ValueError, "unknown optimizer"),
        ({"train_fraction": 0.95}, ValueError, "train_fraction must be from 0.1"),
        ({"show_test_data": "yes"}, TypeError, "show_test_data must be True or False"),
        ({"n_points": True}, TypeError, "n_points must be an integer"),
    ],
)
def test_bad_config_values_raise_clear_errors(changes, error, match):
    with pytest.raises(error, match=match):
        PlaygroundConfig(**changes)


ROUND_TRIP_CONFIGS = [
    PlaygroundConfig(),
    PlaygroundConfig(
        dataset="spiral3",
        noise=0.35,
        train_fraction=0.8,
        n_points=321,
        seed=17,
        features=("sin(x2)", "x1*x2", "x1^2"),
        hidden_layers=(),
        activation="relu",
        learning_rate=0.003,
        regularization="l1",
        regularization_rate=0.001,
        batch_size=1,
        optimizer="adam",
        show_test_data=True,
        discretize=True,
    ),
    PlaygroundConfig(
        dataset="bump", hidden_layers=(8, 1, 8, 1, 8, 1), learning_rate=1e-5
    ),
]


@pytest.mark.parametrize("config", ROUND_TRIP_CONFIGS)
def test_settings_string_round_trips(config):
    text = config.to_settings()
    assert PlaygroundConfig.from_settings(text) == config
    assert PlaygroundConfig.from_settings("#" + text) == config  # as in a URL


def test_random_configs_round_trip():
    rng = np.random.default_rng(0)
    for _ in range(30):
        config = PlaygroundConfig(
            dataset=str(rng.choice(list(pgm.PLAYGROUND_DATASETS))),
            noise=float(rng.uniform(0, 0.5)),
            features=tuple(
                rng.permutation(pgm.PLAYGROUND_FEATURES)[: rng.integers(1, 8)]
            ),
            hidden_layers=tuple(int(n) for n in rng.integers(1, 9, rng.integers(0, 7))),
            learning_rate=float(rng.choice(pgm.PLAYGROUND_LEARNING_RATES)),
            regularization_rate=float(rng.uniform(0, 10)),
        )
        assert PlaygroundConfig.from_settings(config.to_settings()) == config


def test_settings_string_is_short_and_missing_keys_take_defaults():
    assert len(PlaygroundConfig().to_settings()) < 200
    c = PlaygroundConfig.from_settings("data=xor&layers=2")
    assert c == PlaygroundConfig(dataset="xor", hidden_layers=(2,))
    assert PlaygroundConfig.from_settings("layers=").hidden_layers == ()
    assert PlaygroundConfig.from_settings("") == PlaygroundConfig()


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("data=circle&colour=red", "bad settings part 'colour=red'"),
        ("data=circle&noise", "bad settings part 'noise'"),
        ("lr=fast", "bad settings value 'lr=fast'"),
        ("layers=4,x", "bad settings value 'layers=4,x'"),
        ("test=maybe", "bad settings value 'test=maybe'"),
        ("data=xor&data=circle", "'data' appears twice"),
        ("layers=4,4,4,4,4,4,4", "0 to 6 layers; got 7"),
        ("data=moons", "unknown dataset 'moons'"),
    ],
)
def test_bad_settings_strings_raise_value_errors(text, match):
    with pytest.raises(ValueError, match=match):
        PlaygroundConfig.from_settings(text)


def test_settings_must_be_a_string():
    with pytest.raises(TypeError, match="settings must be a string"):
        PlaygroundConfig.from_settings({"data": "xor"})


# -- model and exported code --------------------------------------------------


@pytest.mark.parametrize(
    ("config", "task", "k", "units", "activation"),
    [
        (PlaygroundConfig(), "binary", 2, 1, "sigmoid"),
        (
            PlaygroundConfig(dataset="gauss3", hidden_layers=(3,)),
            "multiclass",
            3,
            3,
            "softmax",
        ),
        (
            PlaygroundConfig(dataset="plane", hidden_layers=()),
            "regression",
            0,
            1,
            "linear",
        ),
    ],
)
def test_model_has_the_configured_layers(config, task, k, units, activation):
    model = build_playground_model(config, task, k)
    sizes = [len(config.features), *config.hidden_layers, units]
    assert model.count_params() == _dense_param_count(sizes)
    assert [layer.units for layer in model.layers] == sizes[1:]
    assert model.layers[-1].get_config()["activation"] == activation
    for layer in model.layers[:-1]:
        assert layer.get_config()["activation"] == config.activation


def test_model_initial_weights_follow_the_seed():
    def first_kernel(seed):
        model = build_playground_model(PlaygroundConfig(seed=seed))
        return np.asarray(model.layers[0].kernel)

    np.testing.assert_array_equal(first_kernel(1), first_kernel(1))
    assert not np.allclose(first_kernel(1), first_kernel(2))


def test_l2_regularisation_adds_rate_times_squared_weights():
    config = PlaygroundConfig(regularization="l2", regularization_rate=0.01)
    model = build_playground_model(config)
    kernels = [np.asarray(layer.kernel) for layer in model.layers]
    expected = 0.01 * sum(np.sum(k**2) for k in kernels)
    got = sum(float(keras.ops.convert_to_numpy(loss)) for loss in model.losses)
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_model_building_rejects_bad_arguments():
    with pytest.raises(TypeError, match="PlaygroundConfig"):
        build_playground_model({"hidden_layers": (4,)})
    with pytest.raises(ValueError, match="unknown task 'ranking'"):
        build_playground_model(PlaygroundConfig(), task="ranking")


def _exec_code(code: str, namespace=None) -> dict:
    namespace = dict(namespace or {})
    exec(compile(code, "<playground keras code>", "exec"), namespace)  # noqa: S102
    return namespace


CODE_CONFIGS = [
    PlaygroundConfig(**SMALL),
    PlaygroundConfig(
        dataset="spiral3",
        features=("x1", "x2", "sin(x1)", "x1*x2"),
        hidden_layers=(),
        regularization="l1",
        regularization_rate=0.003,
        optimizer="adam",
        **SMALL,
    ),
    PlaygroundConfig(
        dataset="bump",
        hidden_layers=(8, 3, 5),
        activation="relu",
        regularization="l2",
        regularization_rate=0.03,
        **SMALL,
    ),
]


@pytest.mark.parametrize("config", CODE_CONFIGS)
def test_exported_code_builds_the_same_network_on_the_same_data(config):
    pg = Playground(config)
    ns = _exec_code(pg.keras_code(epochs=1))
    model = ns["model"]
    assert model.count_params() == pg.model.count_params()
    for mine, theirs in zip(pg.model.layers, model.layers, strict=True):
        a, b = mine.get_config(), theirs.get_config()
        assert (a["units"], a["activation"]) == (b["units"], b["activation"])
        assert (a["kernel_regularizer"] is None) == (b["kernel_regularizer"] is None)
    assert type(model.optimizer).__name__.lower() == config.optimizer
    np.testing.assert_allclose(
        float(model.optimizer.learning_rate), config.learning_rate
    )
    np.testing.assert_array_equal(ns["x_train"], pg.x_train)
    np.testing.assert_array_equal(ns["y_test"], pg.y_test)
    np.testing.assert_allclose(
        ns["make_features"](pg.x_test), playground_features(pg.x_test, config.features)
    )
    assert len(ns["history"].history["loss"]) == 1  # it trained the epochs asked for


def test_exported_code_for_own_data_uses_the_students_arrays():
    x = np.random.default_rng(0).normal(size=(40, 2))
    y = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0)  # three classes
    pg = Playground(PlaygroundConfig(hidden_layers=(5,)), x=x, y=y)
    code = pg.keras_code(epochs=1)
    assert "playground.make_playground_data" not in code
    data = {
        "x_train": pg.x_train,
        "y_train": pg.y_train,
        "x_test": pg.x_test,
        "y_test": pg.y_test,
    }
    model = _exec_code(code, data)["model"]
    assert (
        model.count_params() == pg.model.count_params() == _dense_param_count([2, 5, 3])
    )


def test_exported_code_rejects_a_non_config():
    with pytest.raises(TypeError, match="PlaygroundConfig"):
        playground_keras_code("data=xor")


# -- the playground -----------------------------------------------------------


def test_losses_agree_with_keras_evaluate(trained):
    features = playground_features(trained.x_test, trained.config.features)
    expected = trained.model.evaluate(
        features, trained.y_test, verbose=0, batch_size=1000
    )
    np.testing.assert_allclose(trained.losses()[1], expected, rtol=1e-5)
    assert trained.history["epoch"] == [0, 5]
    assert trained.history["test_loss"][-1] == trained.losses()[1]


def test_short_training_on_the_circle_learns():
    config = PlaygroundConfig(
        activation="relu", hidden_layers=(8, 8), learning_rate=0.1
    )
    pg = Playground(config)
    start = pg.losses()[1]
    pg.train(30)
    assert pg.losses()[1] < min(0.2, start / 3)
    assert pg.accuracy("test") > 0.95


def test_training_is_reproducible_and_chunks_do_not_matter():
    config = PlaygroundConfig(**SMALL)
    a, b = Playground(config), Playground.from_settings(config.to_settings())
    a.train(3)
    for _ in range(3):
        b.step()
    np.testing.assert_allclose(a.losses(), b.losses(), rtol=1e-5)
    assert a.epoch == b.epoch == 3 and b.history["epoch"] == [0, 1, 2, 3]


def test_record_every_records_the_losses_along_the_way():
    pg = Playground(PlaygroundConfig(**SMALL))
    pg.train(10, record_every=3)
    assert pg.history["epoch"] == [0, 3, 6, 9, 10] and pg.epoch == 10
    assert len(pg.history["train_loss"]) == len(pg.history["test_loss"]) == 5
    with pytest.raises(ValueError, match="record_every must be from 1"):
        pg.train(5, record_every=0)


def test_predict_and_neuron_outputs_agree(trained):
    grid = trained.grid(7)
    assert grid.shape == (49, 2)
    maps = trained.neuron_outputs(7)
    assert [m.shape for m in maps] == [(7, 7, 2), (7, 7, 4), (7, 7, 4), (7, 7, 1)]
    np.testing.assert_allclose(maps[0].reshape(-1, 2), grid, rtol=1e-6)
    np.testing.assert_allclose(
        maps[-1].ravel(), trained.predict(grid), rtol=1e-5, atol=1e-6
    )
    p = trained.predict(grid)
    assert p.shape == (49,) and (0 <= p).all() and (p <= 1).all()
    assert [w.shape for w in trained.weights()] == [(2, 4), (4, 4), (4, 1)]


def test_multiclass_predictions_are_probabilities():
    pg = Playground(PlaygroundConfig(dataset="gauss3", **SMALL))
    p = pg.predict(pg.x_test)
    assert p.shape == (len(pg.x_test), 3)
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-5)
    assert 0 <= pg.accuracy("train") <= 1


def test_configure_resets_only_when_the_network_or_data_change():
    pg = Playground(PlaygroundConfig(**SMALL))
    pg.train(2)
    pg.configure(learning_rate=0.1, batch_size=5, show_test_data=True)
    assert pg.epoch == 2  # live changes: training goes on
    np.testing.assert_allclose(float(pg.model.optimizer.learning_rate), 0.1)
    x_before = pg.x_train.copy()
    pg.configure(activation="relu")
    assert pg.epoch == 0 and pg.history["epoch"] == [0]
    np.testing.assert_array_equal(pg.x_train, x_before)
    pg.new_sample()
    assert pg.config.seed == 1 and not np.array_equal(pg.x_train, x_before)
    pg.configure(PlaygroundConfig(dataset="plane", **SMALL))
    assert pg.task == "regression" and pg.n_classes == 0


def test_configure_keeps_the_old_state_after_a_bad_change():
    pg = Playground(PlaygroundConfig(**SMALL))
    pg.train(1)
    with pytest.raises(ValueError, match="0 to 6 layers"):
        pg.configure(hidden_layers=(2,) * 7)
    with pytest.raises(TypeError, match="unexpected keyword"):
        pg.configure(neurons=3)
    assert pg.config == PlaygroundConfig(**SMALL) and pg.epoch == 1


def test_own_classification_and_regression_data():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 2))
    pg = Playground(x=x, y=(x[:, 0] > 0).astype(int))
    assert (pg.task, pg.n_classes, pg.config.dataset) == ("binary", 2, "own")
    assert pg.extent[0] < x[:, 0].min() and pg.extent[3] > x[:, 1].max()
    pg = Playground(x=x, y=x[:, 0] * 0.3)
    assert pg.task == "regression"
    pg = Playground(x=x, y=(x[:, 0] > 0).astype(float), task="classification")
    assert pg.task == "binary"
    with pytest.raises(ValueError, match="own data"):
        pg.configure(dataset="circle")


@pytest.mark.parametrize(
    ("x", "y", "match"),
    [
        (np.zeros((10, 3)), np.zeros(10, int), r"x must have shape \(n, 2\)"),
        (np.zeros((10, 2)), np.zeros(9, int), "one label per point"),
        (np.zeros((10, 2)), np.zeros((10, 1), int), "one label per point"),
        (np.zeros((10, 2)), np.array([1, 2] * 5), "labels must be the integers 0..k-1"),
        (np.zeros((10, 2)), np.zeros(10, int), "labels must be the integers 0..k-1"),
        (np.full((10, 2), np.nan), np.arange(10) % 2, "finite numbers"),
        (np.zeros((10, 2)), None, "needs both x"),
    ],
)
def test_own_data_errors_are_clear(x, y, match):
    with pytest.raises(ValueError, match=match):
        Playground(x=x, y=y)


def test_own_dataset_without_arrays_and_other_bad_arguments():
    with pytest.raises(ValueError, match="needs your arrays"):
        Playground(PlaygroundConfig(dataset="own"))
    with pytest.raises(TypeError, match="PlaygroundConfig"):
        Playground("data=xor")
    with pytest.raises(ValueError, match="unknown task"):
        Playground(x=np.zeros((10, 2)), y=np.arange(10) % 2, task="ranking")
    pg = Playground(PlaygroundConfig(dataset="plane", **SMALL))
    with pytest.raises(ValueError, match="accuracy is for classification"):
        pg.accuracy()
    with pytest.raises(ValueError, match="epochs must be from 1"):
        pg.train(0)
    with pytest.raises(TypeError, match="epochs must be an integer"):
        pg.train("3")


def test_a_too_large_learning_rate_is_reported_as_diverged():
    config = PlaygroundConfig(
        dataset="plane",
        features=("x1^2", "x2^2"),
        hidden_layers=(),
        activation="linear",
        learning_rate=10.0,
        **SMALL,
    )
    pg = Playground(config)
    assert not pg.diverged
    pg.train(3)
    assert pg.diverged
    assert "diverged" in pgm.plot_playground_losses(pg).get_title()
    assert "test loss nan" in pg.summary()


# -- the figure -----------------------------------------------------------------


def test_plot_playground_draws_three_panels(trained):
    axes = pgm.plot_playground(trained, resolution=20)
    assert len(axes) == 3 and len({ax.figure for ax in axes}) == 1
    network, surface, losses = axes
    assert surface.images[0].get_array().shape == (20, 20)
    assert [t.get_text() for t in surface.get_legend().get_texts()] == [
        "class 0",
        "class 1",
    ]
    lines = [c for c in network.collections if isinstance(c, LineCollection)]
    assert len(lines[0].get_segments()) == 2 * 4 + 4 * 4 + 4 * 1  # one per weight
    np.testing.assert_array_equal(losses.lines[0].get_xdata(), trained.history["epoch"])
    np.testing.assert_array_equal(
        losses.lines[1].get_ydata(), trained.history["test_loss"]
    )
    assert (
        losses.lines[0].get_linestyle() == "-"
        and losses.lines[1].get_linestyle() == "--"
    )
    assert losses.get_xlabel() == "epoch" and "cross" in losses.get_ylabel()


def test_panels_draw_on_the_given_axes_and_show_test_points():
    pg = Playground(PlaygroundConfig(dataset="spiral3", show_test_data=True, **SMALL))
    fig, axes = plt.subplots(1, 3)
    assert pgm.plot_playground_surface(pg, ax=axes[1], resolution=10) is axes[1]
    assert axes[1].images[0].get_array().shape == (10, 10, 3)  # colours mixed
    labels = [t.get_text() for t in axes[1].get_legend().get_texts()]
    assert labels == ["class 0", "class 1", "class 2", "test"]
    assert pgm.plot_playground_network(pg, ax=axes[0]) is axes[0]
    assert pgm.plot_playground_losses(pg, ax=axes[2]) is axes[2]
    assert len(fig.axes) == 3


def test_discretized_output_has_only_the_class_values():
    pg = Playground(PlaygroundConfig(discretize=True, **SMALL))
    ax = pgm.plot_playground_surface(pg, resolution=15)
    assert set(np.unique(ax.images[0].get_array())) <= {0.0, 1.0}


def test_plot_playground_rejects_bad_arguments(trained):
    with pytest.raises(TypeError, match="must be a Playground"):
        pgm.plot_playground("circle")
    with pytest.raises(ValueError, match="three Axes"):
        pgm.plot_playground(trained, axes=plt.subplots(1, 2)[1])


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


# -- the widget (no display needed) ----------------------------------------------


@pytest.fixture
def widget():
    return pgm.PlaygroundWidget(Playground(PlaygroundConfig(**SMALL)), resolution=12)


def test_widget_controls_show_and_change_the_configuration(widget):
    pg = widget.playground
    assert widget.n_layers.value == 2 and widget.features["x1"].value
    assert widget.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    widget.activation.value = "relu"
    assert pg.config.activation == "relu"
    widget.n_layers.value = 3
    assert pg.config.hidden_layers == (4, 4, 4)
    assert [s.layout.visibility for s in widget.neurons[:4]] == ["visible"] * 3 + [
        "hidden"
    ]
    widget.neurons[2].value = 7
    widget.features["x1*x2"].value = True
    widget.noise.value = 20
    assert pg.config.hidden_layers == (4, 4, 7) and pg.config.noise == 0.2
    assert pg.config.features == ("x1", "x2", "x1*x2")
    assert widget.settings.value == pg.settings


def test_widget_shows_errors_instead_of_raising(widget):
    widget.features["x1"].value = False
    widget.features["x2"].value = False  # no feature left
    assert "❌" in widget.status.value and "features" in widget.status.value
    assert widget.features["x2"].value  # the control shows the valid setting again
    widget.settings.value = "layers=9"
    assert "❌" in widget.status.value and widget.playground.config.hidden_layers == (
        4,
        4,
    )
    widget.settings.value = "data=xor&layers=2,2&lr=0.3"
    assert widget.playground.config.dataset == "xor" and widget.dataset.value == "xor"
    assert widget.n_layers.value == 2 and widget.learning_rate.value == 0.3
    assert "❌" not in widget.status.value


def test_widget_buttons_step_reset_new_sample_and_code(widget, capsys):
    image = widget.image.value
    widget.step_button.click()
    assert widget.playground.epoch == 1 and widget.image.value != image
    assert "Epoch 000001" in widget.status.value
    widget.reset_button.click()
    assert widget.playground.epoch == 0
    widget.new_sample_button.click()
    assert widget.playground.config.seed == 1 and widget.seed.value == 1
    widget.show_code()  # without a kernel the Output widget passes print through
    assert "keras.Sequential(" in capsys.readouterr().out


def test_play_frames_grow_the_epochs_per_frame_at_most_twofold(widget):
    widget.frame_seconds = 10.0
    for expected in (2, 4, 8):
        widget.play_frame()
        assert widget.epochs_per_frame == expected
    assert widget.playground.epoch == 1 + 2 + 4
    assert widget.epochs_per_second > 0 and widget.frames_per_second > 0


def test_epochs_per_frame_follow_the_fitted_overhead_and_cost_per_epoch(widget):
    # fit costs 0.1 s plus 0.007 s per epoch; drawing takes 0.05 s
    widget.frame_seconds = 0.2  # leaves 0.15 s for training: 0.05 s for epochs
    assert widget._next_epochs_per_frame(1, 0.107, 0.05) == 2  # explore a 2nd size
    assert widget._next_epochs_per_frame(2, 0.114, 0.05) == 4  # wants 7, 2x at most
    assert widget._next_epochs_per_frame(4, 0.128, 0.05) == 7  # 0.05 / 0.007
    widget.frame_seconds = 0.35  # (0.35 - 0.05 - 0.1) / 0.007 = 28.6
    assert widget._next_epochs_per_frame(7, 0.149, 0.05) == 14
    assert widget._next_epochs_per_frame(14, 0.198, 0.05) == 28
    widget.frame_seconds = 0.01  # too short: train 1.5 × the overhead, 7 epochs
    assert widget._next_epochs_per_frame(28, 0.296, 0.05) == 7


def test_play_runs_in_the_event_loop_until_paused(widget):
    async def play_briefly():
        widget.play_button.value = True
        assert widget.play_button.description == "Pause"
        await asyncio.sleep(0.3)
        widget.play_button.value = False
        await widget._task

    asyncio.run(play_briefly())
    assert widget.playground.epoch >= 1 and widget.play_button.description == "Play"
    assert math.isfinite(widget.epochs_per_second)


def test_play_without_an_event_loop_explains_instead_of_raising(widget):
    widget.play_button.value = True
    assert widget.play_button.value is False and "event loop" in widget.status.value


def test_widget_for_own_data_and_bad_arguments():
    x = np.random.default_rng(0).normal(size=(30, 2))
    w = pgm.PlaygroundWidget(Playground(x=x, y=(x[:, 1] > 0).astype(int)), resolution=8)
    assert w.dataset.disabled and w.dataset.value == "own"
    with pytest.raises(TypeError, match="must be a Playground"):
        pgm.PlaygroundWidget("circle")
    with pytest.raises(ValueError, match="frame_seconds"):
        pgm.PlaygroundWidget(frame_seconds=0)
