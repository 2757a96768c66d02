"""pytest hooks for the whole repository (unit tests and ``pytest --nbval``).

``pytest --nbval notebooks/`` starts one Jupyter kernel per notebook from this
environment (``--nbval-current-env`` in pyproject.toml); the kernel inherits the
variables applied here (``tools.kernel_env``), so TensorFlow is quiet and every
run is seeded the same way, exactly as when the committed outputs were made.
"""

from tools import kernel_env

kernel_env.apply()


def pytest_collectstart(collector):
    """Do not compare stderr in notebooks: library warnings are not lesson output."""
    if type(collector).__name__ == "IPyNbFile":
        collector.skip_compare = (*collector.skip_compare, "stderr")
