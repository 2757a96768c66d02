"""Settings shared by every test run, unit tests and notebooks alike.

``pytest --nbval notebooks/`` starts one Jupyter kernel per notebook from this
environment (``--nbval-current-env`` in pyproject.toml); the kernel inherits the
variables set here, so TensorFlow is quiet and every run is seeded the same way.
``tools/execute_notebooks.py`` uses the same ``KERNEL_ENV`` when it refreshes the
committed outputs, so the reference outputs and the checks see one environment.
"""

import os

KERNEL_ENV = {
    # Keras 3 runs on several backends; TensorFlow is the course default.
    # `make test KERAS_BACKEND=jax` overrides it (setdefault below).
    "KERAS_BACKEND": "tensorflow",
    # TensorFlow's C++ log lines (with timestamps) would clutter notebook output.
    "TF_CPP_MIN_LOG_LEVEL": "3",
    # Reproducible runs: fixed hash seed and deterministic TensorFlow kernels.
    "PYTHONHASHSEED": "0",
    "TF_DETERMINISTIC_OPS": "1",
}

for _name, _value in KERNEL_ENV.items():
    os.environ.setdefault(_name, _value)


def pytest_collectstart(collector):
    """Do not compare stderr in notebooks: library warnings are not lesson output."""
    if type(collector).__name__ == "IPyNbFile":
        collector.skip_compare = (*collector.skip_compare, "stderr")
