"""Tests for utils.losses: NumPy softmax/sigmoid and cross-entropies against Keras,
Table 4.1 and its lookup, the probability bar chart (checks: tests/checks/)."""

import json
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course.losses import (
    CROSS_ENTROPY_EPSILON,
    OUTPUT_LAYER_TABLE,
    binary_cross_entropy,
    categorical_cross_entropy,
    output_layer_for,
    output_layer_table_markdown,
    plot_class_probabilities,
    run_on_backend,
    sparse_categorical_cross_entropy,
    stable_sigmoid,
    stable_softmax,
)

LECTURE_SCORES = np.array([-0.5, 1.2, 3.0, -2.0])
EXTREME_SCORES = np.array(
    [
        [1000.0, 0.0, -1000.0],
        [-1000.0, 1000.0, 0.0],
        [0.0, 0.0, 0.0],
        [-800, -801, -802],
    ]
)


def to_numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


@pytest.fixture
def strict_numpy():
    """Fail on any NumPy overflow/invalid/divide-by-zero or any warning."""
    with (
        warnings.catch_warnings(),
        np.errstate(over="raise", invalid="raise", divide="raise"),
    ):
        warnings.simplefilter("error")
        yield


@pytest.fixture
def scores():
    return np.random.default_rng(0).normal(0, 3, size=(8, 5))


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------
# softmax and sigmoid
# --------------------------------------------------------------------------


def test_softmax_matches_keras(scores):
    np.testing.assert_allclose(
        stable_softmax(scores), to_numpy(keras.activations.softmax(scores)), rtol=1e-5
    )


def test_softmax_along_another_axis_matches_keras(scores):
    expected = to_numpy(keras.activations.softmax(scores, axis=0))
    np.testing.assert_allclose(stable_softmax(scores, axis=0), expected, rtol=1e-5)


def test_softmax_of_lecture_scores():
    p = stable_softmax(LECTURE_SCORES)
    e = np.exp(LECTURE_SCORES)
    np.testing.assert_allclose(p, e / e.sum())
    np.testing.assert_allclose(p, [0.03, 0.14, 0.83, 0.00], atol=0.006)


def test_softmax_extreme_scores_no_overflow(strict_numpy):
    p = stable_softmax(EXTREME_SCORES)
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)
    expected = to_numpy(keras.activations.softmax(EXTREME_SCORES))
    np.testing.assert_allclose(p, expected, rtol=1e-5, atol=1e-12)


def test_softmax_is_shift_invariant(scores):
    np.testing.assert_allclose(stable_softmax(scores), stable_softmax(scores + 500.0))


def test_sigmoid_matches_keras_including_extremes(strict_numpy):
    z = np.concatenate([np.linspace(-50, 50, 101), [-1000.0, -745.0, 745.0, 1000.0]])
    expected = to_numpy(keras.activations.sigmoid(z))
    np.testing.assert_allclose(stable_sigmoid(z), expected, rtol=1e-5, atol=1e-30)
    assert stable_sigmoid(-1000.0) == 0.0 and stable_sigmoid(1000.0) == 1.0


def test_sigmoid_of_lecture_scores_and_symmetry():
    p = stable_sigmoid(LECTURE_SCORES)
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-LECTURE_SCORES)))
    np.testing.assert_allclose(stable_sigmoid(-LECTURE_SCORES), 1 - p)


@pytest.mark.parametrize("bad", [[], np.zeros((3, 0)), 1.5])
def test_softmax_needs_scores(bad):
    with pytest.raises(ValueError, match="at least one score"):
        stable_softmax(bad)


def test_activations_reject_non_numbers_and_nan():
    with pytest.raises(TypeError, match="numbers"):
        stable_softmax("1, 2, 3")
    with pytest.raises(TypeError, match="numbers"):
        stable_sigmoid([1.0, "a"])
    with pytest.raises(ValueError, match="NaN or inf"):
        stable_softmax([1.0, np.nan])


# --------------------------------------------------------------------------
# binary cross-entropy
# --------------------------------------------------------------------------


@pytest.fixture
def multilabel():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=(6, 4)).astype(float)
    z = rng.normal(0, 3, size=(6, 4))
    return y, z


