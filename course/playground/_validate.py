"""Argument validation shared by the playground's modules: each raises a clear error."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

from .choices import (
    PLAYGROUND_FEATURES,
    PLAYGROUND_MAX_HIDDEN_LAYERS,
    PLAYGROUND_MAX_NEURONS,
)

# --------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------


def require_number(name: str, value, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number from {lo:g} to {hi:g}; got {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be from {lo:g} to {hi:g}; got {value!r}")
    return float(value)


def require_int(name: str, value, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer from {lo} to {hi}; got {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be from {lo} to {hi}; got {value!r}")
    return int(value)


def require_choice(name: str, value, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {list(choices)}")
    return value


def require_features(features) -> tuple[str, ...]:
    if isinstance(features, str) or not isinstance(features, Sequence):
        raise TypeError(
            f"features must be a tuple of names such as ('x1', 'x2'); got {features!r}"
        )
    unknown = [f for f in features if f not in PLAYGROUND_FEATURES]
    if unknown:
        raise ValueError(
            f"unknown feature(s) {unknown}; choose from {list(PLAYGROUND_FEATURES)}"
        )
    if not features or len(set(features)) != len(features):
        raise ValueError(
            f"features must be one or more distinct names; got {features!r}"
        )
    return tuple(features)


def require_layers(layers) -> tuple[int, ...]:
    if isinstance(layers, str) or not isinstance(layers, Sequence):
        raise TypeError(
            "hidden_layers must be a tuple of neuron counts such as (4, 4); "
            f"got {layers!r}"
        )
    if len(layers) > PLAYGROUND_MAX_HIDDEN_LAYERS:
        raise ValueError(
            f"hidden_layers must have 0 to {PLAYGROUND_MAX_HIDDEN_LAYERS} layers; "
            f"got {len(layers)}"
        )
    return tuple(
        require_int(f"hidden layer {i} (neurons)", n, 1, PLAYGROUND_MAX_NEURONS)
        for i, n in enumerate(layers, start=1)
    )
