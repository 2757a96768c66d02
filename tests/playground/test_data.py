"""Tests of course.playground.data: the data sets, the split and the features."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from course import playground as pgm
from course.playground import (
    make_playground_data,
    playground_features,
    split_playground_data,
)

SMALL = {"n_points": 100}  # small data sets keep the tests fast


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
