"""Notebook 06 helpers: the Dense shape tracer against Keras and the loss-surface
plots (the checks are in tests/checks/test_matrices.py)."""

import matplotlib

matplotlib.use("Agg")

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course.matrices import (
    dense_stack_param_count,
    plot_descent_path,
    plot_loss_contours,
    trace_dense_shapes,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def dense_model(sizes, activation="sigmoid", use_bias=True, seed=0):
    """A Dense stack with random weights and (non-zero) random biases."""
    keras.utils.set_random_seed(seed)
    layers = [keras.Input(shape=(sizes[0],))]
    for i, n in enumerate(sizes[1:], start=1):
        act = activation if i < len(sizes) - 1 else "linear"
        layers.append(keras.layers.Dense(n, activation=act, use_bias=use_bias))
    model = keras.Sequential(layers)
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape) for w in model.get_weights()])
    return model


# --------------------------------------------------------------------------
# The shape tracer
# --------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh", "softmax"])
@pytest.mark.parametrize("use_bias", [True, False])
def test_tracer_output_equals_model_predict(activation, use_bias, capsys):
    model = dense_model([4, 6, 6, 1], activation, use_bias)
    x = np.random.default_rng(1).normal(size=(7, 4)).astype("float32")
    out = trace_dense_shapes(model, x)
    np.testing.assert_allclose(out, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    assert out.shape == (7, 1)


def test_tracer_prints_each_step_with_its_shapes(capsys):
    model = dense_model([4, 6, 6, 1])
    trace_dense_shapes(model, np.zeros((7, 4)))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + 3 * 3  # input, then product, bias, activation per layer
    assert lines[0].split() == ["input", "X", "(7,", "4)"]
    assert "X · W1" in lines[1] and "(7, 4) · (4, 6) → (7, 6)" in lines[1]
    assert "+ b1" in lines[2] and "(7, 6) + (6,)" in lines[2]
    assert "sigmoid" in lines[3] and lines[3].endswith("(7, 6) = h1")
    assert "h2 · W3" in lines[7] and "(7, 6) · (6, 1) → (7, 1)" in lines[7]
    assert "linear" in lines[9] and lines[9].endswith("(7, 1) = output")


def test_tracer_says_softmax_works_row_wise(capsys):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input(shape=(3,)), keras.layers.Dense(4, activation="softmax")]
    )
    out = trace_dense_shapes(model, np.random.default_rng(0).normal(size=(5, 3)))
    lines = capsys.readouterr().out.splitlines()
    assert "softmax" in lines[-1] and "row-wise (each row sums to 1)" in lines[-1]
    assert "elementwise" not in lines[-1]
    np.testing.assert_allclose(out.sum(axis=1), 1, rtol=1e-6)
    expected = keras.ops.convert_to_numpy(model(np.zeros((1, 3))))
    np.testing.assert_allclose(trace_dense_shapes(model, np.zeros((1, 3))), expected)


def test_tracer_without_biases_prints_no_bias_step(capsys):
    trace_dense_shapes(dense_model([3, 5, 1], use_bias=False), np.ones((2, 3)))
    out = capsys.readouterr().out
    assert "+ b" not in out and len(out.splitlines()) == 1 + 2 * 2


