"""Small exact arithmetic of the bench: FLOPs, Keras' split, curve differences,
typical epoch times, mean and spread over seeds."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

__all__ = [
    "curve_difference",
    "dense_forward_flops",
    "epoch_flops",
    "mean_sd",
    "split_sizes",
    "steady_epoch_s",
]


def dense_forward_flops(sizes: Sequence[int]) -> int:
    """Floating-point operations of one forward pass of a Dense stack, per sample.

    Each weight costs one multiply and one add: ``2 * sum(n_in * n_out)``
    (biases and activations are ignored, they are a rounding error here).
    """
    sizes = tuple(sizes)
    if len(sizes) < 2 or any(not isinstance(s, int) or s < 1 for s in sizes):
        raise ValueError(f"expected at least two positive layer sizes; got {sizes}")
    return 2 * sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=False))


def epoch_flops(sizes: Sequence[int], n_train: int, n_val: int = 0) -> int:
    """FLOPs of one epoch: forward + backward ≈ 3 forwards per training sample,
    plus one forward per validation sample."""
    if n_train < 0 or n_val < 0:
        raise ValueError(f"sample counts must be >= 0; got {n_train}, {n_val}")
    return dense_forward_flops(sizes) * (3 * n_train + n_val)


def split_sizes(n: int, validation_split: float) -> tuple[int, int]:
    """Training and validation sample counts, as Keras' ``validation_split`` cuts."""
    if not 0.0 <= validation_split < 1.0:
        raise ValueError(f"validation_split must be in [0, 1); got {validation_split}")
    n_train = int(n * (1.0 - validation_split))
    return n_train, n - n_train


def curve_difference(a: dict, b: dict) -> float:
    """Largest absolute difference between two Keras History dicts, over all
    metrics and epochs they share; raises ValueError if they do not match."""
    if set(a) != set(b):
        raise ValueError(
            f"histories have different metrics: {sorted(a)} vs {sorted(b)}"
        )
    diff = 0.0
    for key in a:
        if len(a[key]) != len(b[key]):
            raise ValueError(
                f"{key}: {len(a[key])} epochs vs {len(b[key])}; compare equal runs"
            )
        diff = max([diff, *(abs(x - y) for x, y in zip(a[key], b[key], strict=True))])
    return diff


def steady_epoch_s(epoch_s: Sequence[float]) -> float:
    """Typical seconds per epoch: the median without the first epoch (which also
    traces and compiles), or the only epoch there is."""
    if not epoch_s:
        raise ValueError("no epoch times")
    return statistics.median(epoch_s[1:] or epoch_s)


def mean_sd(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (0 for a single value)."""
    if not values:
        raise ValueError("no values")
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return statistics.mean(values), spread
