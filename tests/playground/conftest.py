"""Fixtures of the playground tests."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from course.playground import Playground, PlaygroundConfig


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def trained():
    """A default playground (circle, 2 × 4 tanh) trained a few epochs."""
    pg = Playground()
    pg.train(5)
    return pg


@pytest.fixture
def widget():
    from course.playground import PlaygroundWidget

    return PlaygroundWidget(Playground(PlaygroundConfig(n_points=100)), resolution=12)
