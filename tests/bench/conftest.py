"""The ``bench`` marker: tests that train tiny models or start subprocesses."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "bench: slow bench tests (tiny fits, subprocesses, kernels)"
    )
