"""Checks of notebook 05 (course.checks.losses): right answers pass, slips get hints.

Garbage, None, exceptions and overflow are tested once, in test_core.py.
"""

import keras
import numpy as np
import pytest

from course.activations import np_sigmoid
from course.checks.losses import (
    _SCENARIO_TYPES,
    SCENARIOS,
    check_cross_entropy_from_logits,
    check_cross_entropy_value,
    check_output_layer,
    check_scenarios,
    check_tag_threshold,
)
from course.losses import output_layer_for, stable_softmax

LECTURE_SCORES = np.array([-0.5, 1.2, 3.0, -2.0])


def test_check_cross_entropy_value_right_answer(capsys):
    answer = -np.log(stable_softmax(LECTURE_SCORES)[1])
    assert check_cross_entropy_value(answer, LECTURE_SCORES, true_class=1)
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (np.log(stable_softmax(LECTURE_SCORES)[1]), "minus sign"),
        (-np.log(stable_softmax(LECTURE_SCORES)[2]), "another class"),
        (-np.log(np_sigmoid(LECTURE_SCORES)[1]), "sigmoid"),
        (-np.log(0.14), "unrounded"),
        (7.0, "−log(softmax(scores)[1])"),
    ],
)
def test_check_cross_entropy_value_wrong_answers(capsys, answer, hint):
    assert not check_cross_entropy_value(answer, LECTURE_SCORES, true_class=1)
    out = capsys.readouterr().out
    assert "❌" in out and hint in out


def _good_ce(labels, scores):
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(labels)), labels]


def test_check_cross_entropy_from_logits_accepts_a_stable_function(capsys):
    assert check_cross_entropy_from_logits(_good_ce)
    assert "✅" in capsys.readouterr().out
    assert check_cross_entropy_from_logits(lambda y, z: list(_good_ce(y, z)))


def _naive_ce(labels, scores):
    p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    return -np.log(p[np.arange(len(labels)), labels])


def _log_of_probability(labels, scores):
    return -np.log(stable_softmax(scores)[np.arange(len(labels)), labels])


@pytest.mark.parametrize(
    ("fn", "hint"),
    [
        (_naive_ce, "subtract each row's maximum"),
        (_log_of_probability, "log-softmax directly"),
        (lambda y, z: _good_ce(y, z).mean(), "One loss per sample"),
        (lambda y, z: -_good_ce(y, z), "sign"),
        (lambda y, z: _good_ce(y, z) + 1, "expected −log softmax"),
    ],
)
def test_check_cross_entropy_from_logits_wrong_functions(capsys, fn, hint):
    assert not check_cross_entropy_from_logits(fn)
    out = capsys.readouterr().out
    assert "❌" in out and hint in out


def _model(units, activation, loss=None, n_inputs=3):
    model = keras.Sequential(
        [
            keras.Input(shape=(n_inputs,)),
            keras.layers.Dense(units, activation=activation),
        ]
    )
    if loss is not None:
        model.compile(loss=loss)
    return model


@pytest.mark.parametrize(
    ("problem_type", "units", "activation", "loss"),
    [
        ("binary", 1, "sigmoid", "binary_crossentropy"),
        ("binary", 1, None, keras.losses.BinaryCrossentropy(from_logits=True)),
        ("multiclass", 4, "softmax", "categorical_crossentropy"),
        ("multiclass", 4, "softmax", keras.losses.SparseCategoricalCrossentropy()),
        (
            "multiclass",
            4,
            "linear",
            keras.losses.CategoricalCrossentropy(from_logits=True),
        ),
        ("multilabel", 5, "sigmoid", "binary_crossentropy"),
        ("regression", 1, None, "mse"),
        ("regression", 2, None, keras.losses.MeanSquaredError()),
        ("regression_0_1", 1, "sigmoid", "mean_squared_error"),
        ("regression_0_1", 1, "sigmoid", "binary_crossentropy"),
    ],
)
def test_check_output_layer_accepts_table_pairings(
    capsys, problem_type, units, activation, loss
):
    model = _model(units, activation, loss)
    assert check_output_layer(model, problem_type, n_outputs=units)
    assert "✅" in capsys.readouterr().out


def test_check_output_layer_accepts_a_separate_softmax_layer(capsys):
    model = keras.Sequential(
        [keras.Input(shape=(3,)), keras.layers.Dense(4), keras.layers.Softmax()]
    )
    model.compile(loss="categorical_crossentropy")
    assert check_output_layer(model, "multiclass", n_outputs=4)


@pytest.mark.parametrize(
    ("problem_type", "units", "activation", "loss", "n_outputs", "hint"),
    [
        ("binary", 1, "softmax", "binary_crossentropy", 1, "always 1.0"),
        ("binary", 1, "softmax", "categorical_crossentropy", 1, "always 1.0"),
        ("multilabel", 5, "softmax", "binary_crossentropy", 5, "compete"),
        ("multiclass", 4, "sigmoid", "categorical_crossentropy", 4, "sum to 1"),
        ("multiclass", 4, None, "categorical_crossentropy", 4, "from_logits=True"),
        ("multiclass", 4, "softmax", "binary_crossentropy", 4, "Table 4.1"),
        (
            "multilabel", 5, "sigmoid",
            keras.losses.BinaryCrossentropy(from_logits=True), 5, "twice",
        ),
        ("regression", 1, "relu", "mse", 1, "'linear'"),
        ("regression", 1, None, "mse", 2, "1 output(s); expected 2"),
        ("binary", 1, "sigmoid", "mse", 1, "binary_crossentropy"),
    ],
)  # fmt: skip
def test_check_output_layer_wrong_pairings(
    capsys, problem_type, units, activation, loss, n_outputs, hint
):
    model = _model(units, activation, loss)
    assert not check_output_layer(model, problem_type, n_outputs=n_outputs)
    out = capsys.readouterr().out
    assert "❌" in out and hint in out


