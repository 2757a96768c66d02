"""Tests for the activation functions, their derivatives and plots.

References nobody here wrote: ``keras.activations`` (values), the backend's
automatic differentiation (derivatives), central finite differences, and for
step and sinc (no Keras function) NumPy's ``heaviside`` and ``sinc``.
"""

import contextlib
import warnings

import matplotlib

matplotlib.use("Agg")

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course.activations import (
    ACTIVATION_GALLERY,
    format_activation_table,
    get_activation_spec,
    np_elu,
    np_leaky_relu,
    np_leaky_relu_derivative,
    np_relu,
    np_sinc,
    np_sinc_derivative,
    np_step,
    np_step_derivative,
    plot_activation_gallery,
    plot_activation_overlay,
)

LECTURE_ORDER = [
    "sigmoid", "tanh", "step", "softplus", "relu", "softsign",
    "elu", "log_sigmoid", "swish", "sinc", "leaky_relu", "mish",
]  # fmt: skip
WITH_KERAS = [n for n in LECTURE_ORDER if ACTIVATION_GALLERY[n].keras_name]
# Keyword arguments that differ from the defaults, to test the parameters too.
PARAMS = {"elu": [{"alpha": 0.5}], "leaky_relu": [{"negative_slope": 0.01}]}
CASES = [(n, {}) for n in LECTURE_ORDER] + [
    (n, p) for n, ps in PARAMS.items() for p in ps
]
KERAS_CASES = [(n, p) for n, p in CASES if n in WITH_KERAS]


def _id(case):
    name, params = case
    return name + "".join(f"-{k}={v}" for k, v in params.items())


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@contextlib.contextmanager
def strict_numpy():
    """Turn every floating-point problem (overflow included) into an error."""
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        yield


# -- the registry ------------------------------------------------------------


def test_gallery_holds_the_lectures_twelve_functions_in_order():
    assert list(ACTIVATION_GALLERY) == LECTURE_ORDER


def test_gallery_cannot_be_modified():
    with pytest.raises(TypeError):
        ACTIVATION_GALLERY["identity"] = ACTIVATION_GALLERY["relu"]


def test_keras_names_exist_and_step_sinc_have_none():
    for name in WITH_KERAS:
        assert callable(getattr(keras.activations, ACTIVATION_GALLERY[name].keras_name))
    assert ACTIVATION_GALLERY["step"].keras_name is None
    assert ACTIVATION_GALLERY["sinc"].keras_name is None


def test_get_activation_spec_accepts_the_lectures_spellings():
    assert get_activation_spec("Leaky ReLU").name == "leaky_relu"
    assert get_activation_spec("log-sigmoid").name == "log_sigmoid"
    assert get_activation_spec(" ReLU ").function is np_relu


def test_get_activation_spec_rejects_unknown_names():
    with pytest.raises(ValueError, match="unknown activation 'gelu'.*'sigmoid'"):
        get_activation_spec("gelu")
    with pytest.raises(TypeError, match="must be a string"):
        get_activation_spec(3)


def _interval(output_range: str) -> tuple[float, float]:
    """Parse the LaTeX range of a registry entry, e.g. r"[\\approx -0.278, \\infty)"."""
    inner = output_range.strip("()[]").replace(r"\{", "").replace(r"\}", "")
    words = {r"\infty": np.inf, r"-\infty": -np.inf, r"-\alpha": -1.0}
    lo, hi = (p.replace(r"\approx", "").strip() for p in inner.split(","))
    return tuple(words[p] if p in words else float(p) for p in (lo, hi))


@pytest.mark.parametrize("name", LECTURE_ORDER)
def test_stated_range_matches_the_function(name):
    spec = ACTIVATION_GALLERY[name]
    lo, hi = _interval(spec.output_range)
    y = spec.function(np.linspace(-60, 60, 240_001))
    rounded = r"\approx" in spec.output_range  # a minimum rounded to 3 decimals
    assert y.min() >= lo - (1e-3 if rounded else 1e-9) and y.max() <= hi + 1e-9
    if rounded:  # the stated minimum is the real one
        assert y.min() == pytest.approx(lo, abs=1e-3)


def test_format_activation_table():
    table = format_activation_table()
    lines = table.splitlines()
    assert len(lines) == 2 + 12
    assert "`keras.activations.leaky_relu`" in table
    step_row = next(line for line in lines if line.startswith("| step |"))
    assert step_row.rstrip().endswith("| — |")
    assert format_activation_table(["relu"]).count("\n") == 2
    with pytest.raises(ValueError, match="unknown activation"):
        format_activation_table(["relu", "nope"])


# -- values: against Keras, and step/sinc against their definitions ----------


