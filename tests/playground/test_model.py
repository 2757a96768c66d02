"""Tests of course.playground.model: the Keras model, its exported code, training."""

import matplotlib

matplotlib.use("Agg")

import keras
import numpy as np
import pytest

from course import playground as pgm
from course.playground import (
    Playground,
    PlaygroundConfig,
    build_playground_model,
    playground_features,
    playground_keras_code,
)

SMALL = {"n_points": 100}  # small data sets keep the tests fast


def _dense_param_count(sizes):
    """Weights and biases of a chain of Dense layers with these sizes."""
    return sum(
        (n_in + 1) * n_out for n_in, n_out in zip(sizes, sizes[1:], strict=False)
    )


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


def test_model_initial_weights_follow_the_init_seed():
    def first_kernel(seed):
        model = build_playground_model(PlaygroundConfig(init_seed=seed))
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
    epochs = trained.history["epoch"]
    assert epochs == [0, 1, 2, 3, 4, 5]  # 25 steps an epoch, one compiled call
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
    pg = Playground(PlaygroundConfig(**SMALL))  # 50 training points, 5 steps an epoch
    pg.train(10, record_every=3)
    assert pg.history["epoch"] == [0, 3, 6, 9, 10] and pg.epoch == 10
    assert len(pg.history["train_loss"]) == len(pg.history["test_accuracy"]) == 5
    pg.train(4)  # one record per epoch
    assert pg.history["epoch"][5:] == [11, 12, 13, 14]
    pg.configure(batch_size=30)  # live: still 5 steps a call, now 4 steps in all
    pg.train(2)
    assert pg.history["epoch"][9:] == [16]  # a group longer than the call
    with pytest.raises(ValueError, match="record_every must be from 1"):
        pg.train(5, record_every=0)


def test_a_long_train_is_split_into_fit_calls_of_bounded_size(monkeypatch):
    import course.playground.model as model

    monkeypatch.setattr(model, "_MAX_ROWS", 120)  # two epochs of 50 points a call
    pg = Playground(PlaygroundConfig(**SMALL))
    calls = []
    fit = pg.model.fit
    monkeypatch.setattr(
        pg.model, "fit", lambda x, y, **kw: calls.append(len(x)) or fit(x, y, **kw)
    )
    pg.train(5)
    assert calls == [100, 100, 50] and pg.epoch == 5


def test_reinitialise_draws_new_weights_on_the_same_data():
    pg = Playground(PlaygroundConfig(**SMALL))
    x, w = pg.x_train.copy(), pg.weights()[0]
    pg.reinitialise()
    assert pg.config.init_seed == 1 and pg.config.seed == 0
    np.testing.assert_array_equal(pg.x_train, x)
    assert not np.allclose(pg.weights()[0], w)
    pg.train(3)
    fresh = Playground(PlaygroundConfig(init_seed=1, **SMALL))
    fresh.train(3)  # re-initialising in place equals building anew
    np.testing.assert_allclose(pg.history["train_loss"], fresh.history["train_loss"])
    pg.configure(split_seed=3)
    assert not np.array_equal(pg.x_train, x)


def test_confusion_matrix_counts_every_test_point_and_agrees_with_accuracy(trained):
    m = trained.confusion_matrix("test")
    assert m.shape == (2, 2) and m.sum() == len(trained.y_test)
    np.testing.assert_allclose(np.trace(m) / m.sum(), trained.accuracy("test"))
    np.testing.assert_array_equal(m.sum(axis=1), np.bincount(trained.y_test))


def test_dropout_adds_dropout_layers_but_keeps_the_pictures():
    pg = Playground(PlaygroundConfig(dropout=0.2, **SMALL))
    kinds = [type(layer).__name__ for layer in pg.model.layers]
    assert kinds == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert [w.shape for w in pg.weights()] == [(2, 4), (4, 4), (4, 1)]
    assert len(pg.neuron_outputs(5)) == 4
    pg.train(2)
    assert np.isfinite(pg.losses()).all()


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


@pytest.mark.parametrize("activation", ["leaky_relu", "elu"])
def test_the_lectures_leaky_relu_and_elu_are_activations_too(activation):
    pg = Playground(PlaygroundConfig(activation=activation, **SMALL))
    assert pg.model.layers[0].activation.__name__ == activation
    namespace = {}
    exec(pg.keras_code(epochs=1), namespace)  # the export names it the same way
    assert namespace["model"].layers[0].activation.__name__ == activation


def test_layer_seeds_of_neighbouring_init_seeds_are_independent():
    from course.playground.model import layer_seed

    seeds = {layer_seed(s, layer) for s in range(5) for layer in range(4)}
    seeds |= {layer_seed(s, layer, stream=1) for s in range(5) for layer in range(4)}
    assert len(seeds) == 40  # init_seed + layer would repeat many
    assert all(0 <= seed < 2**31 for seed in seeds)
    assert layer_seed(3, 1) == layer_seed(3, 1)  # reproducible


def test_reinitialised_weights_differ_between_init_seeds():
    pg = Playground(PlaygroundConfig(hidden_layers=(3,)))
    first = pg.weights()
    pg.configure(init_seed=1)
    second = pg.weights()
    assert not np.allclose(first[0], second[0])
    assert not np.allclose(first[1], second[1])  # the output layer too
    pg.configure(init_seed=0)
    np.testing.assert_array_equal(pg.weights()[0], first[0])