def test_binary_ce_from_probabilities_matches_keras(multilabel):
    y, z = multilabel
    p = stable_sigmoid(z)
    keras_loss = keras.losses.BinaryCrossentropy(reduction=None)
    np.testing.assert_allclose(
        binary_cross_entropy(y, p), to_numpy(keras_loss(y, p)), rtol=1e-5
    )
    mean_loss = float(keras.losses.BinaryCrossentropy()(y, p))
    np.testing.assert_allclose(binary_cross_entropy(y, p).mean(), mean_loss, rtol=1e-5)


def test_binary_ce_from_logits_matches_keras(multilabel):
    y, z = multilabel
    keras_loss = keras.losses.BinaryCrossentropy(from_logits=True, reduction=None)
    np.testing.assert_allclose(
        binary_cross_entropy(y, z, from_logits=True),
        to_numpy(keras_loss(y, z)),
        rtol=1e-5,
    )


def test_binary_ce_is_the_two_class_cross_entropy():
    y = np.array([1.0, 0.0, 1.0])
    p = np.array([0.9, 0.9, 0.2])
    two_class = categorical_cross_entropy(
        np.stack([y, 1 - y], axis=1), np.stack([p, 1 - p], axis=1)
    )
    np.testing.assert_allclose(binary_cross_entropy(y[:, None], p[:, None]), two_class)


def test_binary_ce_label_column_against_output_column():
    y, p = np.array([1.0, 0.0]), np.array([[0.9], [0.9]])
    expected = to_numpy(keras.losses.binary_crossentropy(y[:, None], p))
    np.testing.assert_allclose(binary_cross_entropy(y, p), expected, rtol=1e-5)
    np.testing.assert_allclose(binary_cross_entropy(y, p), -np.log([0.9, 0.1]))


def test_binary_ce_extreme_logits(strict_numpy):
    z = np.array([[1000.0, -1000.0, 0.0]])
    y = np.array([[0.0, 1.0, 1.0]])
    ours = binary_cross_entropy(y, z, from_logits=True)
    keras_loss = keras.losses.BinaryCrossentropy(from_logits=True, reduction=None)
    np.testing.assert_allclose(ours, to_numpy(keras_loss(y, z)), rtol=1e-5)
    np.testing.assert_allclose(ours, (1000 + 1000 + np.log(2)) / 3)


def test_binary_ce_probabilities_0_and_1_are_clipped(strict_numpy):
    loss = binary_cross_entropy(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]))
    np.testing.assert_allclose(loss, -np.log(CROSS_ENTROPY_EPSILON), rtol=1e-6)


def test_binary_ce_bad_input():
    with pytest.raises(ValueError, match="shape"):
        binary_cross_entropy(np.zeros((3, 2)), np.full((3, 3), 0.5))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        binary_cross_entropy(np.array([[2.0]]), np.array([[0.5]]))
    with pytest.raises(ValueError, match="from_logits=True"):
        binary_cross_entropy(np.array([[1.0]]), np.array([[3.2]]))
    with pytest.raises(ValueError, match="at least one axis"):
        binary_cross_entropy(1.0, 0.5)
    with pytest.raises(TypeError, match="numbers"):
        binary_cross_entropy(["spam"], [0.5])


# --------------------------------------------------------------------------
# categorical and sparse categorical cross-entropy
# --------------------------------------------------------------------------


@pytest.fixture
def multiclass(scores):
    labels = np.random.default_rng(2).integers(0, scores.shape[1], size=len(scores))
    return labels, np.eye(scores.shape[1])[labels], scores


def test_categorical_ce_matches_keras(multiclass):
    _, one_hot, z = multiclass
    p = stable_softmax(z)
    keras_p = keras.losses.CategoricalCrossentropy(reduction=None)
    keras_z = keras.losses.CategoricalCrossentropy(from_logits=True, reduction=None)
    np.testing.assert_allclose(
        categorical_cross_entropy(one_hot, p), to_numpy(keras_p(one_hot, p)), rtol=1e-5
    )
    np.testing.assert_allclose(
        categorical_cross_entropy(one_hot, z, from_logits=True),
        to_numpy(keras_z(one_hot, z)),
        rtol=1e-5,
    )


def test_categorical_ce_is_minus_log_of_true_class(multiclass):
    labels, one_hot, z = multiclass
    p = stable_softmax(z)
    expected = -np.log(p[np.arange(len(labels)), labels])
    np.testing.assert_allclose(categorical_cross_entropy(one_hot, p), expected)