@pytest.mark.parametrize("case", KERAS_CASES, ids=_id)
def test_matches_keras_including_large_inputs(case):
    name, params = case
    spec = ACTIVATION_GALLERY[name]
    z32 = np.concatenate([np.linspace(-500, 500, 2001), [-80.0, -30.0, 30.0, 80.0]])
    z32 = z32.astype(np.float32)
    expected = keras.ops.convert_to_numpy(
        getattr(keras.activations, spec.keras_name)(z32, **params)
    )
    with strict_numpy():  # no overflow, underflow or invalid value anywhere
        ours = spec.function(z32.astype(np.float64), **params)
    assert ours.dtype == np.float64
    np.testing.assert_allclose(ours, expected, rtol=2e-6, atol=1e-6)


def test_step_is_heaviside_with_one_at_zero():
    z = np.concatenate([np.linspace(-500, 500, 2001), [0.0, -1e-300, 1e-300]])
    with strict_numpy():
        values, slopes = np_step(z), np_step_derivative(z)
    np.testing.assert_array_equal(values, np.heaviside(z, 1.0))
    np.testing.assert_array_equal(slopes, np.zeros_like(z))


def test_sinc_is_sin_over_z_with_its_limit_at_zero():
    z = np.linspace(-500, 500, 2000)  # even count: 0 is not on it
    with strict_numpy():
        values = np_sinc(z)
    np.testing.assert_allclose(values, np.sin(z) / z, rtol=1e-12, atol=1e-15)
    # NumPy's sinc is normalised: sinc(x) = sin(pi x) / (pi x).
    np.testing.assert_allclose(values, np.sinc(z / np.pi), rtol=1e-9, atol=1e-12)
    assert np_sinc(0.0) == 1.0
    assert np_sinc_derivative(0.0) == 0.0


def test_sinc_derivative_is_continuous_near_zero():
    # Around the switch to the Taylor series at |z| = 0.01 both formulas agree.
    z = np.array([-0.0100001, -0.0099999, 0.0099999, 0.0100001])
    exact = (np.cos(z) - np.sin(z) / z) / z
    np.testing.assert_allclose(np_sinc_derivative(z), exact, rtol=1e-8)
    # Closer to 0 the exact formula cancels to 0.0; the series -z/3 is right.
    z = np.array([-1e-8, 1e-12, 1e-200])
    np.testing.assert_allclose(np_sinc_derivative(z), -z / 3, rtol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_no_overflow_for_huge_inputs(case):
    name, params = case
    spec = ACTIVATION_GALLERY[name]
    z = np.array([-1e300, -1e10, -1e4, -745.0, 745.0, 1e4, 1e10, 1e300])
    # Underflow to 0 is expected far out (exp(-1e4) == 0.0); overflow is a bug.
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise",
                                                divide="raise"):  # fmt: skip
        warnings.simplefilter("error")
        values, slopes = spec.function(z, **params), spec.derivative(z, **params)
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(slopes))


@pytest.mark.parametrize("name", LECTURE_ORDER)
def test_shape_is_kept_and_lists_and_ints_work(name):
    spec = ACTIVATION_GALLERY[name]
    z = np.arange(-3, 3).reshape(2, 3)
    for f in (spec.function, spec.derivative):
        assert f(z).shape == (2, 3)
        np.testing.assert_array_equal(f(z.tolist()), f(z.astype(float)))
        assert f(1.5).shape == ()


@pytest.mark.parametrize("bad", ["abc", [1 + 2j], None, {"z": 1}])
def test_non_numbers_raise_type_error(bad):
    for spec in ACTIVATION_GALLERY.values():
        with pytest.raises(TypeError, match="expected real numbers"):
            spec.function(bad)


def test_parameters_must_be_numbers():
    with pytest.raises(TypeError, match="alpha must be a real number"):
        np_elu([1.0], alpha="1")
    with pytest.raises(TypeError, match="negative_slope must be a real number"):
        np_leaky_relu([1.0], negative_slope=None)
    with pytest.raises(TypeError, match="negative_slope"):
        np_leaky_relu_derivative([1.0], negative_slope=True)


# -- derivatives: finite differences and the backend's autodiff -------------


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_derivative_matches_central_difference(case):
    name, params = case
    spec = ACTIVATION_GALLERY[name]
    z = np.linspace(-30, 30, 3001)
    z = z[np.abs(z) > 1e-3]  # skip the kink of ReLU, leaky ReLU and step at 0
    h = 1e-6
    with strict_numpy():
        up, down = spec.function(z + h, **params), spec.function(z - h, **params)
        slopes = spec.derivative(z, **params)
    numeric = (up - down) / (2 * h)
    np.testing.assert_allclose(slopes, numeric, rtol=1e-6, atol=1e-8)


