"""The one environment every notebook kernel runs in: nbval, tools, bench, browser.

``conftest.py`` applies it to pytest (so ``pytest --nbval`` kernels inherit it),
``tools.notebooks.execute`` to the kernels that refresh committed outputs,
``bench`` and the browser check to their subprocesses. The Makefile exports the
same values; ``tests/test_kernel_env.py`` checks that the two agree.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["KERNEL_ENV", "apply", "kernel_env"]

KERNEL_ENV: Mapping[str, str] = {
    # Keras 3 runs on several backends; TensorFlow is the course default.
    # `make test KERAS_BACKEND=jax` overrides it (a set variable wins).
    "KERAS_BACKEND": "tensorflow",
    # TensorFlow's C++ log lines (with timestamps) would clutter notebook output.
    "TF_CPP_MIN_LOG_LEVEL": "3",
    # Reproducible runs: fixed hash seed and deterministic TensorFlow kernels.
    "PYTHONHASHSEED": "0",
    "TF_DETERMINISTIC_OPS": "1",
}


def kernel_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of ``base`` (default: ``os.environ``) with KERNEL_ENV's defaults."""
    env = dict(os.environ if base is None else base)
    for name, value in KERNEL_ENV.items():
        env.setdefault(name, value)
    return env


def apply() -> None:
    """Set KERNEL_ENV's defaults in this process (values already set win)."""
    for name, value in KERNEL_ENV.items():
        os.environ.setdefault(name, value)