def test_categorical_ce_lecture_example():
    loss = categorical_cross_entropy([0, 0, 1, 0], stable_softmax(LECTURE_SCORES))
    np.testing.assert_allclose(loss, -np.log(stable_softmax(LECTURE_SCORES)[2]))


def test_sparse_ce_matches_keras(multiclass):
    labels, one_hot, z = multiclass
    p = stable_softmax(z)
    keras_p = keras.losses.SparseCategoricalCrossentropy(reduction=None)
    keras_z = keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction=None
    )
    np.testing.assert_allclose(
        sparse_categorical_cross_entropy(labels, p),
        to_numpy(keras_p(labels, p)),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        sparse_categorical_cross_entropy(labels, z, from_logits=True),
        to_numpy(keras_z(labels, z)),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        sparse_categorical_cross_entropy(labels[:, None], p),
        categorical_cross_entropy(one_hot, p),
    )


def test_cross_entropies_extreme_logits(strict_numpy):
    labels = np.array([2, 0, 1, 0])
    one_hot = np.eye(3)[labels]
    keras_z = keras.losses.CategoricalCrossentropy(from_logits=True, reduction=None)
    expected = to_numpy(keras_z(one_hot, EXTREME_SCORES))
    for loss in (
        categorical_cross_entropy(one_hot, EXTREME_SCORES, from_logits=True),
        sparse_categorical_cross_entropy(labels, EXTREME_SCORES, from_logits=True),
    ):
        assert np.isfinite(loss).all()
        np.testing.assert_allclose(loss, expected, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(loss[:3], [2000.0, 2000.0, np.log(3)], rtol=1e-9)


def test_probability_route_is_capped_by_clipping(strict_numpy):
    p = stable_softmax(np.array([[100.0, 0.0, -100.0]]))
    loss = categorical_cross_entropy([[0, 0, 1]], p)
    keras_loss = float(keras.losses.CategoricalCrossentropy()(np.eye(3)[[2]], p))
    np.testing.assert_allclose(loss, -np.log(CROSS_ENTROPY_EPSILON), rtol=1e-6)
    np.testing.assert_allclose(loss, keras_loss, rtol=1e-3)


def test_categorical_ce_bad_input():
    p = stable_softmax(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="sparse_categorical_cross_entropy"):
        categorical_cross_entropy(np.array([0, 2]), p)
    with pytest.raises(ValueError, match="must match"):
        categorical_cross_entropy(np.eye(4)[:2], p)
    with pytest.raises(ValueError, match="multilabel"):
        categorical_cross_entropy(np.array([[1, 1, 0], [0, 1, 0]]), p)
    with pytest.raises(ValueError, match="sum to 1"):
        categorical_cross_entropy(np.eye(3)[:2], np.full((2, 3), 0.9))
    with pytest.raises(ValueError, match="from_logits=True"):
        categorical_cross_entropy(np.eye(3)[:2], np.array([[-0.5, 1.2, 0.3]] * 2))


def test_sparse_ce_rejects_one_hot_labels():
    p = stable_softmax(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="one-hot"):
        sparse_categorical_cross_entropy(np.eye(3)[:2], p)


@pytest.mark.parametrize("labels", [[0, 3], [-1, 0], [0.5, 1]])
def test_sparse_ce_rejects_labels_out_of_range(labels):
    p = stable_softmax(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"class indices 0 … 2"):
        sparse_categorical_cross_entropy(labels, p)


def test_sparse_ce_rejects_wrong_number_of_labels():
    with pytest.raises(ValueError, match="one class index per sample"):
        sparse_categorical_cross_entropy([0, 1, 2], stable_softmax(np.zeros((2, 3))))


# --------------------------------------------------------------------------
# Table 4.1
# --------------------------------------------------------------------------


def test_table_rows_use_names_keras_knows():
    assert len({row.problem_type for row in OUTPUT_LAYER_TABLE}) == 5
    for row in OUTPUT_LAYER_TABLE:
        keras.activations.get(row.activation)
        for loss in (row.loss, *row.alternative_losses):
            keras.losses.get(loss)


@pytest.mark.parametrize(
    ("problem_type", "activation", "loss"),
    [
        ("binary", "sigmoid", "binary_crossentropy"),
        ("multiclass", "softmax", "categorical_crossentropy"),
        ("multilabel", "sigmoid", "binary_crossentropy"),
        ("regression", "linear", "mse"),
        ("regression_0_1", "sigmoid", "mse"),
    ],
)
def test_output_layer_for_gives_the_lectures_pairing(problem_type, activation, loss):
    row = output_layer_for(problem_type)
    assert (row.activation, row.loss) == (activation, loss)


def test_output_layer_for_accepts_descriptions_and_spelling_variants():
    assert output_layer_for("Multi-label").problem_type == "multilabel"
    assert output_layer_for("Regression to values between 0 and 1").loss == "mse"
    assert output_layer_for(" REGRESSION 0-1 ").problem_type == "regression_0_1"
    assert (
        "binary_crossentropy" in output_layer_for("regression_0_1").alternative_losses
    )


def test_output_layer_for_bad_input():
    with pytest.raises(ValueError, match="'multilabel'"):
        output_layer_for("clustering")
    with pytest.raises(TypeError, match="string"):
        output_layer_for(3)


def test_table_markdown_has_a_row_per_problem_type():
    lines = output_layer_table_markdown().splitlines()
    assert len(lines) == 2 + len(OUTPUT_LAYER_TABLE)
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines)
    for row, line in zip(OUTPUT_LAYER_TABLE, lines[2:], strict=True):
        assert row.description in line and f"`{row.loss}`" in line