def _autodiff(fn, z: np.ndarray) -> np.ndarray:
    """Element-wise derivative of a Keras function, by the backend's autodiff."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        x = tf.constant(z)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = keras.ops.sum(fn(x))
        return tape.gradient(y, x).numpy()
    if backend == "jax":
        import jax

        return np.asarray(jax.grad(lambda x: keras.ops.sum(fn(x)))(z))
    pytest.skip(f"no autodiff helper for the {backend} backend")


@pytest.mark.parametrize("case", KERAS_CASES, ids=_id)
def test_derivative_matches_keras_autodiff(case):
    name, params = case
    spec = ACTIVATION_GALLERY[name]
    z = np.linspace(-40, 40, 1601).astype(np.float32)
    z = z[np.abs(z) > 1e-3]
    keras_fn = getattr(keras.activations, spec.keras_name)
    expected = _autodiff(lambda x: keras_fn(x, **params), z)
    ours = spec.derivative(z.astype(np.float64), **params)
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)


# -- plots -------------------------------------------------------------------


def test_gallery_plot_draws_function_and_derivative_per_panel():
    axes = plot_activation_gallery()
    assert len(axes) == 12
    for ax, spec in zip(axes, ACTIVATION_GALLERY.values(), strict=True):
        solid, dashed = (line for line in ax.get_lines() if line.get_label()[0] == "$")
        z = solid.get_xdata()
        np.testing.assert_allclose(solid.get_ydata(), spec.function(z))
        np.testing.assert_allclose(dashed.get_ydata(), spec.derivative(z))
        assert solid.get_linestyle() == "-" and dashed.get_linestyle() == "--"
        assert ax.get_title().startswith(spec.label)
    assert axes[2].get_title() == "step (not in Keras)"
    assert axes[0].get_title() == "sigmoid"
    assert axes[-1].get_xlabel() == "input $z$" and axes[0].get_xlabel() == ""
    assert axes[0].get_ylabel() and not axes[1].get_ylabel()
    assert axes[0].get_legend() is not None


def test_gallery_plot_uses_given_axes_and_checks_their_number():
    _, given = plt.subplots(1, 2)
    axes = plot_activation_gallery(
        ["relu", "tanh"], z=np.linspace(-2, 2, 5), axes=given
    )
    assert list(axes) == list(given)
    np.testing.assert_allclose(given[0].get_lines()[2].get_ydata(), [0, 0, 0, 1, 2])
    with pytest.raises(ValueError, match="got 2 axes for 3 activation functions"):
        plot_activation_gallery(["relu", "tanh", "elu"], axes=given)
    with pytest.raises(ValueError, match="1-D grid"):
        plot_activation_gallery(["relu"], z=[[1, 2]])


def test_overlay_plot_labels_each_function_and_derivative():
    _, ax = plt.subplots()
    out = plot_activation_overlay(["sigmoid", "relu"], ax=ax)
    assert out is ax
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["sigmoid", "ReLU"]
    markers = {
        line.get_marker() for line in ax.get_lines() if line.get_label()[0] != "_"
    }
    assert len(markers) == 2  # told apart by marker, not only by colour
    ax = plot_activation_overlay(["tanh"], derivative=True)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["tanh", "tanh′"]
    assert ax.get_xlabel() and ax.get_ylabel()


def test_overlay_plot_rejects_bad_names():
    with pytest.raises(ValueError, match="unknown activation"):
        plot_activation_overlay(["relu", "nope"])
    with pytest.raises(ValueError, match="at least one"):
        plot_activation_overlay([])


# -- the framework's own differentiation, as the notebook uses it -------------


@pytest.mark.parametrize("name", ["sigmoid", "relu", "mish", "softsign"])
def test_autodiff_derivative_matches_the_hand_derivative(name):
    from course.activations import autodiff_derivative

    spec = ACTIVATION_GALLERY[name]
    z = np.linspace(-6, 6, 121)
    z = z[np.abs(z) > 1e-3]
    slopes, method = autodiff_derivative(getattr(keras.activations, name), z)
    assert isinstance(method, str) and slopes.shape == z.shape
    tolerance = 1e-3 if method == "finite differences" else 1e-5
    np.testing.assert_allclose(
        slopes, spec.derivative(z), rtol=tolerance, atol=tolerance
    )


def test_softsign_formula_has_no_table_pipes():
    row = next(
        line for line in format_activation_table().splitlines() if "softsign" in line
    )
    assert row.count("|") == 6  # five cells: no |z| inside the Markdown table
    assert r"\lvert z\rvert" in row


def test_overlay_colours_have_no_grey():
    from course.activations import _LINE_COLOURS

    for colour in _LINE_COLOURS:
        r, g, b = (int(colour[k : k + 2], 16) for k in (1, 3, 5))
        assert max(r, g, b) - min(r, g, b) > 40  # not a grey
