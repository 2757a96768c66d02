"""pytest settings for tests/: the ``student`` marker and the fixture folder.

Tests marked ``student`` execute the student edition of every course notebook
(minutes of CPU). They are skipped unless selected: ``pytest -m student``
(``make student-check``). Notebooks under ``fixtures/`` are test data, never
collected (not even by ``pytest --nbval``).
"""

import pytest

collect_ignore = ["fixtures"]


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "student: executes each course notebook's student edition "
        "(slow; run with `pytest -m student`)",
    )


def pytest_collection_modifyitems(config, items):
    """Skip ``student`` tests unless the ``-m`` expression names the marker."""
    if "student" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with `pytest -m student`")
    for item in items:
        if item.get_closest_marker("student"):
            item.add_marker(skip)