@pytest.mark.parametrize(
    ("model", "hint"),
    [
        (None, "got NoneType"),
        ("a model", "got str"),
        (_model(1, "sigmoid"), "compile the model"),
    ],
)
def test_check_output_layer_does_not_crash_on_non_models(capsys, model, hint):
    assert not check_output_layer(model, "binary", n_outputs=1)
    out = capsys.readouterr().out
    assert "❌" in out and hint in out


def test_check_output_layer_unknown_problem_type_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown problem type"):
        check_output_layer(_model(1, "sigmoid", "mse"), "ranking", n_outputs=1)


def test_check_output_layer_verifies_the_number_of_inputs(capsys):
    model = _model(5, "sigmoid", "binary_crossentropy")  # 3 features per sample
    assert check_output_layer(model, "multilabel", n_outputs=5, n_inputs=3)
    assert not check_output_layer(model, "multilabel", n_outputs=5, n_inputs=8)
    out = capsys.readouterr().out
    assert "❌" in out and "takes 3 feature(s)" in out and "keras.Input" in out


# --------------------------------------------------------------------------
# check_scenarios
# --------------------------------------------------------------------------


def _table_answers():
    """The reference answers, read from Table 4.1 at test time."""
    rows = {k: output_layer_for(kind) for k, kind in _SCENARIO_TYPES.items()}
    return {k: (row.activation, row.loss) for k, row in rows.items()}


def test_scenarios_cover_every_problem_type_and_several_each():
    kinds = list(_SCENARIO_TYPES.values())
    assert 6 <= len(kinds) <= 8 and set(SCENARIOS) == set(_SCENARIO_TYPES)
    assert set(kinds) == {
        "regression", "regression_0_1", "binary", "multiclass", "multilabel"
    }  # fmt: skip


def test_check_scenarios_accepts_the_table_and_its_variants(capsys):
    assert check_scenarios(_table_answers())
    variants = _table_answers() | {
        "a": (None, "mean_squared_error"),
        "c": ("softmax", "sparse_categorical_crossentropy"),
        "e": ("sigmoid", "binary_crossentropy"),
    }
    assert check_scenarios(variants)
    assert capsys.readouterr().out.count("✅") == 2


@pytest.mark.parametrize(
    ("letter", "answer", "hint"),
    [
        ("a", ("sigmoid", "mse"), "any real number"),
        ("d", ("softmax", "categorical_crossentropy"), "do not exclude"),
        ("c", ("sigmoid", "binary_crossentropy"), "must compete"),
        ("b", ("softmax", "binary_crossentropy"), "one yes/no"),
        ("e", ("linear", "mse"), "between 0 and 1"),
        ("b", ("sigmoid", "no_such_loss"), "pair of two strings"),
        ("b", "sigmoid", "pair of two strings"),
    ],
)
def test_check_scenarios_hints_point_at_the_idea(capsys, letter, answer, hint):
    answers = _table_answers() | {letter: answer}
    assert not check_scenarios(answers)
    out = capsys.readouterr().out
    assert "❌" in out and hint in out and f"{letter}:" in out
    right = output_layer_for(_SCENARIO_TYPES[letter])
    assert f"'{right.loss}'" not in out  # the hint does not give the answer


@pytest.mark.parametrize(
    ("answers", "hint"),
    [(None, "must be a dict"), ({"a": ("linear", "mse")}, "missing")],
)
def test_check_scenarios_incomplete_answers(capsys, answers, hint):
    assert not check_scenarios(answers)
    assert hint in capsys.readouterr().out


# --------------------------------------------------------------------------
# check_tag_threshold
# --------------------------------------------------------------------------

THRESHOLDS = np.arange(0.05, 1.0, 0.05)


def _tag_data():
    """Outputs that are too low for the labels, so the best threshold is < 0.5."""
    rng = np.random.default_rng(0)
    labels = rng.random((200, 3)) < 0.4
    probabilities = np.clip(0.3 * labels + rng.normal(0.1, 0.08, labels.shape), 0, 1)
    exact = [((probabilities > t) == labels).all(axis=1).mean() for t in THRESHOLDS]
    return probabilities, labels.astype(float), THRESHOLDS[int(np.argmax(exact))]


def test_check_tag_threshold_accepts_the_best_threshold(capsys):
    probabilities, labels, best = _tag_data()
    assert best < 0.45
    assert check_tag_threshold(best, probabilities, labels, THRESHOLDS)
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("threshold", "hint"),
    [
        (0.5, "only the default"),
        (0.9, "does better"),
        (1.5, "between 0 and 1"),
        (None, "still None"),
    ],
)
def test_check_tag_threshold_wrong_answers(capsys, threshold, hint):
    probabilities, labels, _ = _tag_data()
    assert not check_tag_threshold(threshold, probabilities, labels, THRESHOLDS)
    out = capsys.readouterr().out
    assert "❌" in out and hint in out
