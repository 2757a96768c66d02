"""Tests for course.diagrams: the neuron and network diagrams, the decision surface."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from course import diagrams  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(ax) -> str:
    return " ".join(t.get_text() for t in ax.texts)


def test_neuron_diagram_labels_every_part_with_its_dense_argument():
    ax = diagrams.plot_neuron_diagram(3, activation="σ")
    text = _texts(ax)
    for part in [
        "$x_3$",
        "$w_3$",
        "Σ + b",
        "σ",
        "kernel_initializer=",
        "use_bias=",
        "activation=",
        "units=1",
    ]:
        assert part in text
    assert "$x_4$" not in text
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    assert len(circles) == 3 + 2  # inputs, the sum, the output


def test_neuron_diagram_draws_on_the_given_axes():
    _, ax = plt.subplots()
    assert diagrams.plot_neuron_diagram(2, ax=ax) is ax


@pytest.mark.parametrize("n_inputs", [0, 7, 2.5])
def test_neuron_diagram_rejects_bad_input_counts(n_inputs):
    with pytest.raises(ValueError, match="n_inputs"):
        diagrams.plot_neuron_diagram(n_inputs)


def test_network_diagram_has_one_node_per_unit_and_only_forward_edges():
    sizes = [2, 4, 3, 1]
    ax = diagrams.plot_network_diagram(sizes)
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    assert len(circles) == sum(sizes)
    edges = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    assert len(edges) == 2 * 4 + 4 * 3 + 3 * 1  # every unit to every next unit
    for edge in edges:  # annotate: xy is the head, xyann the tail
        assert edge.xy[0] > edge.xyann[0]  # forward: no cycles
    assert "hidden 2" in _texts(ax) and "output" in _texts(ax)


def test_network_diagram_checks_its_arguments():
    with pytest.raises(ValueError, match="two or more layers"):
        diagrams.plot_network_diagram([3])
    with pytest.raises(ValueError, match="layer names"):
        diagrams.plot_network_diagram([2, 1], layer_names=["in"])
