"""Plotting helpers and the exercise-check reporter: they draw what they claim."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

import utils
from course.checks.core import ExerciseCheck

NAMES = ("zero", "one", "two")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_set_plot_style_uses_a_colour_blind_safe_cycle():
    with plt.style.context("default"):
        utils.set_plot_style()
        colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        expected = plt.style.library["tableau-colorblind10"]["axes.prop_cycle"]
        assert colours == expected.by_key()["color"]


def test_image_grid_titles_each_image_with_its_class():
    images = np.random.default_rng(0).integers(0, 255, (5, 28, 28))
    fig = utils.plot_image_grid(images, [0, 2, 1, 1, 0], NAMES, ncols=3)
    titled = [ax.get_title() for ax in fig.axes if ax.images]
    assert titled == ["zero", "two", "one", "one", "zero"]
    assert len(fig.axes) == 6  # 2 rows of 3, the spare one hidden
    with pytest.raises(ValueError, match="5 images but 4 labels"):
        utils.plot_image_grid(images, [0, 1, 2, 0], NAMES)


def test_learning_curves_training_solid_validation_dashed():
    history = {
        "loss": [1.0, 0.5, 0.3],
        "val_loss": [1.1, 0.7, 0.6],
        "accuracy": [0.5, 0.7, 0.8],
    }
    axes = utils.plot_learning_curves(history)
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]
    train, val = axes[0].get_lines()
    assert train.get_linestyle() == "-" and val.get_linestyle() == "--"
    np.testing.assert_array_equal(val.get_ydata(), history["val_loss"])
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
    assert len(axes[1].get_lines()) == 1  # no validation accuracy recorded
    with pytest.raises(ValueError, match="history has no"):
        utils.plot_learning_curves(history, metrics=["precision"])


def test_learning_curves_accept_a_keras_history_and_given_axes():
    class History:
        history = {"loss": [2.0, 1.0]}

    _, ax = plt.subplots()
    (drawn,) = utils.plot_learning_curves(History(), axes=ax)
    assert drawn is ax


def test_learning_curves_overlay_several_runs_one_colour_each():
    class History:
        def __init__(self, losses):
            self.history = {"loss": losses, "val_loss": [x + 0.1 for x in losses]}

    runs = {"lecture": History([1.0, 0.8]), "better": History([0.9, 0.5, 0.4])}
    (ax,) = utils.plot_learning_curves(runs, metrics=["loss"])
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == [
        "lecture: training",
        "lecture: validation",
        "better: training",
        "better: validation",
    ]
    assert [line.get_linestyle() for line in lines] == ["-", "--", "-", "--"]
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()
    np.testing.assert_array_equal(lines[2].get_xdata(), [1, 2, 3])
    with pytest.raises(ValueError, match="history 'lecture' has no"):
        utils.plot_learning_curves(runs, metrics=["accuracy"])
    with pytest.raises(TypeError, match="History"):
        utils.plot_learning_curves([1.0, 0.5])


def test_confusion_matrix_shows_sklearn_counts():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 2, 0, 2]
    ax = utils.plot_confusion_matrix(y_true, y_pred, NAMES)
    shown = np.array([int(t.get_text()) for t in ax.texts]).reshape(3, 3)
    np.testing.assert_array_equal(shown, confusion_matrix(y_true, y_pred))
    assert [t.get_text() for t in ax.get_xticklabels()] == list(NAMES)


def test_misclassified_shows_only_wrong_predictions_with_both_classes():
    images = np.zeros((4, 28, 28))
    fig = utils.plot_misclassified(images, [0, 1, 2, 2], [0, 2, 2, 1], NAMES)
    titles = [ax.get_title() for ax in fig.axes if ax.images]
    assert titles == ["true: one\n✗ pred: two", "true: two\n✗ pred: one"]
    fig = utils.plot_misclassified(images, [0, 1, 2, 2], [0, 1, 2, 2], NAMES)
    assert fig.axes[0].texts[0].get_text() == "no misclassified images"
    with pytest.raises(ValueError, match="one length"):
        utils.plot_misclassified(images, [0, 1], [0, 1], NAMES)


def _shaded(predict, x, y, steps):
    """Draw a decision boundary; return (grid points, the values it shaded)."""
    _, ax = plt.subplots()
    shaded = {}
    contourf = ax.contourf

    def spy(g0, g1, z, **kwargs):
        shaded["grid"], shaded["z"] = np.c_[g0.ravel(), g1.ravel()], z
        return contourf(g0, g1, z, **kwargs)

    ax.contourf = spy
    assert utils.plot_decision_boundary(predict, x, y, ax=ax, steps=steps) is ax
    return ax, shaded["grid"], shaded["z"].ravel()


def test_decision_boundary_shades_the_predicted_class():
    x = np.array([[-1.0, 0.0], [1.0, 0.0], [-1.0, 1.0], [1.0, 1.0]])
    y = np.array([0, 1, 0, 1])

    def right_is_class_1(grid):
        return (grid[:, 0] > 0).astype(float)

    ax, grid, z = _shaded(right_is_class_1, x, y, steps=21)
    assert len(z) == 21 * 21
    np.testing.assert_array_equal(z, right_is_class_1(grid))  # binary: p(class 1)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]

    def three_classes(grid):
        return np.eye(3)[(grid[:, 0] > 0).astype(int) + (grid[:, 1] > 0.5)]

    _, grid, z = _shaded(three_classes, x, np.array([0, 1, 2, 1]), steps=11)
    np.testing.assert_array_equal(z, three_classes(grid).argmax(axis=1))
    assert set(np.unique(z)) == {0, 1, 2}
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        utils.plot_decision_boundary(right_is_class_1, x[:, :1], y)


def test_decision_boundary_draws_the_half_contour_and_a_colorbar():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2))
    y = (x[:, 0] > 0).astype(int)
    ax = utils.plot_decision_boundary(
        lambda g: 1 / (1 + np.exp(-4 * g[:, 0])), x, y, ["left", "right"]
    )
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["left", "right"]
    assert len(ax.figure.axes) == 2  # the plot and its colour bar
    contour_sets = [c for c in ax.collections if hasattr(c, "levels")]
    assert any(list(c.levels) == [0.5] for c in contour_sets)


def test_decision_boundary_rejects_wrong_shapes():
    with pytest.raises(ValueError, match="shape"):
        utils.plot_decision_boundary(
            lambda g: g[:, 0], np.zeros((3, 3)), [0, 1, 0], ["a", "b"]
        )


def test_decision_boundary_accepts_a_keras_model():
    keras = pytest.importorskip("keras")
    model = keras.Sequential(
        [keras.Input(shape=(2,)), keras.layers.Dense(1, activation="sigmoid")]
    )
    model.set_weights([np.array([[5.0], [0.0]]), np.zeros(1)])
    x = np.array([[-1.0, 0.0], [1.0, 0.0], [-1.0, 1.0], [1.0, 1.0]])
    ax = utils.plot_decision_boundary(
        model, x, [0, 1, 0, 1], ["a", "b"], colorbar=False
    )
    assert len(ax.figure.axes) == 1
    contour_sets = [c for c in ax.collections if hasattr(c, "levels")]
    assert any(list(c.levels) == [0.5] for c in contour_sets)


def test_exercise_check_prints_one_clear_verdict(capsys):
    check = ExerciseCheck("Exercise 1")
    result = check.verdict("well done")
    assert result and result == True and repr(result) == "CheckResult(passed=True)"  # noqa: E712
    assert capsys.readouterr().out == "✅ Exercise 1: well done\n"
    check.fail("shape is (3,), expected (4,)")
    check.fail("values differ")
    result = check.verdict()
    assert not result and result == False  # noqa: E712
    assert result._ipython_display_() is None  # shows nothing at the end of a cell
    out = capsys.readouterr().out
    assert out.startswith("❌ Exercise 1: shape is (3,)") and "values differ" in out