def test_notebook_05_shows_table_4_1_as_the_data_holds_it():
    notebook = Path(__file__).parents[1] / "notebooks/05_output_layers_and_losses.ipynb"
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    tables = [text for text in markdown if "## Table 4.1" in text]
    assert len(tables) == 1
    assert output_layer_table_markdown() in tables[0]


def test_multilabel_row_allows_any_number_of_ones():
    labels = output_layer_for("multilabel").labels
    assert "several" not in labels and "any number" in labels


# --------------------------------------------------------------------------
# run_on_backend
# --------------------------------------------------------------------------


def test_run_on_backend_sets_the_backend_and_returns_json_and_warnings():
    code = (
        "import json, os, warnings\n"
        "warnings.warn('look out')\n"
        "print('noise')\n"
        "print(json.dumps({'backend': os.environ['KERAS_BACKEND'],"
        " 'seed': os.environ['PYTHONHASHSEED']}))"
    )
    result, found = run_on_backend(code, "jax", env={"PATH": "/usr/bin"})
    assert result == {"backend": "jax", "seed": "0"}
    assert found == ["UserWarning: look out"]


def test_run_on_backend_reports_failures_and_bad_backends():
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        run_on_backend("1 / 0", "tensorflow")
    with pytest.raises(RuntimeError, match="failed"):
        run_on_backend("pass", "tensorflow")  # no JSON printed
    with pytest.raises(ValueError, match="backend"):
        run_on_backend("pass", "theano")


# --------------------------------------------------------------------------
# plot_class_probabilities
# --------------------------------------------------------------------------


def test_plot_class_probabilities_draws_labelled_bars():
    p = stable_softmax(LECTURE_SCORES)
    _, ax = plt.subplots()
    names = ["cat", "dog", "bird", "fish"]
    returned = plot_class_probabilities(p, names, ax=ax, title="softmax", true_class=2)
    assert returned is ax
    np.testing.assert_allclose([bar.get_height() for bar in ax.patches], p)
    ticks = [label.get_text() for label in ax.get_xticklabels()]
    assert ticks == ["cat", "dog", "bird\n(true)", "fish"]
    assert ax.patches[2].get_hatch() and not ax.patches[0].get_hatch()
    assert "softmax" in ax.get_title() and "1.00" in ax.get_title()
    assert ax.get_ylabel() == "probability"
    assert ["0.03", "0.14", "0.83", "0.01"] == [t.get_text() for t in ax.texts]


def test_plot_class_probabilities_makes_its_own_axes():
    ax = plot_class_probabilities([0.2, 0.9], ["a", "b"])
    assert "1.10" in ax.get_title()


def test_plot_class_probabilities_bad_input():
    with pytest.raises(ValueError, match="one probability per class"):
        plot_class_probabilities([0.5, 0.5], ["a", "b", "c"])
    with pytest.raises(ValueError, match="from_logits"):
        plot_class_probabilities([1.5, -0.5], ["a", "b"])
    with pytest.raises(ValueError, match="true_class"):
        plot_class_probabilities([0.5, 0.5], ["a", "b"], true_class=2)
