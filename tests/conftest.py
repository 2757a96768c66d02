"""pytest settings for tests/: markers and the fixture folder.

- ``student``: executes each course notebook's student edition without a
  browser (minutes of CPU; ``make student-check``). Skipped unless selected
  with ``-m student``: in ``make test`` the browser check runs the student
  edition instead, in JupyterLab.
- ``keras``: a test whose result can depend on Keras' backend. Set here, not
  by hand: every test in a module that imports Keras or the ``course``
  package (which builds Keras models). ``make test-jax`` runs only these.

Notebooks under ``fixtures/`` are test data, never collected (not even by
``pytest --nbval``).
"""

import re
from functools import cache
from pathlib import Path

import pytest

collect_ignore = ["fixtures"]

_USES_KERAS = re.compile(
    r"^\s*(import keras|from keras\b|from course\b|import course\b)", re.M
)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "student: executes each course notebook's student edition "
        "(slow; run with `pytest -m student`)",
    )
    config.addinivalue_line(
        "markers", "keras: the result can depend on Keras' backend (set automatically)"
    )


@cache
def _uses_keras(path: str) -> bool:
    return bool(_USES_KERAS.search(Path(path).read_text(encoding="utf-8")))


def pytest_collection_modifyitems(config, items):
    """Mark backend-sensitive tests; skip ``student`` tests unless selected."""
    selected_student = "student" in (config.getoption("markexpr") or "")
    skip = pytest.mark.skip(reason="slow: run with `pytest -m student`")
    for item in items:
        if item.path.suffix == ".py" and _uses_keras(str(item.path)):
            item.add_marker(pytest.mark.keras)
        if item.get_closest_marker("student") and not selected_student:
            item.add_marker(skip)
