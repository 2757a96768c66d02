"""The playground's data sets (TensorFlow Playground's generators) and features.

No Keras import: the data and the features are plain NumPy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from sklearn.model_selection import train_test_split

from ._validate import require_features, require_int, require_number
from .choices import FEATURES, MAX_POINTS, PLAYGROUND_DATASETS

# --------------------------------------------------------------------------
# Data sets (the generators of TensorFlow Playground, vectorised)
# --------------------------------------------------------------------------


def _uniform_disc_ring(rng, n, r_lo, r_hi):
    r = rng.uniform(r_lo, r_hi, n)
    angle = rng.uniform(0, 2 * np.pi, n)
    return np.c_[r * np.sin(angle), r * np.cos(angle)]


def _circle(rng, n, noise):
    n_in = n // 2
    x = np.r_[
        _uniform_disc_ring(rng, n_in, 0, 2.5), _uniform_disc_ring(rng, n - n_in, 3.5, 5)
    ]
    shifted = x + rng.uniform(-5, 5, x.shape) * noise  # noise moves the label, not x
    return x, (np.hypot(*shifted.T) < 2.5).astype(np.int32)


def _xor(rng, n, noise):
    x = rng.uniform(-5, 5, (n, 2))
    x += np.where(x > 0, 0.3, -0.3)  # a gap along the axes
    shifted = x + rng.uniform(-5, 5, x.shape) * noise
    return x, (shifted[:, 0] * shifted[:, 1] >= 0).astype(np.int32)


def _gaussians(rng, n, noise, centres):
    std = math.sqrt(0.5 + noise / 0.5 * 3.5)  # variance 0.5 (no noise) to 4
    counts = np.diff(np.linspace(0, n, len(centres) + 1).astype(int))
    x = np.concatenate(
        [rng.normal(c, std, (k, 2)) for c, k in zip(centres, counts, strict=True)]
    )
    return x, np.repeat(np.arange(len(centres)), counts).astype(np.int32)


def _spirals(rng, n, noise, arms, turns):
    counts = np.diff(np.linspace(0, n, arms + 1).astype(int))
    parts = []
    for arm, k in enumerate(counts):
        t = np.arange(k) / k
        angle = turns * t * 2 * np.pi + 2 * np.pi * arm / arms
        r = 5 * t
        parts.append(np.c_[r * np.sin(angle), r * np.cos(angle)])
    x = np.concatenate(parts) + rng.uniform(-1, 1, (n, 2)) * noise
    return x, np.repeat(np.arange(arms), counts).astype(np.int32)


_BUMPS = (
    (-4, 2.5, 1),
    (0, 2.5, -1),
    (4, 2.5, 1),
    (-4, -2.5, -1),
    (0, -2.5, 1),
    (4, -2.5, -1),
)


def _regression(rng, n, noise, name):
    x = rng.uniform(-6, 6, (n, 2))
    s = x + rng.uniform(-6, 6, x.shape) * noise
    if name == "plane":
        return x, ((s[:, 0] + s[:, 1]) / 10).astype(np.float32)
    values = np.stack(
        [
            sign * np.clip(1 - np.hypot(s[:, 0] - cx, s[:, 1] - cy) / 2, 0, 1)
            for cx, cy, sign in _BUMPS
        ]
    )
    strongest = np.abs(values).argmax(axis=0)
    return x, values[strongest, np.arange(n)].astype(np.float32)


def make_playground_data(
    name: str, n_points: int = 500, noise: float = 0.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Generate one of the playground's data sets, as TensorFlow Playground does.

    Args:
        name: a key of ``PLAYGROUND_DATASETS`` ("circle", "xor", "gauss",
            "spiral", "gauss3", "spiral3", "plane", "bump").
        n_points: how many points, 10 to ``MAX_POINTS``.
        noise: 0 (clean) to 0.5 (TensorFlow Playground's 0-50 %).
        seed: the random seed; the same arguments give the same points.

    Returns:
        ``(x, y)``: float32 points of shape (n, 2) in [-6, 6]², and int32 class
        labels 0..k-1 (classification) or float32 targets in about [-1, 1].
    """
    if name not in PLAYGROUND_DATASETS:
        raise ValueError(
            f"unknown data set {name!r}; choose one of {sorted(PLAYGROUND_DATASETS)}"
        )
    n_points = require_int("n_points", n_points, 10, MAX_POINTS)
    noise = require_number("noise", noise, 0.0, 0.5)
    seed = require_int("seed", seed, 0, 2**31 - 1)
    rng = np.random.default_rng(seed)
    if name == "circle":
        x, y = _circle(rng, n_points, noise)
    elif name == "xor":
        x, y = _xor(rng, n_points, noise)
    elif name == "gauss":
        x, y = _gaussians(rng, n_points, noise, [(-2, -2), (2, 2)])
    elif name == "gauss3":
        angles = np.deg2rad([90, 210, 330])
        x, y = _gaussians(
            rng, n_points, noise, 3 * np.c_[np.cos(angles), np.sin(angles)]
        )
    elif name == "spiral":
        x, y = _spirals(rng, n_points, noise * 2, arms=2, turns=1.75)
    elif name == "spiral3":
        x, y = _spirals(rng, n_points, noise * 2, arms=3, turns=1.0)
    else:
        x, y = _regression(rng, n_points, noise, name)
    return x.astype(np.float32), y


def split_playground_data(
    x: np.ndarray, y: np.ndarray, train_fraction: float = 0.5, seed: int = 0
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Shuffle and split into ``(x_train, y_train), (x_test, y_test)``.

    ``sklearn.model_selection.train_test_split`` with ``random_state=seed``.

    Args:
        x, y: points and labels of one length.
        train_fraction: share of points for training, 0.1 to 0.9.
        seed: the random seed of the shuffle.
    """
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x and y must have one length; got {len(x)} and {len(y)}")
    train_fraction = require_number("train_fraction", train_fraction, 0.1, 0.9)
    n_train = min(max(round(train_fraction * len(x)), 1), len(x) - 1)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, train_size=n_train, random_state=seed
    )
    return (x_train, y_train), (x_test, y_test)


def playground_features(
    x: np.ndarray, features: Sequence[str] = ("x1", "x2")
) -> np.ndarray:
    """Compute the chosen input features of 2-D points.

    Args:
        x: points of shape (n, 2).
        features: names from ``PLAYGROUND_FEATURES`` ("x1", "x2", "x1^2",
            "x2^2", "x1*x2", "sin(x1)", "sin(x2)").

    Returns:
        A float32 array of shape (n, len(features)), one column per feature.
    """
    features = require_features(features)
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (n, 2); got {x.shape}")
    x1, x2 = x[:, 0], x[:, 1]
    return np.stack([FEATURES[f](x1, x2) for f in features], axis=1)