def test_tracer_rejects_what_it_cannot_trace():
    model = dense_model([4, 6, 1])
    with pytest.raises(TypeError, match="Sequential model of Dense"):
        trace_dense_shapes("model", np.zeros((2, 4)))
    with_dropout = keras.Sequential(
        [keras.Input(shape=(4,)), keras.layers.Dropout(0.5), keras.layers.Dense(1)]
    )
    with pytest.raises(ValueError, match="layer 1 is a Dropout"):
        trace_dense_shapes(with_dropout, np.zeros((2, 4)))
    unbuilt = keras.Sequential([keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="no weights yet"):
        trace_dense_shapes(unbuilt, np.zeros((2, 4)))
    with pytest.raises(ValueError, match="has no layers"):
        trace_dense_shapes(keras.Sequential([]), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="5 features per row but the first layer"):
        trace_dense_shapes(model, np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"2-D array .* got shape \(4,\)"):
        trace_dense_shapes(model, np.zeros(4))
    with pytest.raises(TypeError, match="numeric array"):
        trace_dense_shapes(model, [["a", "b", "c", "d"]])


# --------------------------------------------------------------------------
# Loss surface and descent paths
# --------------------------------------------------------------------------


def bowl(p):
    return 1.0 + (p[0] - 1) ** 2 + 4 * (p[1] + 0.5) ** 2


def test_contours_fix_the_window_and_space_levels_geometrically():
    fig, ax = plt.subplots()
    returned = plot_loss_contours(bowl, (-2, 3), (-2, 1), ax=ax, levels=6)
    assert returned is ax
    assert ax.get_xlim() == (-2, 3) and ax.get_ylim() == (-2, 1)
    levels = ax.collections[0].levels
    assert len(levels) == 6
    ratios = levels[1:] / levels[:-1]
    np.testing.assert_allclose(ratios, ratios[0])
    assert 1.0 < levels[0] and levels[-1] <= bowl([-2, -2]) + 1e-9
    assert fig.axes[-1].get_ylabel() == "loss"  # the colour bar
    assert ax.get_xlabel() == "$w$" and ax.get_ylabel() == "$b$"


def test_contours_of_a_loss_that_crosses_zero_use_linear_levels():
    ax = plot_loss_contours(
        lambda p: p[0] - p[1], (0, 1), (0, 1), levels=4, colorbar=False
    )
    levels = ax.collections[0].levels
    np.testing.assert_allclose(np.diff(levels), np.diff(levels)[0])
    assert len(ax.figure.axes) == 1


def test_path_is_drawn_without_moving_the_window():
    ax = plot_loss_contours(bowl, (-2, 3), (-2, 1), colorbar=False)
    path = np.array([[-1.5, 0.5], [0.0, -1.0], [10.0, 10.0]])
    plot_descent_path(path, ax=ax, label="too large", marker="s")
    assert ax.get_xlim() == (-2, 3) and ax.get_ylim() == (-2, 1)
    line = ax.get_lines()[0]
    np.testing.assert_array_equal(line.get_xydata(), path)
    assert line.get_label() == "too large" and line.get_marker() == "s"
    start, end = ax.get_lines()[1:]
    np.testing.assert_array_equal(start.get_xydata(), path[:1])
    np.testing.assert_array_equal(end.get_xydata(), path[-1:])


def test_path_gets_its_own_axes_when_none_given():
    ax = plot_descent_path([[0, 0], [1, 1]])
    assert isinstance(ax, plt.Axes) and len(ax.get_lines()) == 3


def test_plot_helpers_reject_bad_input():
    with pytest.raises(TypeError, match="function of"):
        plot_loss_contours(3.0, (0, 1), (0, 1))
    with pytest.raises(ValueError, match="low < high"):
        plot_loss_contours(bowl, (1, 0), (0, 1))
    with pytest.raises(TypeError, match="pair"):
        plot_loss_contours(bowl, (0, 1), 5)
    with pytest.raises(ValueError, match="steps"):
        plot_loss_contours(bowl, (0, 1), (0, 1), steps=1)
    with pytest.raises(ValueError, match="non-finite"):
        plot_loss_contours(lambda p: np.inf, (0, 1), (0, 1))
    with pytest.raises(ValueError, match=r"shape \(n_steps \+ 1, 2\)"):
        plot_descent_path(np.zeros((4, 3)))


def test_paths_on_one_axes_take_successive_cycle_colours():
    ax = plot_loss_contours(bowl, (-2, 3), (-2, 1), colorbar=False)
    plot_descent_path([[0, 0], [1, 1]], ax=ax)
    plot_descent_path([[0, 1], [1, 0]], ax=ax)
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    first, second = ax.get_lines()[0], ax.get_lines()[3]
    assert [first.get_color(), second.get_color()] == cycle[:2]
    assert ax.get_lines()[5].get_color() == second.get_color()  # its end marker


def test_dense_stack_param_count_matches_the_formula():
    assert dense_stack_param_count((784, 128, 10)) == 784 * 128 + 128 + 128 * 10 + 10
    assert dense_stack_param_count((3, 5, 1), use_bias=False) == 3 * 5 + 5 * 1
    with pytest.raises(ValueError, match="input width"):
        dense_stack_param_count((784,))
