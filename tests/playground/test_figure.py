"""Tests of course.playground.figure: the three panels."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection

from course import playground as pgm
from course.playground import (
    Playground,
    PlaygroundConfig,
)

SMALL = {"n_points": 100}  # small data sets keep the tests fast


# -- the figure -----------------------------------------------------------------


def test_plot_playground_draws_three_panels(trained):
    axes = pgm.plot_playground(trained, resolution=20)
    assert len(axes) == 3 and len({ax.figure for ax in axes}) == 1
    network, surface, losses = axes
    assert surface.images[0].get_array().shape == (20, 20)
    assert [t.get_text() for t in surface.get_legend().get_texts()] == [
        "class 0",
        "class 1",
    ]
    lines = [c for c in network.collections if isinstance(c, LineCollection)]
    assert len(lines[0].get_segments()) == 2 * 4 + 4 * 4 + 4 * 1  # one per weight
    np.testing.assert_array_equal(losses.lines[0].get_xdata(), trained.history["epoch"])
    np.testing.assert_array_equal(
        losses.lines[1].get_ydata(), trained.history["test_loss"]
    )
    assert (
        losses.lines[0].get_linestyle() == "-"
        and losses.lines[1].get_linestyle() == "--"
    )
    assert losses.get_xlabel() == "epoch" and "cross" in losses.get_ylabel()


def test_panels_draw_on_the_given_axes_and_show_test_points():
    pg = Playground(PlaygroundConfig(dataset="spiral3", show_test_data=True, **SMALL))
    fig, axes = plt.subplots(1, 3)
    assert pgm.plot_playground_surface(pg, ax=axes[1], resolution=10) is axes[1]
    assert axes[1].images[0].get_array().shape == (10, 10, 3)  # colours mixed
    labels = [t.get_text() for t in axes[1].get_legend().get_texts()]
    assert labels == ["class 0", "class 1", "class 2", "test"]
    assert pgm.plot_playground_network(pg, ax=axes[0]) is axes[0]
    assert pgm.plot_playground_losses(pg, ax=axes[2]) is axes[2]
    assert len(fig.axes) == 3


def test_discretized_output_has_only_the_class_values():
    pg = Playground(PlaygroundConfig(discretize=True, **SMALL))
    ax = pgm.plot_playground_surface(pg, resolution=15)
    assert set(np.unique(ax.images[0].get_array())) <= {0.0, 1.0}


def test_plot_playground_rejects_bad_arguments(trained):
    with pytest.raises(TypeError, match="must be a Playground"):
        pgm.plot_playground("circle")
    with pytest.raises(ValueError, match="three Axes"):
        pgm.plot_playground(trained, axes=plt.subplots(1, 2)[1])


def test_plot_playground_neuron_draws_one_neuron_large(trained):
    ax = pgm.plot_playground_neuron(trained, 1, 0, resolution=10)
    assert ax.get_title() == "hidden layer 1, neuron 1"
    assert ax.images[0].get_array().shape == (10, 10)
    assert pgm.plot_playground_neuron(trained, 3, 0).get_title() == "output, neuron 1"
    with pytest.raises(ValueError, match="layer must be from 1 to 3"):
        pgm.plot_playground_neuron(trained, 0, 0)
    with pytest.raises(ValueError, match="unit must be from 0 to 3"):
        pgm.plot_playground_neuron(trained, 1, 4)
